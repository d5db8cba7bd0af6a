/*
 * virtio over MMIO, the driver's side (drivers/virtio_mmio.c): finding devices in the
 * device tree, the status and feature handshake, and one split virtqueue (Linux:
 * include/linux/virtio.h, virtio_config.h, virtio_ring.h, uapi/linux/virtio_mmio.h).
 * Register offsets and bits come from <platform/virtio.h> (virtio 1.2 numbers).
 * Left out from Linux: the virtio bus and driver matching, legacy (version 1) devices,
 * indirect descriptors, event index, packed rings, interrupts (completion is polled:
 * there is no SPI request path yet), more than one queue per device.
 */
#ifndef LINUX_VIRTIO_H
#define LINUX_VIRTIO_H
#include <types.h>
#include <linux/spinlock.h>
#include <platform/virtio.h>

#ifndef EIO
#define EIO 5
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef ENODEV
#define ENODEV 19
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif
#ifndef EROFS
#define EROFS 30
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 95
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif

/* One "virtio,mmio" node whose DeviceID is not 0. */
struct virtio_mmio_dev {
	void *base;		/* the registers, ioremapped */
	phys_addr_t pa;
	u32 device_id;
	int spi;		/* from "interrupts" (GIC SPI number), -1 if none */
	u64 features;		/* negotiated */
};

/* The split virtqueue (virtio 1.2, 2.7), little-endian = the CPU's. */
struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};
struct virtq_used_elem {
	u32 id;
	u32 len;
};
struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[];
};

struct virtqueue {
	struct virtio_mmio_dev *dev;
	unsigned int index;
	u16 num;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	u16 free_head, num_free, last_used;
	spinlock_t lock;
};

/* One buffer of a request: device-readable (out) or device-writable (in). Must be in
 * the linear map or the kernel image (physically contiguous): not vmalloc. */
struct virtio_sg {
	void *buf;
	u32 len;
};

/* Fills devs[0..max) with the devices of type device_id (0: any), in device-tree
 * order; returns how many there are (possibly more than max). Slots whose DeviceID is
 * 0 (QEMU virt has 32 transports, most empty) and version-1 devices are skipped. */
int virtio_mmio_find(u32 device_id, struct virtio_mmio_dev *devs, int max);
/* Reset, ACKNOWLEDGE, DRIVER, then FEATURES_OK with (offered & wanted): VERSION_1 is
 * required. 0, or -ENODEV when the device refuses (FAILED is then set). */
int virtio_mmio_negotiate(struct virtio_mmio_dev *dev, u64 wanted);
/* Queue index on dev, with up to max_num entries (the device's QueueNumMax caps it). */
int virtqueue_setup(struct virtqueue *vq, struct virtio_mmio_dev *dev, unsigned int index,
		    u16 max_num);
void virtio_mmio_driver_ok(struct virtio_mmio_dev *dev);
u32 virtio_mmio_status(struct virtio_mmio_dev *dev);
u32 virtio_mmio_config_read(struct virtio_mmio_dev *dev, unsigned int off, int size);
u64 virtio_mmio_config_read64(struct virtio_mmio_dev *dev, unsigned int off);
/* Offer sg[0..nout) device-readable then sg[nout..nout+nin) device-writable, notify,
 * and wait (polling, timeout_ms) for the device to use it; *len is what it wrote.
 * -ENOSPC when the queue is full, -ETIMEDOUT, -EIO if the device needs a reset. */
int virtqueue_submit_wait(struct virtqueue *vq, const struct virtio_sg *sg, unsigned int nout,
			  unsigned int nin, u32 *len, unsigned int timeout_ms);
#endif
