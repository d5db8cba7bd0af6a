/* The device's side of a split virtqueue (virtio 1.2, 2.7), over guest RAM that the
 * guest may have filled with anything. Every address and length the guest gives is
 * checked against RAM (machine__gpa_to_hva) before it is used; everything read from the
 * rings is read once into a local copy, so a guest changing it meanwhile cannot make the
 * device act on a value it did not check.
 *
 * What the guest can get wrong falls in two kinds:
 *  - the queue itself cannot be trusted (rings outside RAM or misaligned, a Queue Size
 *    that is not a power of two, the available index moving by more than the queue
 *    size, a head or next index past the table, a chain longer than the queue (a
 *    loop), an indirect descriptor, which is not offered): virtq__enable and virtq__pop
 *    fail and say why; the transport then sets DEVICE_NEEDS_RESET;
 *  - one buffer is bad (outside RAM, over MMIO): the segment is returned with hva NULL
 *    and the device fails that request (VIRTIO_BLK_S_IOERR) and goes on.
 * Left out: indirect descriptors, VIRTIO_F_EVENT_IDX, packed virtqueues, in-order use. */
#ifndef VMM_VIRTIO_VIRTQUEUE_H
#define VMM_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* QueueNumMax of every queue here: the longest chain, and the segments of one. */
#define VIRTQ_NUM_MAX 256

struct virtq {
	uint32_t num;           /* QueueNum as written (checked by virtq__enable) */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool ready;
	/* set by virtq__enable: host addresses of the three parts, all in RAM */
	uint8_t *desc, *avail, *used;
	uint16_t last_avail;    /* the next available entry to take */
	uint16_t used_idx;      /* the device's own copy: the guest's is never read */
};

/* One descriptor of a chain: [gpa, gpa + len), device-writable or readable. hva is
 * NULL when the buffer is not all in guest RAM. */
struct virtq_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;
	uint8_t *hva;
};

struct virtq_chain {
	uint16_t head;
	unsigned nseg;
	struct virtq_seg seg[VIRTQ_NUM_MAX];
};

/* QueueReady = 1: checks num (a power of two, 1..VIRTQ_NUM_MAX) and the three parts
 * (aligned as the table of 2.7 asks, all in RAM) and maps them. 0, or -EINVAL with why. */
int virtq__enable(struct virtq *q, struct machine *m, char *why, size_t whylen);
/* Back to the reset state: not ready, num and addresses 0, indices 0. */
void virtq__reset(struct virtq *q);
/* The next available chain: 1 with c filled, 0 if none, -EINVAL (the queue cannot be
 * trusted) with why. */
int virtq__pop(struct virtq *q, struct machine *m, struct virtq_chain *c, char *why,
	       size_t whylen);
/* Returns chain head as used with len bytes written (2.7.8), index after the entry. */
void virtq__push(struct virtq *q, uint16_t head, uint32_t len);
/* The driver has not suppressed used buffer notifications (VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq__wants_interrupt(const struct virtq *q);

#endif
