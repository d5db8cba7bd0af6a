/* Split virtqueue, the device's side (virtio 1.2, 2.7): checks and maps the three
 * parts when the queue is enabled, takes chains from the available ring with every
 * index and address checked, and returns them on the used ring. See virtqueue.h for
 * what a hostile guest can do and what each mistake costs it. Guest memory is
 * little-endian (virtio 1.x); the fields are converted with le*toh. */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <platform/virtio.h>

#include "virtqueue.h"
#include "../../machine.h"

/* Guest memory, read or written once per field, with the ordering 2.7.13 and 2.7.8
 * ask of the device: the available index before the entries it covers (acquire), the
 * used entries before the used index (release). */
static uint16_t load16(const uint8_t *p, int order)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, order));
}

static void store16(uint8_t *p, uint16_t v, int order)
{
	__atomic_store_n((uint16_t *)p, htole16(v), order);
}

static void store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, htole32(v), __ATOMIC_RELAXED);
}

/* One part of the queue: aligned and all in RAM. */
static uint8_t *map_part(struct machine *m, uint64_t gpa, uint64_t size, uint64_t align,
			 const char *what, char *why, size_t whylen)
{
	uint8_t *p;

	if (gpa % align) {
		snprintf(why, whylen, "%s at 0x%llx is not %llu-byte aligned", what,
			 (unsigned long long)gpa, (unsigned long long)align);
		return NULL;
	}
	p = machine__gpa_to_hva(m, gpa, size);
	if (!p)
		snprintf(why, whylen, "%s [0x%llx, +0x%llx) is not in guest RAM", what,
			 (unsigned long long)gpa, (unsigned long long)size);
	return p;
}

int virtq__enable(struct virtq *q, struct machine *m, char *why, size_t whylen)
{
	uint32_t n = q->num;

	if (!n || n > VIRTQ_NUM_MAX || (n & (n - 1))) {
		snprintf(why, whylen, "queue size %u is not a power of two from 1 to %u", n,
			 VIRTQ_NUM_MAX);
		return -EINVAL;
	}
	q->desc = map_part(m, q->desc_gpa, VIRTQ_DESC_SIZE(n), VIRTQ_DESC_ALIGN,
			   "descriptor table", why, whylen);
	q->avail = q->desc ? map_part(m, q->avail_gpa, VIRTQ_AVAIL_SIZE(n), VIRTQ_AVAIL_ALIGN,
				      "available ring", why, whylen) : NULL;
	q->used = q->avail ? map_part(m, q->used_gpa, VIRTQ_USED_SIZE(n), VIRTQ_USED_ALIGN,
				      "used ring", why, whylen) : NULL;
	if (!q->used) {
		q->desc = q->avail = NULL;
		return -EINVAL;
	}
	q->last_avail = q->used_idx = 0;
	q->ready = true;
	return 0;
}

void virtq__reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

/* 2.7.5: le64 addr, le32 len, le16 flags, le16 next; copied out once. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc read_desc(const struct virtq *q, uint16_t i)
{
	struct desc d;

	memcpy(&d, q->desc + 16 * (size_t)i, sizeof(d));
	d.addr = le64toh(d.addr);
	d.len = le32toh(d.len);
	d.flags = le16toh(d.flags);
	d.next = le16toh(d.next);
	return d;
}

static int __attribute__((format(printf, 3, 4)))
broken(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int virtq__pop(struct virtq *q, struct machine *m, struct virtq_chain *c, char *why,
	       size_t whylen)
{
	uint16_t avail_idx, pending, i;
	unsigned n = 0;

	if (!q->ready)
		return 0;
	avail_idx = load16(q->avail + 2, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(avail_idx - q->last_avail);
	if (!pending)
		return 0;
	if (pending > q->num) /* 2.7.6: the driver has at most Queue Size entries out */
		return broken(why, whylen, "available index moved by %u, more than the queue size %u",
			      pending, q->num);
	i = c->head = load16(q->avail + 4 + 2 * (q->last_avail % q->num), __ATOMIC_RELAXED);
	if (i >= q->num)
		return broken(why, whylen, "available ring gives head %u, past the queue size %u",
			      i, q->num);
	for (;;) {
		struct desc d = read_desc(q, i);
		struct virtq_seg *s = &c->seg[n];

		if (d.flags & VIRTQ_DESC_F_INDIRECT) /* 2.7.5.3.1: not negotiated */
			return broken(why, whylen, "descriptor %u is indirect (not offered)", i);
		s->gpa = d.addr;
		s->len = d.len;
		s->write = d.flags & VIRTQ_DESC_F_WRITE;
		s->hva = machine__gpa_to_hva(m, d.addr, d.len);
		n++;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (n == q->num) /* 2.7.5.2: a chain is at most Queue Size long; more is a loop */
			return broken(why, whylen, "chain from head %u is longer than the queue size %u",
				      c->head, q->num);
		i = d.next;
		if (i >= q->num)
			return broken(why, whylen, "descriptor chains to %u, past the queue size %u",
				      i, q->num);
	}
	c->nseg = n;
	q->last_avail++;
	return 1;
}

void virtq__push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e = q->used + 4 + 8 * (size_t)(q->used_idx % q->num);

	store32(e, head);
	store32(e + 4, len);
	q->used_idx++;
	store16(q->used + 2, q->used_idx, __ATOMIC_RELEASE);
}

bool virtq__wants_interrupt(const struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the used index before the flags (2.7.7) */
	return !(load16(q->avail, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}
