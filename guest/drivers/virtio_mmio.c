/*
 * virtio over MMIO, version 2 (virtio 1.2, 4.2; Linux: drivers/virtio/virtio_mmio.c and
 * virtio_ring.c): devices found through "virtio,mmio" nodes of the device tree, the
 * initialisation sequence of 3.1.1 and 4.2.3.1, and one split virtqueue (2.7) whose
 * descriptors are handed out from a free list. Completion is polled: the driver sets
 * VIRTQ_AVAIL_F_NO_INTERRUPT and reads the used ring, so no SPI is needed (there is no
 * request path for SPIs yet). Left out from Linux: legacy (version 1) devices, indirect
 * descriptors, event index, packed rings, interrupt-driven completion, configuration
 * change handling, shared memory regions, queue reset, removal.
 */
#include <kernel.h>
#include <fdt.h>
#include <setup.h>
#include <asm/io.h>
#include <asm/memory.h>
#include <asm/sysreg.h>
#include <linux/gfp.h>
#include <linux/virtio.h>

static u32 rd(struct virtio_mmio_dev *d, unsigned int off)
{
	return readl((char *)d->base + off);
}

static void wr(struct virtio_mmio_dev *d, unsigned int off, u32 v)
{
	writel(v, (char *)d->base + off);
}

static int node_spi(const void *fdt, int node)
{
	int len;
	const u32 *irq = fdt__getprop(fdt, node, "interrupts", &len);

	if (!irq || len < 12 || fdt32_to_cpu(irq[0]) != 0)	/* <GIC_SPI n flags> */
		return -1;
	return (int)fdt32_to_cpu(irq[1]);
}

