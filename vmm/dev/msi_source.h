/* The MSI source ("vmm,msi-source", platform/memmap.h; only with --its): a device
 * behind the ITS whose whole job is to send MSIs when the guest asks, so that a guest
 * can see an LPI arrive the way a device's MSI brings it. Writing an EventID to EVENT
 * (+0, w32) makes the device write it to GITS_TRANSLATER with its DeviceID
 * (MSI_SOURCE_DEVID, which the device tree gives as msi-parent = <&its DEVID>); LAST
 * (+4, r32) says what became of the last one: 1 translated into an LPI, 0 dropped by
 * the ITS (no mapping for it, or the ITS disabled), 2 the VMM could not send it. */
#ifndef VMM_DEV_MSI_SOURCE_H
#define VMM_DEV_MSI_SOURCE_H

struct machine;
struct platform_device;

/* Its entry in the device table (vmm/devices.c): */
extern const struct mmio_ops msi_source_ops;
void *msi_source__create(struct machine *m, const struct platform_device *d);
void msi_source__reset(void *dev);
void msi_source__destroy(void *dev);
unsigned msi_source__instances(const struct machine *m);

#endif
