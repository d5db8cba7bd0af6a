/* The block translator's data-processing instructions, inline on struct cpu's
 * registers and NZCV (the semantics of the handlers in cpu/dp_imm.c and cpu/dp_reg.c,
 * from the Arm ARM's pseudocode). */
#include "jit/tr.h"

void tr__addsub_imm(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
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
	tr__get(t, RAX, RN(i), true);
	tr__get(t, RDX, RM(i), true);
	tr__shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
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
	tr__get(t, RAX, RN(i), true);
	tr__get(t, RDX, RM(i), true);
	tr__shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
	if (BIT(i, 21))
		not_r(&t->e, w, RDX);
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

