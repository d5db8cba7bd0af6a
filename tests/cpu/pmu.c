/* PMUv3 on the model CPU, with values built from the Arm ARM (DDI 0487 D11 "The
 * Performance Monitors Extension", registers D17.5): PMCR_EL0.N, PMCEID0/1 listing
 * exactly the events counted, INST_RETIRED over a loop of known length, CPU_CYCLES and
 * PMCR_EL0.D, the overflow interrupt (PPI 23 through the GICv3) taken after the
 * instruction that overflowed the counter, CHAIN, PMSWINC, the EL filters and
 * PMUSERENR_EL0. Vector entries hold HLT #n (n = offset >> 7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "harness.h"
#include "gic/gicv3.h"

#define CODE (H_CODE + 0x10000)
#define VBAR (H_CODE + 0x8000)
#define VEC_CUR_SYNC 4
#define VEC_CUR_IRQ 5
#define VEC_LOW_SYNC 8

#define PMCR      SR_ENC(3, 3, 9, 12, 0)
#define CNTENSET  SR_ENC(3, 3, 9, 12, 1)
#define OVSCLR    SR_ENC(3, 3, 9, 12, 3)
#define SWINC     SR_ENC(3, 3, 9, 12, 4)
#define CEID0     SR_ENC(3, 3, 9, 12, 6)
#define CEID1     SR_ENC(3, 3, 9, 12, 7)
#define CCNTR     SR_ENC(3, 3, 9, 13, 0)
#define USERENR   SR_ENC(3, 3, 9, 14, 0)
#define INTENSET  SR_ENC(3, 0, 9, 14, 1)
#define OVSSET    SR_ENC(3, 3, 9, 14, 3)
#define CCFILTR   SR_ENC(3, 3, 14, 15, 7)
#define EVCNTR(n) SR_ENC(3, 3, 14, 8 + ((n) >> 3), (n) & 7)
#define EVTYPER(n) SR_ENC(3, 3, 14, 12 + ((n) >> 3), (n) & 7)
#define E 1u
#define P (1u << 1)
#define D (1u << 3)
#define LC (1u << 6)
#define U_BIT (1u << 30)
#define CYCLE (1u << 31)

#define NOP 0xd503201fu
#define SVC0 0xd4000001u
#define ERET 0xd69f03e0u
#define HLT(n) (0xd4400000u | ((n) << 5))
#define SUBS_X0_1 0xf1000400u   /* SUBS X0, X0, #1 */
#define BNE_M1 0x54ffffe1u      /* B.NE .-4 */
#define BNE_M2 0x54ffffc1u      /* B.NE .-8 */
#define LDR_X2_X1 0xf9400022u   /* LDR X2, [X1] */
#define MRS(rt, enc) (0xd5300000u | ((uint32_t)(enc) << 5) | (rt))
#define ESR(ec, iss) (((uint32_t)(ec) << 26) | (1u << 25) | (iss))

static struct harness h;
static struct gicv3 *gic;

static void w(unsigned enc, uint64_t v) { assert_true(sysreg__write(h.c, enc, v) <= X_CTX); }
static uint64_t r(unsigned enc)
{
	uint64_t v = 0;
	assert_int_equal(sysreg__read(h.c, enc, &v), X_NEXT);
	return v;
}

