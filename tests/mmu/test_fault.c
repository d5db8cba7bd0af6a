/* SPDX-License-Identifier: MIT */
/*
 * Syndrome encoders: DFSC/IFSC codes, ESR_ELx (EC, IL, ISS fields), FAR, HPFAR_EL2 and
 * PAR_EL1, against values composed by hand from the register layouts (Arm ARM ESR_EL1
 * with "ISS encoding for an exception from a Data Abort" / "... from an Instruction
 * Abort", FAR_EL1, HPFAR_EL2, PAR_EL1; what is modelled: docs/fidelity.md "Faults and
 * syndromes").
 */
#include "harness.h"

static struct mmu_fault mk(enum mmu_fault_kind k, int stage, int level, enum mmu_access acc)
{
	struct mmu_fault f = { .kind = k, .stage = (uint8_t)stage, .level = (int8_t)level,
			       .access = acc, .wnr = acc == MMU_WRITE, .va = 0x1234 };
	return f;
}

/* FSC: 0000LL address size, 0001LL translation, 0010LL access flag, 0011LL
 * permission, 010000 external abort, 0101LL external abort on walk, 100001
 * alignment, 110000 TLB conflict.
 * Arm ARM ESR_EL1 "ISS encoding for an exception from a Data Abort", DFSC
 * field; pseudocode EncodeLDFSC. */
static void fault_status_codes_per_kind_and_level(void **state)
{
	static const struct { enum mmu_fault_kind k; uint32_t base; bool lvl; } t[] = {
		{ MMU_FAULT_ADDR_SIZE, 0x00, true },   { MMU_FAULT_TRANSLATION, 0x04, true },
		{ MMU_FAULT_ACCESS, 0x08, true },      { MMU_FAULT_PERMISSION, 0x0c, true },
		{ MMU_FAULT_EXT_ABORT, 0x10, false },  { MMU_FAULT_EXT_ABORT_WALK, 0x14, true },
		{ MMU_FAULT_ALIGNMENT, 0x21, false },  { MMU_FAULT_TLB_CONFLICT, 0x30, false },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (int l = 0; l < 4; l++) {
			struct mmu_fault f = mk(t[i].k, 1, l, MMU_READ);
			assert_int_equal(mmu__fault_fsc(&f), t[i].base + (t[i].lvl ? (uint32_t)l : 0));
		}
	}
}

/* Data abort from the current EL: EC 0x25, IL 1, WnR[6], DFSC[5:0]. A level-3
 * permission fault on a write: 0x25 << 26 | 1 << 25 | 1 << 6 | 0x0f = 0x9600004f.
 * Arm ARM ESR_EL1 (EC, IL) and "ISS encoding for an exception from a Data
 * Abort" (WnR, DFSC). */
static void esr_data_abort_same_el_write_permission_l3(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_PERMISSION, 1, 3, MMU_WRITE);

	(void)state;
	assert_int_equal(mmu__fault_esr(&f, false, NULL), 0x9600004full);
	assert_int_equal(mmu__fault_esr(&f, true, NULL), 0x9200004full); /* EC 0x24 */
}

/* Instruction abort: EC 0x20 (lower EL) / 0x21, IFSC, no WnR. Translation L2 fetch
 * from EL0: 0x20 << 26 | 1 << 25 | 0x06 = 0x82000006.
 * Arm ARM ESR_EL1 (EC 0b100000/0b100001) and "ISS encoding for an exception
 * from an Instruction Abort" (IFSC). */
static void esr_instruction_abort_lower_el_translation_l2(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_TRANSLATION, 1, 2, MMU_FETCH);

	(void)state;
	assert_int_equal(mmu__fault_esr(&f, true, NULL), 0x82000006ull);
	assert_int_equal(mmu__fault_esr(&f, false, NULL), 0x86000006ull);
}

/* S1PTW[7] for a stage-2 fault on the stage-1 walk; CM[8] with WnR = 1 for cache
 * maintenance.
 * Arm ARM "ISS encoding for an exception from a Data Abort": S1PTW, and CM
 * with WnR = 1 for a fault on a cache maintenance instruction. */
