/* Exit device: two 32-bit registers, see exit.h. Reads of STATUS return the last
 * value written; other reads return 0. Accesses other than 32 bits are errors, which
 * the engine turns into an external abort for the guest. */
#include <errno.h>

#include <platform/memmap.h>

#include "exit.h"
#include "../bus.h"
#include "../machine.h"

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

const struct mmio_ops exit_dev_ops = { .read = exit_read, .write = exit_write };

/* The state is the machine's guest_status: the device needs nothing of its own. */
void *exit_dev__create(struct machine *m, const struct platform_device *d)
{
	(void)d;
	return m;
}

void exit_dev__reset(void *dev)
{
	struct machine *m = dev;

	m->guest_status = 0;
}
