/* SPDX-License-Identifier: MIT */
/* Private interfaces between the files of mmu/. Not installed, not for callers. */
#ifndef MMU_INTERNAL_H
#define MMU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"

#define BIT(n) (1ull << (n))
#define MASK(n) ((n) >= 64 ? ~0ull : (BIT(n) - 1))
#define FIELD(v, lo, w) (((v) >> (lo)) & MASK(w))
#define VA56_MASK MASK(56)
/* The offset bits of a TLB entry's region: its shift is at most 42 (a level 1 block of
 * the 64 KiB granule), never 64, so no test for it (MASK's). */
#define ENTRY_MASK(shift) (BIT(shift) - 1)

/* Memory attributes in MAIR byte format (attr.c explains the format). Stage 1:
 * AttrIndx selects a MAIR byte. */
static inline bool mmu_attr_is_device(uint8_t attr)
{
	return (attr & 0xf0) == 0;
}

static inline uint8_t mmu_attr_s1(uint64_t mair, unsigned attrindx)
{
	uint8_t a = FIELD(mair, 8 * (attrindx & 7), 8);
	if (mmu_attr_is_device(a))
		return a & 0x0c; /* 0b0000ddxx with xx != 0 is UNPREDICTABLE: use dd */
	return a;
}

/* Stage-2 MemAttr: [3:2] 00 Device ([1:0] type), 01 NC, 10 WT, 11 WB outer;
 * [1:0] the inner one. */
static inline uint8_t mmu_attr_s2(unsigned memattr)
{
	static const uint8_t nib[4] = { 0x4, 0x4, 0x8, 0xc }; /* reserved 00 -> NC */
	unsigned o = FIELD(memattr, 2, 2), i = FIELD(memattr, 0, 2);

	if (o == 0)
		return (uint8_t)(i << 2);
	return (uint8_t)(nib[o] << 4 | nib[i]);
}

/* attr.h: combining the stages (inline) */
#include "attr.h"

/* check.c hooks (each a no-op when ctx->check is NULL) */
struct mmu_tlb_entry;
void mmu_check_walk_desc(struct mmu_ctx *ctx, unsigned stage, int level, unsigned gshift,
			 uint64_t in_addr, uint64_t desc_pa, uint64_t desc);
void mmu_check_tlb_hit(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e, uint64_t va,
		       enum mmu_access acc);
void mmu_check_walk_cache_hit(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e,
			      uint64_t va, enum mmu_access acc);
void mmu_check_tlbi(struct mmu_check *c, const struct mmu_tlbi *op, unsigned pe);
void mmu_check_cache_op(struct mmu_ctx *ctx, enum mmu_cache_op op, uint64_t pa);

/* tlb.c: the fast path (translate.c) */
const struct mmu_tlb_entry *mmu_tlb_probe(struct mmu_tlb_array *a, uint64_t va,
					  uint32_t tag, uint16_t asid, bool l1);
const struct mmu_tlb_entry *mmu_tlb_lookup_l2(struct mmu_tlb *tlb, const struct mmu_regime *r,
					      uint64_t va, enum mmu_access acc);
const struct mmu_tlb_entry *mmu_tlb_lookup_s2_hint(struct mmu_tlb *tlb, const struct mmu_regime *r,
						   uint64_t ipa, unsigned hint);
/* Does e translate va for this tag and ASID? The address first: the ways of a set
 * mostly hold entries of the current tag (a miss then fails on the address alone);
 * an invalid entry (tag 0) fails on the tag whatever its address. */
static inline bool mmu_tlb_entry_hits(const struct mmu_tlb_entry *e, uint64_t va, uint32_t tag,
				      uint16_t asid)
{
	return ((va ^ e->va) >> e->shift) == 0 && e->tag == tag &&
	       (e->global || e->asid == asid);
}

