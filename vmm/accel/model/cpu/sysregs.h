/* The system registers the model keeps for EL0/EL1, their encodings, and MRS/MSR. One
 * table (sysregs.c) describes every register the model has: encoding, name, how it
 * is read and written, and its reset value; an encoding not in it is UNDEFINED. */
#ifndef MODEL_SYSREGS_H
#define MODEL_SYSREGS_H

#include <stdbool.h>
#include <stdint.h>

/* The values kept per vCPU (the timer's are read through engine/timer.c). */
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
#define SCTLR_E0E  (1ull << 24)
#define SCTLR_EE   (1ull << 25)
#define SCTLR_UCI  (1ull << 26)
/* RES1 bits of SCTLR_EL1 in ARMv8.0 with no later features: 29,28,23,22,20,11 */
#define SCTLR_RES1 ((1ull << 29) | (1ull << 28) | (1ull << 23) | (1ull << 22) | \
		    (1ull << 20) | (1ull << 11))

/* CPACR_EL1.FPEN (bits 21:20): where SIMD&FP instructions trap (EC 0x07). ZEN, SMEN,
 * TTA are RES0: no SVE, SME or trace. */
#define CPACR_FPEN_SHIFT 20
#define CPACR_MASK (3ull << CPACR_FPEN_SHIFT)
/* FPCR: AHP, DN, FZ, RMode are kept; FZ16 is RES0 (no FP16 arithmetic), the trap
 * enables RAZ/WI (no trapped floating-point exceptions), Len/Stride AArch32 only.
 * FPSR: QC, IDC, IXC, UFC, OFC, DZC, IOC; NZCV is AArch32 only (RES0). */
#define FPCR_MASK 0x07c00000u
#define FPSR_MASK 0x0800009fu

/* CTR_EL0: 64-byte lines (I and D), PIPT I-cache, ERG/CWG 64 bytes, IDC = DIC = 0.
 * The cache model has the same lines (asserted in mem/xlat.c). */
#define CTR_EL0_VAL ((1ull << 31) | (4ull << 24) | (4ull << 20) | (4ull << 16) | (3ull << 14) | 4)
/* DCZID_EL0.BS: DC ZVA zeroes blocks of 4 << BS bytes */
#define DCZID_BS 4
#define DC_ZVA_BYTES (4u << DCZID_BS)

