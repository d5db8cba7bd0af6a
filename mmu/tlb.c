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
	    !geom_ok(&cfg->walk) || (cfg->keep && (cfg->l1i.sets || cfg->l1d.sets)))
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

		if (n && (!(a->e = calloc(n, sizeof(*a->e))) ||
			  !(a->used = calloc(a->geom.sets, sizeof(*a->used))))) {
			mmu__tlb_destroy(t);
			return NULL;
		}
	}
	if (cfg->l2.sets &&
	    !(t->lv[MMU_TLB_L2].blocks = calloc(2 * (size_t)cfg->l2.sets, sizeof(uint16_t)))) {
		mmu__tlb_destroy(t);
		return NULL;
	}
	if (cfg->keep && mmu_tlb_keep_init(t, cfg->keep)) {
		mmu__tlb_destroy(t);
		return NULL;
	}
	return t;
}

void mmu__tlb_destroy(struct mmu_tlb *tlb)
{
	if (!tlb)
		return;
	for (int i = 0; i < MMU_TLB_LEVELS; i++) {
		free(tlb->lv[i].e);
		free(tlb->lv[i].used);
	}
	free(tlb->lv[MMU_TLB_L2].blocks);
	mmu_tlb_keep_free(tlb);
	free(tlb);
}

static inline bool entry_hits(const struct mmu_tlb_entry *e, uint64_t va, uint32_t tag,
			      uint16_t asid)
{
	return mmu_tlb_entry_hits(e, va, tag, asid);
}

/* The first of n ways that hits. Inline with n constant for the default 4 ways (an
 * unrolled scan: the miss path probes 8 ways per access), generic otherwise; the same
 * way order either way. */
static inline __attribute__((always_inline)) const struct mmu_tlb_entry *
probe_ways(const struct mmu_tlb_entry *e, unsigned n, uint64_t va, uint32_t tag, uint16_t asid)
{
	for (unsigned w = 0; w < n; w++)
		if (entry_hits(&e[w], va, tag, asid))
			return &e[w];
	return NULL;
}

static inline const struct mmu_tlb_entry *probe_set(struct mmu_tlb_array *a, unsigned set,
						    uint64_t va, uint32_t tag, uint16_t asid)
{
	unsigned ways = a->geom.ways;
	const struct mmu_tlb_entry *e = &a->e[(size_t)set * ways];

	return ways == 4 ? probe_ways(e, 4, va, tag, asid) : probe_ways(e, ways, va, tag, asid);
}

/* Which size mask an entry of this tag counts in: stage-2-only entries apart. */
static inline unsigned mask_of(uint32_t tag)
{
	return (tag & 3) == MMU_TLB_S2;
}

/* One array: L1 by the 4K page, L2 by each size present among entries of the tag's
 * kind (stage 2 only, or stage 1 and combined), smallest first. A set probed for a
 * size above 4 KiB with no entry larger than 4 KiB (blocks) is skipped: the first hit
 * there would be a 4 KiB entry, which sits in the set of its page, the one the 4 KiB
 * probe (earlier: 4 KiB is in the mask with such an entry) found without a hit. */
static inline __attribute__((always_inline)) const struct mmu_tlb_entry *
probe(struct mmu_tlb_array *a, uint64_t va, uint32_t tag, uint16_t asid, bool l1)
{
	unsigned mask = a->geom.sets - 1u;
	unsigned kind = mask_of(tag);
	uint64_t sizes;

	if (!a->geom.sets)
		return NULL;
	if (l1)
		return probe_set(a, (unsigned)(va >> 12) & mask, va, tag, asid);
	for (sizes = a->shift_mask[kind]; sizes; sizes &= sizes - 1) {
		unsigned shift = (unsigned)__builtin_ctzll(sizes);
		unsigned set = (unsigned)(va >> shift) & mask;
		const struct mmu_tlb_entry *e;

		if (shift > 12 && !a->blocks[2 * set + kind])
			continue;
		e = probe_set(a, set, va, tag, asid);
		if (e)
			return e;
	}
	return NULL;
}

