/* The machine's devices: one table (devices.c) of struct platform_device
 * (platform/device.h), each entry describing one device, or one kind of device that
 * the configuration asks for several times (--disk), once. The machine expands it into
 * the devices of this run (devices__place), creates and registers those; fdt/ writes
 * their nodes from the same placed list. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stddef.h>

#include <platform/device.h>

struct machine;

extern const struct platform_device machine_devices[];
extern const unsigned machine_ndevices;

#define MACHINE_MAX_DEVICES 16
/* --disk: virtio-mmio slots 0..7 (docs/virtio.md); the slots above are left for other
 * virtio device types. */
#define MACHINE_MAX_DISKS 8

/* The table placed for machine m's configuration: each entry once, or instances() times
 * (instance n at base + n * stride, SPI spi + n). Fills out[0..max) and *count; 0, or
 * -ENOSPC / -EINVAL with why (more devices than max, more instances than an entry
 * allows). */
int devices__place(const struct machine *m, struct platform_device *out, unsigned max,
		   unsigned *count, char *why, size_t whylen);

#endif
