/* MRS/MSR through one table of the system registers the model has, as Linux KVM's
 * arch/arm64/kvm/sys_regs.c: per encoding its name, how MRS and MSR reach it, where
 * its value is kept, its reset value and what EL0 may do with it. The ID registers
 * describe the modelled CPU (features present = features modelled); the timer's and
 * the GIC CPU interface's registers go to their models. Any other encoding is
 * UNDEFINED (Arm ARM D17 "AArch64 System Register Descriptions"). */
#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/sysreg_table.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "gic/gicv3.h"
#include "mem/xlat.h"

/* MIDR: implementer 0x00 (reserved for software use), architecture 0xF (by ID regs),
 * part 0x001. */
#define MIDR_VAL 0x000f0010ull
/* EL0, EL1: AArch64 only; EL2/EL3 not visible to the guest; FP = AdvSIMD = 0: both
 * implemented, without half-precision arithmetic (FEAT_FP16: only the conversions to
 * and from half precision are); GIC system register interface v3 present. */
#define PFR0_VAL ((1ull << 0) | (1ull << 4) | (0ull << 16) | (0ull << 20) | (1ull << 24))
/* Atomic = 2: the LSE atomics. No CRC32, AES, SHA, RDM, DotProd, FHM: of the
 * SIMD&FP instructions only the Armv8.0 base set is implemented. */
#define ISAR0_VAL (2ull << 20)
/* PAN = 1 */
#define MMFR1_VAL (1ull << 20)
#define DCZID_VAL DCZID_BS
#define DCZID_DZP (1ull << 4)
#define ISR_I (1u << 7) /* an IRQ is pending */
/* CLIDR: L1 separate I and D; LoUIS = LoC = LoUU = 1 */
#define CLIDR_VAL (3ull | (1ull << 21) | (1ull << 24) | (1ull << 27))
#define CCSIDR_VAL ((255ull << 13) | (3ull << 3) | 2) /* 64 B lines, 4 ways, 256 sets */
#define MPIDR_U_RES1 (1ull << 31) /* U = 0: a multiprocessor system */
#define NZCV_MASK 0xf0000000u
#define PAN_BIT 22
/* CNTKCTL_EL1: what EL0 may reach of the timer */
#define CNTKCTL_EL0PCTEN (1u << 0)
#define CNTKCTL_EL0VCTEN (1u << 1)
#define CNTKCTL_EL0VTEN  (1u << 8)
#define CNTKCTL_EL0PTEN  (1u << 9)

static uint64_t *kept(struct cpu *c, const struct sysreg_desc *r)
{
	return (uint64_t *)((char *)&c->sr + r->field);
}

/* ---- accessors ---- */

static int read_kept(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	*val = *kept(c, r);
	return X_NEXT;
}

static int write_kept(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	*kept(c, r) = val;
	return X_NEXT;
}

/* Registers the translation regime is made of: the micro-TLBs and the mmu/ context
 * follow a write. */
static int write_xlat(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	*kept(c, r) = val;
	xlat__context_changed(c);
	cpu__context_changed(c);
	return X_CTX;
}

static int write_sctlr(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	/* RES1 bits (SPAN is a real bit with FEAT_PAN); EE/E0E RES0: no big-endian */
	val = (val | (SCTLR_RES1 & ~SCTLR_SPAN)) & ~(SCTLR_EE | SCTLR_E0E);
	return write_xlat(c, r, val);
}

static int read_const(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)c;
	*val = r->val;
	return X_NEXT;
}

/* ID_AA64DFR0_EL1: PMUVer 1 (PMUv3) unless --pmu off took the PMU away */
static int read_dfr0(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = DEBUG_DFR0_VAL | (c->vm->opts.no_pmu ? 0 : PMU_DFR0_VAL);
	return X_NEXT;
}

static int read_mmfr0(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)c, (void)r;
	*val = xlat__mmfr0();
	return X_NEXT;
}

