/* SPDX-License-Identifier: MIT */
/*
 * The strict TLB's keep store (mmu__tlb_keep): what the L2 and the walk cache evict
 * is kept here instead of being forgotten, so that the TLB holds every translation it
 * is allowed to hold until a TLBI covering it removes it (Arm ARM D8.16.1 and "TLB
 * maintenance requirements": an entry may stay cached until invalidated, whatever the
 * capacity). Entries are pooled in an array and chained per hash bucket of
 * (tag, table, size, VA >> size): a lookup probes one chain per size present; a TLBI
 * scans the pool with the one scope function, mmu__tlbi_match.
 */
#include <stdlib.h>

#include "internal.h"

#define NONE UINT32_MAX

struct keep_ent {
	struct mmu_tlb_entry e;
	uint32_t next, prev, bucket;
};

struct mmu_tlb_keep {
	struct keep_ent *pool;
	uint32_t n, cap, max;
	uint32_t *head;          /* nbuckets chain heads */
	uint32_t nbuckets;       /* power of two */
	uint64_t shift_mask[3];  /* sizes present: [0] stage 1/combined, [1] stage 2, [2] tables */
};

static unsigned cls(const struct mmu_tlb_entry *e)
{
	return e->table ? 2 : (e->tag & 3) == MMU_TLB_S2;
}

static uint32_t bucket_of(const struct mmu_tlb_keep *k, uint32_t tag, bool table, unsigned shift,
			  uint64_t va)
{
	uint64_t h = (va >> shift) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)tag << 8 | shift << 1 | table);
	h ^= h >> 29;
	return (uint32_t)(h * 0xbf58476d1ce4e5b9ull >> 32) & (k->nbuckets - 1);
}

int mmu_tlb_keep_init(struct mmu_tlb *tlb, uint32_t max)
{
	struct mmu_tlb_keep *k = calloc(1, sizeof(*k));

	if (!k)
		return -1;
	k->max = max;
	k->nbuckets = 1u << 16;
	k->head = malloc(k->nbuckets * sizeof(*k->head));
	if (!k->head) {
		free(k);
		return -1;
	}
	for (uint32_t i = 0; i < k->nbuckets; i++)
		k->head[i] = NONE;
	tlb->keep = k;
	return 0;
}

void mmu_tlb_keep_free(struct mmu_tlb *tlb)
{
	if (tlb->keep) {
		free(tlb->keep->pool);
		free(tlb->keep->head);
		free(tlb->keep);
	}
	tlb->keep = NULL;
}

static void unlink_ent(struct mmu_tlb_keep *k, uint32_t i)
{
	struct keep_ent *p = &k->pool[i];

	if (p->prev != NONE)
		k->pool[p->prev].next = p->next;
	else
		k->head[p->bucket] = p->next;
	if (p->next != NONE)
		k->pool[p->next].prev = p->prev;
}

/* Remove pool[i]: the last entry moves into its place. */
static void remove_at(struct mmu_tlb_keep *k, uint32_t i)
{
	uint32_t last = --k->n;

	unlink_ent(k, i);
	if (i == last)
		return;
	k->pool[i] = k->pool[last];
	struct keep_ent *p = &k->pool[i];
	if (p->prev != NONE)
		k->pool[p->prev].next = i;
	else
		k->head[p->bucket] = i;
	if (p->next != NONE)
		k->pool[p->next].prev = i;
}

static bool same_slot(const struct mmu_tlb_entry *a, const struct mmu_tlb_entry *b)
{
	return a->va == b->va && a->tag == b->tag && a->shift == b->shift &&
	       a->asid == b->asid && a->global == b->global && a->table == b->table;
}

/* A fill of e replaces what the keep store holds for the same slot (a refill after an
 * AF or dirty-state update): the old value leaves the TLB (the eviction hook). */
