/* The MMIO bus: a short, fixed table of device regions. Lookups are a linear scan;
 * with a handful of devices that is faster than anything cleverer. */
#include <errno.h>
#include <stddef.h>

#include "bus.h"

static int overlaps(const struct mmio_region *r, uint64_t base, uint64_t size)
{
	return base < r->base + r->size && r->base < base + size;
}

int bus__register(struct bus *bus, const struct mmio_region *region)
{
	unsigned i;

	if (!region->size || region->base + region->size < region->base)
		return -EINVAL;
	for (i = 0; i < bus->count; i++)
		if (overlaps(&bus->regions[i], region->base, region->size))
			return -EEXIST;
	if (bus->count == BUS_MAX_REGIONS)
		return -ENOSPC;
	bus->regions[bus->count++] = *region;
	return 0;
}

int bus__unregister(struct bus *bus, uint64_t base)
{
	unsigned i;

	for (i = 0; i < bus->count; i++) {
		if (bus->regions[i].base != base)
			continue;
		bus->regions[i] = bus->regions[--bus->count];
		return 0;
	}
	return -ENOENT;
}

const struct mmio_region *bus__find(const struct bus *bus, uint64_t addr, unsigned len)
{
	unsigned i;

	for (i = 0; i < bus->count; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (addr >= r->base && addr - r->base + len <= r->size)
			return r;
	}
	return NULL;
}

int bus__read(const struct bus *bus, uint64_t addr, unsigned len, uint64_t *val, unsigned cpu)
{
	const struct mmio_region *r = bus__find(bus, addr, len);

	if (!r || !r->ops->read)
		return -ENODEV;
	*val = 0;
	return r->ops->read(r->dev, addr - r->base, len, val, cpu);
}

int bus__write(const struct bus *bus, uint64_t addr, unsigned len, uint64_t val, unsigned cpu)
{
	const struct mmio_region *r = bus__find(bus, addr, len);

	if (!r || !r->ops->write)
		return -ENODEV;
	return r->ops->write(r->dev, addr - r->base, len, val, cpu);
}