static int read_mmfr1(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)c, (void)r;
	*val = MMFR1_VAL | xlat__mmfr1();
	return X_NEXT;
}

static int read_dczid(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = DCZID_VAL;
	if (c->el == 0 && !(c->sr.sctlr_el1 & SCTLR_DZE))
		*val |= DCZID_DZP; /* DC ZVA prohibited at EL0 */
	return X_NEXT;
}

static void reset_mpidr(struct cpu *c, const struct sysreg_desc *r)
{
	/* Aff0 = vCPU index; the VMM sets machine__mpidr() before the vCPU starts */
	*kept(c, r) = MPIDR_U_RES1 | c->index;
}

/* CPACR_EL1.FPEN decides whether SIMD&FP traps at the current EL: cached in c->fp_off */
static int write_cpacr(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	*kept(c, r) = val & CPACR_MASK;
	cpu__context_changed(c);
	return X_CTX;
}

/* FPCR, FPSR: SIMD&FP registers, trapped with the rest by CPACR_EL1.FPEN (EC 0x07) */
static int read_fpcr(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	if (c->fp_off)
		return exc__fp_trap(c);
	*val = r->enc == SYS_FPCR ? c->fpcr : c->fpsr;
	return X_NEXT;
}

static int write_fpcr(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	if (c->fp_off)
		return exc__fp_trap(c);
	if (r->enc == SYS_FPCR)
		c->fpcr = (uint32_t)val & FPCR_MASK;
	else
		c->fpsr = (uint32_t)val & FPSR_MASK;
	return X_NEXT;
}

/* ---- PSTATE fields ---- */

static int read_nzcv(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = c->nzcv;
	return X_NEXT;
}

static int write_nzcv(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	(void)r;
	c->nzcv = val & NZCV_MASK;
	return X_NEXT;
}

static int read_daif(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = c->daif;
	return X_NEXT;
}

static int write_daif(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	(void)r;
	c->daif = val & DAIF_ALL;
	return X_CTX; /* an interrupt may have been unmasked */
}

static int read_currentel(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = (uint64_t)c->el << 2;
	return X_NEXT;
}

static int read_spsel(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = c->spsel;
	return X_NEXT;
}

static int write_spsel(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	(void)r;
	cpu__set_el_sp(c, c->el, val & 1);
	cpu__context_changed(c);
	return X_CTX;
}

static int read_pan(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = (uint64_t)c->pan << PAN_BIT;
	return X_NEXT;
}

static int write_pan(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	(void)r;
	c->pan = (val >> PAN_BIT) & 1;
	cpu__context_changed(c);
	return X_CTX;
}

/* SP_EL0 is UNDEFINED while it is the current stack pointer */
static int read_sp_el0(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	if (!c->spsel)
		return exc__undef(c);
	*val = c->sp_el0;
	return X_NEXT;
}

static int write_sp_el0(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	(void)r;
	if (!c->spsel)
		return exc__undef(c);
	c->sp_el0 = val;
	return X_NEXT;
}

/* ---- the timer and the GIC ---- */

static int read_timer(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	*val = timer__read(c, (enum timer_reg)r->arg);
	return X_NEXT;
}

static int write_timer(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	return timer__write(c, (enum timer_reg)r->arg, val);
}

static int read_isr(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	(void)r;
	*val = c->vm->gic && gicv3__irq_pending(c->vm->gic, c->index) ? ISR_I : 0;
	return X_NEXT;
}

/* Without a GIC (a bare test VM) the ICC_* registers do not exist. */
static int read_icc(struct cpu *c, const struct sysreg_desc *r, uint64_t *val)
{
	if (!c->vm->gic || gicv3__icc_read(c->vm->gic, c->index, (enum gicv3_icc)r->arg, val))
		return exc__undef(c);
	return X_NEXT;
}

