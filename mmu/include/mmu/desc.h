/* SPDX-License-Identifier: MIT */
/*
 * Translation table descriptors (Arm ARM "Translation table descriptor formats"):
 * decoding one raw 64-bit value at a given stage, level and granule.
 */
#ifndef MMU_DESC_H
#define MMU_DESC_H

#include <stdbool.h>
#include <stdint.h>

enum mmu_desc_type {
	MMU_DESC_INVALID = 0,
	MMU_DESC_TABLE,
	MMU_DESC_BLOCK,
	MMU_DESC_PAGE,
	MMU_DESC_RESERVED, /* bits[1:0] = 0b01 at level 3, or a block where none is allowed */
};

struct mmu_desc {
	enum mmu_desc_type type;
	uint64_t oa;        /* next-level table address, or output address of the block/page */
	uint8_t shift;      /* block/page: log2 of the size it maps; table: of one entry */
	/* Table descriptor (stage 1 only; stage-2 table descriptors have none). */
	uint8_t aptable;    /* [62:61] */
	bool nstable, uxntable, pxntable;
	/* Block/page descriptor. */
	uint8_t attr;       /* stage 1 AttrIndx[4:2]; stage 2 MemAttr[5:2] */
	uint8_t ap;         /* stage 1 AP[7:6]; stage 2 S2AP[7:6] */
	uint8_t sh;         /* SH[9:8] */
	bool ns;            /* stage 1 NS[5] */
	bool af;            /* AF[10] */
	bool ng;            /* stage 1 nG[11] */
	bool dbm;           /* DBM[51] */
	bool contig;        /* Contiguous[52] */
	bool pxn;           /* stage 1 PXN[53] */
	bool uxn;           /* stage 1 UXN[54]; stage 2 XN[54] */
	uint8_t sw;         /* software use [58:55] */
};

/* Descriptor bits (both stages unless said). */
#define MMU_DESC_VALID   (1ull << 0)
#define MMU_DESC_TABLEPG (1ull << 1)  /* table (levels < 3) or page (level 3) */
#define MMU_DESC_AP2     (1ull << 7)  /* stage 1 AP[2]: read-only */
#define MMU_DESC_S2AP_W  (1ull << 7)  /* stage 2 S2AP[1]: write */
#define MMU_DESC_AF      (1ull << 10)
#define MMU_DESC_NG      (1ull << 11)
#define MMU_DESC_DBM     (1ull << 51)
#define MMU_DESC_CONTIG  (1ull << 52)
#define MMU_DESC_PXN     (1ull << 53)
#define MMU_DESC_UXN     (1ull << 54)

/* Does `level` of granule `gshift` allow block descriptors (without FEAT_LPA/LPA2)? */
bool mmu__desc_block_ok(unsigned gshift, int level);

/* log2 of the region one entry at `level` maps, for granule `gshift`. */
static inline unsigned mmu__level_shift(unsigned gshift, int level)
{
	return gshift + (unsigned)(3 - level) * (gshift - 3);
}

/* Decode raw at (stage 1 or 2, level, granule). Output address bits [47:gshift]. */
void mmu__desc_decode(unsigned stage, int level, unsigned gshift, uint64_t raw,
		      struct mmu_desc *d);

/* Human-readable name of a type ("table", "block", ...), for tools. */
const char *mmu__desc_type_name(enum mmu_desc_type t);

#endif
