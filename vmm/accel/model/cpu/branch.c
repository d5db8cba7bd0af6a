/* Branches: unconditional (immediate, register), conditional, compare and test and
 * branch, and exception generation (SVC, HVC, SMC, BRK, HLT) (Arm ARM C4.1.85). */
#include "cpu/cpu.h"
#include "engine/vm.h"

static int b_imm(struct cpu *c, const struct dent *d)
{
	c->pc += d->imm;
	return X_BRANCH;
}

static int bl_imm(struct cpu *c, const struct dent *d)
{
	c->x[30] = c->pc + 4;
	c->pc += d->imm;
	return X_BRANCH;
}

static int b_cond(struct cpu *c, const struct dent *d)
{
	if (!cond_fast(c->nzcv, d->insn & 15))
		return X_NEXT;
	c->pc += d->imm;
	return X_BRANCH;
}

static int cbz(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t v = rzw(c, RD(i), BIT(i, 31));
	if ((v == 0) == !BIT(i, 24)) {
		c->pc += d->imm;
		return X_BRANCH;
	}
	return X_NEXT;
}

static int tbz(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned bit = (BIT(i, 31) << 5) | BITS(i, 23, 19);
	if (((rz(c, RD(i)) >> bit) & 1) == BIT(i, 24)) {
		c->pc += d->imm;
		return X_BRANCH;
	}
	return X_NEXT;
}

static int br(struct cpu *c, const struct dent *d)
{
	uint64_t t = rz(c, RN(d->insn));
	if (d->aux) /* BLR */
		c->x[30] = c->pc + 4;
	c->pc = t;
	return X_BRANCH;
}

int exec_eret(struct cpu *c, const struct dent *d);

static int svc(struct cpu *c, const struct dent *d)
{
	return exc__take(c, EXC_SYNC, (EC_SVC << 26) | (1u << 25) | BITS(d->insn, 20, 5),
			 0, c->pc + 4);
}

static int hvc(struct cpu *c, const struct dent *d)
{
	if (c->el == 0)
		return exc__undef(c);
	if (!c->vm->env->hvc)
		return exc__undef(c);
	return c->vm->env->hvc(c->vm->env_opaque, c, BITS(d->insn, 20, 5));
}

static int brk(struct cpu *c, const struct dent *d)
{
	return exc__sync(c, EC_BRK, BITS(d->insn, 20, 5), 0);
}

static int hlt(struct cpu *c, const struct dent *d)
{
	if (!c->vm->env->hlt)
		return exc__undef(c);
	return c->vm->env->hlt(c->vm->env_opaque, c, BITS(d->insn, 20, 5));
}

static bool decode_exception(uint32_t i, struct dent *d)
{
	unsigned opc = BITS(i, 23, 21), ll = BITS(i, 1, 0);
	if (BITS(i, 4, 2) != 0)
		return false;
	if (opc == 0 && ll == 1) { d->fn = svc; return true; }
	if (opc == 0 && ll == 2) { d->fn = hvc; return true; }
	if (opc == 0 && ll == 3) { d->fn = exec_undef; return true; } /* SMC: no EL3 */
	if (opc == 1 && ll == 0) { d->fn = brk; return true; }
	if (opc == 2 && ll == 0) { d->fn = hlt; return true; }
	return false;
}

static bool decode_branch_reg(uint32_t i, struct dent *d)
{
	unsigned opc = BITS(i, 24, 21);
	if (BITS(i, 20, 16) != 31 || BITS(i, 15, 10) != 0 || BITS(i, 4, 0) != 0)
		return false;
	switch (opc) {
	case 0: case 2: d->fn = br; d->aux = 0; return true; /* BR, RET */
	case 1: d->fn = br; d->aux = 1; return true;         /* BLR */
	case 4:
		if (RN(i) != 31)
			return false;
		d->fn = exec_eret;
		return true;
	default: return false; /* DRPS, pointer authentication forms */
	}
}

bool decode__branch(uint32_t i, struct dent *d)
{
	if ((i & 0x7c000000u) == 0x14000000u) { /* B, BL */
		d->imm = (uint64_t)sext(i & 0x3ffffff, 26) << 2;
		d->fn = BIT(i, 31) ? bl_imm : b_imm;
		return true;
	}
	if ((i & 0xff000010u) == 0x54000000u) { /* B.cond */
		d->imm = (uint64_t)sext(BITS(i, 23, 5), 19) << 2;
		d->fn = b_cond;
		return true;
	}
	if ((i & 0x7e000000u) == 0x34000000u) { /* CBZ, CBNZ */
		d->imm = (uint64_t)sext(BITS(i, 23, 5), 19) << 2;
		d->fn = cbz;
		return true;
	}
	if ((i & 0x7e000000u) == 0x36000000u) { /* TBZ, TBNZ */
		d->imm = (uint64_t)sext(BITS(i, 18, 5), 14) << 2;
		d->fn = tbz;
		return true;
	}
	if ((i & 0xff000000u) == 0xd4000000u)
		return decode_exception(i, d);
	if ((i & 0xfe000000u) == 0xd6000000u)
		return decode_branch_reg(i, d);
	return false;
}