static int write_icc(struct cpu *c, const struct sysreg_desc *r, uint64_t val)
{
	if (!c->vm->gic || gicv3__icc_write(c->vm->gic, c->index, (enum gicv3_icc)r->arg, val))
		return exc__undef(c);
	return X_CTX; /* an interrupt may have become deliverable */
}

/* ---- the table ---- */

#define RW          .read = read_kept, .write = write_kept
#define RO          .read = read_kept
#define XLAT        .read = read_kept, .write = write_xlat
#define CONST(v)    .read = read_const, .val = (v)
#define TIMER(reg)  .read = read_timer, .write = write_timer, .arg = (reg)
#define TIMER_RO(reg) .read = read_timer, .arg = (reg)
#define ICC_RW(reg) .read = read_icc, .write = write_icc, .arg = (reg)
#define ICC_RO(reg) .read = read_icc, .arg = (reg)
#define ICC_WO(reg) .write = write_icc, .arg = (reg)
#define EL0_CNT(acc, bits) EL0(acc, EL0_IF_CNTKCTL, bits)

static const struct sysreg_desc table[] = {
	/* debug (MDSCR, OS lock, breakpoints, watchpoints, DCC): cpu/debug.c; the PMU:
	 * cpu/pmu.c */
	/* identification */
	{ SR(MIDR_EL1), CONST(MIDR_VAL) },
	{ SR(MPIDR_EL1), KEPT(mpidr_el1), RO, .reset = reset_mpidr },
	{ SR(REVIDR_EL1), CONST(0) },
	{ SR(ID_AA64PFR0_EL1), CONST(PFR0_VAL) },
	{ SR(ID_AA64DFR0_EL1), .read = read_dfr0 },
	{ SR(ID_AA64ISAR0_EL1), CONST(ISAR0_VAL) },
	{ SR(ID_AA64MMFR0_EL1), .read = read_mmfr0 },
	{ SR(ID_AA64MMFR1_EL1), .read = read_mmfr1 },
	/* system control, translation */
	{ SR(SCTLR_EL1), KEPT(sctlr_el1), .read = read_kept, .write = write_sctlr,
	  .val = SCTLR_RES1 },
	{ SR(ACTLR_EL1), KEPT(actlr_el1), RW },
	{ SR(CPACR_EL1), KEPT(cpacr_el1), .read = read_kept, .write = write_cpacr },
	{ SR(TTBR0_EL1), KEPT(ttbr0_el1), XLAT },
	{ SR(TTBR1_EL1), KEPT(ttbr1_el1), XLAT },
	{ SR(TCR_EL1), KEPT(tcr_el1), XLAT },
	/* exception state, PSTATE */
	{ SR(SPSR_EL1), KEPT(spsr_el1), RW },
	{ SR(ELR_EL1), KEPT(elr_el1), RW },
	{ SR(SP_EL0), .read = read_sp_el0, .write = write_sp_el0 },
	{ SR(SPSEL), .read = read_spsel, .write = write_spsel },
	{ SR(CURRENTEL), .read = read_currentel },
	{ SR(PAN), .read = read_pan, .write = write_pan },
	{ SR(ICC_PMR_EL1), ICC_RW(ICC_PMR) },
	{ SR(AFSR0_EL1), KEPT(afsr0_el1), RW },
	{ SR(AFSR1_EL1), KEPT(afsr1_el1), RW },
	{ SR(ESR_EL1), KEPT(esr_el1), RW },
	{ SR(FAR_EL1), KEPT(far_el1), RW },
	{ SR(PAR_EL1), KEPT(par_el1), RW },
	{ SR(MAIR_EL1), KEPT(mair_el1), XLAT },
	{ SR(AMAIR_EL1), KEPT(amair_el1), RW },
	{ SR(VBAR_EL1), KEPT(vbar_el1), RW },
	{ SR(ISR_EL1), .read = read_isr },
	/* GIC CPU interface: Group 0 is there but never signals */
	{ SR(ICC_IAR0_EL1), ICC_RO(ICC_IAR0) },
	{ SR(ICC_EOIR0_EL1), ICC_WO(ICC_EOIR0) },
	{ SR(ICC_HPPIR0_EL1), ICC_RO(ICC_HPPIR0) },
	{ SR(ICC_BPR0_EL1), ICC_RW(ICC_BPR0) },
	{ SR(ICC_AP0R0_EL1), ICC_RW(ICC_AP0R0) },
	{ SR(ICC_AP1R0_EL1), ICC_RW(ICC_AP1R0) },
	{ SR(ICC_DIR_EL1), ICC_WO(ICC_DIR) },
	{ SR(ICC_RPR_EL1), ICC_RO(ICC_RPR) },
	{ SR(ICC_SGI1R_EL1), ICC_WO(ICC_SGI1R) },
	{ SR(ICC_ASGI1R_EL1), ICC_WO(ICC_ASGI1R) },
	{ SR(ICC_SGI0R_EL1), ICC_WO(ICC_SGI0R) },
	{ SR(ICC_IAR1_EL1), ICC_RO(ICC_IAR1) },
	{ SR(ICC_EOIR1_EL1), ICC_WO(ICC_EOIR1) },
	{ SR(ICC_HPPIR1_EL1), ICC_RO(ICC_HPPIR1) },
	{ SR(ICC_BPR1_EL1), ICC_RW(ICC_BPR1) },
	{ SR(ICC_CTLR_EL1), ICC_RW(ICC_CTLR) },
	{ SR(ICC_SRE_EL1), ICC_RW(ICC_SRE) },
	{ SR(ICC_IGRPEN0_EL1), ICC_RW(ICC_IGRPEN0) },
	{ SR(ICC_IGRPEN1_EL1), ICC_RW(ICC_IGRPEN1) },
	{ SR(CONTEXTIDR_EL1), KEPT(contextidr_el1), XLAT },
	{ SR(TPIDR_EL1), KEPT(tpidr_el1), RW },
	{ SR(CNTKCTL_EL1), KEPT(cntkctl_el1), RW },
	/* caches */
	{ SR(CCSIDR_EL1), CONST(CCSIDR_VAL) },
	{ SR(CLIDR_EL1), CONST(CLIDR_VAL) },
	{ SR(CSSELR_EL1), KEPT(csselr_el1), RW },
	{ SR(CTR_EL0), CONST(CTR_EL0_VAL), EL0(EL0_READ, EL0_IF_SCTLR, SCTLR_UCT) },
	{ SR(DCZID_EL0), .read = read_dczid, EL0(EL0_READ, EL0_ALWAYS, 0) },
	/* EL0 */
	{ SR(NZCV), .read = read_nzcv, .write = write_nzcv, EL0(EL0_RW, EL0_ALWAYS, 0) },
	{ SR(DAIF), .read = read_daif, .write = write_daif, EL0(EL0_RW, EL0_IF_SCTLR, SCTLR_UMA) },
	{ SR(FPCR), .read = read_fpcr, .write = write_fpcr, EL0(EL0_RW, EL0_ALWAYS, 0) },
	{ SR(FPSR), .read = read_fpcr, .write = write_fpcr, EL0(EL0_RW, EL0_ALWAYS, 0) },
	{ SR(TPIDR_EL0), KEPT(tpidr_el0), RW, EL0(EL0_RW, EL0_ALWAYS, 0) },
	{ SR(TPIDRRO_EL0), KEPT(tpidrro_el0), RW, EL0(EL0_READ, EL0_ALWAYS, 0) },
	/* generic timer: engine/timer.c */
	{ SR(CNTFRQ_EL0), TIMER_RO(CNTFRQ),
	  EL0_CNT(EL0_READ, CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN) },
	{ SR(CNTPCT_EL0), TIMER_RO(CNTPCT), EL0_CNT(EL0_READ, CNTKCTL_EL0PCTEN) },
	{ SR(CNTVCT_EL0), TIMER_RO(CNTVCT), EL0_CNT(EL0_READ, CNTKCTL_EL0VCTEN) },
	{ SR(CNTP_TVAL_EL0), TIMER(CNTP_TVAL), EL0_CNT(EL0_RW, CNTKCTL_EL0PTEN) },
	{ SR(CNTP_CTL_EL0), KEPT(cntp_ctl), TIMER(CNTP_CTL), EL0_CNT(EL0_RW, CNTKCTL_EL0PTEN) },
	{ SR(CNTP_CVAL_EL0), KEPT(cntp_cval), TIMER(CNTP_CVAL), EL0_CNT(EL0_RW, CNTKCTL_EL0PTEN) },
	{ SR(CNTV_TVAL_EL0), TIMER(CNTV_TVAL), EL0_CNT(EL0_RW, CNTKCTL_EL0VTEN) },
	{ SR(CNTV_CTL_EL0), KEPT(cntv_ctl), TIMER(CNTV_CTL), EL0_CNT(EL0_RW, CNTKCTL_EL0VTEN) },
	{ SR(CNTV_CVAL_EL0), KEPT(cntv_cval), TIMER(CNTV_CVAL), EL0_CNT(EL0_RW, CNTKCTL_EL0VTEN) },
};

