/* The system registers the model keeps for EL0/EL1 (and the few EL2 values the VMM
 * fixes). Access rules and the register table are in sysregs.c. */
#ifndef MODEL_SYSREGS_H
#define MODEL_SYSREGS_H

#include <stdint.h>

struct sysregs {
	uint64_t sctlr_el1, actlr_el1, cpacr_el1;
	uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
	uint64_t esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1;
	uint64_t vbar_el1, contextidr_el1, elr_el1, spsr_el1;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
	uint64_t cntkctl_el1, cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	uint64_t csselr_el1, mdscr_el1, oslsr_el1;
	uint64_t mpidr_el1;
};

/* SCTLR_EL1 bits the model acts on */
#define SCTLR_M    (1ull << 0)
#define SCTLR_A    (1ull << 1)
#define SCTLR_C    (1ull << 2)
#define SCTLR_SA   (1ull << 3)
#define SCTLR_SA0  (1ull << 4)
#define SCTLR_UMA  (1ull << 9)
#define SCTLR_I    (1ull << 12)
#define SCTLR_DZE  (1ull << 14)
#define SCTLR_UCT  (1ull << 15)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_NTWE (1ull << 18)
#define SCTLR_WXN  (1ull << 19)
#define SCTLR_SPAN (1ull << 23)
#define SCTLR_UCI  (1ull << 26)
/* RES1 bits of SCTLR_EL1 in ARMv8.0 with no later features: 29,28,23,22,20,11 */
#define SCTLR_RES1 ((1ull << 29) | (1ull << 28) | (1ull << 23) | (1ull << 22) | \
		    (1ull << 20) | (1ull << 11))

struct cpu;
/* MRS/MSR/SYS by encoding (op0:op1:CRn:CRm:op2 in 16 bits as in the instruction's
 * bits 20:5). Return an exec_r (an exception may have been taken). */
int sysreg__read(struct cpu *c, unsigned enc, uint64_t *val);
int sysreg__write(struct cpu *c, unsigned enc, uint64_t val);

#define SR_ENC(op0, op1, crn, crm, op2) \
	((((op0) & 3) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

#endif
