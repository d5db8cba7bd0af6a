/* SPDX-License-Identifier: MIT */
/*
 * Memory attributes (private to mmu/; inline, as every walk combines them). Everything
 * is held in the MAIR_ELx byte format (Arm ARM MAIR_EL1): 0b0000dd00 Device (dd: 00 nGnRnE, 01 nGnRE, 10 nGRE, 11 GRE), or an
 * outer nibble and an inner nibble for Normal memory (0b0100 Non-cacheable,
 * 0b00RW/0b10RW Write-Through, 0b01RW/0b11RW Write-Back, RW = allocation hints).
 * Stage-2 MemAttr[3:0] (without FEAT_S2FWB) is converted to the same format, and the
 * two stages are combined as AArch64.S2CombineS1MemAttrs does: Device beats Normal,
 * the more restrictive Device type wins, and for Normal memory Non-cacheable beats
 * Write-Through beats Write-Back, separately for inner and outer.
 */
#ifndef MMU_ATTR_H
#define MMU_ATTR_H

#include <stdint.h>

/* mmu_attr_is_device() is in internal.h, which includes this file after it. */

enum { MMU_ATTR_NC = 0, MMU_ATTR_WT = 1, MMU_ATTR_WB = 2 };

/* Cacheability of one Normal nibble. Reserved encodings (0b0000 inside a Normal
 * attribute) are treated as Non-cacheable. */
static inline int mmu_attr_nibble_kind(unsigned n)
{
	if (n == 0x4 || n == 0)
		return MMU_ATTR_NC;
	return (n & 0x4) ? MMU_ATTR_WB : MMU_ATTR_WT;
}

/* Combine one Normal nibble: the weaker cacheability wins; hints from stage 1. */
static inline unsigned mmu_attr_combine_nibble(unsigned s1, unsigned s2)
{
	int k1 = mmu_attr_nibble_kind(s1), k2 = mmu_attr_nibble_kind(s2);

	if (k2 >= k1)
		return s1 == 0 ? 0x4 : s1;
	if (k2 == MMU_ATTR_NC)
		return 0x4;
	return 0x8 | (s1 & 3); /* Write-Through, non-transient, stage-1 hints */
}

static inline uint8_t mmu_attr_combine(uint8_t s1, uint8_t s2)
{
	if (mmu_attr_is_device(s1) || mmu_attr_is_device(s2)) {
		unsigned d1 = mmu_attr_is_device(s1) ? s1 : 0x0c;
		unsigned d2 = mmu_attr_is_device(s2) ? s2 : 0x0c;
		return (uint8_t)(d1 < d2 ? d1 : d2); /* nGnRnE < nGnRE < nGRE < GRE */
	}
	return (uint8_t)(mmu_attr_combine_nibble(s1 >> 4, s2 >> 4) << 4 |
			 mmu_attr_combine_nibble(s1 & 0xf, s2 & 0xf));
}

/* SH: 00 Non-shareable, 10 Outer, 11 Inner (01 reserved: treated as Non-shareable).
 * Outer beats Inner beats Non-shareable. */
static inline uint8_t mmu_sh_combine(uint8_t s1, uint8_t s2)
{
	if (s1 == 2 || s2 == 2)
		return 2;
	if (s1 == 3 || s2 == 3)
		return 3;
	return 0;
}

/* Device and Normal inner+outer Non-cacheable memory is always Outer Shareable. */
static inline uint8_t mmu_sh_effective(uint8_t attr, uint8_t sh)
{
	if (mmu_attr_is_device(attr) || (mmu_attr_nibble_kind(attr >> 4) == MMU_ATTR_NC &&
					 mmu_attr_nibble_kind(attr & 0xf) == MMU_ATTR_NC))
		return 2;
	return sh == 1 ? 0 : sh;
}

#endif