void mmu_tlb_keep_replace(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e)
{
	struct mmu_tlb_keep *k = tlb->keep;
	uint32_t b = bucket_of(k, e->tag, e->table, e->shift, e->va);

	for (uint32_t i = k->head[b]; i != NONE; i = k->pool[i].next) {
		if (same_slot(&k->pool[i].e, e)) {
			struct mmu_tlb_entry old = k->pool[i].e;
			remove_at(k, i);
			if (tlb->evict)
				tlb->evict(tlb->evict_opaque, e->table ? MMU_TLB_WALK : MMU_TLB_L2, &old);
			return;
		}
	}
}

/* Keep an entry the L2 or walk cache evicted. Full: it leaves (the caller's eviction
 * hook sees it) and the TLB notes the overflow; returns false then. */
bool mmu_tlb_keep_add(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e)
{
	struct mmu_tlb_keep *k = tlb->keep;

	if (k->n == k->max) {
		tlb->keep_stats.dropped++;
		return false;
	}
	if (k->n == k->cap) {
		uint32_t cap = k->cap ? 2 * k->cap : 4096;
		if (cap > k->max)
			cap = k->max;
		struct keep_ent *p = realloc(k->pool, (size_t)cap * sizeof(*p));
		if (!p) {
			tlb->keep_stats.dropped++;
			return false;
		}
		k->pool = p;
		k->cap = cap;
	}
	uint32_t i = k->n++, b = bucket_of(k, e->tag, e->table, e->shift, e->va);
	struct keep_ent *p = &k->pool[i];
	p->e = *e;
	p->e.in_l1 = 0;
	p->bucket = b;
	p->prev = NONE;
	p->next = k->head[b];
	if (p->next != NONE)
		k->pool[p->next].prev = i;
	k->head[b] = i;
	k->shift_mask[cls(e)] |= 1ull << e->shift;
	tlb->keep_stats.kept++;
	if (k->n > tlb->keep_stats.peak)
		tlb->keep_stats.peak = k->n;
	return true;
}

/* The oldest kept entry translating va for (tag, asid) among stage-1/combined
 * entries (table false, s2 false), stage-2 entries (s2) or walk-cache entries of one
 * size (table: shift given); NULL if none. */
const struct mmu_tlb_entry *mmu_tlb_keep_find(struct mmu_tlb *tlb, uint64_t va, uint32_t tag,
					      uint16_t asid, bool table, unsigned table_shift)
{
	struct mmu_tlb_keep *k = tlb->keep;
	const struct mmu_tlb_entry *best = NULL;
	unsigned c = table ? 2 : (tag & 3) == MMU_TLB_S2;
	uint64_t sizes = table ? (k->shift_mask[2] & (1ull << table_shift)) : k->shift_mask[c];

	if (!k->n)
		return NULL;
	for (; sizes; sizes &= sizes - 1) {
		unsigned shift = (unsigned)__builtin_ctzll(sizes);
		uint32_t b = bucket_of(k, tag, table, shift, va);

		for (uint32_t i = k->head[b]; i != NONE; i = k->pool[i].next) {
			const struct mmu_tlb_entry *e = &k->pool[i].e;
			if (e->tag == tag && e->shift == shift && e->table == table &&
			    ((va ^ e->va) >> shift) == 0 && (e->global || e->asid == asid) &&
			    (!best || e->born < best->born))
				best = e;
		}
	}
	return best;
}

void mmu_tlb_keep_invalidate(struct mmu_tlb *tlb, const struct mmu_tlbi *op)
{
	struct mmu_tlb_keep *k = tlb->keep;

	for (uint32_t i = 0; i < k->n;) {
		if (mmu__tlbi_match(op, &k->pool[i].e)) {
			remove_at(k, i); /* pool[i] is now another entry */
			tlb->keep_stats.invalidated++;
			continue;
		}
		i++;
	}
}

uint32_t mmu__tlb_keep_count(const struct mmu_tlb *tlb)
{
	return tlb->keep ? tlb->keep->n : 0;
}