#define NREGS (sizeof(table) / sizeof(table[0]))

/* The rest of the ID space (op0 3, op1 0, CRn 0, CRm 1..7) is RAZ at EL1. */
static const struct sysreg_desc id_raz = { .name = "ID space (RAZ)", CONST(0) };

static bool in_id_raz_space(unsigned enc)
{
	return (enc >> 7) == (SR_ENC(3, 0, 0, 0, 0) >> 7) && ((enc >> 3) & 15) >= 1;
}

/* Every table: this file's, then those of cpu/debug.c and cpu/pmu.c. */
static const struct sysreg_table *tables(unsigned k)
{
	static const struct sysreg_table main_table = { table, NREGS };
	const struct sysreg_table *t[] = { &main_table, &debug__sysregs, &pmu__sysregs };
	return k < sizeof(t) / sizeof(t[0]) ? t[k] : 0;
}

/* The descriptor of each encoding (NULL: none), so that MRS/MSR find their register
 * in one load, whatever the tables' order. */
static const struct sysreg_desc *by_enc[1u << 16];

void sysreg__init(void)
{
	const struct sysreg_table *t;
	for (unsigned n = 0; (t = tables(n)); n++)
		for (unsigned k = t->n; k-- > 0;) /* backwards: the first of duplicates wins */
			by_enc[t->r[k].enc] = &t->r[k];
}

