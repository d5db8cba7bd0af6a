/* The block translator: the decoded instructions of a page (struct dent), from one
 * index up to a branch, the page's end or JIT_MAX_BLOCK, into x86-64 code.
 *
 * Guest registers stay in struct cpu (RBX points at it): no guest state lives in host
 * registers across instructions, so a handler called from the block sees (and may
 * change) everything as it would under the interpreter. c->pc and c->icount are kept
 * in memory lazily: pc_pend bytes and ic_pend instructions are added before anything
 * that reads them (a handler, the slow memory path, every exit). The pc is never a
 * constant: a physical page may be executed through several virtual addresses.
 *
 * Inlined (the rest calls the decoded handler, d->fn(c, d), and leaves on any result
 * but X_NEXT): data processing (add/sub immediate, shifted and extended register;
 * logical immediate and shifted register; move wide; CSEL family; SBFM/UBFM; EXTR;
 * MADD/MSUB; ADR/ADRP), the hints and barriers that do nothing here, CLREX, the
 * branches (B, BL, BR, BLR, RET, B.cond, CBZ/CBNZ, TBZ/TBNZ) and the loads and stores of
 * general registers with an immediate or register offset, singles and pairs, whose
 * micro-TLB hit is inline and whose every other case runs the handler out of line.
 */
#include <stdlib.h>

#include "jit/jit_int.h"
#include "mem/mem.h"

#define OFF_X(n) ((int32_t)(offsetof(struct cpu, x) + 8 * (n)))
#define OFF_PC ((int32_t)offsetof(struct cpu, pc))
#define OFF_NZCV ((int32_t)offsetof(struct cpu, nzcv))
#define OFF_IC ((int32_t)offsetof(struct cpu, icount))
#define OFF_MMU_IDX ((int32_t)offsetof(struct cpu, mmu_idx))
#define OFF_UGEN ((int32_t)offsetof(struct cpu, utlb_gen))
#define OFF_ALIGN ((int32_t)offsetof(struct cpu, align_mask))
#define OFF_UTLB ((int32_t)offsetof(struct cpu, utlb))
#define OFF_HITS ((int32_t)offsetof(struct cpu, st.utlb_hits))
#define OFF_EXCL ((int32_t)offsetof(struct cpu, excl_valid))

_Static_assert(sizeof(struct utlb_ent) == 24, "the inline micro-TLB probe assumes 24-byte entries");
_Static_assert(sizeof(((struct cpu *)0)->mmu_idx) == 4, "mmu_idx is read as 32 bits");
_Static_assert(sizeof(((struct cpu *)0)->nzcv) == 4, "nzcv is written as 32 bits");
_Static_assert(sizeof(((struct cpu *)0)->excl_valid) == 1, "excl_valid is written as a byte");

/* An inline memory access whose fast path does not apply (micro-TLB miss, page
 * crossing, alignment, SP not 16-byte aligned): the instruction's own handler runs it
 * from the start, out of line, exactly as the interpreter would. The probe before has
 * no side effect, so nothing is done twice. */
struct slow {
	uint8_t *miss[4];  /* jumps to patch to the stub */
	unsigned nmiss;
	uint8_t *join;     /* the end of the instruction */
	int32_t pc, ic;    /* pending pc and icount at the instruction */
	const struct dent *d;
};

struct tr {
	struct emit e;
	struct jit *j;
	struct dpage *pg;
	struct jit_page *jp;
	unsigned start;     /* index of the block's first instruction */
	uint8_t *entry;
	int32_t pc_pend, ic_pend;
	struct slow slow[JIT_MAX_BLOCK];
	unsigned nslow;
};

/* ---- state, exits, chaining ---- */

static void add_mem(struct tr *t, int32_t off, int32_t v)
{
	if (v)
		alu_mi(&t->e, 1, ALU_ADD, RBX, off, v);
}

static void sync(struct tr *t)
{
	add_mem(t, OFF_PC, t->pc_pend);
	add_mem(t, OFF_IC, t->ic_pend);
	t->pc_pend = t->ic_pend = 0;
}

/* Go on at instruction index target of this page; pc and icount are in memory. The
 * target block checks the budget at its entry. */
static void chain(struct tr *t, unsigned target)
{
	if (target == t->start) {
		jmp_to(&t->e, t->entry);
		return;
	}
	mov_imm64(&t->e, RAX, (uint64_t)(uintptr_t)&t->jp->entry[target]);
	mov_load(&t->e, 1, RAX, RAX, 0);
	test_rr(&t->e, 1, RAX, RAX);
	jcc_to(&t->e, CC_Z, t->j->ret_cont); /* not translated yet: the run loop will */
	jmp_r(&t->e, RAX);
}

