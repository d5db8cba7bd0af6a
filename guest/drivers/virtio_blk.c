/*
 * virtio-blk driver (virtio 1.2, 5.2; Linux: drivers/block/virtio_blk.c): every
 * "virtio,mmio" device of DeviceID 2, probed once on first use. Features asked for:
 * VERSION_1, RO and FLUSH; one request queue; each request is a header (device-
 * readable), data, and a status byte (device-writable), in three descriptors, waited for
 * by polling. Left out from Linux: the block layer and request merging, multiple
 * queues, geometry/topology/blk_size, discard and write-zeroes, write-cache toggling,
 * interrupts, hot removal.
 */
#include <kernel.h>
#include <string.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/virtio_blk.h>

static struct virtio_blk disks[VIRTIO_BLK_MAX_DISKS];
static int nr_disks = -1;	/* not probed yet */
static DEFINE_SPINLOCK(probe_lock);

static int probe_one(struct virtio_blk *b)
{
	int ret = virtio_mmio_negotiate(&b->mmio, 1UL << VIRTIO_BLK_F_RO |
					1UL << VIRTIO_BLK_F_FLUSH);

	if (ret)
		return ret;
	spin_lock_init(&b->req_lock);
	b->ro = b->mmio.features & 1UL << VIRTIO_BLK_F_RO;
	b->flush = b->mmio.features & 1UL << VIRTIO_BLK_F_FLUSH;
	b->capacity = virtio_mmio_config_read64(&b->mmio, VIRTIO_BLK_CFG_CAPACITY);
	b->hdr = kmalloc(sizeof(*b->hdr), GFP_KERNEL);
	b->status = kmalloc(1, GFP_KERNEL);
	if (!b->hdr || !b->status)
		return -ENOMEM;
	ret = virtqueue_setup(&b->vq, &b->mmio, 0, 16);
	if (ret)
		return ret;
	virtio_mmio_driver_ok(&b->mmio);
	return 0;
}

int virtio_blk_probe(void)
{
	struct virtio_mmio_dev found[VIRTIO_BLK_MAX_DISKS];
	int n;

	spin_lock(&probe_lock);
	if (nr_disks >= 0)
		goto out;
	n = virtio_mmio_find(VIRTIO_ID_BLOCK, found, VIRTIO_BLK_MAX_DISKS);
	if (n > VIRTIO_BLK_MAX_DISKS) {
		printk("virtio_blk: %d disks, driving the first %d\n", n, VIRTIO_BLK_MAX_DISKS);
		n = VIRTIO_BLK_MAX_DISKS;
	}
	nr_disks = 0;
	for (int i = 0; i < n; i++) {
		struct virtio_blk *b = &disks[nr_disks];
		int ret;

		*b = (struct virtio_blk){ .mmio = found[i], .index = (unsigned int)nr_disks };
		ret = probe_one(b);
		if (ret) {
			printk("virtio_blk: device at %#lx: probe failed (%d)\n", found[i].pa, ret);
			continue;
		}
		printk("virtio_blk: vd%c at %#lx (SPI %d): %lu sectors%s\n", 'a' + nr_disks,
		       b->mmio.pa, b->mmio.spi, b->capacity, b->ro ? ", read-only" : "");
		nr_disks++;
	}
out:
	spin_unlock(&probe_lock);
	return nr_disks;
}

struct virtio_blk *virtio_blk_get(unsigned int n)
{
	return (int)n < virtio_blk_probe() ? &disks[n] : NULL;
}

int virtio_blk_request(struct virtio_blk *b, u32 type, u64 sector, void *data, u32 len,
		       bool dev_writes, u32 *used_len)
{
	struct virtio_sg sg[3] = { { b->hdr, sizeof(*b->hdr) } };
	unsigned int nout = 1, nin = 1, n = 1;
	int ret;

	spin_lock(&b->req_lock);
	*b->hdr = (struct virtio_blk_req_hdr){ .type = type, .sector = sector };
	*b->status = 0xff;	/* a device that writes nothing is seen */
	if (len) {
		sg[n++] = (struct virtio_sg){ data, len };
		if (dev_writes)
			nin++;
		else
			nout++;
	}
	sg[n] = (struct virtio_sg){ b->status, 1 };
	ret = virtqueue_submit_wait(&b->vq, sg, nout, nin, used_len, VIRTIO_BLK_TIMEOUT_MS);
	if (!ret)
		ret = READ_ONCE(*b->status);
	spin_unlock(&b->req_lock);
	return ret;
}

static int status_errno(int status)
{
	if (status < 0)
		return status;
	return status == VIRTIO_BLK_S_OK ? 0 : status == VIRTIO_BLK_S_UNSUPP ? -EOPNOTSUPP : -EIO;
}

static int rw(struct virtio_blk *b, u32 type, u64 sector, void *buf, unsigned int nsect)
{
	u32 used;

	if (sector > b->capacity || nsect > b->capacity - sector || !nsect ||
	    nsect > (u32)-1 / VIRTIO_BLK_SECTOR_SIZE)
		return -EINVAL;
	return status_errno(virtio_blk_request(b, type, sector, buf, nsect * VIRTIO_BLK_SECTOR_SIZE,
					       type == VIRTIO_BLK_T_IN, &used));
}

int virtio_blk_read(struct virtio_blk *b, u64 sector, void *buf, unsigned int nsect)
{
	return rw(b, VIRTIO_BLK_T_IN, sector, buf, nsect);
}

int virtio_blk_write(struct virtio_blk *b, u64 sector, const void *buf, unsigned int nsect)
{
	if (b->ro)
		return -EROFS;
	return rw(b, VIRTIO_BLK_T_OUT, sector, (void *)buf, nsect);
}

int virtio_blk_flush(struct virtio_blk *b)
{
	u32 used;

	if (!b->flush)
		return 0;	/* no volatile cache to flush (5.2.6.1) */
	return status_errno(virtio_blk_request(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false, &used));
}

int virtio_blk_get_id(struct virtio_blk *b, char *id)
{
	char *buf = kmalloc(VIRTIO_BLK_ID_BYTES, GFP_KERNEL);
	u32 used;
	int ret;

	if (!buf)
		return -ENOMEM;
	memset(buf, 0, VIRTIO_BLK_ID_BYTES);
	ret = status_errno(virtio_blk_request(b, VIRTIO_BLK_T_GET_ID, 0, buf, VIRTIO_BLK_ID_BYTES,
					      true, &used));
	memcpy(id, buf, VIRTIO_BLK_ID_BYTES);
	id[VIRTIO_BLK_ID_BYTES] = 0;
	kfree(buf);
	return ret;
}
