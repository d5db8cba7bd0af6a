/* The block translator (vmm/accel/model/jit/) against the rules it must keep, each case
 * run with the translator and with the interpreter alone:
 *  - code a block writes into its own page, followed by DC CVAU, DSB, IC IVAU, DSB, ISB,
 *    is the code executed next (Arm ARM B2.4.4, "Concurrent modification and execution
 *    of instructions": after the maintenance and the context synchronization, the new
 *    instruction is fetched), in straight-line code and in a loop the block chains;
 *  - cpu__run(budget) retires exactly budget instructions (the quantum and --max-insns
 *    rest on it), and the two paths stop at the same instruction with the same state
 *    for every budget, across loads, stores, flags, CSEL, TBZ and CBNZ;
 *  - MRS of the counters (inline in translated code) reads what the interpreter reads
 *    at the same instruction: CNTVCT_EL0 and CNTPCT_EL0 count virtual time, which the
 *    model advances by one per instruction retired (engine/timer.c), so a read by the
 *    instruction retiring as number n of the run gives the count at the start plus
 *    n - 1 (unicorn's counter is the host's: not comparable);
 *  - a load or store whose micro-TLB probe misses takes mem.c's slow path straight from
 *    translated code: the value is extended as the instruction says (LDRSW to 64 bits,
 *    LDRSH Wt to 32 with the top half zero, LDRB zero-extended), and a load that takes
 *    a Data Abort leaves its destination register as it was, the exception taken at
 *    that instruction (Arm ARM D1.10: the instruction is not executed; ESR_EL1.EC
 *    0x25, DFSC 0b000110 for a level 2 translation fault; FAR_EL1 the address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"

#define CODE (H_CODE + 0x20000)

static void put32(struct harness *h, uint64_t pa, uint32_t v)
{
	memcpy(h->ram + (pa - H_RAM_BASE), &v, 4);
}

static void init(struct harness *h, bool jit)
{
	struct model_opts opts = { .jit = jit ? MODEL_JIT_ON : MODEL_JIT_OFF };
	assert_int_equal(harness__init_opts(h, 1, &opts), 0);
	assert_true(!jit || h->vm->jit);
}

static void load(struct harness *h, const uint32_t *code, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		put32(h, CODE + 4 * k, code[k]);
}

/* STR W2, [X1] into the next instruction but five, then the maintenance: the new
 * MOVZ X0, #2 runs, not the MOVZ X0, #1 decoded (and translated) before. */
static void straight_line(bool jit)
{
	static const uint32_t code[] = {
		0xb9000022u, /* STR W2, [X1] */
		0xd50b7b21u, /* DC CVAU, X1 */
		0xd5033b9fu, /* DSB ISH */
		0xd50b7521u, /* IC IVAU, X1 */
		0xd5033b9fu, /* DSB ISH */
		0xd5033fdfu, /* ISB */
		0xd2800020u, /* MOVZ X0, #1: replaced by MOVZ X0, #2 */
		0xd4400000u, /* HLT #0 */
	};
	struct harness h;
	init(&h, jit);
	load(&h, code, 8);
	h.c->x[1] = CODE + 24;
	h.c->x[2] = 0xd2800040u; /* MOVZ X0, #2 */
	assert_int_equal(harness__run(&h, CODE, 100), 0);
	assert_int_equal(h.c->x[0], 2);
	assert_int_equal(h.c->icount, 8);
	harness__free(&h);
}

/* A loop whose first instruction rewrites itself: iteration 1 adds 1, then the loop
 * stores ADD X4, X4, #100 over it with the maintenance; iteration 2 adds 100. */
static void loop(bool jit)
{
	static const uint32_t code[] = {
		0x91000484u, /* loop: ADD X4, X4, #1 (replaced) */
		0xb9000022u, /* STR W2, [X1] */
		0xd50b7b21u, /* DC CVAU, X1 */
		0xd5033b9fu, /* DSB ISH */
		0xd50b7521u, /* IC IVAU, X1 */
		0xd5033b9fu, /* DSB ISH */
		0xd5033fdfu, /* ISB */
		0xf10004a5u, /* SUBS X5, X5, #1 */
		0x54ffff01u, /* B.NE loop */
		0xd4400000u, /* HLT #0 */
	};
	struct harness h;
	init(&h, jit);
	load(&h, code, 10);
	h.c->x[1] = CODE;
	h.c->x[2] = 0x91019084u; /* ADD X4, X4, #100 */
	h.c->x[4] = 0;
	h.c->x[5] = 2;
	assert_int_equal(harness__run(&h, CODE, 1000), 0);
	assert_int_equal(h.c->x[4], 101);
	assert_int_equal(h.c->icount, 2 * 9 + 1);
	harness__free(&h);
}

