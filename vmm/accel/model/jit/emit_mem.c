/* The block translator's loads and stores of general registers: the micro-TLB hit
 * inline; every other case (miss, page crossing, alignment, SP alignment) out of line,
 * through mem.c's slow path for a single access without writeback (what mem_read and
 * mem_write call on a miss), else the instruction's own handler. */
#include <mmu/check.h>

#include "jit/tr.h"
#include "mem/mem.h"

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
	bool aligned;       /* must be size-aligned whatever SCTLR.A says (LDAR, STLR) */
};

/* r = the access at [RAX + R10 + disp] (RAX: the page's addend, R10: the VA) */
static void load_sized(struct emit *e, unsigned size, unsigned r, int32_t disp)
{
	switch (size) {
	case 1: x_mem_bi(e, 0, 0x0fb6, r, RAX, R10, (int8_t)disp); break;
	case 2: x_mem_bi(e, 0, 0x0fb7, r, RAX, R10, (int8_t)disp); break;
	case 4: x_mem_bi(e, 0, 0x8b, r, RAX, R10, (int8_t)disp); break;
	default: x_mem_bi(e, 1, 0x8b, r, RAX, R10, (int8_t)disp); break;
	}
}

static void store_sized(struct emit *e, unsigned size, unsigned r, int32_t disp)
{
	switch (size) {
	case 1: x_mem_bi(e, 0, 0x88, r, RAX, R10, (int8_t)disp); break; /* r: no SPL..DIL */
	case 2: e8(e, 0x66); x_mem_bi(e, 0, 0x89, r, RAX, R10, (int8_t)disp); break;
	case 4: x_mem_bi(e, 0, 0x89, r, RAX, R10, (int8_t)disp); break;
	default: x_mem_bi(e, 1, 0x89, r, RAX, R10, (int8_t)disp); break;
	}
}

#define OFF_INDEX ((int32_t)offsetof(struct cpu, index))
_Static_assert(sizeof(((struct cpu *)0)->index) == 4, "the vCPU index is read as 32 bits");
_Static_assert(offsetof(struct mmu_check_where, known) == 0 &&
	       offsetof(struct mmu_check_where, pe) == 4 && sizeof(unsigned) == 4 &&
	       offsetof(struct mmu_check_where, pc) == 8 &&
	       offsetof(struct mmu_check_where, lr) == 16, "the writer as note_store fills it");

/* --checks: an inline store (RAX its host address, span bytes in one RAM page, never
 * a page a walk read descriptors from: mem.c, fill) does the I-cache check's
 * bookkeeping that mmu__check_store_data would (mmu/check.h, struct mmu_check_flat):
 * its lines into the page's need_clean / need_inval, the page live, the writer this
 * vCPU at the store's pc with its x30. Uses RCX, RDX, R8, R9; before any writeback
 * (x30 may be the base). Every inline store under fetch_lines must come here. */
static void note_store(struct tr *t, int32_t pc_pend, unsigned span)
{
	struct emit *e = &t->e;
	const struct mmu_check_flat *f = xlat__check_flat(t->j->lines_vm);
	int32_t w = (int32_t)offsetof(struct mmu_check_code_page, writer);
	if (!f || !(f->clean || f->inval))
		return;
	mov_imm64(e, RCX, (uint64_t)(uintptr_t)t->j->lines_vm->ram);
	mov_rr(e, 1, RDX, RAX);
	alu_rr(e, 1, ALU_SUB, RDX, RCX);                            /* RDX = PA - RAM base */
	zero(e, R9);                                               /* R9 = the lines */
	mov_rr(e, 1, R8, RDX);
	shift_ri(e, 1, SH_SHR, R8, 6);
	x_reg(e, 1, 0x0fab, R8, R9);                               /* BTS R9, R8 (mod 64) */
	if (span > 1) {
		mov_rr(e, 1, R8, RDX);
		alu_ri(e, 1, ALU_ADD, R8, (int32_t)span - 1);
		shift_ri(e, 1, SH_SHR, R8, 6);
		x_reg(e, 1, 0x0fab, R8, R9);
	}
	shift_ri(e, 1, SH_SHR, RDX, 12);                           /* RDX = page index */
	mov_rr(e, 1, R8, RDX);                                     /* its live word */
	shift_ri(e, 1, SH_SHR, R8, 6);
	shift_ri(e, 1, SH_SHL, R8, 3);
	mov_imm64(e, RCX, (uint64_t)(uintptr_t)f->live);
	alu_rr(e, 1, ALU_ADD, RCX, R8);
	mov_load(e, 1, R8, RCX, 0);
	x_reg(e, 1, 0x0fab, RDX, R8);                              /* BTS R8, RDX (mod 64) */
	mov_store(e, 1, R8, RCX, 0);
	x_reg(e, 1, 0x69, RDX, RDX);                               /* IMUL RDX, RDX, size */
	e32(e, (uint32_t)sizeof(struct mmu_check_code_page));
	mov_imm64(e, RCX, (uint64_t)(uintptr_t)f->page);
	alu_rr(e, 1, ALU_ADD, RDX, RCX);                           /* RDX = the page's state */
	if (f->clean)
		x_mem(e, 1, 0x09, R9, RDX, (int32_t)offsetof(struct mmu_check_code_page, need_clean));
	if (f->inval)
		x_mem(e, 1, 0x09, R9, RDX, (int32_t)offsetof(struct mmu_check_code_page, need_inval));
	x_mem(e, 0, 0xc7, 0, RDX, w);                              /* known = true */
	e32(e, 1);
	mov_load(e, 0, R8, RBX, OFF_INDEX);
	mov_store(e, 0, R8, RDX, w + 4);                           /* pe */
	mov_load(e, 1, R8, RBX, OFF_PC);
	if (pc_pend)
		alu_ri(e, 1, ALU_ADD, R8, pc_pend);
	mov_store(e, 1, R8, RDX, w + 8);                           /* pc */
	mov_load(e, 1, R8, RBX, OFF_X(30));
	mov_store(e, 1, R8, RDX, w + 16);                          /* lr */
}