const struct mmu_tlb_entry *mmu_tlb_probe(struct mmu_tlb_array *a, uint64_t va,
					  uint32_t tag, uint16_t asid, bool l1)
{
	return probe(a, va, tag, asid, l1);
}

static bool same_slot(const struct mmu_tlb_entry *a, const struct mmu_tlb_entry *b)
{
	return a->va == b->va && a->tag == b->tag && a->shift == b->shift &&
	       a->asid == b->asid && a->global == b->global && a->table == b->table;
}

/* The L2 is inclusive of the L1s: an entry the L2 evicts leaves the L1s too (a 4 KiB
 * entry from the set of its page; a block, whose pieces may be anywhere, from every
 * set), so that "in the TLB" is "in the L2" and an eviction hook sees each
 * translation leave once. Only the L1s its in_l1 names are searched. */
static void back_invalidate(struct mmu_tlb *tlb, const struct mmu_tlb_entry *victim)
{
	for (int i = MMU_TLB_L1I; i <= MMU_TLB_L1D; i++) {
		struct mmu_tlb_array *l1 = &tlb->lv[i];
		size_t first = 0, n = (size_t)l1->geom.sets * l1->geom.ways;

		if (!n || !(victim->in_l1 & (1u << i))) /* no copy in this L1 */
			continue;
		if (victim->shift == 12) {
			first = (size_t)((victim->va >> 12) & (l1->geom.sets - 1u)) * l1->geom.ways;
			n = l1->geom.ways;
		}
		for (size_t k = first; k < first + n; k++) {
			if (same_slot(&l1->e[k], victim)) {
				l1->e[k].tag = 0;
				l1->used[k / l1->geom.ways]--;
				l1->stats.evictions++;
			}
		}
	}
}

/* victim leaves level `which` (LRU replacement; for an L1, only without an L2). Inline:
 * `which` is a constant in each caller. */
static inline __attribute__((always_inline)) void
evicted(struct mmu_tlb *tlb, enum mmu_tlb_which which, const struct mmu_tlb_entry *victim)
{
	tlb->lv[which].stats.evictions++;
	if (which == MMU_TLB_L2 && victim->in_l1 && (victim->tag & 3) != MMU_TLB_S2)
		back_invalidate(tlb, victim);
	/* strict: the translation stays in the TLB, in the keep store */
	if (tlb->keep && mmu_tlb_keep_add(tlb, victim))
		return;
	if (tlb->evict)
		tlb->evict(tlb->evict_opaque, which, victim);
}

/* An L1 copy v left its L1 `which` (LRU replacement; the L2 keeps the entry). A 4 KiB
 * copy is the only one that L1 can hold of its L2 entry (one set, and no set holds two
 * entries of one slot): if the L2 entry it was copied from still has its slot, that L1
 * holds no copy of it any more, and its eviction will not search there. */
static inline void l1_copy_left(struct mmu_tlb *tlb, unsigned which, const struct mmu_tlb_entry *v)
{
	struct mmu_tlb_entry *p;

	if (v->shift != 12 || v->l2_slot == MMU_TLB_NO_SLOT)
		return;
	p = &tlb->lv[MMU_TLB_L2].e[v->l2_slot];
	if (p->va == v->va && same_slot(p, v))
		p->in_l1 &= (uint8_t)~(1u << which);
}

/* A refill of the slot e holds (after an AF/DBM update): the old value goes (other
 * levels may hold it too), its L1 copies stay known. */
static struct mmu_tlb_entry *refill(struct mmu_tlb *tlb, struct mmu_tlb_array *a,
				    struct mmu_tlb_entry *e, const struct mmu_tlb_entry *src)
{
	uint8_t in_l1 = e->in_l1;

	if (tlb->evict)
		tlb->evict(tlb->evict_opaque, (enum mmu_tlb_which)(a - tlb->lv), e);
	*e = *src;
	e->in_l1 |= in_l1;
	e->lru = ++tlb->clock;
	return e;
}

