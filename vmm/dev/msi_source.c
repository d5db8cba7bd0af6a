/* The MSI source: see msi_source.h. Its MSIs go through the engine
 * (accel_ops.signal_msi: KVM_SIGNAL_MSI on KVM), which is where an ITS is. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <platform/memmap.h>

#include "msi_source.h"
#include "../bus.h"
#include "../machine.h"

struct msi_source {
	struct machine *m;
	atomic_uint last;
};

static int msi_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct msi_source *s = dev;

	(void)cpu;
	if (len != 4)
		return -EINVAL;
	*val = off == MSI_SOURCE_LAST ? atomic_load(&s->last) : 0;
	return 0;
}

static int msi_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct msi_source *s = dev;
	int ret;

	(void)cpu;
	if (len != 4)
		return -EINVAL;
	if (off != MSI_SOURCE_EVENT)
		return 0;
	ret = machine__signal_msi(s->m, MSI_SOURCE_DEVID, (uint32_t)val);
	atomic_store(&s->last, ret < 0 ? 2u : (unsigned)ret);
	return 0;
}

const struct mmio_ops msi_source_ops = { .read = msi_read, .write = msi_write };

void *msi_source__create(struct machine *m, const struct platform_device *d)
{
	struct msi_source *s = calloc(1, sizeof(*s));

	(void)d;
	if (s)
		s->m = m;
	return s;
}

void msi_source__reset(void *dev)
{
	struct msi_source *s = dev;

	atomic_store(&s->last, 0);
}

void msi_source__destroy(void *dev)
{
	free(dev);
}

/* Only where there is an ITS for its MSIs to go to. */
unsigned msi_source__instances(const struct machine *m)
{
	return m->cfg.its ? 1 : 0;
}