int virtio_mmio_find(u32 device_id, struct virtio_mmio_dev *devs, int max)
{
	const void *fdt = machine.fdt;
	int node = -1, found = 0;

	while ((node = fdt__node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0) {
		struct virtio_mmio_dev d = { .spi = node_spi(fdt, node) };
		u64 base, size;

		if (!fdt__node_is_enabled(fdt, node) || fdt__get_reg(fdt, node, 0, &base, &size) ||
		    size < VIRTIO_MMIO_CONFIG)
			continue;
		d.pa = base;
		d.base = ioremap(base, size);
		if (!d.base)
			break;	/* out of ioremap space: what was found is reported */
		if (rd(&d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
			continue;
		d.device_id = rd(&d, VIRTIO_MMIO_DEVICE_ID);
		if (!d.device_id || (device_id && d.device_id != device_id))
			continue;	/* an empty slot, or another type */
		if (rd(&d, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN) {
			printk("virtio-mmio at %#lx: version %u (legacy) device %u not driven "
			       "(QEMU: -global virtio-mmio.force-legacy=false)\n", base,
			       rd(&d, VIRTIO_MMIO_VERSION), d.device_id);
			continue;
		}
		if (found < max)
			devs[found] = d;
		found++;
	}
	return found;
}

u32 virtio_mmio_status(struct virtio_mmio_dev *dev)
{
	return rd(dev, VIRTIO_MMIO_STATUS);
}

/* 3.1.1 Driver Requirements: Device Initialization, steps 1 to 6. */
int virtio_mmio_negotiate(struct virtio_mmio_dev *dev, u64 wanted)
{
	u64 offered;

	wr(dev, VIRTIO_MMIO_STATUS, 0);
	while (rd(dev, VIRTIO_MMIO_STATUS))	/* 4.2.3.1.1: reset done when it reads 0 */
		cpu_relax();
	wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered = (u64)rd(dev, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered |= rd(dev, VIRTIO_MMIO_DEVICE_FEATURES);
	dev->features = offered & (wanted | 1UL << VIRTIO_F_VERSION_1);
	if (!(dev->features & 1UL << VIRTIO_F_VERSION_1))
		goto failed;	/* a legacy-only device: not driven here */
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (u32)(dev->features >> 32));
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(dev, VIRTIO_MMIO_DRIVER_FEATURES, (u32)dev->features);
	wr(dev, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	if (rd(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)
		return 0;
failed:
	wr(dev, VIRTIO_MMIO_STATUS, rd(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	return -ENODEV;
}

void virtio_mmio_driver_ok(struct virtio_mmio_dev *dev)
{
	wr(dev, VIRTIO_MMIO_STATUS, rd(dev, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* 4.2.2: 32-bit fields with 32-bit accesses; a 64-bit field is read as two halves,
 * again while ConfigGeneration changes under it (2.5.1). Sizes 1, 2 and 4 here. */
u32 virtio_mmio_config_read(struct virtio_mmio_dev *dev, unsigned int off, int size)
{
	volatile void *p = (char *)dev->base + VIRTIO_MMIO_CONFIG + off;
	u32 v;

	if (size == 1)
		v = *(volatile u8 *)p;
	else if (size == 2)
		v = *(volatile u16 *)p;
	else
		v = readl_relaxed(p);
	dmb(oshld);
	return v;
}

/* A 64-bit field as two 32-bit reads, again if ConfigGeneration moved meanwhile. */
u64 virtio_mmio_config_read64(struct virtio_mmio_dev *dev, unsigned int off)
{
	u32 gen, lo, hi;

	do {
		gen = rd(dev, VIRTIO_MMIO_CONFIG_GENERATION);
		lo = virtio_mmio_config_read(dev, off, 4);
		hi = virtio_mmio_config_read(dev, off + 4, 4);
	} while (gen != rd(dev, VIRTIO_MMIO_CONFIG_GENERATION));
	return (u64)hi << 32 | lo;
}

static void write_addr(struct virtio_mmio_dev *dev, unsigned int low, const void *p)
{
	u64 pa = virt_to_phys(p);

	wr(dev, low, (u32)pa);
	wr(dev, low + 4, (u32)(pa >> 32));
}

/* 4.2.3.2 Virtqueue Configuration. The three parts in one zeroed page run (the
 * descriptor table first: every part is then aligned as the table of 2.7 asks). */
int virtqueue_setup(struct virtqueue *vq, struct virtio_mmio_dev *dev, unsigned int index,
		    u16 max_num)
{
	u32 num_max, num;
	size_t bytes;
	unsigned int order = 0;
	unsigned long mem;

	wr(dev, VIRTIO_MMIO_QUEUE_SEL, index);
	if (rd(dev, VIRTIO_MMIO_QUEUE_READY))
		return -EINVAL;
	num_max = rd(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (!num_max)
		return -ENODEV;
	for (num = 1; num * 2 <= num_max && num * 2 <= max_num; num *= 2)
		;	/* a power of two (2.7) */
	bytes = ALIGN(VIRTQ_DESC_SIZE(num) + VIRTQ_AVAIL_SIZE(num), VIRTQ_USED_ALIGN) +
		VIRTQ_USED_SIZE(num);
	while ((PAGE_SIZE << order) < bytes)
		order++;
	mem = __get_free_pages(__GFP_ZERO, order);
	if (!mem)
		return -ENOMEM;
	*vq = (struct virtqueue){ .dev = dev, .index = index, .num = (u16)num };
	spin_lock_init(&vq->lock);
	vq->desc = (struct virtq_desc *)mem;
	vq->avail = (struct virtq_avail *)(mem + VIRTQ_DESC_SIZE(num));
	vq->used = (struct virtq_used *)(mem + ALIGN(VIRTQ_DESC_SIZE(num) + VIRTQ_AVAIL_SIZE(num),
						      VIRTQ_USED_ALIGN));
	for (u32 i = 0; i + 1 < num; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->num_free = (u16)num;
	vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;	/* polled */
	wr(dev, VIRTIO_MMIO_QUEUE_NUM, num);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, vq->desc);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, vq->avail);
	write_addr(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, vq->used);
	wr(dev, VIRTIO_MMIO_QUEUE_READY, 1);
	return rd(dev, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : -EIO;
}

/* Put the chain on the free list again (Linux: detach_buf_split). */
static void free_chain(struct virtqueue *vq, u16 head)
{
	u16 i = head;

	vq->num_free++;
	while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc[i].next;
		vq->num_free++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
}

static int wait_used(struct virtqueue *vq, u16 head, u32 *len, unsigned int timeout_ms)
{
	u64 end = read_sysreg(cntvct_el0) + (u64)machine.timer_freq / 1000 * timeout_ms;

	for (;;) {
		u16 idx = READ_ONCE(vq->used->idx);

		if (idx != vq->last_used) {
			dmb(oshld);	/* the element after the index (virtio_rmb) */
			struct virtq_used_elem e = vq->used->ring[vq->last_used % vq->num];

			vq->last_used++;
			if (e.id >= vq->num)
				return -EIO;
			free_chain(vq, (u16)e.id);
			if (e.id != head)
				continue;	/* cannot happen: one request at a time */
			*len = e.len;
			return 0;
		}
		if (virtio_mmio_status(vq->dev) & VIRTIO_STATUS_NEEDS_RESET)
			return -EIO;
		if (read_sysreg(cntvct_el0) > end)
			return -ETIMEDOUT;
		cpu_relax();
	}
}

/* 2.7.13 Supplying Buffers to The Device: one request at a time under the lock. */
int virtqueue_submit_wait(struct virtqueue *vq, const struct virtio_sg *sg, unsigned int nout,
			  unsigned int nin, u32 *len, unsigned int timeout_ms)
{
	unsigned int n = nout + nin, k;
	u16 head, i, prev = 0;
	int ret;

	if (!n)
		return -EINVAL;
	for (k = 0; k < n; k++) {
		u64 va = (u64)sg[k].buf;
		if (!is_linear_addr(va) && !is_kimage_addr(va))
			return -EINVAL;	/* vmalloc: not physically contiguous */
	}
	spin_lock(&vq->lock);
	if (vq->num_free < n) {
		spin_unlock(&vq->lock);
		return -ENOSPC;
	}
	head = i = vq->free_head;
	for (k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = virt_to_phys(sg[k].buf);
		d->len = sg[k].len;
		d->flags = (k >= nout ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		prev = i;
		i = d->next;
	}
	vq->free_head = vq->desc[prev].next;
	vq->num_free -= n;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	dmb(oshst);	/* the entry before the index (virtio_wmb) */
	WRITE_ONCE(vq->avail->idx, vq->avail->idx + 1);
	wr(vq->dev, VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);	/* writel orders it after */
	ret = wait_used(vq, head, len, timeout_ms);
	spin_unlock(&vq->lock);
	return ret;
}
