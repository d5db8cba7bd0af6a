/* SPDX-License-Identifier: MIT */
/*
 * Every granule at each start level (AArch64.S1StartLevel / AArch64.S2StartLevel), and
 * each fault kind at each level of stage 2, for the walk of the output and for the
 * stage-1 walk (S1PTW). Expected start levels are the manual's tables:
 *   4K : 48 bits -> L0, 39 -> L1, 30 -> L2, 25 -> L2
 *   16K: 48 bits -> L0, 47 -> L1, 36 -> L2, 25 -> L3
 *   64K: 48 bits -> L1, 42 -> L2, 29 -> L3, 25 -> L3
 * The table chain is written with the per-level index rule IA[s+stride-1:s], s = the
 * level's shift (gshift + (3 - level) * (gshift - 3)).
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	mmu__ctx_init(&ctx, &tmem_ops, m);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

static unsigned lshift(unsigned g, int level)
{
	return g + (unsigned)(3 - level) * (g - 3);
}

/* Write a chain from the root at `base` for ia, tables every `1 << g` bytes after it;
 * the leaf maps oa (page at level 3). */
static void chain(unsigned g, int start, unsigned ia_bits, uint64_t base, uint64_t ia,
		  uint64_t leaf)
{
	uint64_t table = base, next = base + (1ull << g) * 16; /* room for 16 root tables */

	for (int level = start; level <= 3; level++) {
		unsigned s = lshift(g, level);
		unsigned bits = level == start ? ia_bits - s : g - 3;
		uint64_t slot = table + 8 * ((ia >> s) & ((1ull << bits) - 1));

		if (level == 3) {
			w64(m, slot, leaf);
			return;
		}
		w64(m, slot, TABLE(next));
		table = next;
		next += 1ull << g;
	}
}

struct sl_case {
	unsigned g, tsz;
	int start;
};

static const struct sl_case s1_cases[] = {
	{ 12, 16, 0 }, { 12, 25, 1 }, { 12, 34, 2 }, { 12, 39, 2 },
	{ 14, 16, 0 }, { 14, 17, 1 }, { 14, 28, 2 }, { 14, 39, 3 },
	{ 16, 16, 1 }, { 16, 22, 2 }, { 16, 35, 3 }, { 16, 39, 3 },
};

static uint64_t tg0(unsigned g)
{
	return g == 12 ? TCR_TG0_4K : g == 14 ? TCR_TG0_16K : TCR_TG0_64K;
}

/* Start levels from the table in the file comment. Arm ARM "Memory translation
 * granule size", "The algorithm for finding the translation table entries";
 * AArch64.S1StartLevel, AArch64.S1Walk. */
static void s1_every_granule_at_each_start_level(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(s1_cases) / sizeof(s1_cases[0]); i++) {
		const struct sl_case *c = &s1_cases[i];
		unsigned ia_bits = 64 - c->tsz;
		uint64_t va = ((1ull << ia_bits) - 1) & ~0xfffull & 0x5555555555555000ull;
		uint64_t base = 0x100000;

		th_set(&ctx, SCTLR_ON, TCR_T0SZ(c->tsz) | tg0(c->g) | TCR_T1SZ(c->tsz) |
		       TCR_TG1_4K | TCR_IPS(5), base, 0, 0, 0, 0);
		assert_int_equal(ctx.regime.tt[0].start_level, c->start);
		memset(m->buf + base, 0, 8u << 20);
		chain(c->g, c->start, ia_bits, base, va, PAGE(0x3000000ull) | 0);
		va |= 0x123;
		assert_int_equal(ok_pa(&ctx, va, MMU_READ, MMU_F_NO_TLB),
				 0x3000000ull + (va & ((1ull << c->g) - 1)));
	}
}

/* Stage 2 with 16K and 64K granules: VTCR.SL0 = 1 means level 2 for both (level 1 for
 * 4K). 16K, 40-bit IPA: 15 bits at level 2 = 16 concatenated tables; 64K: 11 bits at
 * level 2, one table.
 * Arm ARM VTCR_EL2.SL0 field description (its meaning depends on TG0) and
 * concatenated stage 2 initial tables; AArch64.S2StartLevel, AArch64.S2Walk. */