/* The way src goes to among the n ways of a set: the same slot (refilled here; not
 * searched when the caller knows the set has none), else the first invalid way (none
 * when the set is full), else the least recently used (the first of equal stamps).
 * NULL: the same slot was refilled (*done holds it). A set holds one entry of a slot
 * at most, so the passes give what one pass in way order would; each is short
 * (inline with n constant for 4 ways). */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
pick_way(struct mmu_tlb *tlb, struct mmu_tlb_array *a, struct mmu_tlb_entry *e, unsigned n,
	 bool full, bool no_slot, const struct mmu_tlb_entry *src, struct mmu_tlb_entry **done)
{
	struct mmu_tlb_entry *victim = &e[0];
	uint64_t va = src->va;

	for (unsigned w = 0; !no_slot && w < n; w++) {
		if (e[w].va == va && e[w].tag && same_slot(&e[w], src)) {
			*done = refill(tlb, a, &e[w], src);
			return NULL;
		}
	}
	for (unsigned w = 0; !full && w < n; w++)
		if (!e[w].tag)
			return &e[w];
	for (unsigned w = 1; w < n; w++)
		if (e[w].lru < victim->lru)
			victim = &e[w];
	return victim;
}

/* Insert src into level `which` at `set`; no_slot: the caller knows the set holds no
 * entry of src's slot; *refilled (if not NULL) says whether one was refilled. Inline:
 * each caller's level is a constant (the L1 of a fill is one of two: `l1` says it is
 * an L1). */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
insert(struct mmu_tlb *tlb, enum mmu_tlb_which which, bool l1, unsigned set,
       const struct mmu_tlb_entry *src, bool no_slot, bool *refilled)
{
	struct mmu_tlb_array *a = &tlb->lv[which];
	unsigned ways = a->geom.ways;
	struct mmu_tlb_entry *e = &a->e[(size_t)set * ways], *victim, *done = NULL;
	bool full = a->used[set] == ways;

	victim = ways == 4 ? pick_way(tlb, a, e, 4, full, no_slot, src, &done) :
			     pick_way(tlb, a, e, ways, full, no_slot, src, &done);
	if (refilled)
		*refilled = !victim;
	if (!victim)
		return done;
	if (victim->tag) {
		/* an L1 victim with an L2 behind it is still in the L2 (inclusion): only
		 * counted (no hook, and no keep store: strict has no L1s) */
		if (l1 && tlb->lv[MMU_TLB_L2].geom.sets) {
			a->stats.evictions++;
			l1_copy_left(tlb, which, victim);
		} else {
			if (which == MMU_TLB_L2 && victim->shift > 12)
				a->blocks[2 * set + mask_of(victim->tag)]--;
			evicted(tlb, which, victim);
		}
	} else {
		a->used[set]++;
	}
	if (which == MMU_TLB_L2 && src->shift > 12)
		a->blocks[2 * set + mask_of(src->tag)]++;
	*victim = *src;
	victim->lru = ++tlb->clock;
	if (!l1)
		a->shift_mask[mask_of(src->tag)] |= 1ull << src->shift;
	a->stats.fills++;
	return victim;
}

/* Fill the L1 of acc at the set of the page of `va` (an address inside e), and note
 * in the L2 entry (if any) that this L1 may hold a copy. no_copy: the L1 holds no
 * entry of e's slot. Inline: a miss makes one. */
static inline __attribute__((always_inline)) void
fill_l1(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e, enum mmu_access acc, uint64_t va,
	struct mmu_tlb_entry *l2e, bool no_copy)
{
	enum mmu_tlb_which which = acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D;
	struct mmu_tlb_array *a = &tlb->lv[which];
	struct mmu_tlb_entry *c;

	if (!a->geom.sets)
		return;
	if (l2e)
		l2e->in_l1 |= (uint8_t)(1u << which);
	c = insert(tlb, which, true, (unsigned)(va >> 12) & (a->geom.sets - 1u), e, no_copy,
		   NULL);
	c->l2_slot = l2e ? (uint32_t)(l2e - tlb->lv[MMU_TLB_L2].e) : MMU_TLB_NO_SLOT;
}