/* After the instruction at index k (pc and icount in memory, past it): go on with the
 * next one as the interpreter falls through (no check that the page is still valid:
 * the interpreter does not check either until a branch). */
static void fall_through(struct tr *t, unsigned k)
{
	sync(t);
	if (k + 1 == 1024)
		jmp_to(&t->e, t->j->ret_leave);
	else
		chain(t, k + 1);
}

/* A taken branch of the instruction at k by imm bytes: retire it, then as the
 * interpreter's X_BRANCH: stay in the page only if the target is in it and the page is
 * still valid (a store or IC may have dropped it). */
static void taken(struct tr *t, unsigned k, int64_t imm)
{
	add_mem(t, OFF_PC, (int32_t)(t->pc_pend + imm));
	add_mem(t, OFF_IC, t->ic_pend + 1);
	int64_t target = (int64_t)k + imm / 4;
	if (target < 0 || target >= 1024) {
		jmp_to(&t->e, t->j->ret_leave);
		return;
	}
	mov_imm64(&t->e, RAX, (uint64_t)(uintptr_t)&t->pg->valid);
	x_mem(&t->e, 0, 0x80, 7, RAX, 0); /* cmp byte [rax], 0 */
	e8(&t->e, 0);
	jcc_to(&t->e, CC_Z, t->j->ret_leave);
	chain(t, (unsigned)target);
}

/* ---- operands ---- */

/* host r = Xn, or 0 for XZR (zr: register 31 is XZR, else SP) */
static void get(struct tr *t, unsigned r, unsigned n, bool zr)
{
	if (n == 31 && zr)
		zero(&t->e, r);
	else
		mov_load(&t->e, 1, r, RBX, OFF_X(n));
}

/* Xd = host r (zr: register 31 is XZR and the write is dropped). r already holds the
 * value zero-extended from 32 bits for W destinations. */
static void put(struct tr *t, unsigned r, unsigned d, bool zr)
{
	if (!(d == 31 && zr))
		mov_store(&t->e, 1, r, RBX, OFF_X(d));
}

/* NZCV from the host flags of an add (carry as is) or a subtract (carry inverted:
 * Arm's C is NOT borrow). Keeps RAX. */
static void flags_arith(struct tr *t, bool sub)
{
	struct emit *e = &t->e;
	setcc(e, CC_S, RCX);
	setcc(e, CC_Z, RDX);
	setcc(e, sub ? CC_NC : CC_C, R8);
	setcc(e, CC_O, R9);
	movzx8_rr(e, RCX, RCX);
	shift_ri(e, 0, SH_SHL, RCX, 31);
	movzx8_rr(e, RDX, RDX);
	shift_ri(e, 0, SH_SHL, RDX, 30);
	alu_rr(e, 0, ALU_OR, RCX, RDX);
	movzx8_rr(e, R8, R8);
	shift_ri(e, 0, SH_SHL, R8, 29);
	alu_rr(e, 0, ALU_OR, RCX, R8);
	movzx8_rr(e, R9, R9);
	shift_ri(e, 0, SH_SHL, R9, 28);
	alu_rr(e, 0, ALU_OR, RCX, R9);
	mov_store(e, 0, RCX, RBX, OFF_NZCV);
}

/* NZCV = N and Z of RAX (w: 64-bit), C = V = 0 (ANDS, TST). Keeps RAX. */
static void flags_logic(struct tr *t, int w)
{
	struct emit *e = &t->e;
	test_rr(e, w, RAX, RAX);
	setcc(e, CC_S, RCX);
	setcc(e, CC_Z, RDX);
	movzx8_rr(e, RCX, RCX);
	shift_ri(e, 0, SH_SHL, RCX, 31);
	movzx8_rr(e, RDX, RDX);
	shift_ri(e, 0, SH_SHL, RDX, 30);
	alu_rr(e, 0, ALU_OR, RCX, RDX);
	mov_store(e, 0, RCX, RBX, OFF_NZCV);
}

