/* Self-hosted debug on the model CPU, each case built from a rule of the Arm ARM
 * (DDI 0487, chapter D2 "AArch64 Self-hosted Debug"; syndromes from D17.2.37 ESR_EL1):
 * BRK, breakpoints (address, linked context), watchpoints, the software-step state
 * machine, the OS lock and double lock, the DCC trap, and the ID register.
 * The vector table holds HLT #n at each entry (as tests/cpu/exceptions.c): the run
 * stops there and hlt_imm says which vector was taken (4: current EL SPx, 8: lower EL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"

#define CODE (H_CODE + 0x10000)
#define VBAR (H_CODE + 0x8000)
#define VEC_CUR 4   /* 0x200 >> 7 */
#define VEC_LOW 8   /* 0x400 >> 7 */

/* encodings */
#define ERET 0xd69f03e0u
#define NOP 0xd503201fu
#define SVC0 0xd4000001u
#define BRK(imm) (0xd4200000u | ((uint32_t)(imm) << 5))
#define STR_W0_X1 0xb9000020u
#define LDR_W0_X1 0xb9400020u
#define STR_X0_X1 0xf9000020u
#define LDXR_X0_X1 0xc85f7c20u
#define MRS(rt, enc) (0xd5300000u | ((uint32_t)(enc) << 5) | (rt))
#define ESR(ec, iss) (((uint32_t)(ec) << 26) | (1u << 25) | (iss))

/* registers (Arm ARM D17.3) */
#define MDSCR     SR_ENC(2, 0, 0, 2, 2)
#define OSLAR     SR_ENC(2, 0, 1, 0, 4)
#define OSLSR     SR_ENC(2, 0, 1, 1, 4)
#define OSDLR     SR_ENC(2, 0, 1, 3, 4)
#define MDCCSR    SR_ENC(2, 3, 0, 1, 0)
#define DBGBVR(n) SR_ENC(2, 0, 0, n, 4)
#define DBGBCR(n) SR_ENC(2, 0, 0, n, 5)
#define DBGWVR(n) SR_ENC(2, 0, 0, n, 6)
#define DBGWCR(n) SR_ENC(2, 0, 0, n, 7)
#define CONTEXTIDR SR_ENC(3, 0, 13, 0, 1)
#define DFR0      SR_ENC(3, 0, 0, 5, 0)
#define SS 1ull
#define TDCC (1ull << 12)
#define KDE (1ull << 13)
#define MDE (1ull << 15)
/* DBGBCR: E, PMC (bit 1 EL1, bit 2 EL0), BAS = 0b1111, BT; DBGWCR: E, PAC, LSC, BAS */
#define BCR_EL0 (1u | (2u << 1) | (0xfu << 5))
#define BCR_EL1 (1u | (1u << 1) | (0xfu << 5))
#define WCR(lsc, bas) (1u | (3u << 1) | ((uint32_t)(lsc) << 3) | ((uint32_t)(bas) << 5))
#define FSC_DEBUG 0x22u
#define SPSR_SS (1u << 21)

static struct harness h;


static void w(unsigned enc, uint64_t v) { assert_true(sysreg__write(h.c, enc, v) <= X_CTX); }
static uint64_t r(unsigned enc)
{
	uint64_t v = 0;
	assert_int_equal(sysreg__read(h.c, enc, &v), X_NEXT);
	return v;
}

static int setup(void **state)
{
	(void)state;
	if (harness__init(&h, 1))
		return -1;
	harness__hlt_vectors(&h, VBAR);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__free(&h);
	return 0;
}

static void load(const uint32_t *code, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		harness__put32(&h, CODE + 4 * k, code[k]);
	vm__invalidate_all_code(h.vm);
}

static void run(const uint32_t *code, unsigned n)
{
	load(code, n);
	assert_int_equal(harness__run(&h, CODE, 1000), 0);
}

/* ERET to EL0t at CODE + 4 (CODE holds ERET) with these SPSR bits */
static void run_el0(const uint32_t *code, unsigned n, uint32_t spsr)
{
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = spsr;
	run(code, n);
}

/* D2.1: the OS lock is locked after a cold reset (OSLSR_EL1.OSLK = 1, OSLM = 0b10) and
 * OSLAR_EL1 unlocks it */
static void os_lock_is_locked_at_reset_and_oslar_unlocks_it(void **state)
{
	(void)state;
	assert_int_equal(r(OSLSR), 0xa);
	w(OSLAR, 0);
	assert_int_equal(r(OSLSR), 0x8);
	w(OSLAR, 1);
	assert_int_equal(r(OSLSR), 0xa);
}

/* D17.2.64 ID_AA64DFR0_EL1: DebugVer 0b0110 (Armv8.0), PMUVer 1, BRPs 6, WRPs 4,
 * CTX_CMPs 2 (each field the number minus one) */
