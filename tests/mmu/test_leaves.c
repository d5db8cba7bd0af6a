/* SPDX-License-Identifier: MIT */
/*
 * mmu__leaves_visit: each leaf of a hand-built tree with the permissions, attributes
 * and shareability a walk would give it, the tables above it included; table and
 * reserved descriptors visited too; a table with no memory behind it reported
 * unreadable by its parent (with and without stage 2); nothing written.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

struct leaf_seen {
	unsigned n, tables, reserved, unreadable;
	struct { uint64_t in; uint8_t perms, attr, sh; bool clean; } v[8];
};

static int record(void *arg, const struct mmu_leaf *l)
{
	struct leaf_seen *s = arg;
	const struct mmu_visit *v = l->v;

	if (v->desc.type == MMU_DESC_TABLE) {
		s->tables++;
		s->unreadable += v->unreadable;
		return 0;
	}
	if (v->desc.type == MMU_DESC_RESERVED) {
		s->reserved++;
		return 0;
	}
	if (s->n < 8) {
		s->v[s->n].in = v->in_addr;
		s->v[s->n].perms = l->perms;
		s->v[s->n].attr = l->attr;
		s->v[s->n].sh = l->sh;
		s->v[s->n].clean = l->clean;
	}
	s->n++;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48, 0x10000, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

#define RW_BOTH (MMU_PERM_R1 | MMU_PERM_W1 | MMU_PERM_R0 | MMU_PERM_W0 | MMU_PERM_USER)

/*
 * Arm ARM "Hierarchical control of data access permissions" and "... of instruction
 * execution permissions" (AArch64.S1ComputePermissions): APTable[0] removes EL0 access
 * below, APTable[1] removes write access, UXNTable / PXNTable remove execution;
 * limits from every level above add up. Leaves: AP=01 (RW at both ELs), PXN.
 *   L0[0] -> L1 (APTable=00)   L1[0] -> L2 (APTable=01, UXNTable)   L2[0] page table
 *   L1[1] -> L2' (APTable=10)  L2'[0] -> L3 with the pages
 */
static void leaves_carry_the_limits_of_every_table_above(void **state)
{
	const uint64_t leaf = D_AF | D_SH(3) | D_IDX(1) | D_AP(1) | D_PXN;
	struct leaf_seen s = { 0 };

	(void)state;
	w64(m, 0x10000, TABLE(0x11000));
	w64(m, 0x11000, TABLE(0x12000) | D_APT(1) | D_UXNT);
	w64(m, 0x12000, TABLE(0x13000));
	w64(m, 0x13000, (0x100000 | D_TABLE) | leaf);
	w64(m, 0x11008, TABLE(0x14000) | D_APT(2));
	w64(m, 0x14000, TABLE(0x15000));
	w64(m, 0x15000, (0x200000 | D_TABLE) | leaf);
	w64(m, 0x15008, (0x201000 | 1)); /* bits[1:0] = 01 at level 3: reserved */
	assert_int_equal(mmu__leaves_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.tables, 5);
	assert_int_equal(s.reserved, 1);
	/* APTable=01 + UXNTable: EL1 RW only; EL1 execute removed by PXN */
	assert_int_equal(s.v[0].in, 0);
	assert_int_equal(s.v[0].perms, MMU_PERM_R1 | MMU_PERM_W1);
	/* APTable=10: read-only at both ELs; EL0 may execute (UXN = 0) */
	assert_int_equal(s.v[1].in, 0x40000000);
	assert_int_equal(s.v[1].perms, MMU_PERM_R1 | MMU_PERM_R0 | MMU_PERM_X0 | MMU_PERM_USER);
	assert_int_equal(s.v[1].attr, 0xff);  /* MAIR_TEST Attr1 */
	assert_int_equal(s.v[1].sh, 3);
	assert_int_equal(m->cas, 0);
}

/* FEAT_HAFDBS ("Hardware management of the dirty state"): with TCR_EL1.HA and HD, a
 * DBM = 1 page whose AP[2] = 1 is writable-clean: writable, first write marks it
 * dirty. Without HD, DBM means nothing and the page is read-only. Device memory is
 * Outer Shareable whatever SH says (the Arm ARM treats all Device and Normal
 * Non-cacheable memory as Outer Shareable). */
static void leaves_writable_clean_and_device(void **state)
{
	struct leaf_seen s = { 0 };

	(void)state;
	w64(m, 0x10000, TABLE(0x11000));
	w64(m, 0x11000, TABLE(0x12000));
	w64(m, 0x12000, TABLE(0x13000));
	w64(m, 0x13000, 0x100000 | D_TABLE | D_AF | D_SH(3) | D_IDX(1) | D_AP(2) | D_DBM |
			D_PXN | D_UXN);
	w64(m, 0x13008, 0x101000 | D_TABLE | D_AF | D_SH(3) | D_IDX(0) | D_PXN | D_UXN);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA | MMU_TCR_HD, 0x10000, 0);
	assert_int_equal(mmu__leaves_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].perms, MMU_PERM_R1 | MMU_PERM_W1);
	assert_true(s.v[0].clean);
	assert_int_equal(s.v[1].attr, 0x00);
	assert_int_equal(s.v[1].sh, 2);
	s = (struct leaf_seen){ 0 };
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA, 0x10000, 0);
	assert_int_equal(mmu__leaves_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.v[0].perms, MMU_PERM_R1);
	assert_false(s.v[0].clean);
}

/* Stage 2 (AArch64.S2ComputePermissions, S2AttrDecode): S2AP=01 read-only, XN no
 * execution at either EL; MemAttr 1111 is Normal Write-Back inner and outer. */
static void leaves_of_stage2(void **state)
{
	struct leaf_seen s = { 0 };

	(void)state;
	th_s2_tables(m);
	w64(m, S2L2 + 8, (0x200000 | D_BLOCK | D_AF | D_SH(3) | S2_MEMATTR(0xf) | S2_AP(1) |
			  S2_XN));
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x10000, 0, MMU_HCR_VM, VTCR_4K40, S2BASE);
	assert_int_equal(mmu__leaves_visit(&ctx, MMU_TABLES_S2, record, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[1].in, 0x200000);
	assert_int_equal(s.v[1].perms, MMU_PERM_R1 | MMU_PERM_R0 | MMU_PERM_USER);
	assert_int_equal(s.v[1].attr, 0xcc);
}

/* A table descriptor whose table has no memory behind it (a read there would be a
 * synchronous external abort on the walk) is reported by its parent as unreadable,
 * stage 2 on or off. mmu/dump.h contract, no Arm ARM rule. */
static void a_table_without_memory_is_unreadable(void **state)
{
	struct leaf_seen s = { 0 };

	(void)state;
	w64(m, 0x10000, TABLE(0x11000));
	w64(m, 0x11000, TABLE(0x40000000)); /* beyond the 32 MiB test memory */
	assert_int_equal(mmu__leaves_visit(&ctx, MMU_TABLES_TTBR0, record, &s), 0);
	assert_int_equal(s.tables, 2);
	assert_int_equal(s.unreadable, 1);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(leaves_carry_the_limits_of_every_table_above),
		T(leaves_writable_clean_and_device),
		T(leaves_of_stage2),
		T(a_table_without_memory_is_unreadable),
	};
	return cmocka_run_group_tests_name("mmu leaves", tests, NULL, NULL);
}
