/* SPDX-License-Identifier: MIT */
/*
 * Stage 2 and its composition with stage 1 (AArch64.S2Walk, AArch64.S2StartLevel,
 * concatenated start tables, S1PTW faults, AArch64.S2CombineS1MemAttrs). Tables by
 * hand; stage-1 tables live at IPAs that stage 2 maps elsewhere in PA.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

/* The tables: the harness's two-stage fixture (th_two_stage, harness.h), VMID 5:
 * VA4 -> IPA 0x45678000 -> PA 0x105678000; stage-1 tables at IPA 0x10000.. = PA
 * 0x810000.. */
static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	th_two_stage(&ctx, m, 5, PAGE(0x45678000));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

/* Every stage-1 table address is an IPA translated by stage 2 first: 4 stage-1 reads,
 * each after a 2-read stage-2 walk, then 1 read for the output IPA: 13 reads.
 * Arm ARM "Controlling address translation stages" (stage 1 table addresses
 * are IPAs under stage 2); AArch64.S1Walk, AArch64.S2Translate for each table read. */
static void s2_stage1_tables_are_read_through_stage2(void **state)
{
	struct mmu_result res;

	(void)state;
	m->reads = 0;
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	assert_int_equal(res.ipa, 0x45678456);
	assert_int_equal(res.pa, 0x100000000ull + 0x05678456);
	assert_int_equal(m->reads, 13);
	assert_int_equal(ctx.regime.vmid, 5);
}

/* With 2 concatenated level-1 tables, IPA[39] = 1 indexes the second one:
 * IPA[39:30] = 0x201 -> entry at VTTBR + 0x201 * 8.
 * Arm ARM "The algorithm for finding the translation table entries"
 * (concatenated stage 2 initial tables); VTCR_EL2.SL0; AArch64.S2StartLevel. */
static void s2_concatenated_tables_ipa_bit39_uses_second_table(void **state)
{
	struct mmu_result res;
	uint64_t ipa = 0x8040001234ull;

	(void)state;
	w64(m, S2BASE + 0x201 * 8, S2BLOCK(0x200000000ull));
	assert_int_equal(mmu__walk_s2(&ctx, ipa, MMU_READ, &res), 0);
	assert_int_equal(res.pa, 0x200001234ull);
	assert_int_equal(res.level, 1);
}

/* T0SZ = 21 (43-bit IPA), SL0 = 1: 13 bits at level 1 = 16 concatenated tables.
 * Arm ARM concatenated stage 2 initial tables (at most 16), VTCR_EL2.T0SZ and
 * SL0; AArch64.S2StartLevel, AArch64.S2Walk. */
static void s2_sixteen_concatenated_tables_at_level1(void **state)
{
	struct mmu_result res;
	uint64_t vtcr = 21 | 1ull << 6 | 4ull << 16; /* PS 44 bits */
	uint64_t ipa = (0x1fffull << 30) | 0x123;

	(void)state;
	th_stage2(&ctx, vtcr, 0x1000000);
	w64(m, 0x1000000 + 0x1fff * 8, S2BLOCK(0x40000000));
	assert_int_equal(mmu__walk_s2(&ctx, ipa, MMU_READ, &res), 0);
	assert_int_equal(res.pa, 0x40000123);
}

/* A start level leaving more than 16 tables' worth of bits (T0SZ = 20 with SL0 = 1,
 * or T0SZ = 24 with SL0 = 0) is an invalid configuration: stage-2 fault level 0.
 * Arm ARM VTCR_EL2.SL0 (inconsistent with T0SZ: level 0 translation fault);
 * AArch64.S2InvalidSL, AArch64.S2InconsistentSL. */
