/* SPDX-License-Identifier: MIT */
/*
 * NZCV in translated code. A flag-setting instruction leaves the host flags as the
 * guest's would be (an x86 SUB's CF is a borrow, Arm's C its inverse); LAHF and SETO
 * save them and one multiply moves them to NZCV's bits. Where the next instruction of
 * the block tests a condition the host flags give directly, it gets them without the
 * round trip through c->nzcv: a B.cond jumps on the host flags and finishes the NZCV
 * store on each path (tr__finish_flags); a CSEL family instruction reads R11B
 * (keep_cond). Hosts without LAHF in 64-bit mode store NZCV through SETcc.
 */
#include <cpuid.h>

#include "jit/tr.h"

/* Arm condition -> the host condition code testing the same thing on the host flags of
 * the instruction that set NZCV, or -1 when none does. After a subtract the host CF is
 * a borrow (Arm's C is NOT borrow); after an add or an AND it is C (an AND clears CF
 * and OF as ANDS clears C and V). HI and LS test C and Z together: only a subtract's
 * flags give them (x86 A and BE). AL and NV need no flags. */
static int host_cc(unsigned cond, bool sub)
{
	static const int8_t cc_sub[16] = { CC_Z, CC_NZ, CC_NC, CC_C, CC_S, CC_NS, CC_O, CC_NO,
					   CC_A, CC_BE, CC_GE, CC_L, CC_G, CC_LE, -1, -1 };
	if (!sub && (cond == 2 || cond == 3))
		return cond == 2 ? CC_C : CC_NC;
	if (!sub && (cond == 8 || cond == 9))
		return -1;
	return cc_sub[cond];
}

static bool have_lahf = true; /* checked once (find_handlers): LAHF in 64-bit mode */
static bool no_lahf;          /* jit__without_lahf: tests of the other path */

void jit__without_lahf(void)
{
	no_lahf = true;
	have_lahf = false;
}

/* The next instruction is a B.cond whose condition the host flags give directly: the
 * setter only saves the flags (LAHF, SETO: they change no flag), the B.cond jumps on
 * the host flags and then finishes the NZCV store on each path (finish_flags). */
static bool defer_to_bcond(struct tr *t, int kind)
{
	if (!t->next_bcond || t->next_cond < 0)
		return false;
	int cc = host_cc((unsigned)t->next_cond, kind == DEFER_SUB);
	if (cc < 0)
		return false;
	t->defer_next = kind;
	t->defer_cc = cc;
	return true;
}

/* When the next instruction tests a condition the host flags give directly, keep it in
 * R11B for it (tr__cond): SETcc changes no flag. */
static void keep_cond(struct tr *t, bool sub)
{
	if (t->next_cond < 0 || (t->next_bcond && have_lahf))
		return; /* a B.cond: defer_to_bcond, or the table when the flags cannot say */
	int cc = host_cc((unsigned)t->next_cond, sub);
	if (cc < 0)
		return;
	setcc(&t->e, (unsigned)cc, R11);
	t->r11_next = true;
}

/* Without LAHF: NZCV = the host conditions cc[0..n) as bits 31, 30, ... (the rest 0),
 * all taken by SETcc before the shifts and ORs change the flags. */
static void nzcv_by_setcc(struct emit *e, const unsigned *cc, unsigned n)
{
	static const unsigned r[4] = { RCX, RDX, R8, R9 };
	for (unsigned k = 0; k < n; k++)
		setcc(e, cc[k], r[k]);
	for (unsigned k = 0; k < n; k++) {
		movzx8_rr(e, r[k], r[k]);
		shift_ri(e, 0, SH_SHL, r[k], 31 - k);
		if (k)
			alu_rr(e, 0, ALU_OR, RCX, r[k]);
	}
	mov_store(e, 0, RCX, RBX, OFF_NZCV);
}

