/* SPDX-License-Identifier: MIT */
/*
 * The TLB model: L1I and L1D in front of a unified L2, each sets x ways with LRU
 * replacement, plus an optional walk cache of stage-1 table descriptors. L1 entries
 * are indexed by the 4 KiB page of the access; L2 and walk-cache entries by their own
 * size, probing each size present.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

const struct mmu_tlb_config mmu_tlb_default_config = {
	.l1i = { 16, 4 }, .l1d = { 16, 4 }, .l2 = { 256, 4 }, .s2_entries = true,
	.walk = { 16, 4 },
};

static bool geom_ok(const struct mmu_tlb_geom *g)
{
	return g->sets == 0 || ((g->sets & (g->sets - 1)) == 0 && g->ways > 0);
}

struct mmu_tlb *mmu__tlb_create(const struct mmu_tlb_config *cfg)
{
	struct mmu_tlb *t;

	if (!cfg)
		cfg = &mmu_tlb_default_config;
	if (!geom_ok(&cfg->l1i) || !geom_ok(&cfg->l1d) || !geom_ok(&cfg->l2) ||
	    !geom_ok(&cfg->walk))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->lv[MMU_TLB_L1I].geom = cfg->l1i;
	t->lv[MMU_TLB_L1D].geom = cfg->l1d;
	t->lv[MMU_TLB_L2].geom = cfg->l2;
	t->lv[MMU_TLB_WALK].geom = cfg->walk;
	for (int i = 0; i < MMU_TLB_LEVELS; i++) {
		struct mmu_tlb_array *a = &t->lv[i];
		size_t n = (size_t)a->geom.sets * a->geom.ways;

		if (n && !(a->e = calloc(n, sizeof(*a->e)))) {
			mmu__tlb_destroy(t);
			return NULL;
		}
	}
	return t;
}

void mmu__tlb_destroy(struct mmu_tlb *tlb)
{
	if (!tlb)
		return;
	for (int i = 0; i < MMU_TLB_LEVELS; i++)
		free(tlb->lv[i].e);
	free(tlb);
}

static inline bool entry_hits(const struct mmu_tlb_entry *e, uint64_t va, uint32_t tag,
			      uint16_t asid)
{
	return e->tag == tag && ((va ^ e->va) >> e->shift) == 0 &&
	       (e->global || e->asid == asid);
}

static const struct mmu_tlb_entry *probe_set(struct mmu_tlb_array *a, unsigned set,
					     uint64_t va, uint32_t tag, uint16_t asid)
{
	struct mmu_tlb_entry *e = &a->e[(size_t)set * a->geom.ways];

	for (unsigned w = 0; w < a->geom.ways; w++)
		if (entry_hits(&e[w], va, tag, asid))
			return &e[w];
	return NULL;
}

/* One array: L1 by the 4K page, L2 by each entry size present. */
const struct mmu_tlb_entry *mmu_tlb_probe(struct mmu_tlb_array *a, uint64_t va,
					  uint32_t tag, uint16_t asid, bool l1)
{
	unsigned mask = a->geom.sets - 1u;
	uint64_t sizes;

	if (!a->geom.sets)
		return NULL;
	if (l1)
		return probe_set(a, (unsigned)(va >> 12) & mask, va, tag, asid);
	for (sizes = a->shift_mask; sizes; sizes &= sizes - 1) {
		unsigned shift = (unsigned)__builtin_ctzll(sizes);
		const struct mmu_tlb_entry *e =
			probe_set(a, (unsigned)(va >> shift) & mask, va, tag, asid);
		if (e)
			return e;
	}
	return NULL;
}

static bool same_slot(const struct mmu_tlb_entry *a, const struct mmu_tlb_entry *b)
{
	return a->tag == b->tag && a->va == b->va && a->shift == b->shift &&
	       a->asid == b->asid && a->global == b->global && a->table == b->table;
}

static void insert(struct mmu_tlb *tlb, struct mmu_tlb_array *a, unsigned set,
		   const struct mmu_tlb_entry *src)
{
	struct mmu_tlb_entry *e = &a->e[(size_t)set * a->geom.ways], *victim = &e[0];

	for (unsigned w = 0; w < a->geom.ways; w++) {
		if (same_slot(&e[w], src)) { /* refill (after an AF/DBM update): replace */
			e[w] = *src;
			e[w].lru = ++tlb->clock;
			return;
		}
	}
	for (unsigned w = 0; w < a->geom.ways; w++) {
		if (!e[w].tag) {
			victim = &e[w];
			break;
		}
		if (e[w].lru < victim->lru)
			victim = &e[w];
	}
	if (victim->tag)
		a->stats.evictions++;
	*victim = *src;
	victim->lru = ++tlb->clock;
	a->shift_mask |= 1ull << src->shift;
	a->stats.fills++;
}