static void iss_s1ptw_and_cm_bits(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_TRANSLATION, 2, 1, MMU_READ);

	(void)state;
	f.s1ptw = true;
	assert_int_equal(mmu__fault_iss(&f, NULL), 0x80 | 0x05);
	f = mk(MMU_FAULT_PERMISSION, 1, 3, MMU_READ);
	f.cm = true;
	assert_int_equal(mmu__fault_iss(&f, NULL), 0x100 | 0x40 | 0x0f);
}

/* ISV = 1 with SAS/SSE/SRT/SF/AR for a stage-2 data abort (a 32-bit store from W3:
 * ISV[24] SAS[23:22] = 2, SRT[20:16] = 3): 1<<24 | 2<<22 | 3<<16 | WnR | DFSC 0x07.
 * Arm ARM "ISS encoding for an exception from a Data Abort" (ISV, SAS, SSE,
 * SRT, SF, AR). */
static void iss_instruction_syndrome_for_stage2_data_abort(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_TRANSLATION, 2, 3, MMU_WRITE);
	struct mmu_iss_insn in = { .isv = true, .sas = 2, .srt = 3 };

	(void)state;
	assert_int_equal(mmu__fault_iss(&f, &in), (1u << 24) | (2u << 22) | (3u << 16) | 0x40 | 0x07);
	f.stage = 1; /* stage-1 aborts: no syndrome */
	assert_int_equal(mmu__fault_iss(&f, &in), 0x40 | 0x07);
	f.stage = 2;
	f.s1ptw = true; /* never for a walk */
	assert_int_equal(mmu__fault_iss(&f, &in) & (1u << 24), 0);
}

/* FAR = VA; HPFAR_EL2.FIPA[43:4] = IPA[51:12] for stage-2 faults only.
 * Arm ARM FAR_EL1 and HPFAR_EL2 (FIPA) register descriptions. */
static void far_and_hpfar_fipa(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_TRANSLATION, 2, 3, MMU_READ);

	(void)state;
	f.va = 0xffff000012345678ull;
	f.ipa = 0x8765432abcull;
	f.ipa_valid = true;
	assert_int_equal(mmu__fault_far(&f), 0xffff000012345678ull);
	assert_int_equal(mmu__fault_hpfar(&f), 0x8765432ull << 4);
	f.stage = 1;
	assert_int_equal(mmu__fault_hpfar(&f), 0);
}

/* PAR_EL1 F = 1: FST[6:1], PTW[8], S[9], RES1[11]. Stage-2 translation L1 on the
 * walk: 1 | 0x05 << 1 | 1 << 8 | 1 << 9 | 1 << 11 = 0xb0b.
 * Arm ARM PAR_EL1 register description (F = 1 format); AArch64.EncodePAR. */
static void par_fault_fields(void **state)
{
	struct mmu_fault f = mk(MMU_FAULT_TRANSLATION, 2, 1, MMU_READ);

	(void)state;
	f.s1ptw = true;
	assert_int_equal(mmu__par_fault(&f), 0xb0bull);
	f = mk(MMU_FAULT_PERMISSION, 1, 3, MMU_READ);
	assert_int_equal(mmu__par_fault(&f), 0x81full);
}

/* PAR_EL1 F = 0: ATTR[63:56], PA[47:12], RES1[11], NS[9], SH[8:7].
 * Arm ARM PAR_EL1 register description (F = 0 format); AArch64.EncodePAR,
 * EncodePARAttrs. */
static void par_success_fields(void **state)
{
	struct mmu_result r = { .pa = 0x123456789abcull, .attr = 0xff, .sh = 3, .ns = true };

	(void)state;
	assert_int_equal(mmu__par_ok(&r), 0xff00123456789000ull | 1 << 11 | 1 << 9 | 3 << 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fault_status_codes_per_kind_and_level),
		cmocka_unit_test(esr_data_abort_same_el_write_permission_l3),
		cmocka_unit_test(esr_instruction_abort_lower_el_translation_l2),
		cmocka_unit_test(iss_s1ptw_and_cm_bits),
		cmocka_unit_test(iss_instruction_syndrome_for_stage2_data_abort),
		cmocka_unit_test(far_and_hpfar_fipa),
		cmocka_unit_test(par_fault_fields),
		cmocka_unit_test(par_success_fields),
	};
	return cmocka_run_group_tests_name("mmu syndromes", tests, NULL, NULL);
}