/* CF = condition cond holds for c->nzcv (through cond_table, as cond_fast). Uses RCX, R8. */
static void cond_to_cf(struct tr *t, unsigned cond)
{
	struct emit *e = &t->e;
	mov_load(e, 0, RCX, RBX, OFF_NZCV);
	shift_ri(e, 0, SH_SHR, RCX, 28);
	mov_imm64(e, R8, (uint64_t)(uintptr_t)cond_table);
	e8(e, 0x41); e8(e, 0x0f); e8(e, 0xb7); e8(e, 0x0c); e8(e, 0x48); /* movzx ecx, word [r8 + rcx*2] */
	bt_ri(e, 0, RCX, cond);
}

/* RDX op= shift (type 0 LSL, 1 LSR, 2 ASR, 3 ROR) by amt */
static void shift_operand(struct tr *t, int w, unsigned type, unsigned amt)
{
	static const enum shift k[4] = { SH_SHL, SH_SHR, SH_SAR, SH_ROR };
	if (amt)
		shift_ri(&t->e, w, k[type], RDX, amt);
}

/* ---- instruction classes ---- */

static bool addsub_imm(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	get(t, RAX, RN(i), false);
	if (!s) { /* d->imm is already negated for SUB; Rd may be SP */
		alu_ri(&t->e, w, ALU_ADD, RAX, (int32_t)d->imm);
		put(t, RAX, RD(i), false);
		return true;
	}
	alu_ri(&t->e, w, sub ? ALU_SUB : ALU_ADD, RAX, (int32_t)d->imm);
	flags_arith(t, sub);
	put(t, RAX, RD(i), true);
	return true;
}

static bool addsub_sreg(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	get(t, RAX, RN(i), true);
	get(t, RDX, RM(i), true);
	shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
	alu_rr(&t->e, w, sub ? ALU_SUB : ALU_ADD, RAX, RDX);
	if (s)
		flags_arith(t, sub);
	put(t, RAX, RD(i), true);
	return true;
}

static bool logic_sreg(struct tr *t, const struct dent *d)
{
	static const enum alu op[4] = { ALU_AND, ALU_OR, ALU_XOR, ALU_AND };
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29);
	get(t, RAX, RN(i), true);
	get(t, RDX, RM(i), true);
	shift_operand(t, w, BITS(i, 23, 22), BITS(i, 15, 10));
	if (BIT(i, 21))
		not_r(&t->e, w, RDX);
	alu_rr(&t->e, w, op[opc], RAX, RDX);
	if (opc == 3)
		flags_logic(t, w);
	put(t, RAX, RD(i), true);
	return true;
}

static bool logic_imm(struct tr *t, const struct dent *d)
{
	static const enum alu op[4] = { ALU_AND, ALU_OR, ALU_XOR, ALU_AND };
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29);
	get(t, RAX, RN(i), true);
	mov_imm64(&t->e, RDX, w ? d->imm : (uint32_t)d->imm);
	alu_rr(&t->e, w, op[opc], RAX, RDX);
	if (opc == 3) {
		flags_logic(t, w);
		put(t, RAX, RD(i), true);
	} else {
		put(t, RAX, RD(i), false); /* AND/ORR/EOR (immediate) may write SP */
	}
	return true;
}

static bool movewide(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	unsigned opc = BITS(i, 30, 29), rd = RD(i);
	if (rd == 31)
		return true; /* XZR: nothing to write */
	if (opc == 3) { /* MOVK: the halfword in place; a W destination clears bits 63:32 */
		mov_imm64(&t->e, RAX, d->imm >> d->aux);
		store16(&t->e, RAX, RBX, OFF_X(rd) + (int32_t)(d->aux / 8));
		if (!sf) {
			zero(&t->e, RAX);
			mov_store(&t->e, 0, RAX, RBX, OFF_X(rd) + 4);
		}
		return true;
	}
	uint64_t v = opc == 0 ? ~d->imm : d->imm;
	mov_imm64(&t->e, RAX, sf ? v : (uint32_t)v);
	put(t, RAX, rd, true);
	return true;
}

static bool csel(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	get(t, RAX, RN(i), true);
	get(t, RDX, RM(i), true);
	if (BIT(i, 30))
		not_r(&t->e, w, RDX);
	if (BIT(i, 10))
		alu_ri(&t->e, w, ALU_ADD, RDX, 1);
	cond_to_cf(t, BITS(i, 15, 12));
	cmov_rr(&t->e, w, CC_C, RDX, RAX);
	if (!w)
		mov_rr(&t->e, 0, RDX, RDX); /* CMOV zero-extends, but be explicit */
	put(t, RDX, RD(i), true);
	return true;
}

/* A load or store of one or two registers at [Xn|SP + imm] (pre: written back),
 * [Xn|SP] then written back (post), or [Xn|SP + imm] without writeback. */
