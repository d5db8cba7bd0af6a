/* SPDX-License-Identifier: MIT */
/*
 * The common TLB miss without the generic walk: a stage-1 page descriptor (level 3,
 * 4 KiB granule) below a table the walk cache holds (level 2), with the stage-2
 * translations of the descriptor's IPA and of the output IPA in the TLB, valid,
 * accessed, allowed and needing no hardware update. That is one descriptor read and a
 * few lookups; the generic walk (walk.c) spends most of its time deciding it is in
 * that case.
 *
 * Everything is checked first, with no side effect (peeks at the walk cache and at the
 * stage-2 entries; the descriptor read, whose effects on its page (reached; under
 * --checks, a table page) are the ones the generic walk's read of it has, once per page
 * for good); then the lookups' statistics and LRU stamps, and the calls to the checks,
 * are applied in the generic walk's order (walk cache, stage 2 of the table, the
 * descriptor, stage 2 of the output). Any other case returns 1 untouched and the generic walk decides it: the
 * same result, faults, TLB contents and replacement order either way
 * (tests/mmu/test_walk_fast.c compares them).
 *
 * Inline in the translation's miss path (translate.c, its only caller): every TLB
 * miss comes here first. The decoding of a leaf not seen last time is walk_fast.c.
 */
#ifndef MMU_WALK_FAST_H
#define MMU_WALK_FAST_H

#include <string.h>

#include "perm.h"
#include "walk_priv.h"

/* struct mmu_result's asid..level as one little-endian word (mmu_walk_fast's store) */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mmu_walk_fast stores struct mmu_result's asid..level as a little-endian word"
#endif
_Static_assert(offsetof(struct mmu_result, shift) == offsetof(struct mmu_result, asid) + 2 &&
	       offsetof(struct mmu_result, global) == offsetof(struct mmu_result, asid) + 3 &&
	       offsetof(struct mmu_result, perms) == offsetof(struct mmu_result, asid) + 4 &&
	       offsetof(struct mmu_result, attr) == offsetof(struct mmu_result, asid) + 5 &&
	       offsetof(struct mmu_result, sh) == offsetof(struct mmu_result, asid) + 6 &&
	       offsetof(struct mmu_result, level) == offsetof(struct mmu_result, asid) + 7 &&
	       sizeof(bool) == 1, "struct mmu_result: asid..level as mmu_walk_fast packs them");

/* The leaf's bits its permissions and attributes come from: AttrIndx, AP, SH, AF, nG
 * ([11:2]), DBM, PXN, UXN ([54:51]). */
#define LEAF_BITS (MASK(10) << 2 | MASK(4) << 51)

/* The leaf's permissions and attributes, both stages combined (s1_leaf, compose), into
 * ctx->fast_memo under the key more; false when the access faults or needs a
 * dirty-state update (the generic walk's). A pure function of the memo's key. */
bool mmu_walk_fast_decide(struct mmu_ctx *ctx, uint64_t d, unsigned lim, enum mmu_access acc,
			  unsigned flags, bool ha, const struct mmu_tlb_entry *s2o, uint64_t more);

/* Returns 0 with res and leafs filled and exactly the side effects mmu_walk_full would
 * have had, or 1 with none at all (the caller then calls mmu_walk_full). For
 * translations that use the TLB only. */