static void s2_start_level_needing_more_than_16_tables_faults(void **state)
{
	struct mmu_result res;

	(void)state;
	th_stage2(&ctx, 20 | 1ull << 6 | 4ull << 16, S2BASE);
	assert_int_equal(mmu__walk_s2(&ctx, 0x1000, MMU_READ, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 0);
	th_stage2(&ctx, 24 | 0ull << 6 | 2ull << 16, S2BASE);
	assert_int_equal(mmu__walk_s2(&ctx, 0x1000, MMU_READ, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
}

/* An IPA at or above 2^(64 - T0SZ): stage-2 translation fault, level 0.
 * Arm ARM VTCR_EL2.T0SZ (input address size); pseudocode AArch64.S2Walk
 * raises a level 0 translation fault for an IPA above the input range. */
static void s2_ipa_beyond_t0sz_faults_level0(void **state)
{
	struct mmu_result res;

	(void)state;
	assert_int_equal(mmu__walk_s2(&ctx, 1ull << 40, MMU_READ, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 0);
	assert_true(res.fault.ipa_valid);
	assert_int_equal(res.fault.ipa, 1ull << 40);
}

/* S2AP: 01 read-only, 10 write-only; XN[54] forbids execution. A stage-2 permission
 * fault on the access itself has S1PTW = 0 and reports the IPA.
 * Arm ARM "Memory access control" (stage 2 S2AP and XN);
 * AArch64.S2ComputePermissions, AArch64.S2HasPermissionsFault. */
static void s2_s2ap_and_xn_permission_faults(void **state)
{
	struct mmu_result res;
	uint64_t blk = 0x100000000ull | D_BLOCK | D_AF | S2_MEMATTR(0xf);

	(void)state;
	w64(m, S2BASE + 8, blk | S2_AP(1));
	assert_int_equal(ok_pa(&ctx, VA4, MMU_READ, MMU_F_NO_TLB), 0x105678456ull);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_WRITE, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 1);
	assert_false(res.fault.s1ptw);
	assert_true(res.fault.wnr);
	assert_int_equal(res.fault.ipa, 0x45678456);
	w64(m, S2BASE + 8, blk | S2_AP(2));
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_WRITE, 0, &res), 0);
	w64(m, S2BASE + 8, blk | S2_AP(3) | S2_XN);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_FETCH, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(res.fault.stage, 2);
}

/* Stage-2 AF = 0 without VTCR.HA: stage-2 access flag fault; with HA, set in memory.
 * Arm ARM "The Access flag", "Hardware management of the Access flag and
 * dirty state" (VTCR_EL2.HA); AArch64.S2Walk. */
static void s2_access_flag_fault_or_hw_update(void **state)
{
	struct mmu_result res;

	(void)state;
	w64(m, S2BASE + 8, S2BLOCK(0x100000000ull) & ~D_AF);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_ACCESS);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 1);
	th_stage2(&ctx, VTCR_4K40 | MMU_VTCR_HA, S2BASE);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	assert_int_equal(r64(m, S2BASE + 8), S2BLOCK(0x100000000ull));
}

/* VTCR.HD with DBM: a write to a stage-2 page without S2AP[1] sets S2AP[1].
 * Arm ARM "Hardware management of the Access flag and dirty state" (stage 2
 * dirty state is S2AP[1] = 1); VTCR_EL2.HD. */
static void s2_dbm_write_sets_s2ap_write_bit(void **state)
{
	struct mmu_result res;
	uint64_t clean = (S2BLOCK(0x100000000ull) & ~S2_AP(3)) | S2_AP(1) | D_DBM;

	(void)state;
	w64(m, S2BASE + 8, clean);
	th_stage2(&ctx, VTCR_4K40 | MMU_VTCR_HA | MMU_VTCR_HD, S2BASE);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_WRITE, 0, &res), 0);
	assert_int_equal(r64(m, S2BASE + 8), clean | S2_AP(2));
}

/* A stage-2 fault while reading a stage-1 table: S1PTW = 1, the IPA is that of the
 * descriptor (TTBR0 + 8 = 0x10008), WnR = 0 even for a write access, FAR = VA.
 * Arm ARM "ISS encoding for an exception from a Data Abort" (S1PTW, WnR),
 * HPFAR_EL2; AArch64.S2Translate for a stage 1 table walk access. */
static void s2_fault_on_stage1_walk_sets_s1ptw(void **state)
{
	struct mmu_result res;

	(void)state;
	w64(m, S2L2, 0);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_WRITE, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 2);
	assert_true(res.fault.s1ptw);
	assert_false(res.fault.wnr);
	assert_int_equal(res.fault.ipa, 0x10008);
	assert_int_equal(res.fault.va, VA4);
}