static void id_aa64dfr0_says_6_breakpoints_4_watchpoints_2_context_aware(void **state)
{
	(void)state;
	uint64_t v = r(DFR0);
	assert_int_equal(v & 0xf, 6);
	assert_int_equal((v >> 8) & 0xf, 1);
	assert_int_equal((v >> 12) & 0xf, 5);
	assert_int_equal((v >> 20) & 0xf, 3);
	assert_int_equal((v >> 28) & 0xf, 1);
}

/* D2.3 (BRK): a Breakpoint Instruction exception, EC 0x3C, ISS = the immediate,
 * ELR = the BRK itself; taken whatever the OS lock, MDE, KDE and PSTATE.D say */
static void brk_at_el1_is_ec_0x3c_with_the_immediate_even_with_os_lock(void **state)
{
	(void)state;
	static const uint32_t code[] = { NOP, BRK(0x1234) };
	run(code, 2);
	assert_int_equal(h.hlt_imm, VEC_CUR);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x3c, 0x1234));
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

static void brk_at_el0_goes_to_the_lower_el_vector(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, BRK(7) };
	run_el0(code, 2, 0);
	assert_int_equal(h.hlt_imm, VEC_LOW);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x3c, 7));
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

/* D2.8: an address breakpoint at EL0 (PMC = 0b10) with MDE = 1: a Breakpoint exception
 * before the instruction executes, EC 0x30 (lower EL), IFSC 0b100010, ELR = its address;
 * FAR_EL1 is UNKNOWN (the model leaves it) */
static void breakpoint_at_el0_is_ec_0x30_before_the_instruction(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, STR_X0_X1, NOP };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGBVR(1), CODE + 8);
	w(DBGBCR(1), BCR_EL0);
	h.c->sr.far_el1 = 0x1111;
	h.c->x[1] = 0x80000000ull; /* the STR would abort if it ran */
	run_el0(code, 4, 0);
	assert_int_equal(h.hlt_imm, VEC_LOW);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x30, FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 8);
	assert_int_equal(h.c->sr.far_el1, 0x1111);
}

/* D2.8.x: the breakpoint's privilege filter: PMC = 0b01 (EL1 only) never matches at EL0 */
static void breakpoint_for_el1_only_does_not_match_at_el0(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, SVC0 };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGBVR(0), CODE + 4);
	w(DBGBCR(0), BCR_EL1);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0)); /* the SVC */
}

/* D2.2 (AArch64.GenerateDebugExceptionsFrom): from the debug target EL1, only with
 * MDSCR_EL1.KDE = 1 and PSTATE.D = 0; then EC 0x31 (same EL) */
static void breakpoint_at_el1_needs_kde_and_d_clear(void **state)
{
	(void)state;
	static const uint32_t code[] = { NOP, NOP, SVC0 };
	w(OSLAR, 0);
	w(DBGBVR(2), CODE + 4);
	w(DBGBCR(2), BCR_EL1);
	h.c->daif = 0;
	w(MDSCR, MDE); /* KDE = 0: disabled */
	run(code, 3);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	h.c->daif = DAIF_D; /* KDE = 1 but masked by PSTATE.D */
	w(MDSCR, MDE | KDE);
	run(code, 3);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	h.c->daif = 0;
	run(code, 3);
	assert_int_equal(h.hlt_imm, VEC_CUR);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x31, FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

/* D2.4: the OS lock and the OS double lock disable breakpoints (BRK excepted) */
static void os_lock_and_double_lock_disable_breakpoints(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, SVC0 };
	w(MDSCR, MDE);
	w(DBGBVR(0), CODE + 4);
	w(DBGBCR(0), BCR_EL0);
	run_el0(code, 3, 0); /* locked since reset */
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	w(OSLAR, 0);
	w(OSDLR, 1);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	w(OSDLR, 0);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x30, FSC_DEBUG));
}

/* D2.8.6 linked breakpoints: an address breakpoint (BT = 0b0001) linked to a
 * context-aware one (BT = 0b0011, the highest numbered) matches only while
 * CONTEXTIDR_EL1 holds that one's value */
static void linked_breakpoint_matches_only_with_the_context_id(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, SVC0 };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGBVR(5), 0x42);
	w(DBGBCR(5), 1 | (3u << 1) | (3u << 20)); /* linked Context ID match */
	w(DBGBVR(0), CODE + 4);
	w(DBGBCR(0), BCR_EL0 | (1u << 20) | (5u << 16)); /* linked address match, LBN 5 */
	w(CONTEXTIDR, 0x41);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	w(CONTEXTIDR, 0x42);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x30, FSC_DEBUG));
}

