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
 */
int mmu__translate(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc,
		   unsigned flags, struct mmu_result *res);

/* Same, always walking (no TLB lookup or fill). The inspector's "walk one address". */
int mmu__walk(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	      struct mmu_result *res);

/* Stage 2 only: translate an IPA (the VMM's own view of guest memory). No TLB. */
int mmu__walk_s2(struct mmu_ctx *ctx, uint64_t ipa, enum mmu_access acc,
		 struct mmu_result *res);

#endif
