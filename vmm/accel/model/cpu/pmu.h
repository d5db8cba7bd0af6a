/* The Performance Monitors Extension of the model CPU, PMUv3 for Armv8.0 (Arm ARM D11
 * "The Performance Monitors Extension"): the cycle counter and PMU_N 32-bit event
 * counters, chained in pairs by the CHAIN event, overflow flags and the overflow
 * interrupt (PPI 23, INTID 23, as QEMU virt), software increment, and the EL0 access
 * controls of PMUSERENR_EL0.
 *
 * Counting is lazy: each event is a running total the model keeps anyway (instructions,
 * exceptions, data accesses, the mmu/ TLB and cache statistics); a counter holds its
 * value at the last synchronisation and the total it saw then. Nothing is done per
 * instruction: synchronisation happens when a PMU register is read or written, after
 * an exception entry or return (the EL filters), and, while the PMU counts, when the
 * run loop reaches the instruction at which an instruction-driven counter overflows
 * (pmu.deadline) or, for other events, at the end of each block. */
#ifndef MODEL_PMU_H
#define MODEL_PMU_H

#include <stdbool.h>
#include <stdint.h>

#define PMU_N 6           /* event counters (PMCR_EL0.N) */
#define PMU_CYCLE 31      /* the cycle counter's bit in PMCNTEN, PMOVS, PMINTEN */
#define PMU_PPI 23        /* the overflow interrupt's INTID (a PPI): PPI_PMU */
/* ID_AA64DFR0_EL1.PMUVer = 1: PMUv3 (Armv8.0: 10-bit event numbers, 32-bit counters) */
#define PMU_DFR0_VAL (1ull << 8)

/* PMCR_EL0 */
#define PMCR_E  (1ull << 0)
#define PMCR_P  (1ull << 1)
#define PMCR_C  (1ull << 2)
#define PMCR_D  (1ull << 3)
#define PMCR_X  (1ull << 4)
#define PMCR_DP (1ull << 5)
#define PMCR_LC (1ull << 6)
#define PMCR_N_SHIFT 11

/* Common events (Arm ARM D11.11 "PMU events and event numbers") the model counts */
enum pmu_event {
	PMU_SW_INCR = 0x00, PMU_L1I_CACHE_REFILL = 0x01, PMU_L1D_CACHE_REFILL = 0x03,
	PMU_L1D_CACHE = 0x04, PMU_L1D_TLB_REFILL = 0x05, PMU_INST_RETIRED = 0x08,
	PMU_EXC_TAKEN = 0x09, PMU_CPU_CYCLES = 0x11, PMU_MEM_ACCESS = 0x13, PMU_CHAIN = 0x1e,
	PMU_L1D_TLB = 0x25, PMU_L2D_TLB_REFILL = 0x2d, PMU_DTLB_WALK = 0x34,
	PMU_ITLB_WALK = 0x35,
};

struct cpu_pmu {
	uint64_t pmcr, cnten, inten, ovs, selr, userenr, ccfiltr;
	uint64_t evtyper[PMU_N];
	uint64_t cnt[PMU_N];        /* event counters (32 bits) at the last sync */
	uint64_t ccnt;              /* the cycle counter at the last sync */
	uint64_t snap[PMU_N + 1];   /* each counter's event total at the last sync ([PMU_N]:
				     * the cycle counter's) */
	uint64_t cyc_rem;           /* PMCR_EL0.D: cycles towards the next 64 */
	bool counting[PMU_N + 1];   /* enabled and not filtered out at the current EL */
	bool live;                  /* PMCR_EL0.E and some counter enabled */
	bool poll;                  /* some counter counts an event other than instructions */
	uint64_t deadline;          /* icount at which an instruction-driven counter overflows */
};

struct cpu;
/* Bring every counter up to date, raise overflows (and the interrupt), and take the
 * EL filters of the current EL for what follows. */
void pmu__sync(struct cpu *c);
/* For the run loop: the icount at which to synchronise, UINT64_MAX if none */
static inline uint64_t pmu__deadline(const struct cpu *c, const struct cpu_pmu *p)
{
	(void)c;
	return p->live ? p->deadline : UINT64_MAX;
}

#endif