struct memop {
	unsigned n, t, t2;  /* base, transfer register(s) */
	int64_t imm;
	unsigned wb;        /* 0 none, 1 post-index, 2 pre-index */
	unsigned size;      /* bytes of each register's access */
	unsigned count;     /* 1, or 2 for a pair */
	bool store;
	unsigned sext;      /* loads: 0 zero-extend, 64 or 32: sign-extend to that width */
	bool reg;           /* register offset: + extend(Xm, opt) << sh, instead of imm */
	unsigned m, opt, sh;
};

static void load_sized(struct emit *e, unsigned size, unsigned r, int32_t disp)
{
	switch (size) {
	case 1: movzx8_load(e, r, RAX, disp); break;
	case 2: movzx16_load(e, r, RAX, disp); break;
	case 4: mov_load(e, 0, r, RAX, disp); break;
	default: mov_load(e, 1, r, RAX, disp); break;
	}
}

static void store_sized(struct emit *e, unsigned size, unsigned r, int32_t disp)
{
	switch (size) {
	case 1: store8(e, r, RAX, disp); break;
	case 2: store16(e, r, RAX, disp); break;
	case 4: mov_store(e, 0, r, RAX, disp); break;
	default: mov_store(e, 1, r, RAX, disp); break;
	}
}

/* The micro-TLB probe is mem_read/mem_write's (mem/mem.h): the same tag with the
 * generation, the same page-crossing and alignment tests, the same hit count (one per
 * register, as the handler's accesses count). A pair must lie in one page. */
