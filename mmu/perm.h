/* SPDX-License-Identifier: MIT */
/*
 * Access permissions of a leaf descriptor, both stages (private; inline because every
 * walk needs them). Pseudocode: AArch64.S1ComputePermissions,
 * AArch64.S1HasPermissionsFault, AArch64.S2ComputePermissions,
 * AArch64.S2HasPermissionsFault (DDI 0487 J.a).
 */
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

/*
 * Stage 1 of a two-range regime (EL1&0). ap is AP[2:1] of the leaf, table the
 * accumulated APTable/UXNTable/PXNTable limits, which only ever remove permissions
 * (Arm ARM "hierarchical control of access permissions"). dirty_ok: TCR.HD with
 * DBM = 1, the leaf is writable-clean and AP[2] counts as 0 (FEAT_HAFDBS).
 */
static inline uint8_t mmu_s1_perms(unsigned ap, const struct mmu_s1_limits *lim, bool uxn,
				   bool pxn, bool wxn, bool dirty_ok)
{
	bool ro = (ap & 2) && !dirty_ok, el0 = ap & 1;
	bool pr = true, pw = !ro, ur = el0, uw = el0 && !ro;
	bool px, ux;
	uint8_t p;

	if (lim->aptable & 1) /* APTable[0]: no EL0 access below */
		ur = uw = false;
	if (lim->aptable & 2) /* APTable[1]: no write access below */
		pw = uw = false;
	/* EL1 never executes memory that EL0 can write (AArch64.S1ComputePermissions:
	 * px = NOT(pxn OR pxn_table OR uw)); then SCTLR.WXN: writable implies XN. */
	px = !(pxn || lim->pxntable || uw);
	ux = !(uxn || lim->uxntable);
	if (wxn) {
		px = px && !pw;
		ux = ux && !uw;
	}
	p = (pr ? MMU_PERM_R1 : 0) | (pw ? MMU_PERM_W1 : 0) | (px ? MMU_PERM_X1 : 0) |
	    (ur ? MMU_PERM_R0 : 0) | (uw ? MMU_PERM_W0 : 0) | (ux ? MMU_PERM_X0 : 0);
	if (ur || uw)
		p |= MMU_PERM_USER; /* what PSTATE.PAN looks at */
	return p;
}

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
