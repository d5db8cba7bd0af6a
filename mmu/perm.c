/* SPDX-License-Identifier: MIT */
/*
 * Access permissions of a leaf descriptor, both stages.
 * Pseudocode: AArch64.S1ComputePermissions, AArch64.S1HasPermissionsFault,
 * AArch64.S2ComputePermissions, AArch64.S2HasPermissionsFault (DDI 0487 J.a).
 */
#include "internal.h"
#include "perm.h"

/*
 * Stage 1 of a two-range regime (EL1&0). ap is AP[2:1] of the leaf, table the
 * accumulated APTable/UXNTable/PXNTable limits, which only ever remove permissions
 * (Arm ARM D8.4 "hierarchical control of access permissions"). dirty_ok: TCR.HD with DBM = 1, the leaf is
 * writable-clean and AP[2] counts as 0 (FEAT_HAFDBS).
 */
uint8_t mmu_s1_perms(unsigned ap, const struct mmu_s1_limits *lim, bool uxn, bool pxn,
		     bool wxn, bool dirty_ok)
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