/* GICv3 with PPI 23 enabled in Group 1 at priority 0x80, the CPU interface open */
static int setup(void **state)
{
	(void)state;
	if (harness__init(&h, 1))
		return -1;
	harness__hlt_vectors(&h, VBAR);
	gic = gicv3__new(1);
	h.vm->gic = gic;
	h.c->irq_line = gicv3__irq_line(gic, 0);
	gicv3__dist_write(gic, 0x0000, 4, 2, 0);              /* GICD_CTLR.EnableGrp1 */
	gicv3__redist_write(gic, 0x10080, 4, 1u << 23, 0);    /* GICR_IGROUPR0 */
	gicv3__redist_write(gic, 0x10100, 4, 1u << 23, 0);    /* GICR_ISENABLER0 */
	gicv3__redist_write(gic, 0x10414, 4, 0x80u << 24, 0); /* GICR_IPRIORITYR5 byte 3 */
	gicv3__icc_write(gic, 0, ICC_PMR, 0xff);
	gicv3__icc_write(gic, 0, ICC_IGRPEN1, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__free(&h);
	gicv3__free(gic);
	return 0;
}

static void run(const uint32_t *code, unsigned n)
{
	assert_int_equal(harness__run_code(&h, CODE, code, n, 100000), 0);
}

/* D17.5 PMCR_EL0.N: 6 event counters; PMCEID0/1_EL0: bit e (e - 32) set for each common
 * event implemented: SW_INCR 0x00, L1D_TLB_REFILL 0x05, INST_RETIRED 0x08, EXC_TAKEN
 * 0x09, CPU_CYCLES 0x11, MEM_ACCESS 0x13, CHAIN 0x1E; L1D_TLB 0x25, L2D_TLB_REFILL 0x2D,
 * DTLB_WALK 0x34, ITLB_WALK 0x35 (no cache events without the cache model) */
static void pmcr_n_and_pmceid_list_exactly_the_counted_events(void **state)
{
	(void)state;
	assert_int_equal((r(PMCR) >> 11) & 31, 6);
	assert_int_equal(r(CEID0), (1u << 0x00) | (1u << 0x05) | (1u << 0x08) | (1u << 0x09) |
				   (1u << 0x11) | (1u << 0x13) | (1u << 0x1e));
	assert_int_equal(r(CEID1), (1u << 5) | (1u << 13) | (1u << 20) | (1u << 21));
}

/* INST_RETIRED between two reads of PMEVCNTR0_EL0: the first MRS (it retires after
 * reading) and the loop SUBS/B.NE run 100 times: 1 + 200 */
static void inst_retired_counts_a_loop_of_known_length(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		MRS(3, EVCNTR(0)), SUBS_X0_1, BNE_M1, MRS(4, EVCNTR(0)), HLT(0x77),
	};
	w(EVTYPER(0), 0x08);
	w(CNTENSET, 1);
	w(PMCR, E | P);
	h.c->x[0] = 100;
	run(code, 5);
	assert_int_equal(h.hlt_imm, 0x77);
	assert_int_equal(h.c->x[4] - h.c->x[3], 201);
}

/* CPU_CYCLES on PMCCNTR_EL0: one cycle per instruction; PMCR_EL0.D counts every 64th */
static void cycle_counter_counts_instructions_and_divides_by_64(void **state)
{
	(void)state;
	static const uint32_t code[] = {
		MRS(3, CCNTR), SUBS_X0_1, BNE_M1, MRS(4, CCNTR), HLT(0x77),
	};
	w(CNTENSET, CYCLE);
	w(PMCR, E | P | (1u << 2));
	h.c->x[0] = 1000;
	run(code, 5);
	assert_int_equal(h.c->x[4] - h.c->x[3], 2001);
	w(PMCR, E | D | (1u << 2));
	h.c->x[0] = 1000;
	run(code, 5);
	assert_int_equal(h.c->x[4] - h.c->x[3], 2001 / 64);
}

/* D11.4 overflow: PMEVCNTR0 = 0xFFFFFFF6 counts INST_RETIRED; the 10th instruction
 * wraps it to 0, sets PMOVSSET_EL0[0], and with PMINTENSET_EL1[0] the PMU interrupt
 * (PPI 23) is taken before the 11th: ELR_EL1 = the 11th instruction's address */
static void overflow_interrupt_is_taken_after_the_overflowing_instruction(void **state)
{
	(void)state;
	uint32_t code[40];
	for (unsigned k = 0; k < 40; k++)
		code[k] = NOP;
	code[39] = HLT(0x77);
	w(EVTYPER(0), 0x08);
	w(EVCNTR(0), 0xfffffff6u);
	w(INTENSET, 1);
	w(CNTENSET, 1);
	w(PMCR, E);
	h.c->daif = 0;
	run(code, 40);
	assert_int_equal(h.hlt_imm, VEC_CUR_IRQ);
	assert_int_equal(h.c->sr.elr_el1, CODE + 10 * 4);
	assert_int_equal(r(OVSSET), 1);
	assert_int_equal(gicv3__icc_read(gic, 0, ICC_IAR1, &(uint64_t){ 0 }), 0);
	/* clearing the overflow flag drops the interrupt */
	w(OVSCLR, 1);
	assert_false(gicv3__irq_pending(gic, 0));
}

