/* SPDX-License-Identifier: MIT */
/* The walker's private interface to translate.c and at.c. */
#ifndef MMU_WALK_PRIV_H
#define MMU_WALK_PRIV_H

#include "internal.h"

/* Full translation of va (stage 1, stage 2 for every table read, stage 2 of the
 * output), no TLB for the final result; use_tlb lets the walk use and fill the TLB's
 * stage-2 entries and walk cache. Fills res (and the leaf descriptor addresses, for
 * the TLB entry) or res->fault. */
struct mmu_leafs {
	uint64_t s1_desc_pa, s1_desc, s2_desc_pa, s2_desc;
};
int mmu_walk_full(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
		  bool use_tlb, struct mmu_result *res, struct mmu_leafs *leafs);

/* res->attr and res->sh of a stage-1 result combined with stage 2's
 * (AArch64.S2CombineS1MemAttrs, the effective shareability; walk.c). */
void mmu_combine_attrs(uint8_t attr1, uint8_t sh1, uint8_t attr2, uint8_t sh2,
		       struct mmu_result *res);

/* Stage 2 of an IPA with no side effects and no TLB (dump.c reading stage-1 tables). */
int mmu_s2_peek(struct mmu_ctx *ctx, uint64_t ipa, uint64_t *pa);

#endif
