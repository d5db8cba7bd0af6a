/* Self-hosted debug of the model CPU (Arm ARM D2 "AArch64 Self-hosted Debug"):
 * breakpoints and watchpoints (DBGB{V,C}R<n>_EL1, DBGW{V,C}R<n>_EL1), software step
 * (MDSCR_EL1.SS, PSTATE.SS), the OS lock and OS double lock, the DCC registers, and
 * the debug exceptions with their syndromes. BRK is in cpu/branch.c. The debug target
 * exception level is always EL1 (the VMM plays EL2 with MDCR_EL2.TDE = 0). */
#ifndef MODEL_DEBUG_H
#define MODEL_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

/* What ID_AA64DFR0_EL1 says: 6 breakpoints (2 of them context-aware: 4 and 5), 4
 * watchpoints (the numbers QEMU's "max" CPU has) */
#define DBG_NBRP 6
#define DBG_NWRP 4
#define DBG_NCTX 2
/* DebugVer = 6 (Armv8.0 debug), BRPs, WRPs, CTX_CMPs (each number minus one);
 * DoubleLock = 0: the OS double lock is implemented */
#define DEBUG_DFR0_VAL (6ull | ((uint64_t)(DBG_NBRP - 1) << 12) | \
			((uint64_t)(DBG_NWRP - 1) << 20) | ((uint64_t)(DBG_NCTX - 1) << 28))

/* MDSCR_EL1 */
#define MDSCR_SS   (1ull << 0)
#define MDSCR_TDCC (1ull << 12)
#define MDSCR_KDE  (1ull << 13)
#define MDSCR_MDE  (1ull << 15)
/* the bits a guest may set: SS, ERR (RES0 here: no OS save/restore errors), TDCC, KDE,
 * HDE, MDE, TXU, RXO, TXfull/RXfull (read-only views of MDCCSR: RES0 in this copy) */
#define MDSCR_MASK (MDSCR_SS | MDSCR_TDCC | MDSCR_KDE | (1ull << 14) | MDSCR_MDE)
/* OSLSR_EL1: OSLM = 0b10 (bits 3 and 0): the OS lock is implemented; OSLK */
#define OSLSR_OSLM_IMPLEMENTED 0x8ull
#define OSLSR_OSLK (1ull << 1)
/* SPSR_ELx.SS */
#define SPSR_SS_BIT 21

/* ESR_ELx.ISS of the debug exceptions (Arm ARM D17.2.37): IFSC/DFSC = 0b100010
 * "debug exception" */
#define FSC_DEBUG 0x22u
#define ISS_SS_ISV (1u << 24)
#define ISS_SS_EX  (1u << 6)

struct cpu_debug {
	uint64_t bvr[DBG_NBRP], bcr[DBG_NBRP], wvr[DBG_NWRP], wcr[DBG_NWRP];
	uint64_t mdccint, claim, dbgprcr, osdlr, oseccr, osdtrrx, osdtrtx;
	bool dtr_tx_full;  /* a DBGDTRTX_EL0 write waits for a debugger that never comes */
	bool bp_any;       /* MDE, the OS locks clear and a breakpoint enabled */
	bool wp_any;       /* the same for watchpoints: data accesses take the slow path */
	bool stepped;      /* an instruction was stepped: the step exception has ISV = 1 */
	bool stepped_ex;   /* ... and it was a load-exclusive (ISS.EX) */
};

struct cpu;
/* After any change of MDSCR_EL1, the OS locks, or a control register: bp_any, wp_any
 * (the data micro-TLB is flushed when watchpoints come on, so that every access is
 * checked). */
void debug__update(struct cpu *c);
/* AArch64.GenerateDebugExceptionsFrom() for the current EL and PSTATE.D */
bool debug__enabled(const struct cpu *c);
/* Does the run loop need debug__before() at each instruction? (cheap) */
static inline bool debug__active(const struct cpu *c, uint64_t mdscr)
{
	return (mdscr & (MDSCR_SS | MDSCR_MDE)) && debug__enabled(c);
}
/* Software step and breakpoints before the instruction at c->pc executes (after its
 * fetch succeeded, since an Instruction Abort takes priority over a breakpoint):
 * -1 to execute it, or the exec_r of the debug exception taken. */
int debug__step_pending(struct cpu *c);
int debug__breakpoint(struct cpu *c);
/* The instruction insn was executed while stepping (active-not-pending): r is its
 * exec_r. Moves the state machine to active-pending. */
void debug__stepped(struct cpu *c, uint32_t insn, int r);
/* Before executing insn while stepping: SVC, HVC and SMC count as stepped before the
 * exception they generate (SPSR.SS = 0, Arm ARM D2.12.7). */
void debug__before_insn(struct cpu *c, uint32_t insn);
/* A data access of size bytes at va passed translation: 0, or the exec_r of a
 * Watchpoint exception. el0: an EL0 access (LDTR/STTR at EL1 too). */
int debug__watch(struct cpu *c, uint64_t va, unsigned size, bool write, bool el0);
/* The same for rw = 0 (read), 1 (write) or 2 (read-modify-write: atomics, DC ZVA) */
int debug__watch_rw(struct cpu *c, uint64_t va, unsigned size, int rw, bool el0);
/* PSTATE.SS after an exception return with this SPSR (PSTATE already restored) */
void debug__eret(struct cpu *c, uint64_t spsr);

#endif
