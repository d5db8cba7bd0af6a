/* SPDX-License-Identifier: MIT */
/*
 * AT S1E1R/W, S1E0R/W, S1E1RP/WP, S12E1R/W, S12E0R/W: a translation without the TLB
 * (the Arm ARM lets AT either use or bypass cached entries), its outcome in PAR_EL1.
 * Pseudocode: AArch64.AT, AArch64.EncodePAR. S1* forms return the IPA (stage 1 only,
 * but every stage-1 table read is still translated by stage 2, whose faults are
 * reported with PTW = 1). With stage 2 off the S12 forms behave as the S1 forms.
 */
#include "walk_priv.h"

struct at_desc {
	enum mmu_access acc;
	unsigned flags;
};

static const struct at_desc at_ops[] = {
	[MMU_AT_S1E1R] = { MMU_READ, MMU_F_S1_ONLY },
	[MMU_AT_S1E1W] = { MMU_WRITE, MMU_F_S1_ONLY },
	[MMU_AT_S1E0R] = { MMU_READ, MMU_F_S1_ONLY | MMU_F_EL0 },
	[MMU_AT_S1E0W] = { MMU_WRITE, MMU_F_S1_ONLY | MMU_F_EL0 },
	[MMU_AT_S1E1RP] = { MMU_READ, MMU_F_S1_ONLY | MMU_F_PAN },
	[MMU_AT_S1E1WP] = { MMU_WRITE, MMU_F_S1_ONLY | MMU_F_PAN },
	[MMU_AT_S12E1R] = { MMU_READ, 0 },
	[MMU_AT_S12E1W] = { MMU_WRITE, 0 },
	[MMU_AT_S12E0R] = { MMU_READ, MMU_F_EL0 },
	[MMU_AT_S12E0W] = { MMU_WRITE, MMU_F_EL0 },
};

uint64_t mmu__at(struct mmu_ctx *ctx, enum mmu_at_op op, uint64_t va, bool pan)
{
	struct mmu_result res;
	struct mmu_leafs lf;
	unsigned flags;

	if ((unsigned)op >= sizeof(at_ops) / sizeof(at_ops[0]))
		return 1 | BIT(11); /* not an AT operation: F = 1, FST = 0 */
	flags = at_ops[op].flags;
	if (!pan)
		flags &= ~(unsigned)MMU_F_PAN;
	if (mmu_walk_full(ctx, va, at_ops[op].acc, flags, false, &res, &lf))
		return mmu__par_fault(&res.fault);
	return mmu__par_ok(&res);
}
