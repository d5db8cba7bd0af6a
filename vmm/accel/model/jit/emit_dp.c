/* The block translator's data-processing instructions, inline on struct cpu's
 * registers and NZCV (the semantics of the handlers in cpu/dp_imm.c and cpu/dp_reg.c,
 * from the Arm ARM's pseudocode). */
#include "jit/tr.h"
#include "cpu/sysregs.h"

void tr__addsub_imm(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	if (s && sub && RD(i) == 31) { /* CMP (Rn may be SP): the flags of the subtract */
		alu_mi(&t->e, w, ALU_CMP, RBX, OFF_X(RN(i)), (int32_t)d->imm);
		tr__flags_arith(t, true);
		return;
	}
	tr__get(t, RAX, RN(i), false);
	if (!s) { /* d->imm is already negated for SUB; Rd may be SP */
		alu_ri(&t->e, w, ALU_ADD, RAX, (int32_t)d->imm);
		tr__put(t, RAX, RD(i), false);
		return;
	}
	alu_ri(&t->e, w, sub ? ALU_SUB : ALU_ADD, RAX, (int32_t)d->imm);
	tr__put(t, RAX, RD(i), true); /* a store: the host flags stay */
	tr__flags_arith(t, sub);
}

void tr__addsub_sreg(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	tr__get(t, RDX, RM(i), true);
	tr__shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
	if (s && sub && RD(i) == 31 && RN(i) != 31) { /* CMP: Xn - operand, in memory */
		x_mem(&t->e, w, 0x39, RDX, RBX, OFF_X(RN(i)));    /* cmp [Xn], rdx */
		tr__flags_arith(t, true);
		return;
	}
	tr__get(t, RAX, RN(i), true);
	alu_rr(&t->e, w, sub ? ALU_SUB : ALU_ADD, RAX, RDX);
	tr__put(t, RAX, RD(i), true);
	if (s)
		tr__flags_arith(t, sub);
}

void tr__logic_sreg(struct tr *t, const struct dent *d)
{
	static const enum alu op[4] = { ALU_AND, ALU_OR, ALU_XOR, ALU_AND };
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29);
	tr__get(t, RDX, RM(i), true);
	tr__shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
	if (BIT(i, 21))
		not_r(&t->e, w, RDX);
	if (RN(i) == 31 && opc == 1) { /* MOV, MVN (ORR, ORN with XZR): the operand */
		if (!w)
			mov_rr(&t->e, 0, RDX, RDX);
		tr__put(t, RDX, RD(i), true);
		return;
	}
	tr__get(t, RAX, RN(i), true);
	alu_rr(&t->e, w, op[opc], RAX, RDX);
	tr__put(t, RAX, RD(i), true);
	if (opc == 3) /* ANDS, BICS: the AND's flags */
		tr__flags_logic(t);
}

void tr__logic_imm(struct tr *t, const struct dent *d)
{
	static const enum alu op[4] = { ALU_AND, ALU_OR, ALU_XOR, ALU_AND };
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29);
	tr__get(t, RAX, RN(i), true);
	mov_imm64(&t->e, RDX, w ? d->imm : (uint32_t)d->imm);
	alu_rr(&t->e, w, op[opc], RAX, RDX);
	if (opc == 3) {
		tr__put(t, RAX, RD(i), true);
		tr__flags_logic(t);
	} else {
		tr__put(t, RAX, RD(i), false); /* AND/ORR/EOR (immediate) may write SP */
	}
}

void tr__movewide(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29), rd = RD(i);
	if (rd == 31)
		return; /* XZR: nothing to write */
	if (opc == 3) { /* MOVK: the halfword in place; a W destination clears bits 63:32 */
		mov_imm64(&t->e, RAX, d->imm >> d->aux);
		store16(&t->e, RAX, RBX, OFF_X(rd) + (int32_t)(d->aux / 8));
		if (!sf) {
			zero(&t->e, RAX);
			mov_store(&t->e, 0, RAX, RBX, OFF_X(rd) + 4);
		}
		return;
	}
	uint64_t v = opc == 0 ? ~d->imm : d->imm;
	mov_imm64(&t->e, RAX, sf ? v : (uint32_t)v);
	tr__put(t, RAX, rd, true);
}

void tr__csel(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	tr__get(t, RAX, RN(i), true);
	tr__get(t, RDX, RM(i), true);
	if (BIT(i, 30))
		not_r(&t->e, w, RDX);
	if (BIT(i, 10))
		alu_ri(&t->e, w, ALU_ADD, RDX, 1);
	cmov_rr(&t->e, w, tr__cond(t, BITS(i, 15, 12)), RDX, RAX);
	if (!w)
		mov_rr(&t->e, 0, RDX, RDX); /* CMOV zero-extends, but be explicit */
	tr__put(t, RDX, RD(i), true);
}

