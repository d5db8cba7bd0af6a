/* SPDX-License-Identifier: MIT */
/*
 * Descriptor decoding (Arm ARM "VMSAv8-64 translation table format
 * descriptors"; pseudocode AArch64.DecodeDescriptorType).
 */
#include <stdio.h>
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

/* The fields of a block or page descriptor worth showing, by stage. */
static void leaf_fields(unsigned stage, const struct mmu_desc *d, char *buf, size_t len)
{
	if (stage == 1)
		snprintf(buf, len, " AttrIndx=%u AP=%u%u SH=%u%s%s%s%s%s%s%s", d->attr,
			 d->ap >> 1, d->ap & 1, d->sh, d->af ? " AF" : "", d->ng ? " nG" : "",
			 d->uxn ? " UXN" : "", d->pxn ? " PXN" : "", d->dbm ? " DBM" : "",
			 d->contig ? " Contig" : "", d->ns ? " NS" : "");
	else
		snprintf(buf, len, " MemAttr=%#x S2AP=%u%u SH=%u%s%s%s%s", d->attr, d->ap >> 1,
			 d->ap & 1, d->sh, d->af ? " AF" : "", d->uxn ? " XN" : "",
			 d->dbm ? " DBM" : "", d->contig ? " Contig" : "");
}

/* What a descriptor leads to: the next table (with its limits) or the output. */
static void desc_tail(const struct mmu_trace_step *s, char *buf, size_t len)
{
	static const char *const apt[4] = { "", " APTable=01", " APTable=10", " APTable=11" };
	const struct mmu_desc *d = &s->desc;
	int n;

	buf[0] = 0;
	if (d->type == MMU_DESC_TABLE) {
		snprintf(buf, len, " -> table %#llx%s%s%s", (unsigned long long)d->oa,
			 apt[d->aptable & 3], d->uxntable ? " UXNTable" : "",
			 d->pxntable ? " PXNTable" : "");
	} else if (d->type == MMU_DESC_BLOCK || d->type == MMU_DESC_PAGE) {
		n = snprintf(buf, len, " -> %#llx (2^%u bytes)", (unsigned long long)d->oa,
			     d->shift);
		if (n > 0 && (size_t)n < len)
			leaf_fields(s->stage, d, buf + n, len - (size_t)n);
	}
}

int mmu__trace_format(const struct mmu_trace_step *s, char *buf, size_t len)
{
	char tail[200];

	desc_tail(s, tail, sizeof(tail));
	return snprintf(buf, len, "S%u%s L%d in %#llx: table %#llx[%u] @%#llx = %#018llx %s%s%s",
			s->stage, s->s1ptw ? " (for S1 walk)" : "", s->level,
			(unsigned long long)s->in_addr, (unsigned long long)s->table, s->index,
			(unsigned long long)s->desc_pa, (unsigned long long)s->raw,
			mmu__desc_type_name(s->desc.type), tail,
			s->updated ? " [updated by hardware]" : "");
}