static void memop(struct tr *t, const struct dent *d, const struct memop *m)
{
	struct emit *e = &t->e;
	struct slow *s = &t->slow[t->nslow++];
	unsigned span = m->size * m->count;

	s->nmiss = 0;
	s->pc = t->pc_pend;
	s->ic = t->ic_pend;
	s->d = d;
	mov_load(e, 1, RSI, RBX, OFF_X(m->n));                     /* RSI = base */
	if (m->n == 31) { /* SP alignment (Arm ARM D1.8.2): the handler decides */
		test_ri(e, 0, RSI, 15);
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	mov_rr(e, 1, R10, RSI);
	if (m->reg) { /* option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX */
		get(t, RAX, m->m, true);
		if (m->opt == 2)
			mov_rr(e, 0, RAX, RAX);
		else if (m->opt == 6)
			movsx_rr(e, 1, 4, RAX, RAX);
		if (m->sh)
			shift_ri(e, 1, SH_SHL, RAX, m->sh);
		alu_rr(e, 1, ALU_ADD, R10, RAX);
	} else if (m->wb != 1 && m->imm) {
		alu_ri(e, 1, ALU_ADD, R10, (int32_t)m->imm);        /* R10 = va */
	}
	/* RCX = RBX + mmu_idx * sizeof(utlb[0]) + slot * sizeof(entry) */
	mov_load(e, 0, RAX, RBX, OFF_MMU_IDX);
	imul_rri(e, RAX, RAX, (int32_t)(UTLB_SIZE * sizeof(struct utlb_ent)));
	mov_rr(e, 1, RCX, R10);
	shift_ri(e, 1, SH_SHR, RCX, 12);
	alu_ri(e, 0, ALU_AND, RCX, UTLB_SIZE - 1);
	imul_rri(e, RCX, RCX, (int32_t)sizeof(struct utlb_ent));
	alu_rr(e, 1, ALU_ADD, RCX, RAX);
	alu_rr(e, 1, ALU_ADD, RCX, RBX);
	mov_rr(e, 1, RAX, R10);                                    /* (va & ~0xfff) | gen */
	alu_ri(e, 1, ALU_AND, RAX, -4096);
	alu_rm(e, 1, ALU_OR, RAX, RBX, OFF_UGEN);
	alu_rm(e, 1, ALU_CMP, RAX, RCX, OFF_UTLB + (m->store ? 8 : 0));
	s->miss[s->nmiss++] = jcc(e, CC_NZ);
	if (span > 1) {
		mov_rr(e, 0, RAX, R10);
		alu_ri(e, 0, ALU_AND, RAX, 0xfff);
		alu_ri(e, 0, ALU_CMP, RAX, (int32_t)(4096 - span));
		s->miss[s->nmiss++] = jcc(e, CC_A);
	}
	if (m->size > 1) {
		mov_load(e, 1, RAX, RBX, OFF_ALIGN);
		alu_rr(e, 1, ALU_AND, RAX, R10);
		test_ri(e, 1, RAX, (int32_t)(m->size - 1));
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	alu_mi(e, 1, ALU_ADD, RBX, OFF_HITS, (int32_t)m->count);
	mov_rr(e, 1, RAX, R10);
	alu_rm(e, 1, ALU_ADD, RAX, RCX, OFF_UTLB + 16);             /* host address */
	if (m->store) { /* the registers as they were before any writeback */
		get(t, RDX, m->t, true);
		store_sized(e, m->size, RDX, 0);
		if (m->count == 2) {
			get(t, RDX, m->t2, true);
			store_sized(e, m->size, RDX, (int32_t)m->size);
		}
	} else {
		load_sized(e, m->size, RDX, 0);
		if (m->count == 2)
			load_sized(e, m->size, R8, (int32_t)m->size);
		if (m->sext) {
			movsx_rr(e, m->sext == 64, m->size, RDX, RDX);
			if (m->count == 2)
				movsx_rr(e, m->sext == 64, m->size, R8, R8);
		}
		put(t, RDX, m->t, true);                            /* Rt, then Rt2 */
		if (m->count == 2)
			put(t, R8, m->t2, true);
	}
	if (m->wb) { /* the base last, as the handlers write it */
		alu_ri(e, 1, ALU_ADD, RSI, (int32_t)m->imm);
		mov_store(e, 1, RSI, RBX, OFF_X(m->n));
	}
	s->join = e->p;
}

/* the out-of-line handler calls of the block's memory accesses */
static void slow_stubs(struct tr *t)
{
	struct emit *e = &t->e;
	for (unsigned k = 0; k < t->nslow; k++) {
		struct slow *s = &t->slow[k];
		for (unsigned m = 0; m < s->nmiss; m++)
			patch_to(s->miss[m], e->p);
		add_mem(t, OFF_PC, s->pc);
		add_mem(t, OFF_IC, s->ic);
		mov_rr(e, 1, RDI, RBX);
		mov_imm64(e, RSI, (uint64_t)(uintptr_t)s->d);
		mov_imm64(e, RAX, (uint64_t)(uintptr_t)s->d->fn);
		call_r(e, RAX);
		test_rr(e, 0, RAX, RAX);
		jcc_to(e, CC_NZ, t->j->epilogue); /* an abort or a stop: as any handler */
		add_mem(t, OFF_PC, -s->pc);       /* back to the main path's lazy state */
		add_mem(t, OFF_IC, -s->ic);
		jmp_to(e, s->join);
	}
}

/* LDR/STR (immediate): unsigned offset, unscaled, pre- and post-index */
static void ldst_single(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = BITS(i, 31, 30), opc = BITS(i, 23, 22);
	struct memop m = {
		.n = RN(i), .t = RD(i), .imm = (int64_t)d->imm, .size = 1u << size, .count = 1,
		.store = opc == 0, .sext = opc == 2 ? 64 : opc == 3 ? 32 : 0,
	};
	if (!BIT(i, 24) && BIT(i, 21)) { /* register offset */
		m.reg = true;
		m.m = RM(i);
		m.opt = BITS(i, 15, 13);
		m.sh = BIT(i, 12) ? size : 0;
		m.imm = 0;
	} else if (!BIT(i, 24)) { /* imm9 forms: bits 11:10 01 post-index, 11 pre-index */
		unsigned op4 = BITS(i, 11, 10);
		m.wb = op4 == 1 ? 1 : op4 == 3 ? 2 : 0;
	}
	memop(t, d, &m);
}

/* LDP/STP/LDPSW/LDNP/STNP of general registers */
static void ldst_pair(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned opc = BITS(i, 31, 30), mode = BITS(i, 24, 23);
	struct memop m = {
		.n = RN(i), .t = RD(i), .t2 = RT2(i), .imm = (int64_t)d->imm,
		.wb = mode == 1 ? 1 : mode == 3 ? 2 : 0, .size = opc == 2 ? 8 : 4, .count = 2,
		.store = !BIT(i, 22), .sext = opc == 1 ? 64 : 0,
	};
	memop(t, d, &m);
}

/* ADR, ADRP: from the PC of the instruction (never a constant: the page may be mapped
 * at several VAs) */
static void adr(struct tr *t, const struct dent *d)
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
	put(t, RAX, RD(i), true);
}

/* SBFM and UBFM (ASR, LSL, LSR, SXTB/H/W, UXTB/H, SBFX, UBFX, SBFIZ, UBFIZ) as shifts:
 * imms >= immr extracts bits imms:immr; imms < immr places bits imms:0 at
 * regsize - immr (Arm ARM C6.2, the SBFM/UBFM pseudocode) */
static void bitfield(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned rs = w ? 64 : 32, immr = BITS(i, 21, 16), imms = BITS(i, 15, 10);
	enum shift right = BITS(i, 30, 29) == 0 ? SH_SAR : SH_SHR;
	unsigned up = rs - 1 - imms;
	get(t, RAX, RN(i), true);
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
	put(t, RAX, RD(i), true);
}

/* MADD, MSUB (MUL, MNEG): Xd = Xa +/- Xn * Xm */
static void madd(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	get(t, RAX, RN(i), true);
	get(t, RDX, RM(i), true);
	x_reg(&t->e, w, 0x0faf, RAX, RDX); /* imul rax, rdx */
	get(t, RDX, RA(i), true);
	if (BIT(i, 15)) { /* MSUB: Xa - product */
		alu_rr(&t->e, w, ALU_SUB, RDX, RAX);
		put(t, RDX, RD(i), true);
		return;
	}
	alu_rr(&t->e, w, ALU_ADD, RAX, RDX);
	put(t, RAX, RD(i), true);
}

/* EXTR (ROR immediate): (Xn:Xm) >> lsb */
static void extr(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	unsigned lsb = BITS(i, 15, 10);
	get(t, RDX, RM(i), true);
	if (lsb) {
		get(t, RAX, RN(i), true);
		x_reg(&t->e, w, 0x0fac, RAX, RDX); /* shrd rdx, rax, lsb */
		e8(&t->e, lsb);
	} else if (!w) {
		mov_rr(&t->e, 0, RDX, RDX);
	}
	put(t, RDX, RD(i), true);
}

/* ADD/SUB/ADDS/SUBS (extended register): Rn may be SP, and Rd without S */
static void addsub_ereg(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	int w = BIT(i, 31);
	bool s = BIT(i, 29), sub = BIT(i, 30);
	unsigned opt = BITS(i, 15, 13), sh = BITS(i, 12, 10);
	get(t, RAX, RN(i), false);
	get(t, RDX, RM(i), true);
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
		flags_arith(t, sub);
		put(t, RAX, RD(i), true);
	} else {
		put(t, RAX, RD(i), false);
	}
}