/* The output IPA not mapped at stage 2: S1PTW = 0, the IPA of the access.
 * Arm ARM "ISS encoding for an exception from a Data Abort" (S1PTW = 0 for
 * the access itself), HPFAR_EL2; AArch64.FullTranslate. */
static void s2_fault_on_output_ipa_is_not_s1ptw(void **state)
{
	struct mmu_result res;

	(void)state;
	w64(m, S2BASE + 8, 0);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_TRANSLATION);
	assert_int_equal(res.fault.stage, 2);
	assert_int_equal(res.fault.level, 1);
	assert_false(res.fault.s1ptw);
	assert_int_equal(res.fault.ipa, 0x45678456);
}

/* Combined memory type (AArch64.S2CombineS1MemAttrs, no FWB): Device beats Normal;
 * Non-cacheable beats Write-Through beats Write-Back; allocation hints from stage 1.
 * Arm ARM pseudocode AArch64.S2CombineS1MemAttrs (no FWB) and S2CombineS1AttrHints:
 * the weaker cacheability wins, allocation hints come from stage 1. */
static void s2_combined_attributes_take_the_stronger_type(void **state)
{
	static const struct { unsigned s1idx, s2memattr; uint8_t want; } t[] = {
		{ 1, 0xf, 0xff },  /* WB + WB: stage 1's WB RW-allocate */
		{ 1, 0x1, 0x04 },  /* WB + Device-nGnRE */
		{ 0, 0xf, 0x00 },  /* Device-nGnRnE + WB */
		{ 3, 0x0, 0x00 },  /* nGnRE + nGnRnE: the stronger */
		{ 2, 0xf, 0x44 },  /* NC + WB */
		{ 1, 0x5, 0x44 },  /* WB + NC */
		{ 1, 0xa, 0xbb },  /* WB(RW) + WT: WT keeping the RW hints */
	};
	struct mmu_result res;

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		w64(m, S1LEAF, (PAGE(0x45678000) & ~D_IDX(7)) | D_IDX(t[i].s1idx));
		w64(m, S2BASE + 8, (S2BLOCK(0x100000000ull) & ~S2_MEMATTR(0xf)) |
				   S2_MEMATTR(t[i].s2memattr));
		assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
		assert_int_equal(res.attr, t[i].want);
	}
}

/* HCR_EL2.PTW: a stage-1 walk that stage 2 maps as Device is a stage-2 permission
 * fault (S1PTW).
 * Arm ARM HCR_EL2.PTW field description (stage 1 walk to stage 2 Device
 * memory: stage 2 Permission fault); AArch64.S2Translate. */
static void s2_hcr_ptw_walk_to_device_memory_faults(void **state)
{
	struct mmu_result res;
	struct mmu_sysregs sr = ctx.regime.sr;

	(void)state;
	w64(m, S2L2, (S2BLOCK(0x800000) & ~S2_MEMATTR(0xf)) | S2_MEMATTR(0x1));
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	sr.hcr_el2 |= MMU_HCR_PTW;
	mmu__regime_set(&ctx.regime, &sr);
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
	assert_true(res.fault.s1ptw);
}

/* A hardware AF update of a stage-1 descriptor is a write to its IPA: stage 2 must
 * allow writing there, else a stage-2 permission fault with S1PTW = 1, WnR = 1.
 * Arm ARM "Hardware management of the Access flag and dirty state" (the
 * descriptor update is a write checked by stage 2); S1PTW and WnR in the ISS. */
static void s2_stage1_af_update_needs_stage2_write(void **state)
{
	struct mmu_result res;
	struct mmu_sysregs sr = ctx.regime.sr;

	(void)state;
	sr.tcr_el1 |= MMU_TCR_HA;
	mmu__regime_set(&ctx.regime, &sr);
	w64(m, S1LEAF, PAGE(0x45678000) & ~D_AF);
	w64(m, S2L2, (S2BLOCK(0x800000) & ~S2_AP(3)) | S2_AP(1));
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), -EFAULT);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(res.fault.stage, 2);
	assert_true(res.fault.s1ptw);
	assert_true(res.fault.wnr);
	w64(m, S2L2, S2BLOCK(0x800000));
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	assert_int_equal(r64(m, S1LEAF), PAGE(0x45678000));
}