/* NZCV from the host flags of an add (carry as is) or a subtract (carry inverted: Arm's
 * C is NOT borrow). LAHF gives SF, ZF and CF in AH (bits 15, 14, 8 of AX), SETO OF in
 * AL (bit 0); one multiply by 1<<16 | 1<<21 | 1<<28 moves them to bits 31, 30, 29 and
 * 28 (every other product lands below bit 28 or above bit 31), the mask keeps those. */
void tr__flags_arith(struct tr *t, bool sub)
{
	struct emit *e = &t->e;
	keep_cond(t, sub);
	if (!have_lahf) {
		const unsigned cc[4] = { CC_S, CC_Z, sub ? CC_NC : CC_C, CC_O };
		nzcv_by_setcc(e, cc, 4);
		return;
	}
	if (defer_to_bcond(t, sub ? DEFER_SUB : DEFER_ADD)) { /* B.cond finishes it */
		lahf_(e);
		setcc(e, CC_O, RAX);
		return;
	}
	if (sub)
		cmc_(e);
	lahf_(e);
	setcc(e, CC_O, RAX);
	alu_ri(e, 0, ALU_AND, RAX, 0xc101);
	imul_rri(e, RAX, RAX, 0x10210000);
	alu_ri(e, 0, ALU_AND, RAX, (int32_t)0xf0000000u);
	mov_store(e, 0, RAX, RBX, OFF_NZCV);
}

/* NZCV = N and Z from the host flags of an AND, C = V = 0 (ANDS, TST). */
void tr__flags_logic(struct tr *t)
{
	struct emit *e = &t->e;
	keep_cond(t, false);
	if (!have_lahf) {
		const unsigned cc[2] = { CC_S, CC_Z };
		nzcv_by_setcc(e, cc, 2);
		return;
	}
	if (defer_to_bcond(t, DEFER_LOGIC)) {
		lahf_(e);
		return;
	}
	lahf_(e);
	alu_ri(e, 0, ALU_AND, RAX, 0xc000);
	shift_ri(e, 0, SH_SHL, RAX, 16);
	mov_store(e, 0, RAX, RBX, OFF_NZCV);
}

/* The rest of a deferred NZCV store, from AX as LAHF (and SETO) left it: on each path
 * of the B.cond, before anything there uses RAX. */
void tr__finish_flags(struct tr *t, int kind)
{
	struct emit *e = &t->e;
	if (kind == DEFER_LOGIC) {
		alu_ri(e, 0, ALU_AND, RAX, 0xc000);
		shift_ri(e, 0, SH_SHL, RAX, 16);
	} else {
		alu_ri(e, 0, ALU_AND, RAX, 0xc101);
		imul_rri(e, RAX, RAX, 0x10210000);
		alu_ri(e, 0, ALU_AND, RAX, (int32_t)0xf0000000u);
		if (kind == DEFER_SUB) /* Arm's C is NOT borrow */
			alu_ri(e, 0, ALU_XOR, RAX, 1 << 29);
	}
	mov_store(e, 0, RAX, RBX, OFF_NZCV);
}

/* The host condition code that holds when cond holds: R11B from the flags' setter
 * just before (keep_cond), else cond_table[c->nzcv >> 28] bit cond (as cond_fast) into
 * CF. Uses RCX, R8. */
unsigned tr__cond(struct tr *t, unsigned cond)
{
	struct emit *e = &t->e;
	if (t->cond_in_r11) {
		test8_rr(e, R11);
		return CC_NZ;
	}
	mov_load(e, 0, RCX, RBX, OFF_NZCV);
	shift_ri(e, 0, SH_SHR, RCX, 28);
	mov_imm64(e, R8, (uint64_t)(uintptr_t)cond_table);
	e8(e, 0x41); e8(e, 0x0f); e8(e, 0xb7); e8(e, 0x0c); e8(e, 0x48); /* movzx ecx, word [r8 + rcx*2] */
	bt_ri(e, 0, RCX, cond);
	return CC_C;
}

void tr__flags_init(void)
{
	unsigned a, b, c, dx;
	have_lahf = !no_lahf && __get_cpuid(0x80000001u, &a, &b, &c, &dx) && (c & 1);
}
