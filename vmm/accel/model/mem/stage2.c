/* Stage-2 tables of the model's VM: see stage2.h (and docs/stage2.md). Descriptor
 * layout: Arm ARM D8.3 (stage-2 block/page: MemAttr[5:2], S2AP[7:6] (01 read-only,
 * 11 read-write), SH[9:8], AF[10]); VTCR_EL2: T0SZ 25 (39-bit IPA), SL0 1 (start at
 * level 1 with 4K granule), inner/outer WBWA, inner shareable, PS 2 (40-bit PA, which
 * holds RAM and the tables). */
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
/* room for the tables of page mode over the largest RAM, inside the PA space */
_Static_assert(S2_TABLES_PA >= (1ull << S2_IPA_BITS) &&
	       S2_TABLES_PA + (RAM_MAX_SIZE / MiB2 + RAM_MAX_SIZE / GiB1 + 8) * KiB4 <=
	       (1ull << S2_PA_BITS),
	       "the stage-2 tables must be outside the IPA space, inside the PA space");
#define S2_ATTR ((0xfull << 2) | (3ull << 8) | (1ull << 10))
#define S2AP_RO (1ull << 6)
#define S2AP_RW (3ull << 6)
#define S2AP_MASK (3ull << 6)
#define OA_MASK 0xfffffffff000ull

static uint64_t *table(struct stage2 *s, uint64_t pa)
{
	return (uint64_t *)(s->mem + (pa - S2_TABLES_PA));
}

static uint64_t leaf_ap(const struct stage2 *s)
{
	return s->dirty_log ? S2AP_RO : S2AP_RW;
}

/* A new zeroed table, or 0 when full. */
static uint64_t new_table(struct stage2 *s)
{
	if (s->used == s->max)
		return 0;
	return S2_TABLES_PA + KiB4 * s->used++;
}

/* The next-level table under entry e (allocated on first use: an invalid entry made
 * valid, which needs no break), or 0 when full. */
static uint64_t next_table(struct stage2 *s, const struct stage2_sync *y, uint64_t *e)
{
	if ((*e & 3) == 3)
		return *e & OA_MASK;
	uint64_t pa = new_table(s);
	if (!pa)
		return 0;
	if (y)
		y->store(y->opaque, (uint64_t)((uint8_t *)e - s->mem) + S2_TABLES_PA, pa | 3);
	else
		*e = pa | 3;
	return pa;
}