static const struct sysreg_desc *find(unsigned enc)
{
	const struct sysreg_desc *r = by_enc[enc & 0xffff];
	if (r)
		return r;
	return in_id_raz_space(enc & 0xffff) ? &id_raz : 0;
}

void sysreg__reset(struct cpu *c)
{
	const struct sysreg_table *t;
	memset(&c->sr, 0, sizeof(c->sr));
	for (unsigned n = 0; (t = tables(n)); n++)
		for (unsigned k = 0; k < t->n; k++) {
			const struct sysreg_desc *r = &t->r[k];
			if (r->reset)
				r->reset(c, r);
			else if (r->kept)
				*kept(c, r) = r->val;
		}
}

/* At EL0: -1 to go on, or the exec_r of the exception the access takes. enc carries
 * the transfer register in bits 20:16 (SYSREG_RT) for the trap's syndrome. */
static int el0_check(struct cpu *c, const struct sysreg_desc *r, unsigned enc, bool write)
{
	uint64_t ctl;
	if (r->el0 == EL0_NONE || (write && r->el0 == EL0_READ))
		return exc__undef(c);
	switch (r->el0_enable) {
	case EL0_IF_SCTLR: ctl = c->sr.sctlr_el1; break;
	case EL0_IF_CNTKCTL: ctl = c->sr.cntkctl_el1; break;
	case EL0_IF_FN:
		if (r->el0_ok(c, r, write))
			return -1;
		ctl = 0;
		break;
	default: return -1;
	}
	if (ctl & r->el0_bits)
		return -1;
	return exc__sync(c, EC_SYSREG, sysreg__trap_iss(enc, write), 0);
}