/* ADR, ADRP: from the PC of the instruction (never a constant: the page may be mapped
 * at several VAs) */
void tr__adr(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	if (RD(i) == 31)
		return;
	mov_load(&t->e, 1, RAX, RBX, OFF_PC);
	if (t->pc_pend)
		alu_ri(&t->e, 1, ALU_ADD, RAX, t->pc_pend);
	if (BIT(i, 31))
		alu_ri(&t->e, 1, ALU_AND, RAX, -4096);
	mov_imm64(&t->e, RDX, d->imm);
	alu_rr(&t->e, 1, ALU_ADD, RAX, RDX);
	tr__put(t, RAX, RD(i), true);
}

/* SBFM and UBFM (ASR, LSL, LSR, SXTB/H/W, UXTB/H, SBFX, UBFX, SBFIZ, UBFIZ) as shifts:
 * imms >= immr extracts bits imms:immr; imms < immr places bits imms:0 at
 * regsize - immr (Arm ARM C6.2, the SBFM/UBFM pseudocode) */
void tr__bitfield(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned rs = w ? 64 : 32, immr = BITS(i, 21, 16), imms = BITS(i, 15, 10);
	enum shift right = BITS(i, 30, 29) == 0 ? SH_SAR : SH_SHR;
	unsigned up = rs - 1 - imms;
	tr__get(t, RAX, RN(i), true);
	if (imms >= immr) {
		if (up)
			shift_ri(&t->e, w, SH_SHL, RAX, up);
		if (up + immr)
			shift_ri(&t->e, w, right, RAX, up + immr);
		else if (!w)
			mov_rr(&t->e, 0, RAX, RAX); /* a W result: bits 63:32 clear */
	} else {
		if (up) {
			shift_ri(&t->e, w, SH_SHL, RAX, up);
			shift_ri(&t->e, w, right, RAX, up);
		}
		shift_ri(&t->e, w, SH_SHL, RAX, rs - immr);
	}
	tr__put(t, RAX, RD(i), true);
}

/* MADD, MSUB (MUL, MNEG): Xd = Xa +/- Xn * Xm */
void tr__madd(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	tr__get(t, RAX, RN(i), true);
	tr__get(t, RDX, RM(i), true);
	x_reg(&t->e, w, 0x0faf, RAX, RDX); /* imul rax, rdx */
	tr__get(t, RDX, RA(i), true);
	if (BIT(i, 15)) { /* MSUB: Xa - product */
		alu_rr(&t->e, w, ALU_SUB, RDX, RAX);
		tr__put(t, RDX, RD(i), true);
		return;
	}
	alu_rr(&t->e, w, ALU_ADD, RAX, RDX);
	tr__put(t, RAX, RD(i), true);
}

/* EXTR (ROR immediate): (Xn:Xm) >> lsb */
void tr__extr(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned lsb = BITS(i, 15, 10);
	tr__get(t, RDX, RM(i), true);
	if (lsb) {
		tr__get(t, RAX, RN(i), true);
		x_reg(&t->e, w, 0x0fac, RAX, RDX); /* shrd rdx, rax, lsb */
		e8(&t->e, lsb);
	} else if (!w) {
		mov_rr(&t->e, 0, RDX, RDX);
	}
	tr__put(t, RDX, RD(i), true);
}

/* ADD/SUB/ADDS/SUBS (extended register): Rn may be SP, and Rd without S */
void tr__addsub_ereg(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	unsigned opt = BITS(i, 15, 13), sh = BITS(i, 12, 10);
	tr__get(t, RAX, RN(i), false);
	tr__get(t, RDX, RM(i), true);
	switch (opt) {
	case 0: movzx8_rr(&t->e, RDX, RDX); break;          /* UXTB */
	case 1: x_reg(&t->e, 0, 0x0fb7, RDX, RDX); break;   /* UXTH */
	case 2: mov_rr(&t->e, 0, RDX, RDX); break;          /* UXTW */
	case 4: movsx_rr(&t->e, 1, 1, RDX, RDX); break;     /* SXTB */
	case 5: movsx_rr(&t->e, 1, 2, RDX, RDX); break;     /* SXTH */
	case 6: movsx_rr(&t->e, 1, 4, RDX, RDX); break;     /* SXTW */
	default: break;                                       /* UXTX, SXTX */
	}
	if (sh)
		shift_ri(&t->e, 1, SH_SHL, RDX, sh);
	alu_rr(&t->e, w, sub ? ALU_SUB : ALU_ADD, RAX, RDX);
	if (s) {
		tr__put(t, RAX, RD(i), true);
		tr__flags_arith(t, sub);
	} else {
		tr__put(t, RAX, RD(i), false);
	}
}


