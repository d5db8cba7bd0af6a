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
uint8_t mmu_s2_perms(unsigned s2ap, bool xn, bool dirty_ok);
uint8_t mmu_perm_needed(enum mmu_access acc, bool el0);
bool mmu_perm_ok(uint8_t perms, enum mmu_access acc, unsigned flags);

#endif