/* BR, BLR, RET: the target from the register, then as a handler's X_BRANCH (the run
 * loop retires it and stays in the page if the target is in it) */
static void branch_reg(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	get(t, RAX, RN(i), true);
	if (BITS(i, 22, 21) == 1) { /* BLR: X30 = the next instruction */
		mov_load(&t->e, 1, RDX, RBX, OFF_PC);
		alu_ri(&t->e, 1, ALU_ADD, RDX, t->pc_pend + 4);
		mov_store(&t->e, 1, RDX, RBX, OFF_X(30));
	}
	add_mem(t, OFF_IC, t->ic_pend);
	mov_store(&t->e, 1, RAX, RBX, OFF_PC);
	mov_imm64(&t->e, RAX, X_BRANCH);
	jmp_to(&t->e, t->j->epilogue);
}

/* Any other instruction: its handler, with pc and icount in memory. */
static void call_handler(struct tr *t, const struct dent *d)
{
	sync(t);
	mov_rr(&t->e, 1, RDI, RBX);
	mov_imm64(&t->e, RSI, (uint64_t)(uintptr_t)d);
	mov_imm64(&t->e, RAX, (uint64_t)(uintptr_t)d->fn);
	call_r(&t->e, RAX);
	test_rr(&t->e, 0, RAX, RAX);
	jcc_to(&t->e, CC_NZ, t->j->epilogue);
}

/* ---- blocks ---- */

enum kind { K_CALL, K_ADDSUB_IMM, K_ADDSUB_SREG, K_LOGIC_SREG, K_LOGIC_IMM, K_MOVEWIDE,
	    K_CSEL, K_LDST, K_LDST_PAIR, K_ADR, K_BITFIELD, K_MADD, K_EXTR, K_ADDSUB_EREG,
	    K_NOP, K_CLREX, K_B, K_BR_REG, K_BL, K_BCOND, K_CBZ, K_TBZ, K_BR_OTHER };

/* The handlers of hints and barriers, as the decoder assigns them (found by decoding
 * a NOP and a DMB): a hint whose aux is not WFE, WFI, SEV or SEVL (2-5) does nothing
 * (NOP, YIELD, the PAC and BTI hints without those features); DSB and DMB (aux 4, 5)
 * do nothing in this single-threaded model; CLREX (2) clears the monitor. */
