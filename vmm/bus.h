/* The MMIO bus: devices register address ranges; both accelerators deliver guest
 * accesses that do not hit RAM here (KVM from MMIO exits, the model from its stage-2
 * "not RAM" path). One device model, two accelerators. */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdint.h>

struct mmio_ops {
	/* off is relative to the region base; len is 1, 2, 4 or 8; cpu is the vCPU index.
	 * Return 0, or a negative errno (the access is then reported as a device error). */
	int (*read)(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu);
	int (*write)(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu);
};

struct mmio_region {
	const char *name;
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *dev;
};

#define BUS_MAX_REGIONS 64

struct bus {
	struct mmio_region regions[BUS_MAX_REGIONS];
	unsigned count;
};

/* Registration happens before vCPUs run, so lookups need no lock; devices lock
 * their own state. Returns -EEXIST on overlap, -ENOSPC when full. */
int bus__register(struct bus *bus, const struct mmio_region *region);
/* Removes the region registered at base (an engine's own devices when the VM is
 * destroyed or restarted). -ENOENT when none starts there. */
int bus__unregister(struct bus *bus, uint64_t base);
const struct mmio_region *bus__find(const struct bus *bus, uint64_t addr, unsigned len);
/* -ENODEV when no device claims [addr, addr+len). */
int bus__read(const struct bus *bus, uint64_t addr, unsigned len, uint64_t *val, unsigned cpu);
int bus__write(const struct bus *bus, uint64_t addr, unsigned len, uint64_t val, unsigned cpu);

#endif