/* The micro-TLB probe is mem_read/mem_write's (mem/mem.h): the same tag with the
 * generation, the same page-crossing and alignment tests, the same hit count (one per
 * register, as the handler's accesses count). A pair must lie in one page. */
struct slow *tr__slow_new(struct tr *t, const struct dent *d)
{
	struct slow *s = &t->slow[t->nslow++];
	s->nmiss = 0;
	s->direct = false;
	s->pc = t->pc_pend;
	s->ic = t->ic_pend;
	s->d = d;
	return s;
}

static void memop(struct tr *t, const struct dent *d, const struct memop *m)
{
	struct emit *e = &t->e;
	struct slow *s = tr__slow_new(t, d);
	unsigned span = m->size * m->count;

	/* every miss below leaves R10 = the address: the slow path is mem_read's or
	 * mem_write's own (SP as the base: its alignment check is the handler's) */
	if (m->count == 1 && !m->wb && !m->aligned && m->n != 31) {
		s->direct = true;
		s->store = m->store;
		s->size = m->size;
		s->rt = m->t;
		s->sext = m->sext;
	}
	mov_load(e, 1, RSI, RBX, OFF_X(m->n));                     /* RSI = base */
	if (m->n == 31) { /* SP alignment (Arm ARM D1.8.2): the handler decides */
		test_ri(e, 0, RSI, 15);
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	if (m->reg) { /* option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX */
		mov_rr(e, 1, R10, RSI);
		tr__get(t, RAX, m->m, true);
		if (m->opt == 2)
			mov_rr(e, 0, RAX, RAX);
		else if (m->opt == 6)
			movsx_rr(e, 1, 4, RAX, RAX);
		if (m->sh)
			shift_ri(e, 1, SH_SHL, RAX, m->sh);
		alu_rr(e, 1, ALU_ADD, R10, RAX);
	} else if (m->wb != 1 && m->imm) {
		lea(e, 1, R10, RSI, (int32_t)m->imm);                 /* R10 = va */
	} else {
		mov_rr(e, 1, R10, RSI);
	}
	/* RCX = the entry: R13 (this regime's micro-TLB) + slot * sizeof(entry) */
	tr__utlb_entry(t, RCX, R10);
	/* the tag of the page of the access's last byte: another page's (crossing) never
	 * matches the entry of the first byte's slot, so one compare tests both */
	if (span > 1 && !m->aligned)
		lea(e, 1, RAX, R10, (int32_t)span - 1);
	else
		mov_rr(e, 1, RAX, R10);
	alu_ri(e, 1, ALU_AND, RAX, -4096);
	alu_rm(e, 1, ALU_OR, RAX, RBX, OFF_UGEN);
	alu_rm(e, 1, ALU_CMP, RAX, RCX, m->store ? 8 : 0);
	s->miss[s->nmiss++] = jcc(e, CC_NZ);
	if (m->aligned && m->size > 1) { /* the handler takes the alignment fault */
		test_ri(e, 0, R10, (int32_t)(m->size - 1));
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	} else if (m->size > 1) { /* misaligned: the SCTLR.A check (align_mask) */
		test_ri(e, 0, R10, (int32_t)(m->size - 1));
		uint8_t *ok = jcc(e, CC_Z);
		mov_load(e, 1, RAX, RBX, OFF_ALIGN);
		alu_rr(e, 1, ALU_AND, RAX, R10);
		test_ri(e, 1, RAX, (int32_t)(m->size - 1));
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
		patch_to(ok, e->p);
	}
	alu_mi(e, 1, ALU_ADD, RBX, OFF_HITS, (int32_t)m->count);
	mov_load(e, 1, RAX, RCX, 16);                              /* the addend */
	if (m->store) { /* the registers as they were before any writeback */
		tr__get(t, RDX, m->t, true);
		store_sized(e, m->size, RDX, 0);
		if (m->count == 2) {
			tr__get(t, RDX, m->t2, true);
			store_sized(e, m->size, RDX, (int32_t)m->size);
		}
		if (t->j->fetch_lines) {
			alu_rr(e, 1, ALU_ADD, RAX, R10);                /* the host address */
			note_store(t, s->pc, span);
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
		tr__put(t, RDX, m->t, true);                            /* Rt, then Rt2 */
		if (m->count == 2)
			tr__put(t, R8, m->t2, true);
	}
	if (m->wb) { /* the base last, as the handlers write it */
		alu_ri(e, 1, ALU_ADD, RSI, (int32_t)m->imm);
		mov_store(e, 1, RSI, RBX, OFF_X(m->n));
	}
	s->join = e->p;
}

/* The instruction's handler from the start: it probes again, then mem.c. */
static void handler_call(struct tr *t, const struct slow *s)
{
	struct emit *e = &t->e;
	mov_rr(e, 1, RDI, RBX);
	mov_imm64(e, RSI, (uint64_t)(uintptr_t)s->d);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)s->d->fn);
	call_r(e, RAX);
	test_rr(e, 0, RAX, RAX);
	jcc_to(e, CC_NZ, t->j->epilogue); /* an abort or a stop: as any handler */
}