/* ...and not taken without PMINTENSET: only the flag is set */
static void overflow_without_intenset_only_sets_the_flag(void **state)
{
	(void)state;
	static const uint32_t code[] = { NOP, NOP, NOP, NOP, HLT(0x77) };
	w(EVTYPER(1), 0x11);
	w(EVCNTR(1), 0xfffffffeu);
	w(CNTENSET, 2);
	w(PMCR, E);
	h.c->daif = 0;
	run(code, 5);
	assert_int_equal(h.hlt_imm, 0x77);
	assert_int_equal(r(OVSSET), 2);
	assert_int_equal(r(EVCNTR(1)), 3); /* 5 cycles: wrapped after 2 */
}

/* D11.5 CHAIN (0x1E) on the odd counter of a pair counts the even one's overflows:
 * a 64-bit counter made of two; the even counter's overflow flag is set, the odd's not */
static void chained_counters_make_a_64_bit_counter(void **state)
{
	(void)state;
	static const uint32_t code[] = { SUBS_X0_1, BNE_M1, HLT(0x77) };
	w(EVTYPER(2), 0x08);
	w(EVTYPER(3), 0x1e);
	w(EVCNTR(2), 0xffffff00u);
	w(EVCNTR(3), 7);
	w(CNTENSET, 0xc);
	w(PMCR, E);
	h.c->x[0] = 1000;                 /* 2000 instructions, then the HLT */
	run(code, 3);
	uint64_t lo = r(EVCNTR(2)), hi = r(EVCNTR(3));
	assert_int_equal((hi << 32 | lo) - (7ull << 32 | 0xffffff00u), 2001);
	assert_int_equal(hi, 8);
	assert_int_equal(r(OVSSET), 4);
}

/* PMSWINC_EL0 increments enabled counters whose event is SW_INCR (0x00), only those */
static void software_increment_counts_only_enabled_sw_incr_counters(void **state)
{
	(void)state;
	w(EVTYPER(4), 0x00);
	w(EVTYPER(5), 0x00);
	w(CNTENSET, 1u << 4);                /* counter 5 not enabled */
	w(PMCR, E);
	w(SWINC, (1u << 4) | (1u << 5));
	w(SWINC, 1u << 4);
	assert_int_equal(r(EVCNTR(4)), 2);
	assert_int_equal(r(EVCNTR(5)), 0);
}

/* PMEVTYPER<n>.U: not counted at EL0; EXC_TAKEN counts the SVC exception */
static void el0_filter_and_exc_taken(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, NOP, NOP, SVC0 };
	w(EVTYPER(0), 0x08 | U_BIT);          /* INST_RETIRED, not at EL0 */
	w(EVTYPER(1), 0x08);                  /* INST_RETIRED everywhere */
	w(EVTYPER(2), 0x09);                  /* EXC_TAKEN */
	w(CNTENSET, 7);
	w(PMCR, E);
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 5);
	/* EL1: ERET, then the vector's HLT; EL0: 3 NOPs and the SVC (it retires) */
	assert_int_equal(h.hlt_imm, VEC_LOW_SYNC);
	assert_int_equal(r(EVCNTR(0)), 2);
	assert_int_equal(r(EVCNTR(1)), 6);
	assert_int_equal(r(EVCNTR(2)), 1);
}

/* A counter enabled at EL1 but filtered out there (P = 1) starts counting when an
 * exception return reaches EL0: the 3 NOPs and the SVC */
static void counter_for_el0_only_counts_after_the_return_to_el0(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, NOP, NOP, NOP, SVC0 };
	w(EVTYPER(0), 0x08 | (1u << 31));     /* INST_RETIRED, not at EL1 */
	w(CNTENSET, 1);
	w(PMCR, E);
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 5);
	assert_int_equal(h.hlt_imm, VEC_LOW_SYNC);
	assert_int_equal(r(EVCNTR(0)), 4);
}

/* MEM_ACCESS counts each load of the loop */
static void mem_access_counts_the_loads(void **state)
{
	(void)state;
	static const uint32_t code[] = { LDR_X2_X1, SUBS_X0_1, BNE_M2, HLT(0x77) };
	w(EVTYPER(0), 0x13);
	w(CNTENSET, 1);
	w(PMCR, E);
	h.c->x[0] = 50;
	h.c->x[1] = H_DATA;
	run(code, 4);
	assert_int_equal(r(EVCNTR(0)), 50);
}

