/* The architectural state of a running VM, neutral between engines: what a hand-over
 * (vmm run --switch-to-model-at, docs/handover.md) reads from one engine and loads
 * into the other. RAM and devices are the machine's and stay where they are; this
 * is what the engine owns: the vCPUs, their timers and the GICv3. */
#ifndef VMM_VM_STATE_H
#define VMM_VM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <platform/memmap.h>

/* The EL1 (and EL0) system registers carried, by name: vm_state.c's table gives each
 * one's encoding (op0, op1, CRn, CRm, op2), which both engines use. */
struct vcpu_sysregs {
	uint64_t sctlr_el1, cpacr_el1, ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
	uint64_t esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1, vbar_el1, contextidr_el1;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, cntkctl_el1, csselr_el1, mdscr_el1;
};

/* PMUv3 (Arm ARM D11): what the guest programmed, with the counters' values. */
#define VM_PMU_MAX 31
struct vcpu_pmu {
	bool present;            /* the guest was given a PMU (--pmu) */
	unsigned n;              /* event counters the source had (PMCR_EL0.N) */
	uint64_t pmcr, cnten, inten, ovs, userenr, selr, ccntr, ccfiltr;
	uint64_t evcntr[VM_PMU_MAX], evtyper[VM_PMU_MAX];
};

/* op0:op1:CRn:CRm:op2 of the PMU registers */
#define VM_PMU_PMCR       3, 3, 9, 12, 0
#define VM_PMU_CNTENSET   3, 3, 9, 12, 1
#define VM_PMU_SELR       3, 3, 9, 12, 5
#define VM_PMU_CCNTR      3, 3, 9, 13, 0
#define VM_PMU_USERENR    3, 3, 9, 14, 0
#define VM_PMU_OVSSET     3, 3, 9, 14, 3
#define VM_PMU_INTENSET   3, 0, 9, 14, 1
#define VM_PMU_CCFILTR    3, 3, 14, 15, 7
#define VM_PMU_EVCNTR(n)  3, 3, 14, 8 + ((n) >> 3), (n) & 7
#define VM_PMU_EVTYPER(n) 3, 3, 14, 12 + ((n) >> 3), (n) & 7

struct vcpu_state {
	bool on;                 /* powered on (PSCI); off: nothing else matters */
	uint64_t x[31], sp_el0, sp_el1, pc, pstate; /* pstate in SPSR layout */
	uint64_t elr_el1, spsr_el1;
	unsigned __int128 v[32]; /* V0-V31 */
	uint32_t fpcr, fpsr;
	struct vcpu_sysregs sr;
	/* the EL1 virtual and physical timers; the counters at the moment of the switch */
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	bool have_ptimer;        /* cntp_* were read (else the guest never used them) */
	struct vcpu_pmu pmu;
};

/* GICv3 interrupt state in register layout (IHI 0069): one bit per INTID in 32-bit
 * words, a byte of priority each, 2 configuration bits each. Private interrupts
 * (SGIs, PPIs) are per redistributor; SPIs are the distributor's. */
#define VM_GIC_NR_IRQS 128      /* SGIs + PPIs + 96 SPIs: both engines have this many */
struct vm_gic_irqs {
	uint32_t group[VM_GIC_NR_IRQS / 32], enabled[VM_GIC_NR_IRQS / 32];
	uint32_t pending[VM_GIC_NR_IRQS / 32]; /* the pending latch (edge, or set by ISPENDR) */
	uint32_t active[VM_GIC_NR_IRQS / 32];
	uint32_t level[VM_GIC_NR_IRQS / 32];   /* input line of level-triggered interrupts */
	uint8_t prio[VM_GIC_NR_IRQS];
	uint32_t cfg[VM_GIC_NR_IRQS / 16];     /* ICFGR: bit 2n+1 set = edge-triggered */
};

struct vm_gic_cpu {
	struct vm_gic_irqs priv;  /* INTIDs 0..31 only (the rest unused) */
	uint32_t waker;           /* GICR_WAKER */
	uint64_t pmr, bpr1, igrpen1, ctlr, sre;
	uint64_t ap1r[4];         /* ICC_AP1R<n>_EL1: active priority groups */
};

struct vm_gic_state {
	uint32_t ctlr;                       /* GICD_CTLR */
	struct vm_gic_irqs spi;              /* INTIDs 32..127 (0..31 unused) */
	uint64_t irouter[VM_GIC_NR_IRQS];    /* GICD_IROUTER<n>, SPIs */
	struct vm_gic_cpu cpu[PLATFORM_MAX_CPUS];
};

struct vm_state {
	unsigned ncpus;
	struct vcpu_state cpu[PLATFORM_MAX_CPUS];
	struct vm_gic_state gic;
	uint64_t cntfrq;          /* CNTFRQ_EL0 the guest has read */
	uint64_t cntvct, cntpct;  /* the counters at the switch (the guest's view) */
	/* What the switch was: for its report line. */
	const char *from;         /* engine name */
	const char *trigger;      /* "pc=0x...", "exits=N", "monitor" */
	uint64_t exits;           /* KVM exits of all vCPUs before the switch */
};

/* The carried system registers: name, encoding and place in struct vcpu_sysregs. */
struct vm_sysreg_desc {
	const char *name;
	uint8_t op0, op1, crn, crm, op2;
	size_t off;
};
extern const struct vm_sysreg_desc vm_sysregs[];
extern const unsigned vm_nsysregs;

static inline uint64_t *vm_sysreg(struct vcpu_sysregs *sr, const struct vm_sysreg_desc *d)
{
	return (uint64_t *)((char *)sr + d->off);
}

#endif