/* MRS of a register sysreg__plain_read knows (the common ones: TPIDR_EL1, MPIDR_EL1,
 * the ID registers, the counters) at EL1, inline; at EL0 (traps, CNTKCTL_EL1) the
 * handler, out of line. The counters give exactly timer__read's value at this
 * instruction: *c->vtime + the icount before it - c->q_start + the VM's offset. */
bool tr__mrs(struct tr *t, const struct dent *d)
{
	struct emit *e = &t->e;
	uint32_t i = d->insn;
	uint64_t arg = 0;
	enum sysreg_plain k = sysreg__plain_read(BITS(i, 20, 5), &arg);
	if (k == SR_PLAIN_NONE)
		return false;
	struct slow *s = tr__slow_new(t, d);
	alu_mi(e, 0, ALU_CMP, RBX, OFF_EL, 0);
	s->miss[s->nmiss++] = jcc(e, CC_Z);
	switch (k) {
	case SR_PLAIN_KEPT:
		mov_load(e, 1, RAX, RBX, (int32_t)arg);
		break;
	case SR_PLAIN_CONST:
		mov_imm64(e, RAX, arg);
		break;
	default:
		mov_load(e, 1, RDX, RBX, OFF_VTIME);
		mov_load(e, 1, RAX, RDX, 0);
		alu_rm(e, 1, ALU_ADD, RAX, RBX, OFF_IC);
		if (t->ic_pend)
			alu_ri(e, 1, ALU_ADD, RAX, t->ic_pend);
		alu_rm(e, 1, ALU_SUB, RAX, RBX, OFF_QSTART);
		mov_load(e, 1, RDX, RBX, OFF_VM);
		alu_rm(e, 1, ALU_ADD, RAX, RDX, k == SR_PLAIN_CNTPCT ? OFF_VM_POFF : OFF_VM_VOFF);
		break;
	}
	tr__put(t, RAX, RD(i), true);
	s->join = e->p;
	return true;
}

/* UDIV, SDIV, LSLV, LSRV, ASRV, RORV (cpu/dp_reg.c, dp2): the host shifts mask their
 * count to 63 (31 for 32 bits) as the Arm ARM's "shift modulo the register size"; a
 * division by 0 gives 0, and SDIV of the most negative value by -1 gives that value
 * (it wraps: NEG), where the host division would trap. */
bool tr__dp2(struct tr *t, const struct dent *d)
{
	static const enum shift k[4] = { SH_SHL, SH_SHR, SH_SAR, SH_ROR };
	struct emit *e = &t->e;
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned op = BITS(i, 15, 10);
	if (op != 2 && op != 3 && (op < 8 || op > 11))
		return false;
	tr__get(t, RAX, RN(i), true);
	tr__get(t, RCX, RM(i), true);
	if (op >= 8) {
		shift_rcl(e, w, k[op & 3], RAX);
		tr__put(t, RAX, RD(i), true);
		return true;
	}
	if (!w) { /* W registers: the upper halves are not operands */
		mov_rr(e, 0, RAX, RAX);
		mov_rr(e, 0, RCX, RCX);
	}
	test_rr(e, w, RCX, RCX);
	uint8_t *by0 = jcc(e, CC_Z), *m1 = 0;
	if (op == 3) {
		alu_ri(e, w, ALU_CMP, RCX, -1);
		m1 = jcc(e, CC_Z);
		cqo_(e, w);
		f7_r(e, w, 7, RCX);
	} else {
		zero(e, RDX);
		f7_r(e, w, 6, RCX);
	}
	uint8_t *done = jmp(e);
	patch_to(by0, e->p);
	zero(e, RAX);
	if (m1) {
		uint8_t *done0 = jmp(e);
		patch_to(m1, e->p);
		f7_r(e, w, 3, RAX);
		patch_to(done0, e->p);
	}
	patch_to(done, e->p);
	tr__put(t, RAX, RD(i), true);
	return true;
}

/* RDX op= shift (type 0 LSL, 1 LSR, 2 ASR, 3 ROR) by amt */
void tr__shift_operand(struct tr *t, int w, unsigned type, unsigned amt)
{
	static const enum shift k[4] = { SH_SHL, SH_SHR, SH_SAR, SH_ROR };
	if (amt)
		shift_ri(&t->e, w, k[type], RDX, amt);
}