static void s2_16k_and_64k_granules_with_sl0(void **state)
{
	static const struct { unsigned g, tg; int start; unsigned concat_log2; } t[] = {
		{ 14, 2, 2, 4 }, { 16, 1, 2, 0 }, { 12, 0, 1, 1 },
	};
	struct mmu_result res;

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t base = 0x400000, ipa = 0xf0f0f0f000ull & ~((1ull << t[i].g) - 1);
		uint64_t vtcr = 24 | 1ull << 6 | (uint64_t)t[i].tg << 14 | 2ull << 16;

		th_set(&ctx, 0, 0, 0, 0, MMU_HCR_VM, vtcr, base);
		assert_int_equal(ctx.regime.s2.start_level, t[i].start);
		assert_int_equal(ctx.regime.s2.concat_log2, t[i].concat_log2);
		memset(m->buf + base, 0, 8u << 20);
		chain(t[i].g, t[i].start, 40, base, ipa, S2PAGE(0x5000000));
		assert_int_equal(mmu__walk_s2(&ctx, ipa | 0x44, MMU_READ, &res), 0);
		assert_int_equal(res.pa, 0x5000044);
	}
}

/*
 * Stage 2, 4K, 40-bit IPA from level 1 (VTCR_4K40). Each fault kind at levels 1, 2, 3,
 * for the output IPA (S1PTW = 0) and for a stage-1 table IPA (S1PTW = 1).
 */
#define S2ROOT 0x400000ull

static void s2_path(uint64_t ipa, int leaf_level, uint64_t leaf)
{
	memset(m->buf + S2ROOT, 0, 0x10000);
	if (leaf_level == 1) {
		w64(m, S2ROOT + 8 * ((ipa >> 30) & 1023), leaf);
		return;
	}
	w64(m, S2ROOT + 8 * ((ipa >> 30) & 1023), TABLE(0x403000));
	if (leaf_level == 2) {
		w64(m, 0x403000 + 8 * ((ipa >> 21) & 511), leaf);
		return;
	}
	w64(m, 0x403000 + 8 * ((ipa >> 21) & 511), TABLE(0x404000));
	w64(m, 0x404000 + 8 * ((ipa >> 12) & 511), leaf);
}

static uint64_t s2_leaf(int level, uint64_t oa)
{
	return level == 3 ? S2PAGE(oa) : S2BLOCK(oa);
}

struct fk {
	enum mmu_fault_kind kind;
	uint64_t (*make)(int level);
	enum mmu_access acc;
};

static uint64_t mk_invalid(int level) { (void)level; return 0; }
static uint64_t mk_noaf(int level) { return s2_leaf(level, 0) & ~D_AF; }
static uint64_t mk_ro(int level) { return (s2_leaf(level, 0) & ~S2_AP(3)) | S2_AP(1); }
static uint64_t mk_big(int level) { return s2_leaf(level, 1ull << 41); } /* PS = 40 bits */

static const struct fk kinds[] = {
	{ MMU_FAULT_TRANSLATION, mk_invalid, MMU_READ },
	{ MMU_FAULT_ACCESS, mk_noaf, MMU_READ },
	{ MMU_FAULT_PERMISSION, mk_ro, MMU_WRITE },
	{ MMU_FAULT_ADDR_SIZE, mk_big, MMU_READ },
};

static void expect_s2(uint64_t va, enum mmu_access acc, enum mmu_fault_kind kind, int level,
		      bool s1ptw, uint64_t ipa)
{
	struct mmu_result res;

	assert_int_equal(mmu__walk(&ctx, va, acc, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, kind);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, level);
	assert_int_equal(res.fault.s1ptw, s1ptw);
	assert_int_equal(res.fault.ipa, ipa);
}

/* Stage 2 faults on the output IPA (S1PTW = 0). Arm ARM ESR DFSC encodings,
 * "ISS encoding for an exception from a Data Abort"; AArch64.S2Walk,
 * AArch64.S2HasPermissionsFault. */
static void s2_each_fault_kind_at_each_level_output(void **state)
{
	(void)state;
	/* stage 1 off: VA = IPA, only stage 2 translates */
	th_set(&ctx, 0, 0, 0, 0, MMU_HCR_VM, VTCR_4K40, S2ROOT);
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int level = 1; level <= 3; level++) {
			s2_path(0x40201000, level, kinds[k].make(level));
			expect_s2(0x40201008, kinds[k].acc, kinds[k].kind, level, false,
				  0x40201008);
		}
	}
	m->fail_pa = 0x403000 + 8 * 1;   /* external abort reading level 2 */
	s2_path(0x40201000, 3, S2PAGE(0));
	expect_s2(0x40201008, MMU_READ, MMU_FAULT_EXT_ABORT_WALK, 2, false, 0x40201008);
	m->fail_pa = 0;
}

/* The same faults on a stage-1 table read (the level-0 table at IPA 0x40201000).
 * Arm ARM "ISS encoding for an exception from a Data Abort" (S1PTW = 1;
 * a stage 1 table read is a read at stage 2); AArch64.S2Translate, AArch64.S2Walk. */
