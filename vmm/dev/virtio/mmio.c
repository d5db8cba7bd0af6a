/* virtio-mmio transport, version 2 (virtio 1.2, 4.2), for the device types of this
 * directory. Register by register (4.2.2):
 *
 *   MagicValue "virt", Version 2, DeviceID and VendorID: read-only constants;
 *   DeviceFeatures(Sel): the offered features, 32 bits per selector value (0, 1);
 *   DriverFeatures(Sel): what the driver accepts; ignored once FEATURES_OK is set;
 *   QueueSel, QueueNumMax (0 for a queue that does not exist), QueueNum and the three
 *     ring addresses (ignored while the queue is ready), QueueReady (1 checks and maps
 *     the queue: virtqueue.c);
 *   QueueNotify: the queue is served at once, on the writing vCPU's thread, once the
 *     driver has set DRIVER_OK (2.1.2); nothing before;
 *   InterruptStatus/ACK: bit 0 used buffers, bit 1 configuration change; the SPI is
 *     high while any bit is set;
 *   Status: 0 resets the device; FEATURES_OK stays set only if the driver's features
 *     are a subset of the offered ones and include VERSION_1 (2.2.1, 6.1); the
 *     device sets DEVICE_NEEDS_RESET (64) itself, never the driver;
 *   ConfigGeneration: 0 (the configuration never changes); SHM*: no shared memory
 *     regions (lengths read as -1); QueueReset: VIRTIO_F_RING_RESET not offered, WI;
 *   0x100 on: the device's configuration space, read-only, any naturally aligned
 *     1/2/4/8-byte read, zero past its end.
 *
 * Control registers take only 32-bit aligned accesses (4.2.2 "The driver MUST only use
 * 32 bit wide and aligned reads and writes"); others are refused and the guest takes
 * an external abort, as with the exit device. A guest that breaks a queue (virtqueue.h)
 * gets DEVICE_NEEDS_RESET and, once DRIVER_OK was set, a configuration change
 * interrupt (2.1.2); the device then serves nothing until it is reset.
 * Left out: legacy (version 1) registers, notification data, shared memory regions,
 * queue reset, more than VIRTIO_MMIO_MAX_QUEUES queues. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <platform/device.h>
#include <platform/memmap.h>
#include <platform/virtio.h>

#include "mmio.h"
#include "../../bus.h"
#include "../../machine.h"
#include "../../report.h"

REPORT_LIMIT(needs_reset_reports, "virtio devices put into DEVICE_NEEDS_RESET", REPORT_BURST);
REPORT_LIMIT(ignored_writes, "ignored virtio-mmio register writes", REPORT_BURST);

#define STATUS_DRIVER_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
			    VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
			    VIRTIO_STATUS_FAILED)

/* With the lock held: the SPI follows InterruptStatus. */
static void update_irq(struct virtio_mmio *t)
{
	int level = t->interrupt_status != 0;

	if (level != t->line) {
		t->line = level;
		machine__set_irq(t->m, t->intid, level);
	}
}

/* 2.1.2: an error the device cannot recover from; the driver must reset it. */
static void needs_reset(struct virtio_mmio *t, const char *why)
{
	report_limited(&needs_reset_reports, REPORT_WARN,
		       "%s: %s: the device needs a reset (DEVICE_NEEDS_RESET)", t->name, why);
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
		update_irq(t);
	}
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	return t->queue_sel < t->be_ops->nqueues ? &t->vq[t->queue_sel] : NULL;
}

static bool serving(const struct virtio_mmio *t)
{
	return (t->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK |
			     VIRTIO_STATUS_NEEDS_RESET)) ==
	       (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
}

/* QueueNotify: every available chain, then one interrupt. At most four rounds of the
 * queue per notification, so that a vCPU refilling it cannot hold another for ever;
 * what is left waits for the next notification. */
static void serve_queue(struct virtio_mmio *t, uint32_t index)
{
	struct virtq *q = index < t->be_ops->nqueues ? &t->vq[index] : NULL;
	bool used = false;
	unsigned budget;
	char why[160];

	if (!q) {
		report_limited(&ignored_writes, REPORT_WARN, "%s: QueueNotify of queue %u, which "
			       "does not exist: ignored", t->name, index);
		return;
	}
	if (!serving(t) || !q->ready)
		return;
	for (budget = 4 * q->num; budget; budget--) {
		uint32_t written = 0;
		int got = virtq__pop(q, t->m, &t->chain, why, sizeof(why));

		if (!got)
			break;
		if (got < 0 || t->be_ops->request(t->be, index, &t->chain, &written, why,
						   sizeof(why)) != VIRTIO_REQ_DONE) {
			needs_reset(t, why);
			break;
		}
		virtq__push(q, t->chain.head, written);
		used = true;
	}
	if (used && virtq__wants_interrupt(q)) {
		t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
		update_irq(t);
	}
}