/* Fill the L1 of acc at the set of the page of `va` (an address inside e). */
static void fill_l1(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e, enum mmu_access acc,
		    uint64_t va)
{
	struct mmu_tlb_array *a = &tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];

	if (a->geom.sets)
		insert(tlb, a, (unsigned)(va >> 12) & (a->geom.sets - 1u), e);
}

void mmu_tlb_fill_at(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e, enum mmu_access acc,
		     uint64_t va)
{
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];

	if (l2->geom.sets)
		insert(tlb, l2, (unsigned)(e->va >> e->shift) & (l2->geom.sets - 1u), e);
	if ((e->tag & 3) != MMU_TLB_S2)
		fill_l1(tlb, e, acc, va);
}

void mmu__tlb_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e, enum mmu_access acc)
{
	mmu_tlb_fill_at(tlb, e, acc, e->va);
}

const struct mmu_tlb_entry *mmu__tlb_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r,
					    uint64_t va, enum mmu_access acc)
{
	struct mmu_tlb_array *l1 = &tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	const struct mmu_tlb_entry *e;

	e = mmu_tlb_probe(l1, va, r->tlb_tag, r->asid, true);
	if (e) {
		l1->stats.hits++;
		return e;
	}
	if (l1->geom.sets) /* mmu__translate's own L1 probe also ends here on a miss */
		l1->stats.misses++;
	e = mmu_tlb_probe(l2, va, r->tlb_tag, r->asid, false);
	if (!e) {
		l2->stats.misses++;
		return NULL;
	}
	l2->stats.hits++;
	((struct mmu_tlb_entry *)e)->lru = ++tlb->clock;
	fill_l1(tlb, e, acc, va);
	return e;
}

const struct mmu_tlb_entry *mmu__tlb_lookup_s2(struct mmu_tlb *tlb,
					       const struct mmu_regime *r, uint64_t ipa)
{
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	uint32_t tag = ((uint32_t)r->vmid << 2) | MMU_TLB_S2;
	const struct mmu_tlb_entry *e = mmu_tlb_probe(l2, ipa, tag, 0, false);

	if (e) {
		l2->stats.hits++;
		((struct mmu_tlb_entry *)e)->lru = ++tlb->clock;
	} else {
		l2->stats.misses++;
	}
	return e;
}

void mmu__tlb_invalidate(struct mmu_tlb *tlb, const struct mmu_tlbi *op)
{
	tlb->tlbi[op->kind]++;
	for (int i = 0; i < MMU_TLB_LEVELS; i++) {
		struct mmu_tlb_array *a = &tlb->lv[i];
		size_t n = (size_t)a->geom.sets * a->geom.ways;

		for (size_t k = 0; k < n; k++) {
			if (a->e[k].tag && mmu__tlbi_match(op, &a->e[k])) {
				a->e[k].tag = 0;
				a->stats.invalidated++;
			}
		}
	}
}

void mmu__tlb_foreach(const struct mmu_tlb *tlb, enum mmu_tlb_which which,
		      void (*fn)(void *arg, const struct mmu_tlb_entry *e), void *arg)
{
	const struct mmu_tlb_array *a = &tlb->lv[which];
	size_t n = (size_t)a->geom.sets * a->geom.ways;

	for (size_t k = 0; k < n; k++)
		if (a->e[k].tag)
			fn(arg, &a->e[k]);
}

int mmu__domain_add(struct mmu_domain *d, struct mmu_tlb *tlb, struct mmu_caches *caches)
{
	if (d->npe >= MMU_MAX_PE)
		return -ENOSPC;
	d->tlb[d->npe] = tlb;
	d->caches[d->npe] = caches;
	return (int)d->npe++;
}

bool mmu_domain_has(const struct mmu_domain *d, const struct mmu_tlb *tlb)
{
	for (unsigned i = 0; i < d->npe; i++)
		if (d->tlb[i] == tlb)
			return true;
	return false;
}

/* Walk cache: the entry for the table descriptor at `level` whose region (1 << shift)
 * holds va, if any. */
const struct mmu_tlb_entry *mmu_tlb_walk_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r,
						uint64_t va, unsigned shift)
{
	struct mmu_tlb_array *a = &tlb->lv[MMU_TLB_WALK];
	struct mmu_tlb_entry *e;

	if (!a->geom.sets || !(a->shift_mask & (1ull << shift)))
		return NULL;
	e = &a->e[(size_t)((va >> shift) & (a->geom.sets - 1u)) * a->geom.ways];
	for (unsigned w = 0; w < a->geom.ways; w++, e++) {
		if (e->shift == shift && entry_hits(e, va, r->tlb_tag, r->asid)) {
			a->stats.hits++;
			e->lru = ++tlb->clock;
			return e;
		}
	}
	a->stats.misses++;
	return NULL;
}

void mmu_tlb_walk_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e)
{
	struct mmu_tlb_array *a = &tlb->lv[MMU_TLB_WALK];

	if (a->geom.sets)
		insert(tlb, a, (unsigned)(e->va >> e->shift) & (a->geom.sets - 1u), e);
}