/* D17.5 PMUSERENR_EL0: with EN = CR = 0, an EL0 read of PMCCNTR_EL0 traps to EL1 with
 * EC 0x18 (ISS: Op0 3, Op2 0, Op1 3, CRn 9, Rt 7, CRm 13, read); CR = 1 allows it */
static void pmuserenr_controls_el0_reads_of_the_cycle_counter(void **state)
{
	(void)state;
	static const uint32_t code[] = { ERET, MRS(7, CCNTR), SVC0 };
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 3);
	uint32_t iss = (3u << 20) | (3u << 14) | (9u << 10) | (7u << 5) | (13u << 1) | 1;
	assert_int_equal(h.c->sr.esr_el1, ESR(0x18, iss));
	w(USERENR, 4);
	h.c->sr.elr_el1 = CODE + 4;
	h.c->sr.spsr_el1 = 0;
	run(code, 3);
	assert_int_equal(h.c->sr.esr_el1, ESR(0x15, 0));
}

/* PMCR_EL0.LC = 0: the cycle counter's overflow flag is set when bits 31:0 wrap */
static void cycle_counter_overflows_at_32_bits_without_lc(void **state)
{
	(void)state;
	static const uint32_t code[] = { NOP, NOP, NOP, HLT(0x77) };
	w(CCNTR, 0x1fffffffeull);
	w(CNTENSET, CYCLE);
	w(CCFILTR, 0);
	w(PMCR, E);
	run(code, 4);
	assert_int_equal(r(OVSSET), CYCLE);
	assert_int_equal(r(CCNTR), 0x200000002ull);
}

/* D19.2 ID_AA64DFR0_EL1.PMUVer, bits [11:8]: 0b0001 = FEAT_PMUv3 */
static void id_aa64dfr0_says_pmuv3(void **state)
{
	(void)state;
	assert_int_equal((r(SR_ENC(3, 0, 0, 5, 0)) >> 8) & 15, 1);
}

/* Without FEAT_PMUv3 (--pmu off): PMUVer 0b0000, and the PMU's encodings are
 * unallocated, so MRS/MSR of them are UNDEFINED (EC 0x00, Unknown reason) at EL1. */
static void without_the_pmu_its_registers_are_undefined(void **state)
{
	(void)state;
	struct model_opts opts = { .no_pmu = true };
	struct harness hp;
	uint64_t v = 0;
	assert_int_equal(harness__init_opts(&hp, 1, &opts), 0);
	hp.c->sr.vbar_el1 = VBAR;
	assert_int_equal(sysreg__read(hp.c, SR_ENC(3, 0, 0, 5, 0), &v), X_NEXT);
	assert_int_equal((v >> 8) & 15, 0);
	const unsigned encs[] = { PMCR, CCNTR, EVCNTR(0), EVTYPER(5), INTENSET, USERENR };
	for (unsigned k = 0; k < sizeof(encs) / sizeof(encs[0]); k++) {
		hp.c->pc = CODE; /* the access is at CODE, not in the vector it goes to */
		hp.c->sr.esr_el1 = 0xdead;
		assert_int_equal(sysreg__read(hp.c, encs[k], &v), X_EXC);
		assert_int_equal(hp.c->sr.esr_el1, ESR(0x00, 0));
		hp.c->pc = CODE;
		hp.c->sr.esr_el1 = 0xdead;
		assert_int_equal(sysreg__write(hp.c, encs[k], 1), X_EXC);
		assert_int_equal(hp.c->sr.esr_el1, ESR(0x00, 0));
	}
	harness__free(&hp);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(pmcr_n_and_pmceid_list_exactly_the_counted_events),
		T(inst_retired_counts_a_loop_of_known_length),
		T(cycle_counter_counts_instructions_and_divides_by_64),
		T(overflow_interrupt_is_taken_after_the_overflowing_instruction),
		T(overflow_without_intenset_only_sets_the_flag),
		T(chained_counters_make_a_64_bit_counter),
		T(software_increment_counts_only_enabled_sw_incr_counters),
		T(el0_filter_and_exc_taken),
		T(counter_for_el0_only_counts_after_the_return_to_el0),
		T(mem_access_counts_the_loads),
		T(pmuserenr_controls_el0_reads_of_the_cycle_counter),
		T(cycle_counter_overflows_at_32_bits_without_lc),
		T(id_aa64dfr0_says_pmuv3),
		cmocka_unit_test(without_the_pmu_its_registers_are_undefined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