/* ISS of EC 0x18 (Arm ARM D17.2.37, "ISS encoding for an exception from MSR, MRS, or
 * System instruction execution in AArch64 state"): Op0, Op2, Op1, CRn, Rt, CRm,
 * Direction (1: read). */
uint32_t sysreg__trap_iss(unsigned enc, bool write)
{
	unsigned op0 = (enc >> 14) & 3, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15;
	unsigned crm = (enc >> 3) & 15, op2 = enc & 7, rt = (enc >> 16) & 31;
	return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) |
	       (write ? 0 : 1);
}

/* Without FEAT_PMUv3 (--pmu off) the PMU's encodings are unallocated: UNDEFINED. */
static bool absent(const struct cpu *c, const struct sysreg_desc *r)
{
	return c->vm->opts.no_pmu && r >= pmu__sysregs.r && r < pmu__sysregs.r + pmu__sysregs.n;
}

/* An encoding the table does not have: reported (once per encoding), UNDEFINED */
static int undef_sysreg(struct cpu *c)
{
	undef__note(c);
	return exc__undef(c);
}

int sysreg__read(struct cpu *c, unsigned enc, uint64_t *val)
{
	const struct sysreg_desc *r = find(enc);
	int e;
	if (!r)
		return undef_sysreg(c);
	if (absent(c, r))
		return exc__undef(c);
	if (c->el == 0 && (e = el0_check(c, r, enc, false)) >= 0)
		return e;
	if (!r->read)
		return exc__undef(c);
	return r->read(c, r, val);
}

/* sysreg__read at EL1 without its checks: absent() concerns only the PMU's registers
 * (left to the handler), el0_check only EL0 (the translated code tests the EL). */
enum sysreg_plain sysreg__plain_read(unsigned enc, uint64_t *arg)
{
	const struct sysreg_desc *r = find(enc);
	if (!r || (r >= pmu__sysregs.r && r < pmu__sysregs.r + pmu__sysregs.n))
		return SR_PLAIN_NONE;
	if (r->read == read_kept && r->kept) {
		*arg = offsetof(struct cpu, sr) + r->field;
		return SR_PLAIN_KEPT;
	}
	if (r->read == read_const) {
		*arg = r->val;
		return SR_PLAIN_CONST;
	}
	if (r->read == read_timer && (r->arg == CNTPCT || r->arg == CNTVCT))
		return r->arg == CNTPCT ? SR_PLAIN_CNTPCT : SR_PLAIN_CNTVCT;
	return SR_PLAIN_NONE;
}

int sysreg__write(struct cpu *c, unsigned enc, uint64_t val)
{
	const struct sysreg_desc *r = find(enc);
	int e;
	if (!r)
		return undef_sysreg(c);
	if (absent(c, r))
		return exc__undef(c);
	if (c->el == 0 && (e = el0_check(c, r, enc, true)) >= 0)
		return e;
	if (!r->write)
		return exc__undef(c);
	return r->write(c, r, val);
}

/* The VMM sets a register as an MSR at EL1 would, without the EL0 checks (a
 * hand-over, docs/handover.md): 0, or -1 when the tables have no writable register
 * of that encoding or the write would take an exception. */
int sysreg__load(struct cpu *c, unsigned enc, uint64_t val)
{
	const struct sysreg_desc *r = find(enc);
	unsigned el = c->el;
	int e;
	if (!r || !r->write)
		return -1;
	c->el = 1;
	e = r->write(c, r, val);
	c->el = el;
	return e == X_EXC || e == X_STOP ? -1 : 0;
}
