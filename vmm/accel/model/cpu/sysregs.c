/* MRS/MSR: the EL0/EL1 system registers an OS uses, the ID registers describing the
 * modelled CPU (features present = features modelled), and the routing of the GIC CPU
 * interface (ICC_*) and generic timer (CNT*) registers to their models. Anything else
 * is UNDEFINED (Arm ARM D17 "AArch64 System Register Descriptions"). */
#include "cpu/cpu.h"
#include "mem/mem.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "mem/xlat.h"
#include "gic/gicv3.h"

/* MIDR: implementer 0x00 (reserved for software use), architecture 0xF (by ID regs),
 * part 0x001. */
#define MIDR_VAL 0x000f0010ull
/* EL0, EL1: AArch64 only; EL2/EL3 not visible to the guest; FP and AdvSIMD not
 * implemented (0xF); GIC system register interface v3 present. */
#define PFR0_VAL ((1ull << 0) | (1ull << 4) | (0xfull << 16) | (0xfull << 20) | (1ull << 24))
/* Atomic = 2: the LSE atomics. No CRC32, no AES/SHA (they need SIMD anyway). */
#define ISAR0_VAL (2ull << 20)
/* PAN = 1 */
#define MMFR1_VAL (1ull << 20)
/* DebugVer = v8 (the minimum value); 2 breakpoints, 2 watchpoints are the minimum the
 * architecture allows; the model implements neither (see docs/model.md). */
#define DFR0_VAL (6ull | (1ull << 12) | (1ull << 20))
/* CTR_EL0: 64-byte lines (I and D), PIPT I-cache, ERG/CWG 64 bytes, IDC = DIC = 0. */
#define CTR_VAL ((1ull << 31) | (4ull << 24) | (4ull << 20) | (4ull << 16) | (3ull << 14) | 4)
#define DCZID_VAL 4ull /* 64-byte DC ZVA blocks */
/* CLIDR: L1 separate I and D; LoUIS = LoC = LoUU = 1 */
#define CLIDR_VAL (3ull | (1ull << 21) | (1ull << 24) | (1ull << 27))
#define CCSIDR_VAL ((255ull << 13) | (3ull << 3) | 2) /* 64 B lines, 4 ways, 256 sets */

#define E(op0, op1, crn, crm, op2) SR_ENC(op0, op1, crn, crm, op2)

static int undef_or_trap(struct cpu *c)
{
	return exc__undef(c);
}

static bool id_reg(unsigned enc, uint64_t *v)
{
	switch (enc) {
	case E(3, 0, 0, 0, 0): *v = MIDR_VAL; return true;
	case E(3, 0, 0, 0, 6): *v = 0; return true; /* REVIDR */
	case E(3, 0, 0, 4, 0): *v = PFR0_VAL; return true;
	case E(3, 0, 0, 5, 0): *v = DFR0_VAL; return true;
	case E(3, 0, 0, 6, 0): *v = ISAR0_VAL; return true;
	case E(3, 0, 0, 7, 0): *v = xlat__mmfr0(); return true;
	case E(3, 0, 0, 7, 1): *v = MMFR1_VAL | xlat__mmfr1(); return true;
	case E(3, 1, 0, 0, 1): *v = CLIDR_VAL; return true;
	case E(3, 1, 0, 0, 0): *v = CCSIDR_VAL; return true;
	case E(3, 3, 0, 0, 1): *v = CTR_VAL; return true;
	case E(3, 3, 0, 0, 7): *v = DCZID_VAL; return true;
	default: break;
	}
	/* the rest of the ID space (op0 3, op1 0, CRn 0, CRm 1..7) is RAZ */
	if ((enc >> 7) == (E(3, 0, 0, 0, 0) >> 7) && ((enc >> 3) & 15) >= 1)
		{ *v = 0; return true; }
	return false;
}