static insn_fn hint_fn, barrier_fn;

static void find_handlers(void)
{
	struct dent d;
	if (!hint_fn) {
		decode__insn(0xd503201fu, &d); /* NOP */
		hint_fn = d.fn;
		decode__insn(0xd5033bbfu, &d); /* DMB ISH */
		barrier_fn = d.fn;
	}
}

static enum kind classify(const struct dent *d)
{
	uint32_t i = d->insn;
	if (d->fn == exec_undef)
		return K_CALL;
	if (d->fn == hint_fn && (i & 0xfffff01fu) == 0xd503201fu && (d->aux < 2 || d->aux > 5))
		return K_NOP;
	if (d->fn == barrier_fn && (i & 0xfffff01fu) == 0xd503301fu) {
		if (d->aux == 4 || d->aux == 5)
			return K_NOP;
		if (d->aux == 2)
			return K_CLREX;
	}
	if ((i & 0x1f800000) == 0x11000000)
		return K_ADDSUB_IMM;
	if ((i & 0x1f200000) == 0x0b000000)
		return K_ADDSUB_SREG;
	if ((i & 0x1f000000) == 0x0a000000)
		return K_LOGIC_SREG;
	if ((i & 0x1f800000) == 0x12000000)
		return K_LOGIC_IMM;
	if ((i & 0x1f800000) == 0x12800000)
		return K_MOVEWIDE;
	if ((i & 0x1fe00000) == 0x1a800000)
		return K_CSEL;
	/* LDR/STR (immediate) of general registers: unsigned offset (bit 24), or imm9
	 * unscaled / post-index / pre-index (bits 11:10 00, 01, 11; 10 is LDTR/STTR) */
	if ((i & 0x3f000000) == 0x39000000 ||
	    ((i & 0x3f200000) == 0x38000000 && BITS(i, 11, 10) != 2) ||
	    ((i & 0x3f200c00) == 0x38200800)) { /* register offset */
		unsigned size = BITS(i, 31, 30), opc = BITS(i, 23, 22);
		if (opc < 2 || (opc == 2 && size <= 2) || (opc == 3 && size <= 1))
			return K_LDST;
		return K_CALL; /* PRFM, PRFUM */
	}
	if ((i & 0x3e000000) == 0x28000000) /* LDP/STP/LDPSW/LDNP/STNP, general registers */
		return K_LDST_PAIR;
	if ((i & 0x1f000000) == 0x10000000)
		return K_ADR;
	if ((i & 0x1f800000) == 0x13000000 && BITS(i, 30, 29) != 1) /* SBFM, UBFM (not BFM) */
		return K_BITFIELD;
	if ((i & 0x7fe00000) == 0x1b000000)
		return K_MADD;
	if ((i & 0x1f800000) == 0x13800000)
		return K_EXTR;
	if ((i & 0x1f200000) == 0x0b200000)
		return K_ADDSUB_EREG;
	if ((i & 0xfc000000) == 0x14000000)
		return K_B;
	if ((i & 0xfc000000) == 0x94000000)
		return K_BL;
	if ((i & 0xff000010) == 0x54000000)
		return K_BCOND;
	if ((i & 0x7e000000) == 0x34000000)
		return K_CBZ;
	if ((i & 0x7e000000) == 0x36000000)
		return K_TBZ;
	if ((i & 0xff9ffc1fu) == 0xd61f0000u) /* BR, BLR, RET */
		return K_BR_REG;
	/* unconditional branch (register), exception generation: always leave */
	if ((i & 0xfe000000) == 0xd6000000 || (i & 0xff000000) == 0xd4000000)
		return K_BR_OTHER;
	return K_CALL;
}

static bool ends_block(enum kind k) { return k >= K_B; }

/* A conditional branch at k: CF (cc_taken) or a test; taken by d->imm. */
static void cond_branch(struct tr *t, unsigned k, unsigned cc_taken, int64_t imm)
{
	uint8_t *j = jcc(&t->e, cc_taken);
	int32_t pc = t->pc_pend, ic = t->ic_pend;
	t->pc_pend += 4;
	t->ic_pend += 1;
	fall_through(t, k);
	patch_to(j, t->e.p);
	t->pc_pend = pc;
	t->ic_pend = ic;
	taken(t, k, imm);
}