int stage2__build(struct stage2 *s, uint64_t base, uint64_t size, enum stage2_mode mode,
		  bool dirty_log)
{
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->dirty_log = dirty_log;
	s->ram_base = base;
	s->ram_size = size;
	s->max = (unsigned)(size / MiB2 + size / GiB1 + 8);
	s->mem = calloc(s->max, KiB4);
	if (!s->mem)
		return -ENOMEM;
	if (dirty_log && !(s->dirty = calloc((size / KiB4 + 63) / 64, 8)))
		return -ENOMEM;
	s->used = 1; /* the level-1 table */
	uint64_t l1 = S2_TABLES_PA, end = base + size, ap = leaf_ap(s);
	bool blocks = mode == STAGE2_BLOCK;
	for (uint64_t a = base; a < end && mode != STAGE2_LAZY;) {
		uint64_t *e1 = &table(s, l1)[(a >> 30) & 511];
		if (blocks && !(a & (GiB1 - 1)) && end - a >= GiB1) {
			*e1 = a | S2_ATTR | ap | 1;
			a += GiB1;
			continue;
		}
		uint64_t l2 = next_table(s, 0, e1);
		if (!l2)
			return -ENOSPC;
		uint64_t *e2 = &table(s, l2)[(a >> 21) & 511];
		if (blocks && !(a & (MiB2 - 1)) && end - a >= MiB2) {
			*e2 = a | S2_ATTR | ap | 1;
			a += MiB2;
			continue;
		}
		uint64_t l3 = next_table(s, 0, e2);
		if (!l3)
			return -ENOSPC;
		table(s, l3)[(a >> 12) & 511] = a | S2_ATTR | ap | 3;
		a += KiB4;
	}
	s->vtcr = (64 - S2_IPA_BITS) | (1ull << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (2ull << 16);
	s->vttbr = l1 | ((uint64_t)S2_VMID << 48);
	return 0;
}

void stage2__free(struct stage2 *s)
{
	free(s->mem);
	free(s->dirty);
	s->mem = 0;
	s->dirty = 0;
}

void *stage2__ptr(struct stage2 *s, uint64_t pa)
{
	if (!s->mem || pa < S2_TABLES_PA || pa - S2_TABLES_PA > s->max * KiB4 - 8)
		return 0;
	return s->mem + (pa - S2_TABLES_PA);
}

static uint64_t pa_of(struct stage2 *s, const uint64_t *e)
{
	return S2_TABLES_PA + (uint64_t)((const uint8_t *)e - s->mem);
}

/* The descriptor that translates ipa: a leaf, or the invalid entry the walk stops at.
 * *level: its level (1 to 3). */
static uint64_t *find(struct stage2 *s, uint64_t ipa, unsigned *level)
{
	uint64_t *e = &table(s, S2_TABLES_PA)[(ipa >> 30) & 511];
	*level = 1;
	while (*level < 3 && (*e & 3) == 3) {
		unsigned shift = 39 - 9 * ++*level;
		e = &table(s, *e & OA_MASK)[(ipa >> shift) & 511];
	}
	return e;
}

/* Change a valid descriptor: break (invalid), invalidate, make. */
static void change(struct stage2 *s, const struct stage2_sync *y, uint64_t *e, uint64_t ipa,
		   uint64_t val)
{
	uint64_t pa = pa_of(s, e);
	s->st.changes++;
	if (s->no_bbm) { /* the bug the checks must see: make before break */
		y->store(y->opaque, pa, val);
		y->invalidate(y->opaque, ipa);
		return;
	}
	y->store(y->opaque, pa, 0);
	y->invalidate(y->opaque, ipa);
	y->store(y->opaque, pa, val);
}

static void log_dirty(struct stage2 *s, uint64_t ipa)
{
	uint64_t n = (ipa - s->ram_base) / KiB4;
	if (!(s->dirty[n / 64] & (1ull << (n % 64)))) {
		s->dirty[n / 64] |= 1ull << (n % 64);
		s->ndirty++;
	}
}

bool stage2__is_dirty(const struct stage2 *s, uint64_t ipa)
{
	uint64_t n = (ipa - s->ram_base) / KiB4;
	return s->dirty && ipa >= s->ram_base && ipa - s->ram_base < s->ram_size &&
	       (s->dirty[n / 64] & (1ull << (n % 64)));
}

/* Lazy: map the 4 KiB page of ipa (invalid entries made valid: no break needed). */
static int map_page(struct stage2 *s, const struct stage2_sync *y, uint64_t ipa, bool write)
{
	uint64_t *e1 = &table(s, S2_TABLES_PA)[(ipa >> 30) & 511];
	uint64_t l2 = next_table(s, y, e1);
	if (!l2)
		return -ENOSPC;
	uint64_t *e2 = &table(s, l2)[(ipa >> 21) & 511];
	uint64_t l3 = next_table(s, y, e2);
	if (!l3)
		return -ENOSPC;
	uint64_t *e3 = &table(s, l3)[(ipa >> 12) & 511];
	uint64_t ap = leaf_ap(s);
	if (s->dirty_log && write) { /* a first write is logged at once (as KVM) */
		ap = S2AP_RW;
		log_dirty(s, ipa);
		s->st.first_writes++;
	}
	y->store(y->opaque, pa_of(s, e3), (ipa & ~(KiB4 - 1)) | S2_ATTR | ap | 3);
	s->st.first_touch++;
	return 0;
}

/* Dirty log: replace the block *e (level 1 or 2) with a table of the next level's
 * blocks or pages, same attributes. */
static int split(struct stage2 *s, const struct stage2_sync *y, uint64_t *e, unsigned level,
		 uint64_t ipa)
{
	uint64_t t = new_table(s), old = *e;
	if (!t)
		return -ENOSPC;
	unsigned shift = 39 - 9 * (level + 1);
	uint64_t *n = table(s, t), oa = old & OA_MASK & ~((1ull << (39 - 9 * level)) - 1);
	for (uint64_t k = 0; k < 512; k++) /* not reachable yet: plain stores */
		n[k] = (oa + (k << shift)) | (old & 0xffc) | (level + 1 == 3 ? 3 : 1);
	change(s, y, e, ipa & ~((1ull << (39 - 9 * level)) - 1), t | 3);
	s->st.splits++;
	return 0;
}

int stage2__fault(struct stage2 *s, const struct stage2_sync *y, uint64_t ipa, bool write,
		  enum stage2_event *ev)
{
	unsigned level;
	*ev = S2EV_NONE;
	if (ipa < s->ram_base || ipa - s->ram_base >= s->ram_size)
		return -ENOENT;
	uint64_t *e = find(s, ipa, &level);
	if (!(*e & 1)) {
		if (s->mode != STAGE2_LAZY)
			return -EFAULT;
		*ev = S2EV_FIRST_TOUCH;
		return map_page(s, y, ipa, write);
	}
	if (!write || !s->dirty_log || (*e & S2AP_MASK) == S2AP_RW) {
		s->st.spurious++;
		return 0;
	}
	if (level < 3) {
		*ev = S2EV_SPLIT;
		return split(s, y, e, level, ipa);
	}
	change(s, y, e, ipa & ~(KiB4 - 1), (*e & ~S2AP_MASK) | S2AP_RW);
	log_dirty(s, ipa);
	s->st.dirty_faults++;
	*ev = S2EV_DIRTY;
	return 0;
}

void stage2__dirty_reset(struct stage2 *s, const struct stage2_sync *y)
{
	if (!s->dirty)
		return;
	uint64_t words = (s->ram_size / KiB4 + 63) / 64;
	for (uint64_t w = 0; w < words; w++) {
		for (uint64_t bits = s->dirty[w]; bits; bits &= bits - 1) {
			uint64_t ipa = s->ram_base + (w * 64 + (uint64_t)__builtin_ctzll(bits)) * KiB4;
			unsigned level;
			uint64_t *e = find(s, ipa, &level);
			if ((*e & 1) && (*e & S2AP_MASK) == S2AP_RW)
				change(s, y, e, ipa, (*e & ~S2AP_MASK) | S2AP_RO);
		}
		s->dirty[w] = 0;
	}
	s->ndirty = 0;
	s->st.resets++;
}

uint64_t stage2__mapped_pages(const struct stage2 *s)
{
	const uint64_t *l1 = (const uint64_t *)s->mem;
	uint64_t n = 0;
	for (unsigned i = 0; i < 512; i++) {
		if ((l1[i] & 3) == 1)
			n += 512 * 512;
		if ((l1[i] & 3) != 3)
			continue;
		const uint64_t *l2 = (const uint64_t *)(s->mem + ((l1[i] & OA_MASK) - S2_TABLES_PA));
		for (unsigned j = 0; j < 512; j++) {
			if ((l2[j] & 3) == 1)
				n += 512;
			if ((l2[j] & 3) != 3)
				continue;
			const uint64_t *l3 = (const uint64_t *)(s->mem + ((l2[j] & OA_MASK) - S2_TABLES_PA));
			for (unsigned k = 0; k < 512; k++)
				n += (l3[k] & 3) == 3;
		}
	}
	return n;
}