/* Registers EL0 may read; NZCV, DAIF, TPIDR_EL0 and counters with their enables. */
static int el0_access(struct cpu *c, unsigned enc, bool write)
{
	switch (enc) {
	case E(3, 3, 4, 2, 0): case E(3, 3, 13, 0, 2): /* NZCV, TPIDR_EL0 */
		return 0;
	case E(3, 3, 13, 0, 3): /* TPIDRRO_EL0 */
		return write ? -1 : 0;
	case E(3, 3, 4, 2, 1): /* DAIF */
		return (c->sr.sctlr_el1 & SCTLR_UMA) ? 0 : 1;
	case E(3, 3, 0, 0, 1): /* CTR_EL0 */
		return write ? -1 : (c->sr.sctlr_el1 & SCTLR_UCT) ? 0 : 1;
	case E(3, 3, 0, 0, 7): /* DCZID_EL0 */
		return write ? -1 : 0;
	default:
		if ((enc >> 7) == (E(3, 3, 14, 0, 0) >> 7))
			return timer__el0_access(c, enc, write);
		return -1;
	}
}

static uint64_t *plain_reg(struct cpu *c, unsigned enc)
{
	struct sysregs *s = &c->sr;
	switch (enc) {
	case E(3, 0, 1, 0, 1): return &s->actlr_el1;
	case E(3, 0, 1, 0, 2): return &s->cpacr_el1;
	case E(3, 0, 5, 1, 0): return &s->afsr0_el1;
	case E(3, 0, 5, 1, 1): return &s->afsr1_el1;
	case E(3, 0, 5, 2, 0): return &s->esr_el1;
	case E(3, 0, 6, 0, 0): return &s->far_el1;
	case E(3, 0, 7, 4, 0): return &s->par_el1;
	case E(3, 0, 10, 3, 0): return &s->amair_el1;
	case E(3, 0, 12, 0, 0): return &s->vbar_el1;
	case E(3, 0, 13, 0, 4): return &s->tpidr_el1;
	case E(3, 0, 4, 0, 0): return &s->spsr_el1;
	case E(3, 0, 4, 0, 1): return &s->elr_el1;
	case E(3, 3, 13, 0, 2): return &s->tpidr_el0;
	case E(3, 3, 13, 0, 3): return &s->tpidrro_el0;
	case E(3, 2, 0, 0, 0): return &s->csselr_el1;
	case E(2, 0, 0, 2, 2): return &s->mdscr_el1;
	case E(3, 0, 14, 1, 0): return &s->cntkctl_el1;
	default: return 0;
	}
}

/* Registers whose write changes translation (the micro-TLBs and the mmu context). */
static uint64_t *xlat_reg(struct cpu *c, unsigned enc)
{
	struct sysregs *s = &c->sr;
	switch (enc) {
	case E(3, 0, 1, 0, 0): return &s->sctlr_el1;
	case E(3, 0, 2, 0, 0): return &s->ttbr0_el1;
	case E(3, 0, 2, 0, 1): return &s->ttbr1_el1;
	case E(3, 0, 2, 0, 2): return &s->tcr_el1;
	case E(3, 0, 10, 2, 0): return &s->mair_el1;
	case E(3, 0, 13, 0, 1): return &s->contextidr_el1;
	default: return 0;
	}
}

static bool is_gic(unsigned enc)
{
	return enc == E(3, 0, 4, 6, 0) ||
	       ((enc >> 7) == (E(3, 0, 12, 0, 0) >> 7) && ((enc >> 3) & 15) >= 8);
}