/* The same lookups without their side effects (statistics, LRU stamp, hint): the entry
 * the lookup would find, or NULL; then mmu_tlb_s2_hit/mmu_tlb_walk_hit do exactly what
 * the lookup does on that hit. Not for a strict TLB (keep store). The walk peek
 * returns NULL for a size absent from the walk cache, where the lookup counts no miss.
 * Inline: the fast walk of a miss (walk_fast.h) makes one of each. A stage-2 lookup
 * remembers the entry it found in a hint slot (walks use one for their table reads,
 * one for output addresses): while stage-2 entries of only one size are present, the
 * hint's entry, if it still has the tag and covers the IPA, is the one entry the probe
 * would find (an IPA has one slot per size), so the probe is skipped. */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu_tlb_s2_peek(struct mmu_tlb *tlb, const struct mmu_regime *r, uint64_t ipa, unsigned hint)
{
	struct mmu_tlb_array *l2 = &tlb->lv[MMU_TLB_L2];
	uint32_t tag = ((uint32_t)r->vmid << 2) | MMU_TLB_S2;
	struct mmu_tlb_entry *e = tlb->s2_hint[hint];
	uint64_t sizes = l2->shift_mask[1];

	if (e && e->tag == tag && ((ipa ^ e->va) >> e->shift) == 0 && !(sizes & (sizes - 1)))
		return e;
	return (struct mmu_tlb_entry *)mmu_tlb_probe(l2, ipa, tag, 0, false);
}

static inline void mmu_tlb_s2_hit(struct mmu_tlb *tlb, struct mmu_tlb_entry *e, unsigned hint)
{
	tlb->s2_hint[hint] = e;
	tlb->lv[MMU_TLB_L2].stats.hits++;
	e->lru = ++tlb->clock;
}

/* The first of n walk-cache ways holding the table descriptor of this size for va
 * (unrolled for the default 4 ways; the same way order either way). */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu_tlb_walk_ways(struct mmu_tlb_entry *e, unsigned n, uint64_t va, unsigned shift,
		  const struct mmu_regime *r)
{
	for (unsigned w = 0; w < n; w++)
		if (e[w].shift == shift && mmu_tlb_entry_hits(&e[w], va, r->tlb_tag, r->asid))
			return &e[w];
	return NULL;
}

static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu_tlb_walk_peek(struct mmu_tlb *tlb, const struct mmu_regime *r, uint64_t va, unsigned shift)
{
	struct mmu_tlb_array *a = &tlb->lv[MMU_TLB_WALK];
	struct mmu_tlb_entry *e;

	if (!a->geom.sets || !(a->shift_mask[0] & (1ull << shift)))
		return NULL;
	e = &a->e[(size_t)((va >> shift) & (a->geom.sets - 1u)) * a->geom.ways];
	return a->geom.ways == 4 ? mmu_tlb_walk_ways(e, 4, va, shift, r) :
				   mmu_tlb_walk_ways(e, a->geom.ways, va, shift, r);
}

static inline void mmu_tlb_walk_hit(struct mmu_tlb *tlb, struct mmu_tlb_entry *e)
{
	tlb->lv[MMU_TLB_WALK].stats.hits++;
	e->lru = ++tlb->clock;
}
bool mmu_domain_has(const struct mmu_domain *d, const struct mmu_tlb *tlb);
const struct mmu_tlb_entry *mmu_tlb_walk_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r,
						uint64_t va, unsigned shift);
void mmu_tlb_walk_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e);
int mmu_tlb_keep_init(struct mmu_tlb *tlb, uint32_t max);
void mmu_tlb_keep_free(struct mmu_tlb *tlb);
void mmu_tlb_keep_replace(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e);
bool mmu_tlb_keep_add(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e);
const struct mmu_tlb_entry *mmu_tlb_keep_find(struct mmu_tlb *tlb, uint64_t va, uint32_t tag,
					      uint16_t asid, bool table, unsigned table_shift);
void mmu_tlb_keep_invalidate(struct mmu_tlb *tlb, const struct mmu_tlbi *op);
void mmu_tlb_fill_at(struct mmu_tlb *tlb, struct mmu_tlb_entry *e, enum mmu_access acc,
		     uint64_t va);

#endif