/* mem__write_slow(c, R10, size, Xt, 0) or mem__read_slow(c, R10, size, &c->jit_load,
 * 0) and Xt from it, extended as the handler would: what mem_write and mem_read do
 * after their probe missed. Rt is written only when the load succeeded, as wz(). */
static void direct_call(struct tr *t, const struct slow *s)
{
	struct emit *e = &t->e;
	mov_rr(e, 1, RDI, RBX);
	mov_rr(e, 1, RSI, R10);
	mov_imm64(e, RDX, s->size);
	if (s->store)
		tr__get(t, RCX, s->rt, true);
	else
		lea(e, 1, RCX, RBX, OFF_JIT_LOAD);
	zero(e, R8);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)(s->store ? (void *)mem__write_slow :
								  (void *)mem__read_slow));
	call_r(e, RAX);
	test_rr(e, 0, RAX, RAX);
	jcc_to(e, CC_NZ, t->j->epilogue);
	if (!s->store) {
		mov_load(e, 1, RDX, RBX, OFF_JIT_LOAD);
		if (s->sext)
			movsx_rr(e, s->sext == 64, s->size, RDX, RDX);
		tr__put(t, RDX, s->rt, true);
	}
}

/* the out-of-line slow paths of the block's memory accesses */
void tr__slow_stubs(struct tr *t)
{
	struct emit *e = &t->e;
	for (unsigned k = 0; k < t->nslow; k++) {
		struct slow *s = &t->slow[k];
		for (unsigned m = 0; m < s->nmiss; m++)
			patch_to(s->miss[m], e->p);
		tr__add_mem(t, OFF_PC, s->pc);
		tr__add_mem(t, OFF_IC, s->ic);
		if (s->direct)
			direct_call(t, s);
		else
			handler_call(t, s);
		tr__utlb_base(e);
		if (t->j->fetch_lines)
			tr__valid_check(t);
		tr__add_mem(t, OFF_PC, -s->pc);       /* back to the main path's lazy state */
		tr__add_mem(t, OFF_IC, -s->ic);
		jmp_to(e, s->join);
	}
}

/* LDR/STR (immediate): unsigned offset, unscaled, pre- and post-index */
void tr__ldst_single(struct tr *t, const struct dent *d)
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
void tr__ldst_pair(struct tr *t, const struct dent *d)
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


/* LDAR, STLR: ordinary accesses that must be aligned (one host thread: already
 * ordered); a misaligned address takes the handler, which faults */
void tr__ldar_stlr(struct tr *t, const struct dent *d)
{
	uint32_t i = d->insn;
	struct memop m = {
		.n = RN(i), .t = RD(i), .size = (unsigned)d->imm, .count = 1,
		.store = !BIT(i, 22), .aligned = true,
	};
	memop(t, d, &m);
}

/* The start of an exclusive: the slow path's record, RSI = base (SP alignment and
 * size alignment to the handler), RCX = the micro-TLB entry of the access when its
 * tags match (the read tag; both for a store: STXR translates as a read-modify-write,
 * mem__rmw_ptr), the hit counted. */
static struct slow *excl_probe(struct tr *t, const struct dent *d, bool store)
{
	struct emit *e = &t->e;
	struct slow *s = tr__slow_new(t, d);
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm;

