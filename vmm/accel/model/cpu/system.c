/* System instructions: hints (WFI, WFE, SEV, NOP...), barriers, CLREX, PSTATE writes
 * (DAIFSet/Clr, SPSel, PAN), MRS/MSR, and SYS (IC, DC, AT, TLBI) routed to the mmu/
 * model through xlat.c (Arm ARM C5 "The A64 System Instruction Class"). */
#include "mem/mem.h"
#include "engine/vm.h"
#include "mem/xlat.h"

static int sysreg_trap(struct cpu *c, uint32_t i)
{
	/* ISS for EC 0x18: Op0, Op2, Op1, CRn, Rt, CRm, Direction (Arm ARM D17.2.37) */
	uint32_t iss = (BITS(i, 20, 19) << 20) | (BITS(i, 7, 5) << 17) | (BITS(i, 18, 16) << 14) |
		       (BITS(i, 15, 12) << 10) | (RD(i) << 5) | (BITS(i, 11, 8) << 1) | BIT(i, 21);
	return exc__sync(c, EC_SYSREG, iss, 0);
}

static int hint(struct cpu *c, const struct dent *d)
{
	switch (d->aux) {
	case 2: /* WFE */
		if (c->event) {
			c->event = false;
			return X_NEXT;
		}
		if (c->el == 0 && !(c->sr.sctlr_el1 & SCTLR_NTWE))
			return exc__sync(c, EC_WFX, 1, 0);
		c->wfe = true;
		return X_WAIT;
	case 3: /* WFI */
		if (c->el == 0 && !(c->sr.sctlr_el1 & SCTLR_NTWI))
			return exc__sync(c, EC_WFX, 0, 0);
		c->wfe = false;
		return X_WAIT;
	case 4: /* SEV: set every vCPU's event register */
		for (unsigned k = 0; k < c->vm->ncpus; k++)
			c->vm->cpu[k]->event = true;
		return X_NEXT;
	case 5: /* SEVL */
		c->event = true;
		return X_NEXT;
	default:
		return X_NEXT;
	}
}

static int barrier(struct cpu *c, const struct dent *d)
{
	if (d->aux == 2) /* CLREX */
		c->excl_valid = false;
	if (d->aux == 6) /* ISB: refetch (the decode of this page may have been dropped) */
		return X_CTX;
	return X_NEXT;
}

static int pstate_op(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned op1 = BITS(i, 18, 16), op2 = BITS(i, 7, 5), crm = BITS(i, 11, 8);
	if (op1 == 3) { /* DAIFSet / DAIFClr */
		if (c->el == 0 && !(c->sr.sctlr_el1 & SCTLR_UMA))
			return sysreg_trap(c, i);
		if (op2 == 6)
			c->daif |= crm << DAIF_SHIFT;
		else
			c->daif &= ~(crm << DAIF_SHIFT);
		return X_CTX;
	}
	if (c->el == 0)
		return exc__undef(c);
	if (op2 == 5) /* SPSel */
		cpu__set_el_sp(c, c->el, crm & 1);
	else /* op2 == 4: PAN */
		c->pan = crm & 1;
	cpu__context_changed(c);
	return X_CTX;
}

static int mrs(struct cpu *c, const struct dent *d)
{
	uint64_t v;
	int r = sysreg__read(c, BITS(d->insn, 20, 5) | SYSREG_RT(RD(d->insn)), &v);
	if (r == X_NEXT)
		wz(c, RD(d->insn), v);
	return r;
}

static int msr(struct cpu *c, const struct dent *d)
{
	return sysreg__write(c, BITS(d->insn, 20, 5) | SYSREG_RT(RD(d->insn)), rz(c, RD(d->insn)));
}

/* DC ZVA: zero the DCZID-sized block holding Xt. */
static int dc_zva(struct cpu *c, uint64_t va)
{
	int r;
	va &= ~(uint64_t)(DC_ZVA_BYTES - 1);
	uint8_t *p = mem__rmw_ptr(c, va, DC_ZVA_BYTES, 0, &r);
	if (!p)
		return r;
	for (unsigned k = 0; k < DC_ZVA_BYTES; k += 8)
		mem__rmw_store(c, p + k, 8, 0);
	return X_NEXT;
}

static int dc_va(struct cpu *c, enum xlat_cache_op op, uint64_t va)
{
	uint64_t pa;
	return xlat__cache_maint(c, op, va, &pa);
}