static void self_modifying_straight_line_jit(void **s) { (void)s; straight_line(true); }
static void self_modifying_straight_line_interp(void **s) { (void)s; straight_line(false); }
static void self_modifying_loop_jit(void **s) { (void)s; loop(true); }
static void self_modifying_loop_interp(void **s) { (void)s; loop(false); }

/* 40 iterations of a loop of loads, stores, flags, CSEL, TBZ and CBNZ, run in slices
 * of 1 to 23 instructions on both paths side by side. */
static void budgets_stop_at_the_same_instruction(void **s)
{
	(void)s;
	static const uint32_t code[] = {
		0xd2800001u, /* MOVZ X1, #0 */
		0x8b000021u, /* l3: ADD X1, X1, X0 */
		0xca010042u, /* EOR X2, X2, X1 */
		0xf94004c3u, /* LDR X3, [X6, #8] */
		0x91000463u, /* ADD X3, X3, #1 */
		0xf90004c3u, /* STR X3, [X6, #8] */
		0xd1000400u, /* SUB X0, X0, #1 */
		0xf100001fu, /* CMP X0, #0 */
		0x9a82b027u, /* CSEL X7, X1, X2, LT */
		0x36180041u, /* TBZ W1, #3, 1f */
		0x91000508u, /* ADD X8, X8, #1 */
		0xb5fffec0u, /* 1: CBNZ X0, l3 */
		0xd4400000u, /* HLT #0 */
	};
	struct harness a, b;
	init(&a, true);
	init(&b, false);
	struct harness *hs[2] = { &a, &b };
	for (unsigned k = 0; k < 2; k++) {
		load(hs[k], code, 13);
		hs[k]->c->pc = CODE;
		hs[k]->c->x[0] = 40;
		hs[k]->c->x[6] = H_DATA;
	}
	uint64_t want = 0;
	int ra = X_NEXT, rb = X_NEXT;
	for (unsigned budget = 1; ra != X_STOP; budget = budget % 23 + 1) {
		ra = cpu__run(a.c, budget);
		rb = cpu__run(b.c, budget);
		vm__free_dead(a.vm);
		vm__free_dead(b.vm);
		assert_int_equal(ra, rb);
		want += budget;
		if (ra != X_STOP)
			assert_int_equal(a.c->icount, want); /* exactly the budget */
		assert_int_equal(a.c->icount, b.c->icount);
		assert_int_equal(a.c->pc, b.c->pc);
		assert_int_equal(a.c->nzcv, b.c->nzcv);
		assert_memory_equal(a.c->x, b.c->x, sizeof(a.c->x));
		assert_memory_equal(a.ram + (H_DATA - H_RAM_BASE), b.ram + (H_DATA - H_RAM_BASE), 16);
	}
	assert_true(a.hlt_seen);
	assert_int_equal(a.c->x[1], 820);  /* 40 + 39 + ... + 1 */
	uint64_t stored;
	memcpy(&stored, a.ram + (H_DATA + 8 - H_RAM_BASE), 8);
	assert_int_equal(stored, 40);
	assert_true(a.c->st.jit_insns > 0);
	assert_int_equal(b.c->st.jit_insns, 0);
	harness__free(&a);
	harness__free(&b);
}

/* 5 iterations of MRS CNTVCT_EL0, MRS MIDR_EL1, MRS CNTPCT_EL0 and a sum, in slices of
 * 1 to 11 instructions on both paths side by side; then the values by hand. */
static void counter_reads_match_the_interpreter(void **s)
{
	(void)s;
	static const uint32_t code[] = {
		0xd28000a0u, /* MOVZ X0, #5 */
		0xd53be043u, /* l: MRS X3, CNTVCT_EL0 */
		0x8b030021u, /* ADD X1, X1, X3 */
		0xd5380006u, /* MRS X6, MIDR_EL1 */
		0xd53be024u, /* MRS X4, CNTPCT_EL0 */
		0xcb030085u, /* SUB X5, X4, X3 */
		0xf1000400u, /* SUBS X0, X0, #1 */
		0x54ffff41u, /* B.NE l */
		0xd4400000u, /* HLT #0 */
	};
	struct harness a, b;
	init(&a, true);
	init(&b, false);
	struct harness *hs[2] = { &a, &b };
	for (unsigned k = 0; k < 2; k++) {
		load(hs[k], code, 9);
		hs[k]->c->pc = CODE;
	}
	/* the count before the first instruction: virtual time + the counter offset */
	uint64_t base = *a.c->vtime + a.c->icount - a.c->q_start + a.vm->cnt_voff;
	assert_int_equal(base, *b.c->vtime + b.c->icount - b.c->q_start + b.vm->cnt_voff);
	int ra = X_NEXT, rb = X_NEXT;
	for (unsigned budget = 1; ra != X_STOP; budget = budget % 11 + 1) {
		ra = cpu__run(a.c, budget);
		rb = cpu__run(b.c, budget);
		assert_int_equal(ra, rb);
		assert_int_equal(a.c->icount, b.c->icount);
		assert_int_equal(a.c->pc, b.c->pc);
		assert_memory_equal(a.c->x, b.c->x, sizeof(a.c->x));
	}
	assert_true(a.hlt_seen);
	/* iteration j's CNTVCT read is instruction 2 + 7j: base + 1 + 7j; CNTPCT three
	 * instructions on (the offsets are both 0 here) */
	assert_int_equal(a.vm->cnt_poff, a.vm->cnt_voff);
	assert_int_equal(a.c->x[3], base + 1 + 7 * 4);
	assert_int_equal(a.c->x[5], 3);
	assert_int_equal(a.c->x[1], 5 * (base + 1) + 7 * (0 + 1 + 2 + 3 + 4));
	assert_true(a.c->st.jit_insns > 0);
	harness__free(&a);
	harness__free(&b);
}

