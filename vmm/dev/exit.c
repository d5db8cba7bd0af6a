/* Exit device: two 32-bit registers, see exit.h. Reads of STATUS return the last
 * value written; other reads return 0. Accesses other than 32 bits are errors. */
#include <errno.h>

#include "exit.h"
#include "../machine.h"
#include "../memmap.h"

static int exit_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct machine *m = dev;

	(void)cpu;
	if (len != 4)
		return -EINVAL;
	*val = off == EXIT_DEV_STATUS ? m->guest_status : 0;
	return 0;
}

static int exit_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct machine *m = dev;

	(void)cpu;
	if (len != 4)
		return -EINVAL;
	if (off == EXIT_DEV_STATUS)
		m->guest_status = (uint32_t)val;
	else if (off == EXIT_DEV_EXIT)
		machine__stop(m, VM_STOP_EXIT, (int)(uint32_t)val);
	return 0;
}

static const struct mmio_ops exit_ops = { .read = exit_read, .write = exit_write };

int exit_dev__create(struct machine *m)
{
	const struct mmio_region r = { "exit", EXIT_DEV_BASE, EXIT_DEV_SIZE, &exit_ops, m };

	return bus__register(&m->bus, &r);
}