/* D2.9: a watchpoint on stores (LSC = 0b10) over the doubleword at H_DATA + 8 (BAS
 * 0xff): a 4-byte store at H_DATA + 12 gives EC 0x35 at EL1 with KDE (here EC 0x34
 * from EL0), WnR = 1, DFSC 0b100010, FAR an address the access touched that the
 * watchpoint watches; the store does not happen */
static void watchpoint_on_store_at_el0_is_ec_0x34_with_wnr_and_far(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, LDR_W0_X1, STR_W0_X1, SVC0 };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGWVR(0), H_DATA + 8);
	w(DBGWCR(0), WCR(2, 0xff));
	h.c->x[1] = H_DATA + 12;
	harness__put32(&h, H_DATA + 12, 0xabcd);
	run_el0(code, 4, 0);
	assert_int_equal(h.hlt_imm, VEC_LOW);
	/* the load did not match (stores only); the store did */
	assert_int_equal(h.c->sr.esr_el1, ESR(0x34, (1u << 6) | FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 8);
	assert_int_equal(h.c->sr.far_el1, H_DATA + 12);
	assert_int_equal(h.c->x[0], 0xabcd);
}

/* WatchpointByteMatch: BAS selects bytes of the doubleword; an access that touches
 * only unselected bytes does not match; a load with LSC = 0b01 matches with WnR = 0 */
static void watchpoint_byte_select_and_load_match(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, LDR_W0_X1, SVC0 };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGWVR(3), H_DATA + 0x40);
	w(DBGWCR(3), WCR(1, 0xf0)); /* bytes 4..7 */
	h.c->x[1] = H_DATA + 0x40;  /* bytes 0..3: no match */
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	h.c->x[1] = H_DATA + 0x42;  /* bytes 2..5: bytes 4, 5 match */
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x34, FSC_DEBUG));
	assert_int_equal(h.c->sr.far_el1, H_DATA + 0x44);
}

/* D2.9: MASK watches an aligned 2^MASK-byte range (BAS all ones) */
static void watchpoint_mask_covers_a_range(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, STR_W0_X1, SVC0 };
	w(OSLAR, 0);
	w(MDSCR, MDE);
	w(DBGWVR(1), H_DATA + 0x1000);
	w(DBGWCR(1), WCR(3, 0xff) | (12u << 24)); /* 4 KiB */
	h.c->x[1] = H_DATA + 0x1ffc;
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x34, (1u << 6) | FSC_DEBUG));
	h.c->x[1] = H_DATA + 0x2000;
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
}

/* Priority (D1.3.5 and AArch64.TranslateAddress): a translation fault is reported,
 * not the watchpoint on the same address */
static void translation_fault_has_priority_over_a_watchpoint(void **state)
{
	(void)state;
	static const uint32_t code[] = { STR_W0_X1 };
	w(OSLAR, 0);
	w(MDSCR, MDE | KDE);
	h.c->daif = 0;
	w(DBGWVR(0), 0x80000000ull);
	w(DBGWCR(0), WCR(3, 0xff));
	h.c->x[1] = 0x80000000ull;
	run(code, 1);
	assert_int_equal(h.c->sr.esr_el1 >> 26, 0x25);
	assert_int_equal(h.c->sr.esr_el1 & 0x3f, 0x05); /* level 1 translation fault */
}

/* D2.12: ERET with SPSR_EL1.SS = 1 and MDSCR_EL1.SS = 1 to EL0 enters active-not-
 * pending; one instruction executes, then the Software Step exception: EC 0x32, ISV = 1,
 * EX = 0, IFSC 0b100010, ELR = the next instruction, SPSR_EL1.SS = 0 */
static void step_runs_one_instruction_then_ec_0x32_with_isv(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, NOP, NOP };
	w(OSLAR, 0);
	w(MDSCR, SS);
	run_el0(code, 4, SPSR_SS);
	assert_int_equal(h.hlt_imm, VEC_LOW);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x32, (1u << 24) | FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 8);
	assert_int_equal(h.c->sr.spsr_el1 & SPSR_SS, 0);
}

/* ISS.EX = 1 when the stepped instruction was a load-exclusive */
static void step_over_ldxr_sets_ex(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, LDXR_X0_X1, NOP };
	w(OSLAR, 0);
	w(MDSCR, SS);
	h.c->x[1] = H_DATA;
	run_el0(code, 3, SPSR_SS);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x32, (1u << 24) | (1u << 6) | FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 8);
}

/* ERET with SPSR_EL1.SS = 0: active-pending at once, the exception is taken before
 * any instruction, with ISV = 0 (no instruction was stepped) */
static void eret_with_ss_0_takes_the_step_exception_at_once_with_isv_0(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, NOP };
	w(OSLAR, 0);
	w(MDSCR, SS);
	run_el0(code, 3, 0);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x32, FSC_DEBUG));
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