	mov_load(e, 1, RSI, RBX, OFF_X(RN(i)));
	if (RN(i) == 31) {
		test_ri(e, 0, RSI, 15);
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	if (size > 1) {
		test_ri(e, 0, RSI, (int32_t)(size - 1));
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	tr__utlb_entry(t, RCX, RSI);
	mov_rr(e, 1, RAX, RSI);
	alu_ri(e, 1, ALU_AND, RAX, -4096);
	alu_rm(e, 1, ALU_OR, RAX, RBX, OFF_UGEN);
	alu_rm(e, 1, ALU_CMP, RAX, RCX, 0);
	s->miss[s->nmiss++] = jcc(e, CC_NZ);
	if (store) {
		alu_rm(e, 1, ALU_CMP, RAX, RCX, 8);
		s->miss[s->nmiss++] = jcc(e, CC_NZ);
	}
	alu_mi(e, 1, ALU_ADD, RBX, OFF_HITS, 1);
	mov_rr(e, 1, R10, RSI);
	alu_rm(e, 1, ALU_ADD, R10, RCX, 16);                       /* host address */
	return s;
}

/* LDXR, LDAXR (one register): the load, then the monitor armed for address and size
 * with the value read (cpu/atomics.c, ldxr), then Rt */
void tr__ldxr(struct tr *t, const struct dent *d)
{
	struct emit *e = &t->e;
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm;
	struct slow *s = excl_probe(t, d, false);
	switch (size) {
	case 1: movzx8_load(e, RDX, R10, 0); break;
	case 2: movzx16_load(e, RDX, R10, 0); break;
	case 4: mov_load(e, 0, RDX, R10, 0); break;
	default: mov_load(e, 1, RDX, R10, 0); break;
	}
	mov_mi8(e, RBX, OFF_EXCL, 1);
	mov_store(e, 1, RSI, RBX, OFF_EXCL_ADDR);
	mov_mi(e, 0, RBX, OFF_EXCL_SIZE, (int32_t)size);
	mov_store(e, 1, RDX, RBX, OFF_EXCL_VAL);
	mov_mi(e, 1, RBX, OFF_EXCL_VAL + 8, 0);
	tr__put(t, RDX, RD(i), true);
	s->join = e->p;
}

/* STXR, STLXR (one register): stores Rt and writes 0 to Ws if the monitor is armed for
 * this address and size and memory still holds the value it read (excl_val[1] is 0
 * for a single register's access), else writes 1; the monitor is disarmed either way
 * (cpu/atomics.c, stxr). Not under --checks (translate.c gives it to the handler):
 * mem__rmw_store checks the store there. */
void tr__stxr(struct tr *t, const struct dent *d)
{
	struct emit *e = &t->e;
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm;
	uint8_t *fail[5];
	unsigned nf = 0;
	struct slow *s = excl_probe(t, d, true);
	mov_imm64(e, RDX, 1);                                       /* the status: failed */
	cmp_byte0(e, RBX, OFF_EXCL);
	fail[nf++] = jcc(e, CC_Z);
	alu_rm(e, 1, ALU_CMP, RSI, RBX, OFF_EXCL_ADDR);
	fail[nf++] = jcc(e, CC_NZ);
	alu_mi(e, 0, ALU_CMP, RBX, OFF_EXCL_SIZE, (int32_t)size);
	fail[nf++] = jcc(e, CC_NZ);
	switch (size) {
	case 1: movzx8_load(e, RAX, R10, 0); break;
	case 2: movzx16_load(e, RAX, R10, 0); break;
	case 4: mov_load(e, 0, RAX, R10, 0); break;
	default: mov_load(e, 1, RAX, R10, 0); break;
	}
	alu_rm(e, 1, ALU_CMP, RAX, RBX, OFF_EXCL_VAL);
	fail[nf++] = jcc(e, CC_NZ);
	alu_mi(e, 1, ALU_CMP, RBX, OFF_EXCL_VAL + 8, 0);
	fail[nf++] = jcc(e, CC_NZ);
	tr__get(t, RAX, RD(i), true);
	switch (size) {
	case 1: store8(e, RAX, R10, 0); break;
	case 2: store16(e, RAX, R10, 0); break;
	case 4: mov_store(e, 0, RAX, R10, 0); break;
	default: mov_store(e, 1, RAX, R10, 0); break;
	}
	if (t->j->fetch_lines) { /* a page mapped for writing: no table page (note_store) */
		mov_rr(e, 1, RAX, R10);
		note_store(t, s->pc, size);
	}
	zero(e, RDX);
	for (unsigned k = 0; k < nf; k++)
		patch_to(fail[k], e->p);
	mov_mi8(e, RBX, OFF_EXCL, 0);
	tr__put(t, RDX, RS_(i), true);
	s->join = e->p;
}
