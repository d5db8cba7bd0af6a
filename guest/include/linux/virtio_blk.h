/*
 * virtio-blk, the driver's side (drivers/virtio_blk.c; Linux: drivers/block/virtio_blk.c,
 * include/uapi/linux/virtio_blk.h). Disks are "virtio,mmio" devices of DeviceID 2,
 * probed once on first use, numbered in device-tree order. Requests are synchronous:
 * one at a time per disk, completion polled. Buffers must be in the linear map or the
 * kernel image (see struct virtio_sg).
 */
#ifndef LINUX_VIRTIO_BLK_H
#define LINUX_VIRTIO_BLK_H
#include <types.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>

#define VIRTIO_BLK_MAX_DISKS 8
#define VIRTIO_BLK_TIMEOUT_MS 5000

struct virtio_blk_req_hdr {
	u32 type;
	u32 reserved;
	u64 sector;
};

struct virtio_blk {
	struct virtio_mmio_dev mmio;
	struct virtqueue vq;
	unsigned int index;
	u64 capacity;			/* 512-byte sectors */
	bool ro;			/* VIRTIO_BLK_F_RO offered */
	bool flush;			/* VIRTIO_BLK_F_FLUSH negotiated */
	struct virtio_blk_req_hdr *hdr;	/* kmalloc'd: the device reads them by address */
	u8 *status;
	/* one request at a time: hdr and status are the disk's own, so a second CPU
	 * (kswapd writing out while a fault swaps in) must not rewrite them mid-request */
	spinlock_t req_lock;
};

/* Probes on the first call; the number of disks found (at most VIRTIO_BLK_MAX_DISKS). */
int virtio_blk_probe(void);
struct virtio_blk *virtio_blk_get(unsigned int n);	/* NULL past the last */
/* 0, -EIO (VIRTIO_BLK_S_IOERR), -EROFS, -EINVAL (beyond the capacity, bad buffer). */
int virtio_blk_read(struct virtio_blk *b, u64 sector, void *buf, unsigned int nsect);
int virtio_blk_write(struct virtio_blk *b, u64 sector, const void *buf, unsigned int nsect);
int virtio_blk_flush(struct virtio_blk *b);
/* The device ID string (VIRTIO_BLK_T_GET_ID), NUL-terminated in id[21]. */
int virtio_blk_get_id(struct virtio_blk *b, char *id);
/* Any request as it is, checked by nobody: data is device-writable if dev_writes.
 * Returns the status byte the device wrote (VIRTIO_BLK_S_*) or -errno of the queue;
 * *used_len is the used element's length. For the tests. */
int virtio_blk_request(struct virtio_blk *b, u32 type, u64 sector, void *data, u32 len,
		       bool dev_writes, u32 *used_len);
#endif