static inline __attribute__((always_inline)) int
mmu_walk_fast(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	      struct mmu_result *res, struct mmu_leafs *lf)
{
	const struct mmu_regime *r = &ctx->regime;
	struct mmu_tlb *tlb = ctx->tlb;
	unsigned top = (va >> 55) & 1;
	const struct mmu_table_cfg *cfg = &r->tt[top];
	struct mmu_tlb_entry *wc, *s2t = NULL, *s2o = NULL;
	const unsigned gshift = 12; /* 4 KiB granule only (below): shifts and masks constant */
	uint64_t in, ia, pa, d, oipa, more, tail;

	if (!r->fast_walk[top] || ctx->trace || ctx->no_fast_walk || tlb->keep ||
	    (flags & MMU_F_CM) || (r->s2_on && !tlb->cfg.s2_entries))
		return 1;
	/* s1_select: the VA in the range of its TTBR (else a fault) */
	in = r->tbi_key[top][acc] ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
	if (((int64_t)in >> cfg->ia_bits) != (top ? -1 : 0))
		return 1;
	/* the walk cache's level-2 table (the generic walk tries level 2 first) */
	wc = mmu_tlb_walk_peek(tlb, r, in, mmu__level_shift(gshift, 2));
	if (!wc || wc->pa >> r->oa_bits)
		return 1;
	/* the level-3 descriptor, its IPA through stage 2 (a walk's read: S1PTW) */
	ia = wc->pa + 8 * ((in >> gshift) & MASK(gshift - 3));
	pa = ia;
	if (r->s2_on) {
		s2t = mmu_tlb_s2_peek(tlb, r, ia, 1);
		if (!s2t || !(s2t->perms & MMU_PERM_R1) || (r->ptw && mmu_attr_is_device(s2t->attr)))
			return 1;
		pa = s2t->pa | (ia & ENTRY_MASK(s2t->shift));
	}
	if (ctx->desc_page == (pa >> 12) + 1) { /* read64's page effects are done for it */
		memcpy(&d, ctx->ram + (pa - ctx->ram_base), 8);
	} else {
		if (ctx->mem->read64(ctx->mem_opaque, pa, &d))
			return 1;
		if (ctx->ram && pa - ctx->ram_base < ctx->ram_size)
			ctx->desc_page = (pa >> 12) + 1;
	}
	/* a page with its output address in range (AArch64.S1Walk's leaf checks) */
	if ((d & 3) != 3 || (d & MASK(48) & ~MASK(gshift)) >> r->oa_bits)
		return 1;
	oipa = (d & MASK(48) & ~MASK(gshift)) | (in & MASK(gshift));
	if (r->s2_on && !(s2o = mmu_tlb_s2_peek(tlb, r, oipa, 0)))
		return 1;
	/* AF, permissions of both stages, attributes: the same leaf bits under the same
	 * regime (its id covers MAIR, WXN, HA and HD), table limits, access and stage-2
	 * entry give the same answer as last time */
	more = (uint64_t)(wc->attr & 15) | (uint64_t)acc << 4 |
	       (uint64_t)(flags & (MMU_F_EL0 | MMU_F_PAN)) << 6 |
	       (s2o ? 1ull << 11 | (uint64_t)s2o->perms << 16 | (uint64_t)s2o->attr << 24 |
		      (uint64_t)s2o->sh << 32 : 0);
	if (!(ctx->fast_memo.regime == r->id && ctx->fast_memo.dbits == (d & LEAF_BITS) &&
	      ctx->fast_memo.more == more) &&
	    !mmu_walk_fast_decide(ctx, d, wc->attr, acc, flags, r->ha && ctx->mem->cmpxchg64, s2o, more))
		return 1;

	/* the case is ours: the lookups' side effects, in the generic walk's order, with
	 * its calls to the checks (the walk-cache hit, then the descriptor read) */
	mmu_tlb_walk_hit(tlb, wc);
	ctx->stats.walks[0]++;
	ctx->stats.wc_starts++;
	if (__builtin_expect(ctx->check != NULL, 0))
		mmu_check_walk_cache_hit(ctx, wc, va, acc);
	if (s2t)
		mmu_tlb_s2_hit(tlb, s2t, 1);
	ctx->stats.desc_reads[0]++;
	if (__builtin_expect(ctx->check != NULL, 0))
		mmu_check_walk_desc(ctx, 1, 3, gshift, in, pa, d);
	if (s2o)
		mmu_tlb_s2_hit(tlb, s2o, 0);

	res->fault.kind = MMU_FAULT_NONE; /* as a TLB hit: the rest is for faults only */
	res->ipa = oipa;
	res->ns = true;
	res->tlb_hit = false;
	lf->s1_desc_pa = pa;
	lf->s1_desc = d;
	if (s2o) {
		res->pa = s2o->pa | (oipa & ENTRY_MASK(s2o->shift));
		lf->s2_desc_pa = s2o->s2_desc_pa;
		lf->s2_desc = s2o->s2_desc;
	} else {
		res->pa = oipa;
		lf->s2_desc_pa = ~0ull;
		lf->s2_desc = 0;
	}
	/* asid..level in one 8-byte store: the TLB fill copies them with one 8-byte load,
	 * which a store of each field would keep waiting (no store-to-load forwarding
	 * from several stores) */
	tail = (uint64_t)r->asid | (uint64_t)(s2o && s2o->shift < gshift ? s2o->shift : gshift) << 16 |
	       (uint64_t)!(d & MMU_DESC_NG) << 24 | (uint64_t)ctx->fast_memo.perms << 32 |
	       (uint64_t)ctx->fast_memo.attr << 40 | (uint64_t)ctx->fast_memo.sh << 48 | 3ull << 56;
	memcpy(&res->asid, &tail, sizeof(tail));
	return 0;
}

#endif