/* DC by VA at EL1 raises no stage-2 permission fault for its own access, but the
 * stage-1 table reads it needs are ordinary walks: stage 2 must allow reading them.
 * Arm ARM "Cache maintenance instructions" and "ISS encoding for an
 * exception from a Data Abort" (CM, S1PTW); AArch64.S2HasPermissionsFault. */
static void s2_dc_by_va_still_checks_stage1_table_reads(void **state)
{
	struct mmu_fault f;

	(void)state;
	w64(m, S2BASE + 8, (S2BLOCK(0x100000000ull) & ~S2_AP(3)) | S2_AP(2)); /* output: WO */
	assert_int_equal(mmu__cache_maint(&ctx, MMU_DC_CVAC, VA4, 0, &f, NULL), 0);
	w64(m, S2L2, (S2BLOCK(0x800000) & ~S2_AP(3)) | S2_AP(2));        /* tables: WO */
	assert_int_equal(mmu__cache_maint(&ctx, MMU_DC_CVAC, VA4, 0, &f, NULL), -EFAULT);
	assert_int_equal(f.kind, MMU_FAULT_PERMISSION);
	assert_int_equal(f.stage, 2);
	assert_true(f.s1ptw);
	assert_true(f.cm);
}

/* 4 levels over 4 levels (VTCR T0SZ = 16, SL0 = 2: stage 2 starts at level 0):
 * 4 x (4 + 1) + 4 = 24 descriptor reads on a miss (docs/mmu.md "Walk trace").
 * Arm ARM "Controlling address translation stages"; AArch64.S1Walk with
 * AArch64.S2Walk per table read (VTCR_EL2.SL0 = 2: stage 2 starts at level 0). */
static void s2_four_over_four_walk_reads_24_descriptors(void **state)
{
	struct mmu_result res;
	uint64_t next = 0x1001000, root = 0x1000000;
	uint64_t tables[4] = { 0x10000, 0x11000, 0x12000, 0x13000 };

	(void)state;
	memset(m->buf + root, 0, 4096);
	th_stage2(&ctx, 16 | 2ull << 6 | 5ull << 16, root);
	for (int i = 0; i < 4; i++)
		tb_map4k(m, root, &next, tables[i], S2PAGE(IPA2PA(tables[i])));
	tb_map4k(m, root, &next, 0x45678000, S2PAGE(0x9abc000));
	m->reads = 0;
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	assert_int_equal(res.pa, 0x9abc456);
	assert_int_equal(m->reads, 24);
	struct mmu_trace tr;
	ctx.trace = &tr;
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	ctx.trace = NULL;
	assert_int_equal(tr.n, 24);
	assert_true(tr.step[0].s1ptw);
	assert_int_equal(tr.step[0].stage, 2);
	assert_int_equal(tr.step[4].stage, 1);
	assert_int_equal(tr.step[23].stage, 2);
	assert_false(tr.step[23].s1ptw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(s2_stage1_tables_are_read_through_stage2),
		T(s2_concatenated_tables_ipa_bit39_uses_second_table),
		T(s2_sixteen_concatenated_tables_at_level1),
		T(s2_start_level_needing_more_than_16_tables_faults),
		T(s2_ipa_beyond_t0sz_faults_level0),
		T(s2_s2ap_and_xn_permission_faults),
		T(s2_access_flag_fault_or_hw_update),
		T(s2_dbm_write_sets_s2ap_write_bit),
		T(s2_fault_on_stage1_walk_sets_s1ptw),
		T(s2_fault_on_output_ipa_is_not_s1ptw),
		T(s2_combined_attributes_take_the_stronger_type),
		T(s2_hcr_ptw_walk_to_device_memory_faults),
		T(s2_stage1_af_update_needs_stage2_write),
		T(s2_four_over_four_walk_reads_24_descriptors),
		T(s2_dc_by_va_still_checks_stage1_table_reads),
	};
	return cmocka_run_group_tests_name("mmu stage 2", tests, NULL, NULL);
}