/* e: the caller's entry, stamped here (no copy of it before the insertions). */
void mmu_tlb_fill_at(struct mmu_tlb *tlb, struct mmu_tlb_entry *e, enum mmu_access acc,
		     uint64_t va)
{
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	struct mmu_tlb_entry *l2e = NULL;
	bool refilled = true;

	e->born = ++tlb->born_clock;
	if (tlb->keep)
		mmu_tlb_keep_replace(tlb, e);

	if (l2->geom.sets)
		l2e = insert(tlb, MMU_TLB_L2, false,
			     (unsigned)(e->va >> e->shift) & (l2->geom.sets - 1u), e, false,
			     &refilled);
	/* the L2 is inclusive: without an L2 entry of this slot before, no L1 has one */
	if ((e->tag & 3) != MMU_TLB_S2)
		fill_l1(tlb, e, acc, va, l2e, !refilled);
}

void mmu__tlb_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *src, enum mmu_access acc)
{
	struct mmu_tlb_entry e = *src;

	mmu_tlb_fill_at(tlb, &e, acc, e.va);
}

/* Strict (keep store, no L1): the oldest entry translating va among every L2 way of
 * every size and the keep store, as an implementation that never evicts may still
 * use the first entry it cached. */
static __attribute__((noinline)) const struct mmu_tlb_entry *
strict_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r, uint64_t va)
{
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	struct mmu_tlb_entry *best = NULL;
	const struct mmu_tlb_entry *k;

	for (uint64_t sizes = l2->geom.sets ? l2->shift_mask[mask_of(r->tlb_tag)] : 0; sizes;
	     sizes &= sizes - 1) {
		unsigned shift = (unsigned)__builtin_ctzll(sizes);
		struct mmu_tlb_entry *e =
			&l2->e[(size_t)((va >> shift) & (l2->geom.sets - 1u)) * l2->geom.ways];
		for (unsigned w = 0; w < l2->geom.ways; w++)
			if (entry_hits(&e[w], va, r->tlb_tag, r->asid) && (!best || e[w].born < best->born))
				best = &e[w];
	}
	k = mmu_tlb_keep_find(tlb, va, r->tlb_tag, r->asid, false, 0);
	if (k && (!best || k->born < best->born)) {
		tlb->keep_stats.hits++;
		return k;
	}
	if (!best) {
		l2->stats.misses++;
		return NULL;
	}
	l2->stats.hits++;
	best->lru = ++tlb->clock;
	return best;
}

/* An L2 hit: stamped, and copied to the L1 of acc. Out of line: the probe before it
 * (every L1 miss) then needs fewer registers saved. */
static __attribute__((noinline)) const struct mmu_tlb_entry *
l2_hit(struct mmu_tlb *tlb, struct mmu_tlb_entry *e, enum mmu_access acc, uint64_t va)
{
	tlb->lv[MMU_TLB_L2].stats.hits++;
	e->lru = ++tlb->clock;
	fill_l1(tlb, e, acc, va, e, false);
	return e;
}

/* The L1 of acc missed (probed here, or by mmu__translate inline): count it, then L2,
 * which refills L1 on a hit. */
const struct mmu_tlb_entry *mmu_tlb_lookup_l2(struct mmu_tlb *tlb, const struct mmu_regime *r,
					      uint64_t va, enum mmu_access acc)
{
	struct mmu_tlb_array *l1 = &tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	const struct mmu_tlb_entry *e;

	if (l1->geom.sets)
		l1->stats.misses++;
	if (tlb->keep)
		return strict_lookup(tlb, r, va);
	e = probe(l2, va, r->tlb_tag, r->asid, false); /* inline: every miss makes one */
	if (!e) {
		l2->stats.misses++;
		return NULL;
	}
	return l2_hit(tlb, (struct mmu_tlb_entry *)e, acc, va);
}

const struct mmu_tlb_entry *mmu__tlb_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r,
					    uint64_t va, enum mmu_access acc)
{
	struct mmu_tlb_array *l1 = &tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];
	const struct mmu_tlb_entry *e = mmu_tlb_probe(l1, va, r->tlb_tag, r->asid, true);

	if (e) {
		l1->stats.hits++;
		return e;
	}
	return mmu_tlb_lookup_l2(tlb, r, va, acc);
}

