/* Directed tests of exception entry and return on the model CPU, with values built
 * from the Arm ARM (D1.3 exception entry, D1.4 return; ESR_EL1 D17.2.37; vector
 * offsets D1.3.1). The vector table holds HLT #n at each entry, so the run stops there
 * and hlt_imm says which vector was taken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"

#define CODE (H_CODE + 0x10000)
#define VBAR (H_CODE + 0x8000)

static struct harness h;


static int setup(void **state)
{
	(void)state;
	if (harness__init(&h, 1))
		return -1;
	/* HLT #(offset >> 7) at every vector entry: 0x200 -> 4, 0x400 -> 8 ... */
	harness__hlt_vectors(&h, VBAR);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__free(&h);
	return 0;
}

static void run(const uint32_t *code, unsigned n)
{
	assert_int_equal(harness__run_code(&h, CODE, code, n, 1000), 0);
}

static void svc_from_el1_is_taken_to_vbar_0x200_with_ec_0x15(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd4000841u }; /* SVC #0x42 */
	run(code, 1);
	assert_int_equal(h.hlt_imm, 0x200 >> 7);
	assert_int_equal(h.c->sr.esr_el1, (0x15u << 26) | (1u << 25) | 0x42);
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);        /* preferred return: next */
	assert_int_equal(h.c->sr.spsr_el1 & 0x3ff, 0x3c5);  /* DAIF masked, EL1h */
	assert_int_equal(h.c->daif, 0x3c0);
}

static void unallocated_encoding_is_undefined_with_ec_0(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0x00000000u };    /* UDF #0 */
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1, 1u << 25);       /* EC 0, IL 1 */
	assert_int_equal(h.c->sr.elr_el1, CODE);
}

/* CPACR_EL1.FPEN = 00 (its reset value here): SIMD&FP traps with EC 0x07, and the
 * ISS from AArch64 is CV = 1, COND = 0xE; FPCR too. FPEN = 01 lets EL1 use it. */
static void fp_instruction_traps_while_cpacr_fpen_is_clear(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0x1e222820u };    /* FADD S0, S1, S2 */
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1, (0x07u << 26) | (1u << 25) | (1u << 24) | (0xeu << 20));
	assert_int_equal(h.c->sr.elr_el1, CODE);
	static const uint32_t mrs[] = { 0xd53b4400u };     /* MRS X0, FPCR */
	run(mrs, 1);
	assert_int_equal(h.c->sr.esr_el1 >> 26, 0x07);
	static const uint32_t ldr[] = { 0x3dc00020u };     /* LDR Q0, [X1] */
	run(ldr, 1);
	assert_int_equal(h.c->sr.esr_el1 >> 26, 0x07);
}

static void fp_instruction_runs_at_el1_with_fpen_01(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0x1e222820u, 0xd4400000u | (7 << 5) }; /* FADD; HLT #7 */
	sysreg__write(h.c, SYS_CPACR_EL1, 1ull << 20);
	h.c->v[1].s[0] = 0x3fc00000u;                       /* 1.5 */
	h.c->v[2].s[0] = 0x40100000u;                       /* 2.25 */
	run(code, 2);
	assert_int_equal(h.hlt_imm, 7);
	assert_int_equal(h.c->v[0].d[0], 0x40700000u);      /* 3.75 */
	assert_int_equal(h.c->v[0].d[1], 0);
}

static void load_from_unmapped_va_is_a_level1_translation_fault(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xf9400020u };    /* LDR X0, [X1] */
	h.c->x[1] = 0x80000000ull;                         /* L1 entry 2: invalid */
	run(code, 1);
	assert_int_equal(h.hlt_imm, 0x200 >> 7);
	assert_int_equal(h.c->sr.esr_el1, (0x25u << 26) | (1u << 25) | 0x05);
	assert_int_equal(h.c->sr.far_el1, 0x80000000ull);
}

static void store_to_unmapped_va_sets_wnr(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xf9000020u };    /* STR X0, [X1] */
	h.c->x[1] = 0x80000008ull;
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1, (0x25u << 26) | (1u << 25) | (1u << 6) | 0x05);
	assert_int_equal(h.c->sr.far_el1, 0x80000008ull);
}

static void eret_to_el0_then_svc_uses_lower_el_vector_0x400(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		0xd69f03e0u,                                /* ERET */
		0xd4000021u,                                /* SVC #1 (at EL0) */
	};
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0x60000000u;                     /* EL0t, Z and C set */
	run(code, 2);
	assert_int_equal(h.hlt_imm, 0x400 >> 7);
	assert_int_equal(h.c->sr.esr_el1, (0x15u << 26) | (1u << 25) | 1);
	assert_int_equal(h.c->sr.spsr_el1, 0x60000000u);    /* from EL0t, flags kept */
	assert_int_equal(h.c->el, 1);
}