static int sys(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned op1 = BITS(i, 18, 16), crn = BITS(i, 15, 12), crm = BITS(i, 11, 8);
	unsigned op2 = BITS(i, 7, 5);
	uint64_t xt = rz(c, RD(i));
	int r;
	if (crn == 7) {
		if (op1 == 3) { /* EL0-accessible forms */
			bool ic = crm == 5;
			bool ok = ic ? (c->sr.sctlr_el1 & SCTLR_UCI) :
			          crm == 4 ? (c->sr.sctlr_el1 & SCTLR_DZE) : (c->sr.sctlr_el1 & SCTLR_UCI);
			if (c->el == 0 && !ok)
				return sysreg_trap(c, i);
			if (crm == 4)
				return dc_zva(c, xt);
			if (ic) { /* IC IVAU */
				uint64_t pa;
				if ((r = xlat__cache_maint(c, XLAT_IC_IVAU, xt, &pa)))
					return r;
				vm__invalidate_code(c->vm, pa);
				return X_CTX;
			}
			return dc_va(c, crm == 10 ? XLAT_DC_CVAC : crm == 11 ? XLAT_DC_CVAU : XLAT_DC_CIVAC, xt);
		}
		if (c->el == 0)
			return exc__undef(c);
		if (crm == 1 || crm == 5) { /* IC IALLUIS, IC IALLU */
			uint64_t pa;
			xlat__cache_maint(c, crm == 1 ? XLAT_IC_IALLUIS : XLAT_IC_IALLU, 0, &pa);
			vm__invalidate_all_code(c->vm);
			return X_CTX;
		}
		if (crm == 8) /* AT S1E1R/W, S1E0R/W */
			return xlat__at(c, op2, xt);
		if (crm == 6 && op2 == 1) /* DC IVAC */
			return dc_va(c, XLAT_DC_IVAC, xt);
		return X_NEXT; /* DC ISW, CSW, CISW: set/way, no effect on the model's data */
	}
	if (c->el == 0)
		return exc__undef(c);
	r = xlat__tlbi(c, op1, crm, op2, xt);
	return r;
}

/* Which SYS encodings exist (op1, CRn, CRm, op2). */
static bool sys_allocated(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	if (crn == 7) {
		if (op1 == 0)
			return (crm == 1 && op2 == 0) || (crm == 5 && op2 == 0) ||
			       (crm == 6 && (op2 == 1 || op2 == 2)) || (crm == 10 && op2 == 2) ||
			       (crm == 14 && op2 == 2) || (crm == 8 && op2 <= 3);
		if (op1 == 3)
			return (crm == 4 && op2 == 1) || (crm == 5 && op2 == 1) ||
			       ((crm == 10 || crm == 11 || crm == 14) && op2 == 1);
		return false;
	}
	if (crn == 8 && op1 == 0) {
		if (crm != 3 && crm != 7)
			return false;
		return op2 <= 3 || op2 == 5 || op2 == 7;
	}
	return false;
}

bool decode__system(uint32_t i, struct dent *d)
{
	if ((i & 0xfffff01fu) == 0xd503201fu) { /* hints */
		unsigned crm = BITS(i, 11, 8), op2 = BITS(i, 7, 5);
		d->aux = crm == 0 ? op2 : 0xff;
		d->fn = hint;
		return true;
	}
	if ((i & 0xfffff01fu) == 0xd503301fu) { /* barriers */
		unsigned op2 = BITS(i, 7, 5);
		if (op2 != 2 && op2 != 4 && op2 != 5 && op2 != 6)
			return false;
		d->aux = op2;
		d->fn = barrier;
		return true;
	}
	if ((i & 0xfff8f01fu) == 0xd500401fu) { /* MSR (immediate): PSTATE fields */
		unsigned op1 = BITS(i, 18, 16), op2 = BITS(i, 7, 5);
		if ((op1 == 3 && (op2 == 6 || op2 == 7)) || (op1 == 0 && (op2 == 5 || op2 == 4))) {
			d->fn = pstate_op;
			return true;
		}
		return false;
	}
	if ((i & 0xfff80000u) == 0xd5080000u) { /* SYS */
		if (!sys_allocated(BITS(i, 18, 16), BITS(i, 15, 12), BITS(i, 11, 8), BITS(i, 7, 5)))
			return false;
		d->fn = sys;
		return true;
	}
	if ((i & 0xffd00000u) == 0xd5100000u) { /* MRS/MSR (register) */
		d->fn = BIT(i, 21) ? mrs : msr;
		return true;
	}
	return false;
}