static void branch(struct tr *t, const struct dent *d, enum kind kind, unsigned k)
{
	uint32_t i = d->insn;
	int64_t imm = (int64_t)d->imm;
	switch (kind) {
	case K_BL:
		mov_load(&t->e, 1, RAX, RBX, OFF_PC);
		alu_ri(&t->e, 1, ALU_ADD, RAX, t->pc_pend + 4);
		mov_store(&t->e, 1, RAX, RBX, OFF_X(30));
		/* fall through */
	case K_B:
		taken(t, k, imm);
		return;
	case K_BCOND:
		cond_to_cf(t, i & 15);
		cond_branch(t, k, CC_C, imm);
		return;
	case K_CBZ:
		get(t, RAX, RD(i), true);
		test_rr(&t->e, BIT(i, 31), RAX, RAX);
		cond_branch(t, k, BIT(i, 24) ? CC_NZ : CC_Z, imm);
		return;
	case K_TBZ:
		get(t, RAX, RD(i), true);
		bt_ri(&t->e, 1, RAX, (BIT(i, 31) << 5) | BITS(i, 23, 19));
		cond_branch(t, k, BIT(i, 24) ? CC_C : CC_NC, imm);
		return;
	case K_BR_REG:
		branch_reg(t, d);
		return;
	default: /* K_BR_OTHER: the handler; it leaves through its result */
		call_handler(t, d);
		t->pc_pend = 4;
		t->ic_pend = 1;
		fall_through(t, k);
		return;
	}
}

void *jit__translate(struct jit *j, struct dpage *pg, struct jit_page *jp, unsigned idx)
{
	struct tr *t = malloc(sizeof(*t));
	if (!t)
		return 0;
	find_handlers();
	memset(t, 0, sizeof(*t));
	t->e.p = j->rw + j->used;
	t->e.end = j->rw + j->size;
	t->j = j;
	t->pg = pg;
	t->jp = jp;
	t->start = idx;
	t->entry = t->e.p;

	unsigned n = 0;
	while (idx + n < 1024 && n < JIT_MAX_BLOCK) {
		enum kind k = classify(&pg->e[idx + n]);
		n++;
		if (ends_block(k))
			break;
	}
	/* entry: run only if the whole block fits in the budget (R12 = end) */
	mov_load(&t->e, 1, RAX, RBX, OFF_IC);
	alu_ri(&t->e, 1, ALU_ADD, RAX, (int32_t)n);
	alu_rr(&t->e, 1, ALU_CMP, RAX, R12);
	jcc_to(&t->e, CC_A, j->ret_cont);

	for (unsigned m = 0; m < n; m++) {
		unsigned k = idx + m;
		const struct dent *d = &pg->e[k];
		enum kind kind = classify(d);
		if (ends_block(kind)) {
			branch(t, d, kind, k);
			break;
		}
		switch (kind) {
		case K_ADDSUB_IMM: addsub_imm(t, d); break;
		case K_ADDSUB_SREG: addsub_sreg(t, d); break;
		case K_LOGIC_SREG: logic_sreg(t, d); break;
		case K_LOGIC_IMM: logic_imm(t, d); break;
		case K_MOVEWIDE: movewide(t, d); break;
		case K_CSEL: csel(t, d); break;
		case K_LDST: ldst_single(t, d); break;
		case K_LDST_PAIR: ldst_pair(t, d); break;
		case K_ADR: adr(t, d); break;
		case K_BITFIELD: bitfield(t, d); break;
		case K_MADD: madd(t, d); break;
		case K_EXTR: extr(t, d); break;
		case K_ADDSUB_EREG: addsub_ereg(t, d); break;
		case K_NOP: break;
		case K_CLREX:
			x_mem(&t->e, 0, 0xc6, 0, RBX, OFF_EXCL); /* mov byte [excl_valid], 0 */
			e8(&t->e, 0);
			break;
		default:
			call_handler(t, d);
			t->pc_pend = t->ic_pend = 0;
			break;
		}
		t->pc_pend += 4;
		t->ic_pend += 1;
		if (m + 1 == n)
			fall_through(t, k);
	}
	slow_stubs(t);

	void *code = jit__rx(j, t->entry);
	j->used = (size_t)(t->e.p - j->rw);
	j->used = (j->used + 15) & ~(size_t)15;
	j->st.blocks++;
	j->st.code_bytes += (uint64_t)(t->e.p - t->entry);
	j->live++;
	jp->nblocks++;
	jp->entry[idx] = code;
	free(t);
	return code;
}
