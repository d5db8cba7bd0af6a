/* SPDX-License-Identifier: MIT */
/*
 * Whole-tree visits (mmu__tables_visit): every valid descriptor of a hand-built tree,
 * depth first in address order, with the region each covers; skipping and stopping;
 * stage-1 tables read through stage 2; no side effects.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

struct seen {
	unsigned n;
	struct { int level; uint64_t in, pa; enum mmu_desc_type type; } v[16];
	int skip_level, stop_level;
};

static int record(void *arg, const struct mmu_visit *v)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->v[s->n].level = v->level;
		s->v[s->n].in = v->in_addr;
		s->v[s->n].pa = v->desc_pa;
		s->v[s->n].type = v->desc.type;
	}
	s->n++;
	if (v->level == s->stop_level)
		return -7;
	return v->level == s->skip_level ? 1 : 0;
}

static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48, 0x10000, 0x20000);
	/* TTBR0: VA 0x8040203000 -> page (indexes 1, 1, 1, 3), and a 1 GiB block at
	 * L1[2] of the same level-1 table (VA 0x8080000000) */
	w64(m, 0x10000 + 8, TABLE(0x11000));
	w64(m, 0x11000 + 8, TABLE(0x12000));
	w64(m, 0x11000 + 16, BLOCK(0xc0000000));
	w64(m, 0x12000 + 8, TABLE(0x13000));
	w64(m, 0x13000 + 24, PAGE(0x45678000));
	/* TTBR1: VA 0xffff800000001000 (L0 index 0x100, L3 index 1) */
	w64(m, 0x20000 + 0x100 * 8, TABLE(0x21000));
	w64(m, 0x21000, TABLE(0x22000));
	w64(m, 0x22000, TABLE(0x23000));
	w64(m, 0x23000 + 8, PAGE(0x77000));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

/* Visit order is the library's contract, not an Arm ARM rule. The descriptors
 * and regions follow Arm ARM "VMSAv8-64 translation table format descriptors" and
 * "The algorithm for finding the translation table entries" (AArch64.S1Walk). */
static void dump_ttbr0_visits_depth_first_in_address_order(void **state)
{
	struct seen s = { .skip_level = -1, .stop_level = -1 };

	(void)state;
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.v[0].level, 0);
	assert_int_equal(s.v[0].in, 0x8000000000ull);
	assert_int_equal(s.v[1].in, 0x8040000000ull);
	assert_int_equal(s.v[2].in, 0x8040200000ull);
	assert_int_equal(s.v[3].level, 3);
	assert_int_equal(s.v[3].in, 0x8040203000ull);
	assert_int_equal(s.v[3].pa, 0x13018);
	assert_int_equal(s.v[3].type, MMU_DESC_PAGE);
	assert_int_equal(s.v[4].level, 1);
	assert_int_equal(s.v[4].in, 0x8080000000ull);
	assert_int_equal(s.v[4].type, MMU_DESC_BLOCK);
}

/* A visitor's 1 skips a table's subtree; a negative value stops and is returned.
 * Library interface (visitor return values), no Arm ARM rule. */
static void dump_skip_and_stop(void **state)
{
	struct seen s = { .skip_level = 1, .stop_level = -1 };

	(void)state;
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.n, 3);   /* L0, L1 table (skipped below), L1 block */
	s = (struct seen){ .skip_level = -1, .stop_level = 2 };
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_TTBR0, record, &s), -7);
	assert_int_equal(s.n, 3);
}

/* TTBR1 addresses are the top of the VA space: VA[63:48] all ones.
 * Arm ARM "Controlling address translation stages": the TTBR1 range is the
 * top of the VA space (VA[63:48] all ones for T1SZ = 16). */
static void dump_ttbr1_addresses_are_sign_extended(void **state)
{
	struct seen s = { .skip_level = -1, .stop_level = -1 };

	(void)state;
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_TTBR1, record, &s), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.v[0].in, 0xffff800000000000ull);
	assert_int_equal(s.v[3].in, 0xffff800000001000ull);
}

/* With stage 2 on (the harness's stage-2 fixture, th_s2_tables), stage-1 tables at
 * IPA x are read at PA x + 8 MiB; the stage-2 tree itself (2 concatenated level-1
 * tables) is visited too. Nothing is written.
 * Arm ARM "Controlling address translation stages" (stage 1 table addresses
 * are IPAs); VTCR_EL2.SL0 / concatenated initial tables (AArch64.S2StartLevel). */
static void dump_stage1_through_stage2_and_stage2_tree(void **state)
{
	struct seen s = { .skip_level = -1, .stop_level = -1 };

	(void)state;
	th_s2_tables(m);
	w64(m, S2L2, S2BLOCK(IPA2PA(0)) & ~D_AF);      /* AF = 0: a walk would update */
	for (uint64_t a = 0x10000; a < 0x14000; a += 8)
		w64(m, IPA2PA(a), r64(m, a));
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x10000, 0, MMU_HCR_VM, VTCR_4K40 | MMU_VTCR_HA,
	       S2BASE);
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.v[3].pa, 0x813018);
	assert_int_equal(m->cas, 0);
	s = (struct seen){ .skip_level = -1, .stop_level = -1 };
	assert_int_equal(mmu__tables_visit(&ctx, MMU_TABLES_S2, record, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[1].level, 2);
	assert_int_equal(s.v[2].in, 0x40000000);
	assert_int_equal(s.v[2].type, MMU_DESC_BLOCK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(dump_ttbr0_visits_depth_first_in_address_order),
		T(dump_skip_and_stop),
		T(dump_ttbr1_addresses_are_sign_extended),
		T(dump_stage1_through_stage2_and_stage2_tree),
	};
	return cmocka_run_group_tests_name("mmu table visits", tests, NULL, NULL);
}