/* D2.12.7: a stepped instruction that takes a synchronous exception (a data abort)
 * did not complete: the exception has SPSR_EL1.SS = 1, so that it is stepped again */
static void stepped_instruction_that_aborts_leaves_spsr_ss_1(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, STR_X0_X1, NOP };
	w(OSLAR, 0);
	w(MDSCR, SS);
	h.c->x[1] = 0x80000000ull;
	run_el0(code, 3, SPSR_SS);
	assert_int_equal(h.c->sr.esr_el1 >> 26, 0x24);
	assert_int_equal(h.c->sr.spsr_el1 & SPSR_SS, SPSR_SS);
}

/* ...but SVC is an exception-generating instruction: stepped, SPSR_EL1.SS = 0 */
static void stepped_svc_leaves_spsr_ss_0(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, SVC0, NOP };
	w(OSLAR, 0);
	w(MDSCR, SS);
	run_el0(code, 3, SPSR_SS);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	assert_int_equal(h.c->sr.spsr_el1 & SPSR_SS, 0);
	assert_int_equal(h.c->sr.elr_el1, CODE + 8);
}

/* Step is inactive at EL1 while KDE = 0: an EL1 ERET sequence is not stepped, and the
 * OS lock makes step inactive at EL0 too */
static void step_is_inactive_with_the_os_lock(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, SVC0 };
	w(MDSCR, SS); /* OS lock still set from reset */
	run_el0(code, 3, SPSR_SS);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
}

/* D17.3 MDSCR_EL1.TDCC: EL0 access to the DCC traps to EL1 with EC 0x18, whose ISS
 * holds Op0 = 2, Op2 = 0, Op1 = 3, CRn = 0, Rt = 5, CRm = 1, Direction = 1 (read) */
static void mdccsr_at_el0_traps_with_tdcc_and_a_full_iss(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, MRS(5, MDCCSR), SVC0 };
	run_el0(code, 3, 0); /* TDCC = 0: readable */
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
	w(MDSCR, TDCC);
	run_el0(code, 3, 0);
	uint32_t iss = (2u << 20) | (0u << 17) | (3u << 14) | (0u << 10) | (5u << 5) | (1u << 1) | 1;
	assert_int_equal(h.c->sr.esr_el1, ESR(0x18, iss));
	assert_int_equal(h.c->sr.elr_el1, CODE + 4);
}

/* the breakpoint and watchpoint registers hold what Linux writes (hw_breakpoint.c
 * writes each to 0 at boot) */
static void breakpoint_and_watchpoint_registers_read_back(void **state)
{
	(void)state;
	for (unsigned n = 0; n < 6; n++) {
		w(DBGBVR(n), 0xffff800008001234ull + 4 * n);
		assert_int_equal(r(DBGBVR(n)), 0xffff800008001234ull + 4 * n);
		w(DBGBCR(n), 0xffffffff);
		assert_int_equal(r(DBGBCR(n)), 0x00ffe1e7);
	}
	for (unsigned n = 0; n < 4; n++) {
		w(DBGWCR(n), 0xffffffff);
		assert_int_equal(r(DBGWCR(n)), 0x1f1fffff);
	}
	uint64_t v;
	assert_int_equal(sysreg__read(h.c, DBGBVR(6), &v), X_EXC); /* no 7th: UNDEFINED */
	assert_int_equal(h.c->sr.esr_el1, ESR(0, 0));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(os_lock_is_locked_at_reset_and_oslar_unlocks_it),
		T(id_aa64dfr0_says_6_breakpoints_4_watchpoints_2_context_aware),
		T(brk_at_el1_is_ec_0x3c_with_the_immediate_even_with_os_lock),
		T(brk_at_el0_goes_to_the_lower_el_vector),
		T(breakpoint_at_el0_is_ec_0x30_before_the_instruction),
		T(breakpoint_for_el1_only_does_not_match_at_el0),
		T(breakpoint_at_el1_needs_kde_and_d_clear),
		T(os_lock_and_double_lock_disable_breakpoints),
		T(linked_breakpoint_matches_only_with_the_context_id),
		T(watchpoint_on_store_at_el0_is_ec_0x34_with_wnr_and_far),
		T(watchpoint_byte_select_and_load_match),
		T(watchpoint_mask_covers_a_range),
		T(translation_fault_has_priority_over_a_watchpoint),
		T(step_runs_one_instruction_then_ec_0x32_with_isv),
		T(step_over_ldxr_sets_ex),
		T(eret_with_ss_0_takes_the_step_exception_at_once_with_isv_0),
		T(stepped_instruction_that_aborts_leaves_spsr_ss_1),
		T(stepped_svc_leaves_spsr_ss_0),
		T(step_is_inactive_with_the_os_lock),
		T(mdccsr_at_el0_traps_with_tdcc_and_a_full_iss),
		T(breakpoint_and_watchpoint_registers_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