/* A stage-2 lookup: the hint slot's entry or the probe's (mmu_tlb_s2_peek, internal.h);
 * statistics and LRU are those of the probe. */
const struct mmu_tlb_entry *mmu_tlb_lookup_s2_hint(struct mmu_tlb *tlb, const struct mmu_regime *r,
						   uint64_t ipa, unsigned hint)
{
	struct mmu_tlb_entry *e = mmu_tlb_s2_peek(tlb, r, ipa, hint);

	if (!e) {
		uint32_t tag = ((uint32_t)r->vmid << 2) | MMU_TLB_S2;
		const struct mmu_tlb_entry *k =
			tlb->keep ? mmu_tlb_keep_find(tlb, ipa, tag, 0, false, 0) : NULL;
		if (k) { /* strict: kept, never a hint (the pool moves) */
			tlb->keep_stats.hits++;
			return k;
		}
		tlb->lv[MMU_TLB_L2].stats.misses++;
		return NULL;
	}
	mmu_tlb_s2_hit(tlb, e, hint);
	return e;
}

const struct mmu_tlb_entry *mmu__tlb_lookup_s2(struct mmu_tlb *tlb,
					       const struct mmu_regime *r, uint64_t ipa)
{
	return mmu_tlb_lookup_s2_hint(tlb, r, ipa, 0);
}

void mmu__tlb_invalidate(struct mmu_tlb *tlb, const struct mmu_tlbi *op)
{
	tlb->tlbi[op->kind]++;
	if (tlb->keep)
		mmu_tlb_keep_invalidate(tlb, op);
	for (int i = 0; i < MMU_TLB_LEVELS; i++) {
		struct mmu_tlb_array *a = &tlb->lv[i];
		size_t n = (size_t)a->geom.sets * a->geom.ways;

		for (size_t k = 0; k < n; k++) {
			if (a->e[k].tag && mmu__tlbi_match(op, &a->e[k])) {
				if (a->blocks && a->e[k].shift > 12)
					a->blocks[2 * (k / a->geom.ways) + mask_of(a->e[k].tag)]--;
				a->e[k].tag = 0;
				a->used[k / a->geom.ways]--;
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
	struct mmu_tlb_entry *e, *best = NULL;

	if (tlb->keep) { /* strict: the oldest of the walk cache and the keep store */
		const struct mmu_tlb_entry *k;
		e = a->geom.sets ? &a->e[(size_t)((va >> shift) & (a->geom.sets - 1u)) * a->geom.ways] : NULL;
		for (unsigned w = 0; e && w < a->geom.ways; w++)
			if (e[w].shift == shift && entry_hits(&e[w], va, r->tlb_tag, r->asid) &&
			    (!best || e[w].born < best->born))
				best = &e[w];
		k = mmu_tlb_keep_find(tlb, va, r->tlb_tag, r->asid, true, shift);
		if (k && (!best || k->born < best->born)) {
			tlb->keep_stats.hits++;
			return k;
		}
		if (best) {
			a->stats.hits++;
			best->lru = ++tlb->clock;
			return best;
		}
		a->stats.misses++;
		return NULL;
	}
	if (!a->geom.sets || !(a->shift_mask[0] & (1ull << shift)))
		return NULL;
	e = mmu_tlb_walk_peek(tlb, r, va, shift);
	if (!e) {
		a->stats.misses++;
		return NULL;
	}
	mmu_tlb_walk_hit(tlb, e);
	return e;
}

void mmu_tlb_walk_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *src)
{
	struct mmu_tlb_array *a = &tlb->lv[MMU_TLB_WALK];
	struct mmu_tlb_entry ent = *src, *e = &ent;

	e->born = ++tlb->born_clock;
	if (tlb->keep)
		mmu_tlb_keep_replace(tlb, e);
	if (a->geom.sets)
		insert(tlb, MMU_TLB_WALK, false,
		       (unsigned)(e->va >> e->shift) & (a->geom.sets - 1u), e, false, NULL);
}