static void s2_each_fault_kind_at_each_level_s1ptw(void **state)
{
	(void)state;
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x40201000, 0, MMU_HCR_VM, VTCR_4K40, S2ROOT);
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (kinds[k].kind == MMU_FAULT_PERMISSION)
			continue; /* table reads need read permission only: see below */
		for (int level = 1; level <= 3; level++) {
			s2_path(0x40201000, level, kinds[k].make(level));
			/* VA 0: the level-0 descriptor at IPA 0x40201000 */
			expect_s2(0x0, MMU_WRITE, kinds[k].kind, level, true, 0x40201000);
		}
	}
	m->fail_pa = 0x403000 + 8 * 1;   /* external abort reading stage-2 level 2 */
	s2_path(0x40201000, 3, S2PAGE(0));
	expect_s2(0x0, MMU_READ, MMU_FAULT_EXT_ABORT_WALK, 2, true, 0x40201000);
	m->fail_pa = 0;
	for (int level = 1; level <= 3; level++) {   /* S2AP = 10: write-only */
		s2_path(0x40201000, level, (s2_leaf(level, 0) & ~S2_AP(3)) | S2_AP(2));
		expect_s2(0x0, MMU_READ, MMU_FAULT_PERMISSION, level, true, 0x40201000);
	}
}

/* Stage 1, 4K, 48-bit: each fault kind at each level a leaf can be at (blocks at 1 and
 * 2, page at 3), and translation/external abort faults at level 0 too. */
static void s1_path(int leaf_level, uint64_t leaf)
{
	/* VA 0x8040201008: indexes 1, 1, 1, 1 at levels 0..3 */
	memset(m->buf + 0x10000, 0, 0x4000);
	w64(m, 0x10000 + 8, leaf_level == 0 ? leaf : TABLE(0x11000));
	if (leaf_level >= 1)
		w64(m, 0x11000 + 8, leaf_level == 1 ? leaf : TABLE(0x12000));
	if (leaf_level >= 2)
		w64(m, 0x12000 + 8, leaf_level == 2 ? leaf : TABLE(0x13000));
	if (leaf_level == 3)
		w64(m, 0x13000 + 8, leaf);
}

static uint64_t s1_leaf(int level, uint64_t oa)
{
	return level == 3 ? PAGE(oa) : BLOCK(oa);
}

/* Arm ARM ESR DFSC encodings (translation, Access flag, permission, address
 * size, External abort on walk, each with its level); AArch64.S1Walk,
 * AArch64.OAOutOfRange, AArch64.S1HasPermissionsFault. */
static void s1_each_fault_kind_at_each_level(void **state)
{
	struct mmu_result res;
	const uint64_t va = 0x8040201008ull;

	(void)state;
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x10000, 0, 0, 0, 0);
	for (int level = 0; level <= 3; level++) {
		s1_path(level, 0);
		expect_fault(&ctx, va, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, level);
	}
	for (int level = 1; level <= 3; level++) {
		s1_path(level, s1_leaf(level, 0) & ~D_AF);
		expect_fault(&ctx, va, MMU_READ, 0, MMU_FAULT_ACCESS, 1, level);
		s1_path(level, s1_leaf(level, 0) | D_AP(2));
		expect_fault(&ctx, va, MMU_WRITE, 0, MMU_FAULT_PERMISSION, 1, level);
		assert_int_equal(mmu__walk(&ctx, va, MMU_WRITE, 0, &res), -EFAULT);
		assert_true(res.fault.wnr);
		th_set(&ctx, SCTLR_ON, (TCR_4K48 & ~TCR_IPS(7)) | TCR_IPS(2), 0x10000, 0, 0, 0, 0);
		s1_path(level, s1_leaf(level, 1ull << 41));  /* OA above IPS = 40 bits */
		expect_fault(&ctx, va, MMU_READ, 0, MMU_FAULT_ADDR_SIZE, 1, level);
		th_set(&ctx, SCTLR_ON, TCR_4K48, 0x10000, 0, 0, 0, 0);
	}
	for (int level = 0; level <= 3; level++) {
		static const uint64_t slot[4] = { 0x10008, 0x11008, 0x12008, 0x13008 };
		s1_path(3, PAGE(0));
		m->fail_pa = slot[level];
		expect_fault(&ctx, va, MMU_READ, 0, MMU_FAULT_EXT_ABORT_WALK, 1, level);
		m->fail_pa = 0;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(s1_every_granule_at_each_start_level),
		T(s1_each_fault_kind_at_each_level),
		T(s2_16k_and_64k_granules_with_sl0),
		T(s2_each_fault_kind_at_each_level_output),
		T(s2_each_fault_kind_at_each_level_s1ptw),
	};
	return cmocka_run_group_tests_name("mmu granules and stage-2 faults", tests, NULL, NULL);
}