/* Every access of the block to a page it has not touched (the micro-TLB misses), then
 * a load from an address no descriptor maps; both paths, then the values by hand. */
static void slow_accesses_extend_and_fault_as_the_interpreter(void **s)
{
	(void)s;
	static const uint32_t code[] = {
		0xb98004c1u, /* LDRSW X1, [X6, #4] */
		0x39400ce2u, /* LDRB W2, [X7, #3] */
		0xb90008e1u, /* STR W1, [X7, #8] */
		0xf86868e3u, /* LDR X3, [X7, X8] */
		0x79c020e4u, /* LDRSH W4, [X7, #16] */
		0xf9400149u, /* LDR X9, [X10]: level 2 translation fault */
		0xd4400000u, /* HLT #0 (not reached) */
	};
	static const uint8_t data7[] = { 0, 0, 0, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 0x01, 0x80 };
	const uint32_t w6 = 0x80000001u;
	const uint64_t x3 = 0x1122334455667788ull;
	struct harness a, b;
	init(&a, true);
	init(&b, false);
	struct harness *hs[2] = { &a, &b };
	for (unsigned k = 0; k < 2; k++) {
		struct harness *h = hs[k];
		harness__hlt_vectors(h, H_CODE + 0x30000);
		memcpy(h->ram + (H_DATA + 4 - H_RAM_BASE), &w6, 4);
		memcpy(h->ram + (H_DATA + 0x5000 - H_RAM_BASE), data7, sizeof(data7));
		memcpy(h->ram + (H_DATA + 0x7000 - H_RAM_BASE), &x3, 8);
		h->c->x[6] = H_DATA;
		h->c->x[7] = H_DATA + 0x5000;
		h->c->x[8] = 0x2000;
		h->c->x[9] = 0x1234;
		h->c->x[10] = H_RAM_BASE + 0x400000; /* level 2 entry 2: invalid */
		assert_int_equal(harness__run_code(h, CODE, code, 7, 100), 0);
		assert_int_equal(h->hlt_imm, 4); /* current EL with SPx, synchronous */
	}
	assert_memory_equal(a.c->x, b.c->x, sizeof(a.c->x));
	assert_int_equal(a.c->sr.esr_el1, b.c->sr.esr_el1);
	assert_int_equal(a.c->sr.elr_el1, b.c->sr.elr_el1);
	assert_int_equal(a.c->x[1], 0xffffffff80000001ull);
	assert_int_equal(a.c->x[2], 0xfe);
	assert_int_equal(a.c->x[3], x3);
	assert_int_equal(a.c->x[4], 0xffff8001ull);
	assert_int_equal(a.c->x[9], 0x1234);
	assert_int_equal(a.c->sr.esr_el1 >> 26, 0x25);
	assert_int_equal(a.c->sr.esr_el1 & 0x3f, 0x06);
	assert_int_equal(a.c->sr.far_el1, H_RAM_BASE + 0x400000);
	assert_int_equal(a.c->sr.elr_el1, CODE + 20);
	uint32_t stored;
	memcpy(&stored, a.ram + (H_DATA + 0x5008 - H_RAM_BASE), 4);
	assert_int_equal(stored, w6);
	assert_true(a.c->st.jit_insns > 0);
	harness__free(&a);
	harness__free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_modifying_straight_line_jit),
		cmocka_unit_test(self_modifying_straight_line_interp),
		cmocka_unit_test(self_modifying_loop_jit),
		cmocka_unit_test(self_modifying_loop_interp),
		cmocka_unit_test(budgets_stop_at_the_same_instruction),
		cmocka_unit_test(counter_reads_match_the_interpreter),
		cmocka_unit_test(slow_accesses_extend_and_fault_as_the_interpreter),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
