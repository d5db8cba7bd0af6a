/* SPDX-License-Identifier: MIT */
/*
 * Translation: the per-PE context and the translate/walk entry points.
 *
 *   struct mmu_ctx ctx;
 *   mmu__ctx_init(&ctx, &ops, opaque);
 *   mmu__regime_set(&ctx.regime, &sysregs);       (again after every MSR that matters)
 *   ctx.tlb = tlb;                                 (optional)
 *   if (mmu__translate(&ctx, va, MMU_READ, flags, &res) < 0) -> res.fault
 *
 * Pseudocode: AArch64.TranslateAddress -> AArch64.FullTranslate -> AArch64.S1Translate
 * + AArch64.S2Translate (DDI 0487 J.a, shared/translation).
 */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include <stdint.h>

#include "regime.h"
#include "tlb.h"
#include "types.h"

struct mmu_tlb;
struct mmu_domain;
struct mmu_caches;
struct mmu_check;
struct mmu_trace;

/* Everything one PE's translations need. Plain struct: fill it in, no hidden state. */
struct mmu_ctx {
	struct mmu_regime regime;       /* decoded system registers (mmu__regime_set) */
	const struct mmu_mem_ops *mem;  /* memory callbacks */
	void *mem_opaque;               /* first argument of the callbacks */
	struct mmu_tlb *tlb;            /* optional: this PE's TLB */
	struct mmu_domain *domain;      /* optional: shareability domain (IS TLBI, IC IALLUIS) */
	struct mmu_caches *caches;      /* optional: this PE's caches */
	struct mmu_check *check;        /* optional: sanitizer checks */
	struct mmu_trace *trace;        /* optional: filled with every descriptor read */
	unsigned pe;                    /* index of this PE (reports, domain) */
};

/* Zero ctx, set the memory callbacks; both stages off (identity) until regime_set. */
void mmu__ctx_init(struct mmu_ctx *ctx, const struct mmu_mem_ops *mem, void *opaque);

/*
 * Translate va for one access through the TLB (if ctx->tlb and not MMU_F_NO_TLB),
 * walking on a miss and filling the TLB. Returns 0 with res filled, or -EFAULT with
 * res->fault filled. Never any other value.
 *
 * An L1 TLB hit is handled inline (below), as a CPU model needs it on every access;
 * everything else (L2, walks, fills, checks) is mmu__translate_slow().
 */
int mmu__translate_slow(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc,
			unsigned flags, struct mmu_result *res);

/* The L1 entry of acc that translates va, if its permissions allow the access
 * (the rules of AArch64.S1HasPermissionsFault as cached: EL0/EL1 R/W/X bit, PAN). */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu__tlb_l1_hit(struct mmu_tlb_array *a, const struct mmu_regime *r, uint64_t key,
		enum mmu_access acc, unsigned flags)
{
	struct mmu_tlb_entry *e = &a->e[((key >> 12) & (a->geom.sets - 1u)) * a->geom.ways];
	bool el0 = flags & MMU_F_EL0;
	unsigned need = (MMU_PERM_R1 << acc) << (el0 ? 3 : 0);
	bool pan = (flags & MMU_F_PAN) && !el0 && acc != MMU_FETCH;

	for (unsigned w = 0; w < a->geom.ways; w++, e++) {
		if (e->tag != r->tlb_tag || ((key ^ e->va) >> e->shift) != 0 ||
		    !(e->global || e->asid == r->asid))
			continue;
		if (!(e->perms & need) || (pan && (e->perms & MMU_PERM_USER)))
			return 0;
		return e;
	}
	return 0;
}

static inline __attribute__((always_inline)) int
mmu__translate(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	       struct mmu_result *res)
{
	const struct mmu_regime *r = &ctx->regime;
	struct mmu_tlb_array *a;
	struct mmu_tlb_entry *e;
	uint64_t key, off;

	if (!ctx->tlb || ctx->check || (unsigned)(r->tlb_kind - MMU_TLB_S1) >= 2u ||
	    (flags & (MMU_F_NO_TLB | MMU_F_S1_ONLY | MMU_F_NO_UPDATE)))
		return mmu__translate_slow(ctx, va, acc, flags, res);
	a = &ctx->tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];
	/* TBI: VA[63:56] are ignored (entries hold VA[55] copied into them) */
	key = r->tbi_key[(va >> 55) & 1][acc] ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
	if (!a->geom.sets || !(e = mmu__tlb_l1_hit(a, r, key, acc, flags)))
		return mmu__translate_slow(ctx, va, acc, flags, res);
	a->stats.hits++;
	off = key & ((1ull << e->shift) - 1);
	res->pa = e->pa | off;
	res->ipa = e->ipa | off;
	res->shift = e->shift;
	res->perms = e->perms;
	res->attr = e->attr;
	res->sh = e->sh;
	res->ns = true;
	res->global = e->global;
	res->tlb_hit = true;
	res->asid = e->asid;
	res->level = e->level;
	res->fault.kind = MMU_FAULT_NONE;
	return 0;
}

/* Same, always walking (no TLB lookup or fill). The inspector's "walk one address". */
int mmu__walk(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	      struct mmu_result *res);

/* Stage 2 only: translate an IPA (the VMM's own view of guest memory). No TLB. */
int mmu__walk_s2(struct mmu_ctx *ctx, uint64_t ipa, enum mmu_access acc,
		 struct mmu_result *res);

#endif
