/* SPDX-License-Identifier: MIT */
/*
 * Address translation instructions (AT S1E1R ... S12E0W): a walk without the TLB
 * (a permitted implementation, Arm ARM "Address translation instructions"),
 * returning the PAR_EL1 value.
 */
#ifndef MMU_AT_H
#define MMU_AT_H

#include <stdbool.h>
#include <stdint.h>

struct mmu_ctx;

enum mmu_at_op {
	MMU_AT_S1E1R,
	MMU_AT_S1E1W,
	MMU_AT_S1E0R,
	MMU_AT_S1E0W,
	MMU_AT_S1E1RP,  /* FEAT_PAN2: takes PSTATE.PAN into account */
	MMU_AT_S1E1WP,
	MMU_AT_S12E1R,
	MMU_AT_S12E1W,
	MMU_AT_S12E0R,
	MMU_AT_S12E0W,
};

/* Perform the AT operation on va; pan is PSTATE.PAN (used only by the *P forms).
 * Returns the new PAR_EL1 value. */
uint64_t mmu__at(struct mmu_ctx *ctx, enum mmu_at_op op, uint64_t va, bool pan);

#endif
