/* The machine's devices: one table (devices.c) of struct platform_device
 * (platform/device.h), each entry describing one device once. The machine creates and
 * registers them from it; fdt/ writes their nodes from it. */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <platform/device.h>

extern const struct platform_device machine_devices[];
extern const unsigned machine_ndevices;

#define MACHINE_MAX_DEVICES 16

#endif