/* op0:op1:CRn:CRm:op2 in 16 bits, as in the MRS/MSR instruction's bits 20:5 */
#define SR_ENC(op0, op1, crn, crm, op2) \
	((((op0) & 3) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* Every encoding the model implements (Arm ARM D17 "AArch64 System Register
 * Descriptions"; ICC_*: IHI 0069 12.2), in encoding order. */
enum sysreg_enc {
	SYS_MDSCR_EL1        = SR_ENC(2, 0, 0, 2, 2),
	SYS_OSLAR_EL1        = SR_ENC(2, 0, 1, 0, 4),
	SYS_OSLSR_EL1        = SR_ENC(2, 0, 1, 1, 4),
	SYS_OSDLR_EL1        = SR_ENC(2, 0, 1, 3, 4),
	SYS_MIDR_EL1         = SR_ENC(3, 0, 0, 0, 0),
	SYS_MPIDR_EL1        = SR_ENC(3, 0, 0, 0, 5),
	SYS_REVIDR_EL1       = SR_ENC(3, 0, 0, 0, 6),
	SYS_ID_AA64PFR0_EL1  = SR_ENC(3, 0, 0, 4, 0),
	SYS_ID_AA64DFR0_EL1  = SR_ENC(3, 0, 0, 5, 0),
	SYS_ID_AA64ISAR0_EL1 = SR_ENC(3, 0, 0, 6, 0),
	SYS_ID_AA64MMFR0_EL1 = SR_ENC(3, 0, 0, 7, 0),
	SYS_ID_AA64MMFR1_EL1 = SR_ENC(3, 0, 0, 7, 1),
	SYS_SCTLR_EL1        = SR_ENC(3, 0, 1, 0, 0),
	SYS_ACTLR_EL1        = SR_ENC(3, 0, 1, 0, 1),
	SYS_CPACR_EL1        = SR_ENC(3, 0, 1, 0, 2),
	SYS_TTBR0_EL1        = SR_ENC(3, 0, 2, 0, 0),
	SYS_TTBR1_EL1        = SR_ENC(3, 0, 2, 0, 1),
	SYS_TCR_EL1          = SR_ENC(3, 0, 2, 0, 2),
	SYS_SPSR_EL1         = SR_ENC(3, 0, 4, 0, 0),
	SYS_ELR_EL1          = SR_ENC(3, 0, 4, 0, 1),
	SYS_SP_EL0           = SR_ENC(3, 0, 4, 1, 0),
	SYS_SPSEL            = SR_ENC(3, 0, 4, 2, 0),
	SYS_CURRENTEL        = SR_ENC(3, 0, 4, 2, 2),
	SYS_PAN              = SR_ENC(3, 0, 4, 2, 3),
	SYS_ICC_PMR_EL1      = SR_ENC(3, 0, 4, 6, 0),
	SYS_AFSR0_EL1        = SR_ENC(3, 0, 5, 1, 0),
	SYS_AFSR1_EL1        = SR_ENC(3, 0, 5, 1, 1),
	SYS_ESR_EL1          = SR_ENC(3, 0, 5, 2, 0),
	SYS_FAR_EL1          = SR_ENC(3, 0, 6, 0, 0),
	SYS_PAR_EL1          = SR_ENC(3, 0, 7, 4, 0),
	SYS_MAIR_EL1         = SR_ENC(3, 0, 10, 2, 0),
	SYS_AMAIR_EL1        = SR_ENC(3, 0, 10, 3, 0),
	SYS_VBAR_EL1         = SR_ENC(3, 0, 12, 0, 0),
	SYS_ISR_EL1          = SR_ENC(3, 0, 12, 1, 0),
	SYS_ICC_IAR0_EL1     = SR_ENC(3, 0, 12, 8, 0),
	SYS_ICC_EOIR0_EL1    = SR_ENC(3, 0, 12, 8, 1),
	SYS_ICC_HPPIR0_EL1   = SR_ENC(3, 0, 12, 8, 2),
	SYS_ICC_BPR0_EL1     = SR_ENC(3, 0, 12, 8, 3),
	SYS_ICC_AP0R0_EL1    = SR_ENC(3, 0, 12, 8, 4),
	SYS_ICC_AP1R0_EL1    = SR_ENC(3, 0, 12, 9, 0),
	SYS_ICC_DIR_EL1      = SR_ENC(3, 0, 12, 11, 1),
	SYS_ICC_RPR_EL1      = SR_ENC(3, 0, 12, 11, 3),
	SYS_ICC_SGI1R_EL1    = SR_ENC(3, 0, 12, 11, 5),
	SYS_ICC_ASGI1R_EL1   = SR_ENC(3, 0, 12, 11, 6),
	SYS_ICC_SGI0R_EL1    = SR_ENC(3, 0, 12, 11, 7),
	SYS_ICC_IAR1_EL1     = SR_ENC(3, 0, 12, 12, 0),
	SYS_ICC_EOIR1_EL1    = SR_ENC(3, 0, 12, 12, 1),
	SYS_ICC_HPPIR1_EL1   = SR_ENC(3, 0, 12, 12, 2),
	SYS_ICC_BPR1_EL1     = SR_ENC(3, 0, 12, 12, 3),
	SYS_ICC_CTLR_EL1     = SR_ENC(3, 0, 12, 12, 4),
	SYS_ICC_SRE_EL1      = SR_ENC(3, 0, 12, 12, 5),
	SYS_ICC_IGRPEN0_EL1  = SR_ENC(3, 0, 12, 12, 6),
	SYS_ICC_IGRPEN1_EL1  = SR_ENC(3, 0, 12, 12, 7),
	SYS_CONTEXTIDR_EL1   = SR_ENC(3, 0, 13, 0, 1),
	SYS_TPIDR_EL1        = SR_ENC(3, 0, 13, 0, 4),
	SYS_CNTKCTL_EL1      = SR_ENC(3, 0, 14, 1, 0),
	SYS_CCSIDR_EL1       = SR_ENC(3, 1, 0, 0, 0),
	SYS_CLIDR_EL1        = SR_ENC(3, 1, 0, 0, 1),
	SYS_CSSELR_EL1       = SR_ENC(3, 2, 0, 0, 0),
	SYS_CTR_EL0          = SR_ENC(3, 3, 0, 0, 1),
	SYS_DCZID_EL0        = SR_ENC(3, 3, 0, 0, 7),
	SYS_NZCV             = SR_ENC(3, 3, 4, 2, 0),
	SYS_DAIF             = SR_ENC(3, 3, 4, 2, 1),
	SYS_FPCR             = SR_ENC(3, 3, 4, 4, 0),
	SYS_FPSR             = SR_ENC(3, 3, 4, 4, 1),
	SYS_TPIDR_EL0        = SR_ENC(3, 3, 13, 0, 2),
	SYS_TPIDRRO_EL0      = SR_ENC(3, 3, 13, 0, 3),
	SYS_CNTFRQ_EL0       = SR_ENC(3, 3, 14, 0, 0),
	SYS_CNTPCT_EL0       = SR_ENC(3, 3, 14, 0, 1),
	SYS_CNTVCT_EL0       = SR_ENC(3, 3, 14, 0, 2),
	SYS_CNTP_TVAL_EL0    = SR_ENC(3, 3, 14, 2, 0),
	SYS_CNTP_CTL_EL0     = SR_ENC(3, 3, 14, 2, 1),
	SYS_CNTP_CVAL_EL0    = SR_ENC(3, 3, 14, 2, 2),
	SYS_CNTV_TVAL_EL0    = SR_ENC(3, 3, 14, 3, 0),
	SYS_CNTV_CTL_EL0     = SR_ENC(3, 3, 14, 3, 1),
	SYS_CNTV_CVAL_EL0    = SR_ENC(3, 3, 14, 3, 2),
};

struct cpu;
/* MRS/MSR by encoding. Return an exec_r (an exception may have been taken). Bits
 * 20:16 of enc may carry the instruction's Rt (SYSREG_RT), for a trap's syndrome. */
int sysreg__read(struct cpu *c, unsigned enc, uint64_t *val);
int sysreg__write(struct cpu *c, unsigned enc, uint64_t val);
#define SYSREG_RT(rt) ((unsigned)(rt) << 16)
/* ESR ISS of a trapped MRS/MSR (EC 0x18) of enc (with its SYSREG_RT) */
uint32_t sysreg__trap_iss(unsigned enc, bool write);
/* The VMM's write of a register, as an EL1 MSR, with no EL0 check (docs/handover.md):
 * 0, or -1 if there is no such writable register or the write would trap. */
int sysreg__load(struct cpu *c, unsigned enc, uint64_t val);
/* What an MRS of enc reads at EL1 when that is a plain value without side effects
 * or traps, for the block translator (at EL0 it calls sysreg__read): a field of
 * struct cpu (SR_PLAIN_KEPT, *arg its offset), a constant (SR_PLAIN_CONST, *arg), or
 * a counter of engine/timer.c (CNTPCT_EL0, CNTVCT_EL0: virtual time plus the VM's
 * offset); SR_PLAIN_NONE for everything else (the handler). */
enum sysreg_plain { SR_PLAIN_NONE, SR_PLAIN_KEPT, SR_PLAIN_CONST, SR_PLAIN_CNTPCT, SR_PLAIN_CNTVCT };
enum sysreg_plain sysreg__plain_read(unsigned enc, uint64_t *arg);
/* Every register the table keeps back to its reset value. */
void sysreg__reset(struct cpu *c);
/* Build the encoding index (once per process is enough; idempotent). */
void sysreg__init(void);

#endif