/* Status = 0 and a guest reset: everything the driver set is forgotten (2.4). */
static void reset_locked(struct virtio_mmio *t)
{
	unsigned i;

	t->status = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->interrupt_status = 0;
	for (i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		virtq__reset(&t->vq[i]);
	update_irq(t);
}

static void write_status(struct virtio_mmio *t, uint32_t v)
{
	uint32_t set = v & ~t->status;

	if (!v) {
		reset_locked(t);
		return;
	}
	v &= STATUS_DRIVER_BITS;
	/* 2.2.1 and 6.1: only offered features, VERSION_1 among them; else FEATURES_OK
	 * does not stick and the driver sees it cleared (3.1.1 step 6) */
	if ((set & VIRTIO_STATUS_FEATURES_OK) &&
	    ((t->driver_features & ~t->features) ||
	     !(t->driver_features & 1ULL << VIRTIO_F_VERSION_1)))
		v &= ~VIRTIO_STATUS_FEATURES_OK;
	t->status = v | (t->status & VIRTIO_STATUS_NEEDS_RESET);
}

static void write_queue_reg(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct virtq *q = selected_queue(t);
	char why[160];

	if (!q)
		return;
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		if (!v)
			q->ready = false;
		else if (!q->ready && virtq__enable(q, t->m, why, sizeof(why)))
			needs_reset(t, why);
		return;
	}
	if (q->ready) { /* 4.2.3.2: set up before QueueReady; later writes are ignored */
		report_limited(&ignored_writes, REPORT_WARN, "%s: register 0x%03llx of queue %u "
			       "written while the queue is ready: ignored", t->name,
			       (unsigned long long)off, t->queue_sel);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM: q->num = v; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: q->desc_gpa = (q->desc_gpa & ~0xffffffffULL) | v; break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: q->desc_gpa = (q->desc_gpa & 0xffffffffULL) | (uint64_t)v << 32; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: q->avail_gpa = (q->avail_gpa & ~0xffffffffULL) | v; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: q->avail_gpa = (q->avail_gpa & 0xffffffffULL) | (uint64_t)v << 32; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: q->used_gpa = (q->used_gpa & ~0xffffffffULL) | v; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: q->used_gpa = (q->used_gpa & 0xffffffffULL) | (uint64_t)v << 32; break;
	}
}

static void write_reg(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->device_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->driver_features_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (t->status & VIRTIO_STATUS_FEATURES_OK || t->driver_features_sel > 1)
			break; /* 3.1.1: features are final once FEATURES_OK is set */
		if (t->driver_features_sel)
			t->driver_features = (t->driver_features & 0xffffffffULL) | (uint64_t)v << 32;
		else
			t->driver_features = (t->driver_features & ~0xffffffffULL) | v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW: case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		write_queue_reg(t, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY: serve_queue(t, v & 0xffff); break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~v;
		update_irq(t);
		break;
	case VIRTIO_MMIO_STATUS: write_status(t, v); break;
	}
	/* read-only registers, QueueReset, SHMSel and reserved offsets: ignored */
}

static uint32_t read_reg(struct virtio_mmio *t, uint64_t off)
{
	struct virtq *q = selected_queue(t);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID: return t->be_ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return t->device_features_sel > 1 ? 0 :
		       (uint32_t)(t->features >> (32 * t->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_NUM_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return t->interrupt_status;
	case VIRTIO_MMIO_STATUS: return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW: case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW: case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff; /* no region of that ID */
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;
	}
	return 0; /* write-only and reserved registers */
}

/* The configuration space: little-endian, naturally aligned, zero past its end. */
static int read_config(struct virtio_mmio *t, uint64_t off, unsigned len, uint64_t *val)
{
	unsigned i;

	if (off % len)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < len; i++)
		if (off + i < t->config_len)
			*val |= (uint64_t)t->config[off + i] << (8 * i);
	return 0;
}

static int virtio_mmio_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct virtio_mmio *t = dev;

	(void)cpu;
	if (off >= VIRTIO_MMIO_CONFIG)
		return read_config(t, off - VIRTIO_MMIO_CONFIG, len, val);
	if (len != 4 || off % 4)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	*val = read_reg(t, off);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int virtio_mmio_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct virtio_mmio *t = dev;

	(void)cpu;
	if (off >= VIRTIO_MMIO_CONFIG)
		return 0; /* the configuration space is read-only: writes ignored */
	if (len != 4 || off % 4)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	write_reg(t, off, (uint32_t)val);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

const struct mmio_ops virtio_mmio_ops = { .read = virtio_mmio_read, .write = virtio_mmio_write };

void virtio_mmio__reset(void *dev)
{
	struct virtio_mmio *t = dev;

	pthread_mutex_lock(&t->lock);
	reset_locked(t);
	pthread_mutex_unlock(&t->lock);
}

struct virtio_mmio *virtio_mmio__new(struct machine *m, const struct platform_device *d,
				     const struct virtio_backend *ops, void *be,
				     uint64_t features, const uint8_t *config, size_t config_len)
{
	struct virtio_mmio *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->m = m;
	t->be_ops = ops;
	t->be = be;
	t->features = features | 1ULL << VIRTIO_F_VERSION_1;
	t->config = config;
	t->config_len = config_len;
	t->intid = GIC_SPI_BASE + (unsigned)d->spi;
	snprintf(t->name, sizeof(t->name), "%s %u at 0x%llx", ops->name, d->instance,
		 (unsigned long long)d->base);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void virtio_mmio__free(struct virtio_mmio *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}
