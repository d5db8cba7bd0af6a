/* The exit device ("vmm,exit", platform/memmap.h): the guest's way to hand vmm its
 * status. STATUS (+0, w32) is the status a later PSCI SYSTEM_OFF exits with; EXIT
 * (+4, w32) stops the VM at once with the value written. */
#ifndef VMM_DEV_EXIT_H
#define VMM_DEV_EXIT_H

struct machine;
struct platform_device;

/* Its entry in the device table (vmm/devices.c): */
extern const struct mmio_ops exit_dev_ops;
void *exit_dev__create(struct machine *m, const struct platform_device *d);
void exit_dev__reset(void *dev);

#endif
