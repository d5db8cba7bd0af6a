/* SPDX-License-Identifier: MIT */
/* Permission helpers shared by the walker and the TLB fast path (private). */
#ifndef MMU_PERM_H
#define MMU_PERM_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/types.h"

/* Hierarchical limits gathered from stage-1 table descriptors. */
struct mmu_s1_limits {
	unsigned aptable;   /* OR of APTable[1:0] */
	bool uxntable, pxntable;
};

uint8_t mmu_s1_perms(unsigned ap, const struct mmu_s1_limits *lim, bool uxn, bool pxn,
		     bool wxn, bool dirty_ok);

/* Stage 2: S2AP[0] read, S2AP[1] write, XN[54] execute-never at both ELs (FEAT_XNX's
 * XN[53] is not modelled). Expressed with the EL1 and EL0 bits both set. */
static inline uint8_t mmu_s2_perms(unsigned s2ap, bool xn, bool dirty_ok)
{
	uint8_t p = MMU_PERM_USER;

	if (s2ap & 1)
		p |= MMU_PERM_R1 | MMU_PERM_R0;
	if ((s2ap & 2) || dirty_ok)
		p |= MMU_PERM_W1 | MMU_PERM_W0;
	if (!xn)
		p |= MMU_PERM_X1 | MMU_PERM_X0;
	return p;
}

/* The permission bit an access needs: R/W/X of EL1, shifted by 3 for EL0. */
static inline uint8_t mmu_perm_needed(enum mmu_access acc, bool el0)
{
	return (uint8_t)((MMU_PERM_R1 << acc) << (el0 ? 3 : 0));
}

/*
 * Does perms allow the access? PSTATE.PAN (FEAT_PAN): an EL1 data access to memory
 * EL0 can read or write faults (AArch64.S1ComputePermissions "pan"); it does not
 * apply to instruction fetches nor to unprivileged (EL0) accesses.
 */
static inline bool mmu_perm_ok(uint8_t perms, enum mmu_access acc, unsigned flags)
{
	bool el0 = flags & MMU_F_EL0;

	if (!(perms & mmu_perm_needed(acc, el0)))
		return false;
	return !((flags & MMU_F_PAN) && !el0 && acc != MMU_FETCH && (perms & MMU_PERM_USER));
}

#endif
