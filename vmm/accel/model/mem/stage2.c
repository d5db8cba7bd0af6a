/* Stage-2 tables of the model's VM: see stage2.h. Descriptor layout: Arm ARM D8.3
 * (stage-2 block/page: MemAttr[5:2], S2AP[7:6], SH[9:8], AF[10]); VTCR_EL2: T0SZ 25
 * (39-bit IPA), SL0 1 (start at level 1 with 4K granule), inner/outer WBWA, inner
 * shareable, PS 2 (40-bit PA, which holds RAM and the tables). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/stage2.h"
#include <platform/memmap.h>

#define GiB1 (1ull << 30)
#define MiB2 (1ull << 21)
#define KiB4 (1ull << 12)
#define S2_IPA_BITS 39 /* VTCR_EL2.T0SZ = 25 */
#define S2_PA_BITS 40  /* VTCR_EL2.PS = 2 */
_Static_assert(RAM_BASE + RAM_MAX_SIZE <= (1ull << S2_IPA_BITS), "RAM beyond the IPA space");
_Static_assert(S2_TABLES_PA >= (1ull << S2_IPA_BITS) &&
	       S2_TABLES_PA + S2_MAX_TABLES * KiB4 <= (1ull << S2_PA_BITS),
	       "the stage-2 tables must be outside the IPA space, inside the PA space");
#define S2_LEAF_ATTR ((0xfull << 2) | (3ull << 6) | (3ull << 8) | (1ull << 10))

static uint64_t *table(struct stage2 *s, uint64_t pa)
{
	return (uint64_t *)(s->mem + (pa - S2_TABLES_PA));
}

/* The next-level table under entry e (allocated on first use), or 0 when full. */
static uint64_t next_table(struct stage2 *s, uint64_t *e)
{
	if ((*e & 3) == 3)
		return *e & 0xfffffffff000ull;
	if (s->used == S2_MAX_TABLES)
		return 0;
	uint64_t pa = S2_TABLES_PA + KiB4 * s->used++;
	*e = pa | 3;
	return pa;
}

int stage2__build(struct stage2 *s, uint64_t base, uint64_t size)
{
	memset(s, 0, sizeof(*s));
	s->mem = calloc(S2_MAX_TABLES, KiB4);
	if (!s->mem)
		return -ENOMEM;
	s->used = 1; /* the level-1 table */
	uint64_t l1 = S2_TABLES_PA, end = base + size;
	for (uint64_t a = base; a < end;) {
		uint64_t *e1 = &table(s, l1)[(a >> 30) & 511];
		if (!(a & (GiB1 - 1)) && end - a >= GiB1) {
			*e1 = a | S2_LEAF_ATTR | 1;
			a += GiB1;
			continue;
		}
		uint64_t l2 = next_table(s, e1);
		if (!l2)
			return -ENOSPC;
		uint64_t *e2 = &table(s, l2)[(a >> 21) & 511];
		if (!(a & (MiB2 - 1)) && end - a >= MiB2) {
			*e2 = a | S2_LEAF_ATTR | 1;
			a += MiB2;
			continue;
		}
		uint64_t l3 = next_table(s, e2);
		if (!l3)
			return -ENOSPC;
		table(s, l3)[(a >> 12) & 511] = a | S2_LEAF_ATTR | 3;
		a += KiB4;
	}
	s->vtcr = (64 - S2_IPA_BITS) | (1ull << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (2ull << 16);
	s->vttbr = l1 | ((uint64_t)S2_VMID << 48);
	return 0;
}

void stage2__free(struct stage2 *s)
{
	free(s->mem);
	s->mem = 0;
}

void *stage2__ptr(struct stage2 *s, uint64_t pa)
{
	if (!s->mem || pa < S2_TABLES_PA || pa - S2_TABLES_PA > S2_MAX_TABLES * KiB4 - 8)
		return 0;
	return s->mem + (pa - S2_TABLES_PA);
}