static void hvc_at_el0_is_undefined(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd69f03e0u, 0xd4000002u }; /* ERET; HVC #0 */
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 2);
	assert_int_equal(h.hlt_imm, 0x400 >> 7);
	assert_int_equal(h.c->sr.esr_el1, 1u << 25);
}

static void mrs_of_el1_register_at_el0_is_undefined(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd69f03e0u, 0xd5381000u }; /* ERET; MRS X0, SCTLR_EL1 */
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 2);
	assert_int_equal(h.c->sr.esr_el1, 1u << 25);
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

static void wfi_at_el0_traps_with_ec_1_when_ntwi_is_0(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd69f03e0u, 0xd503207fu }; /* ERET; WFI */
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 2);
	assert_int_equal(h.c->sr.esr_el1, (0x01u << 26) | (1u << 25));
}

static void branch_to_misaligned_pc_is_a_pc_alignment_fault(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd61f0020u };    /* BR X1 */
	h.c->x[1] = CODE + 0x102;
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1 >> 26, 0x22);
	assert_int_equal(h.c->sr.far_el1, CODE + 0x102);
	assert_int_equal(h.c->sr.elr_el1, CODE + 0x102);
}

static void eret_to_el2_is_an_illegal_return_then_ec_0x0e(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd69f03e0u, 0xd503201fu }; /* ERET; NOP */
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0x9;                             /* EL2h: not implemented */
	run(code, 2);
	assert_int_equal(h.c->sr.esr_el1, (0x0eu << 26) | (1u << 25));
	assert_int_equal(h.c->sr.spsr_el1 & (1u << 20), 1u << 20); /* PSTATE.IL was set */
}

static void ldxr_unaligned_is_an_alignment_fault(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xc85f7c20u };    /* LDXR X0, [X1] */
	h.c->x[1] = H_DATA + 4;
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1, (0x25u << 26) | (1u << 25) | 0x21);
}

static void exception_entry_sets_pan_when_sctlr_span_is_0(void **state)
{
	(void)state;
	static const uint32_t code[] = { 0xd4000001u };    /* SVC #0 */
	sysreg__write(h.c, SR_ENC(3, 0, 1, 0, 0), h.c->sr.sctlr_el1 & ~SCTLR_SPAN);
	run(code, 1);
	assert_int_equal(h.c->pan, 1);
}

static void el1_load_from_el0_page_with_pan_is_a_permission_fault(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		0xd500419fu,                                /* MSR PAN, #1 */
		0xf9400020u,                                /* LDR X0, [X1] */
	};
	h.c->x[1] = H_DATA;                                 /* AP = 01: EL0 accessible */
	run(code, 2);
	assert_int_equal(h.c->sr.esr_el1, (0x25u << 26) | (1u << 25) | 0x0e); /* level 2 */
	assert_int_equal(h.c->sr.far_el1, H_DATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(svc_from_el1_is_taken_to_vbar_0x200_with_ec_0x15, setup, teardown),
		cmocka_unit_test_setup_teardown(unallocated_encoding_is_undefined_with_ec_0, setup, teardown),
		cmocka_unit_test_setup_teardown(fp_instruction_traps_while_cpacr_fpen_is_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(fp_instruction_runs_at_el1_with_fpen_01, setup, teardown),
		cmocka_unit_test_setup_teardown(load_from_unmapped_va_is_a_level1_translation_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(store_to_unmapped_va_sets_wnr, setup, teardown),
		cmocka_unit_test_setup_teardown(eret_to_el0_then_svc_uses_lower_el_vector_0x400, setup, teardown),
		cmocka_unit_test_setup_teardown(hvc_at_el0_is_undefined, setup, teardown),
		cmocka_unit_test_setup_teardown(mrs_of_el1_register_at_el0_is_undefined, setup, teardown),
		cmocka_unit_test_setup_teardown(wfi_at_el0_traps_with_ec_1_when_ntwi_is_0, setup, teardown),
		cmocka_unit_test_setup_teardown(branch_to_misaligned_pc_is_a_pc_alignment_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(eret_to_el2_is_an_illegal_return_then_ec_0x0e, setup, teardown),
		cmocka_unit_test_setup_teardown(ldxr_unaligned_is_an_alignment_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(exception_entry_sets_pan_when_sctlr_span_is_0, setup, teardown),
		cmocka_unit_test_setup_teardown(el1_load_from_el0_page_with_pan_is_a_permission_fault, setup, teardown),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
