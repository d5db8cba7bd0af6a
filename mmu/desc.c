/* SPDX-License-Identifier: MIT */
/*
 * Descriptor decoding (Arm ARM D8.3, "VMSAv8-64 translation table format
 * descriptors"; pseudocode AArch64.DecodeDescriptorType).
 */
#include <string.h>

#include "internal.h"

/*
 * Block descriptors without FEAT_LPA/LPA2: 4K granule at levels 1 and 2; 16K and 64K
 * at level 2 only (a 16K level-1 block and a 64K level-1 block need 52-bit
 * addresses). Level 3 uses bits[1:0] = 0b11 (page).
 */
bool mmu__desc_block_ok(unsigned gshift, int level)
{
	if (gshift == 12)
		return level == 1 || level == 2;
	return level == 2;
}

static enum mmu_desc_type desc_type(int level, unsigned gshift, uint64_t raw)
{
	if (!(raw & MMU_DESC_VALID))
		return MMU_DESC_INVALID;
	if (raw & MMU_DESC_TABLEPG)
		return level == 3 ? MMU_DESC_PAGE : MMU_DESC_TABLE;
	if (level == 3 || !mmu__desc_block_ok(gshift, level))
		return MMU_DESC_RESERVED;
	return MMU_DESC_BLOCK;
}

static void decode_leaf(unsigned stage, uint64_t raw, struct mmu_desc *d)
{
	d->attr = FIELD(raw, 2, stage == 1 ? 3 : 4);
	d->ns = stage == 1 && (raw & BIT(5));
	d->ap = FIELD(raw, 6, 2);
	d->sh = FIELD(raw, 8, 2);
	d->af = raw & MMU_DESC_AF;
	d->ng = stage == 1 && (raw & MMU_DESC_NG);
	d->dbm = raw & MMU_DESC_DBM;
	d->contig = raw & MMU_DESC_CONTIG;
	d->pxn = stage == 1 && (raw & MMU_DESC_PXN);
	d->uxn = raw & MMU_DESC_UXN;
	d->sw = FIELD(raw, 55, 4);
}

void mmu__desc_decode(unsigned stage, int level, unsigned gshift, uint64_t raw,
		      struct mmu_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->type = desc_type(level, gshift, raw);
	d->shift = mmu__level_shift(gshift, level);
	switch (d->type) {
	case MMU_DESC_TABLE:
		d->oa = raw & MASK(48) & ~MASK(gshift);
		if (stage == 1) {
			d->aptable = FIELD(raw, 61, 2);
			d->nstable = raw & BIT(63);
			d->uxntable = raw & BIT(60);
			d->pxntable = raw & BIT(59);
		}
		break;
	case MMU_DESC_BLOCK:
	case MMU_DESC_PAGE:
		d->oa = raw & MASK(48) & ~MASK(d->shift);
		decode_leaf(stage, raw, d);
		break;
	default:
		break;
	}
}

const char *mmu__desc_type_name(enum mmu_desc_type t)
{
	switch (t) {
	case MMU_DESC_INVALID: return "invalid";
	case MMU_DESC_TABLE: return "table";
	case MMU_DESC_BLOCK: return "block";
	case MMU_DESC_PAGE: return "page";
	case MMU_DESC_RESERVED: return "reserved";
	}
	return "?";
}
