/* SPDX-License-Identifier: MIT */
/*
 * AT instructions and PAR_EL1 (AArch64.AT, AArch64.EncodePAR): S1E1R/W, S1E0R/W,
 * S1E1RP/WP (PAN), S12E1R/W, S12E0R/W. Same hand-built tables as test_s2.c
 * (th_two_stage).
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

#define RES1 (1ull << 11)

/* The harness's two-stage fixture (th_two_stage), VMID 0; VA4's page is EL0 and EL1
 * read/write (AP = 01). */
static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	th_two_stage(&ctx, m, 0, PAGE(0x45678000) | D_AP(1));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

/* AT S1E1R returns the IPA: PAR = ATTR 0xff | IPA[47:12] 0x45678000 | RES1 | NS |
 * SH 0b11 (inner).
 * Arm ARM "Address translation instructions", PAR_EL1 (F = 0 format);
 * AArch64.AT, AArch64.EncodePAR: a stage 1 AT reports the IPA. */
static void at_s1e1r_returns_ipa_and_attributes(void **state)
{
	(void)state;
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, false),
			 0xff00000045678000ull | RES1 | 1 << 9 | 3 << 7);
}

/* AT S12E1R returns the PA after stage 2.
 * Arm ARM "Address translation instructions" (AT S12E1R: stage 1 and 2);
 * AArch64.AT, AArch64.EncodePAR; combined attributes in PAR.ATTR. */
static void at_s12e1r_returns_pa(void **state)
{
	(void)state;
	assert_int_equal(mmu__at(&ctx, MMU_AT_S12E1R, VA4, false),
			 0xff00000105678000ull | RES1 | 1 << 9 | 3 << 7);
}

/* AT S1E0R on an EL1-only page: F = 1, FST = permission level 3 (0b001111).
 * Arm ARM "Address translation instructions" (S1E0R checks EL0 permissions),
 * PAR_EL1 (F = 1 format); AArch64.AT, AArch64.EncodePAR. */
static void at_s1e0r_on_el1_page_reports_permission_fault(void **state)
{
	(void)state;
	w64(m, S1LEAF, PAGE(0x45678000) | D_AP(0));
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E0R, VA4, false), 1 | 0x0f << 1 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, false) & 1, 0);
}

/* AT S1E1W on a read-only page: permission fault; AT S1E1R succeeds.
 * Arm ARM "Address translation instructions" (W forms check write
 * permission); AArch64.AT, AArch64.S1HasPermissionsFault. */
static void at_s1e1w_on_read_only_page_faults(void **state)
{
	(void)state;
	w64(m, S1LEAF, PAGE(0x45678000) | D_AP(2));
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1W, VA4, false), 1 | 0x0f << 1 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E0W, VA4, false), 1 | 0x0f << 1 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, false) & 1, 0);
}

/* AT S1E1RP honours PSTATE.PAN on an EL0-accessible page; AT S1E1R does not.
 * Arm ARM AT S1E1RP / AT S1E1WP (FEAT_PAN2) instruction descriptions: PSTATE.PAN
 * applies to their permission check; AArch64.AT. */
static void at_s1e1rp_honours_pan(void **state)
{
	(void)state;
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1RP, VA4, true), 1 | 0x0f << 1 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1WP, VA4, true), 1 | 0x0f << 1 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1RP, VA4, false) & 1, 0);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, true) & 1, 0);
}

/* A stage-2 fault on the stage-1 walk of an AT S1E1R: F = 1, S = 1, PTW = 1;
 * FST = translation level 2 (0b000110).
 * Arm ARM PAR_EL1 (F = 1: S and PTW fields); AArch64.AT, AArch64.EncodePAR
 * for a stage 2 fault on the stage 1 walk. */
static void at_s1_with_stage2_walk_fault_sets_ptw_and_s(void **state)
{
	(void)state;
	w64(m, S2L2, 0);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, false),
			 1 | 0x06 << 1 | 1 << 8 | 1 << 9 | RES1);
}

/* A stage-2 fault on the output of an AT S12E1W: S = 1, PTW = 0. S1E1W does not look
 * at stage 2 for the output. Permission fault at level 1 (block): FST 0b001101.
 * Arm ARM PAR_EL1 (F = 1: S = 1, PTW = 0 for a fault on the output IPA),
 * "Address translation instructions"; AArch64.AT, AArch64.EncodePAR. */
static void at_s12_stage2_output_fault_sets_s_only(void **state)
{
	(void)state;
	w64(m, S2BASE + 8, (S2BLOCK(0x100000000ull) & ~S2_AP(3)) | S2_AP(1));
	assert_int_equal(mmu__at(&ctx, MMU_AT_S12E1W, VA4, false), 1 | 0x0d << 1 | 1 << 9 | RES1);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1W, VA4, false) & 1, 0);
	assert_int_equal(mmu__at(&ctx, MMU_AT_S12E0R, VA4, false) & 1, 0);
}

/* PAR.SH for Device memory is Outer Shareable (0b10); ATTR is the MAIR byte.
 * Arm ARM PAR_EL1.SH field description (0b10 for Device and for Normal
 * Inner and Outer Non-cacheable); EncodePARAttrs. */
static void at_par_device_memory_is_outer_shareable(void **state)
{
	(void)state;
	w64(m, S1LEAF, (PAGE(0x45678000) & ~D_IDX(7)) | D_IDX(3));
	assert_int_equal(mmu__at(&ctx, MMU_AT_S1E1R, VA4, false),
			 0x0400000045678000ull | RES1 | 1 << 9 | 2 << 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(at_s1e1r_returns_ipa_and_attributes),
		T(at_s12e1r_returns_pa),
		T(at_s1e0r_on_el1_page_reports_permission_fault),
		T(at_s1e1w_on_read_only_page_faults),
		T(at_s1e1rp_honours_pan),
		T(at_s1_with_stage2_walk_fault_sets_ptw_and_s),
		T(at_s12_stage2_output_fault_sets_s_only),
		T(at_par_device_memory_is_outer_shareable),
	};
	return cmocka_run_group_tests_name("mmu AT/PAR", tests, NULL, NULL);
}