int sysreg__read(struct cpu *c, unsigned enc, uint64_t *val)
{
	uint64_t *p;
	if (c->el == 0) {
		int a = el0_access(c, enc, false);
		if (a < 0)
			return undef_or_trap(c);
		if (a > 0)
			return exc__sync(c, EC_SYSREG, 1, 0) /* direction read */;
	}
	if (id_reg(enc, val)) {
		if (enc == E(3, 3, 0, 0, 7) && c->el == 0 && !(c->sr.sctlr_el1 & SCTLR_DZE))
			*val |= 1u << 4; /* DCZID_EL0.DZP: DC ZVA prohibited at EL0 */
		return X_NEXT;
	}
	if ((p = plain_reg(c, enc)) || (p = xlat_reg(c, enc))) {
		*val = *p;
		return X_NEXT;
	}
	switch (enc) {
	case E(3, 0, 0, 0, 5): *val = c->sr.mpidr_el1; return X_NEXT;
	case E(3, 3, 4, 2, 0): *val = c->nzcv; return X_NEXT;
	case E(3, 3, 4, 2, 1): *val = c->daif; return X_NEXT;
	case E(3, 0, 4, 2, 2): *val = (uint64_t)c->el << 2; return X_NEXT;
	case E(3, 0, 4, 2, 0): *val = c->spsel; return X_NEXT;
	case E(3, 0, 4, 2, 3): *val = (uint64_t)c->pan << 22; return X_NEXT;
	case E(3, 0, 4, 1, 0): /* SP_EL0: UNDEFINED while it is the current SP */
		if (!c->spsel)
			return exc__undef(c);
		*val = c->sp_el0;
		return X_NEXT;
	case E(2, 0, 1, 1, 4): *val = c->sr.oslsr_el1; return X_NEXT;
	case E(3, 0, 12, 1, 0): /* ISR_EL1 */
		*val = c->vm->gic ? (gicv3__irq_pending(c->vm->gic, c->index) ? 1u << 7 : 0) : 0;
		return X_NEXT;
	default: break;
	}
	if ((enc >> 7) == (E(3, 3, 14, 0, 0) >> 7) && timer__read(c, enc, val) == 0)
		return X_NEXT;
	if (is_gic(enc) && c->vm->gic && gicv3__sysreg_read(c->vm->gic, c->index, enc, val) == 0)
		return X_NEXT;
	return exc__undef(c);
}

int sysreg__write(struct cpu *c, unsigned enc, uint64_t v)
{
	uint64_t *p;
	if (c->el == 0) {
		int a = el0_access(c, enc, true);
		if (a < 0)
			return undef_or_trap(c);
		if (a > 0)
			return exc__sync(c, EC_SYSREG, 0, 0);
	}
	if ((p = plain_reg(c, enc))) {
		*p = v;
		return X_NEXT;
	}
	if ((p = xlat_reg(c, enc))) {
		if (enc == E(3, 0, 1, 0, 0)) /* SCTLR: RES1 bits (SPAN is a real bit with
					       * FEAT_PAN); EE/E0E RES0 (no big-endian) */
			v = (v | (SCTLR_RES1 & ~SCTLR_SPAN)) & ~((1ull << 25) | (1ull << 24));
		*p = v;
		xlat__context_changed(c);
		cpu__context_changed(c);
		return X_CTX;
	}
	switch (enc) {
	case E(3, 3, 4, 2, 0): c->nzcv = v & 0xf0000000u; return X_NEXT;
	case E(3, 3, 4, 2, 1): c->daif = v & 0x3c0; return X_CTX;
	case E(3, 0, 4, 2, 0): cpu__set_el_sp(c, c->el, v & 1); cpu__context_changed(c); return X_CTX;
	case E(3, 0, 4, 2, 3): c->pan = (v >> 22) & 1; cpu__context_changed(c); return X_CTX;
	case E(3, 0, 4, 1, 0):
		if (!c->spsel)
			return exc__undef(c);
		c->sp_el0 = v;
		return X_NEXT;
	case E(2, 0, 1, 0, 4): /* OSLAR_EL1 */
		c->sr.oslsr_el1 = (c->sr.oslsr_el1 & ~2ull) | ((v & 1) << 1);
		return X_NEXT;
	case E(2, 0, 1, 3, 4): /* OSDLR_EL1: double lock not implemented, RAZ/WI */
		return X_NEXT;
	default: break;
	}
	if ((enc >> 7) == (E(3, 3, 14, 0, 0) >> 7)) {
		int r = timer__write(c, enc, v);
		if (r >= 0)
			return r;
	}
	if (is_gic(enc) && c->vm->gic) {
		int r = gicv3__sysreg_write(c->vm->gic, c->index, enc, v);
		if (r == 0)
			return X_CTX; /* an interrupt may have become deliverable */
	}
	return exc__undef(c);
}
