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
 * micro-TLB hit is inline and whose every other case goes out of line (emit_mem.c).
 *
 * With --checks (fetch_lines, jit.h) a block does what the interpreter's instrumented
 * loop does: at its entry, if pc >> 6 is not the last line reported, and at each line
 * boundary inside it, the line is reported (xlat__fetch_line; not called when it would
 * do nothing: line_check) and a stop leaves at once; an inlined store that hits does
 * the I-cache check's bookkeeping inline (emit_mem.c, note_store: under --checks the
 * micro-TLB maps no table page or decoded code for writing); after each handler call
 * a dropped page leaves. Each block's entry checks its line, so chains may leave the
 * page as without checks (leave_page).
 */
#include <stdlib.h>

#include "jit/tr.h"
#include "mem/xlat.h"

/* ---- state, exits, chaining ---- */

void tr__add_mem(struct tr *t, int32_t off, int32_t v)
{
	if (v)
		alu_mi(&t->e, 1, ALU_ADD, RBX, off, v);
}

void tr__sync(struct tr *t)
{
	tr__add_mem(t, OFF_PC, t->pc_pend);
	tr__add_mem(t, OFF_IC, t->ic_pend);
	t->pc_pend = t->ic_pend = 0;
}

/* Go on at instruction index target of this page; pc and icount are in memory. The
 * target block checks the budget at its entry. A block already translated is jumped
 * to directly (it lives as long as this one: same page, same cache generation); else
 * the jump goes to a lookup in the page's table for now and is pointed at the block
 * when it is translated (jit__translate, the page's pending list). */
static void chain(struct tr *t, unsigned target)
{
	struct emit *e = &t->e;
	if (target == t->start) {
		jmp_to(e, t->entry);
		return;
	}
	if (t->jp->entry[target]) {
		jmp_to(e, jit__rw(t->j, t->jp->entry[target]));
		return;
	}
	uint8_t *site = jmp(e);
	patch_to(site, e->p);
	jit__pend(t->j, t->jp, target, site);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)&t->jp->entry[target]);
	mov_load(e, 1, RAX, RAX, 0);
	test_rr(e, 1, RAX, RAX);
	jcc_to(e, CC_Z, t->j->ret_cont); /* not translated yet: the run loop will */
	jmp_r(e, RAX);
}

#define OFF_IRQ_LINE ((int32_t)offsetof(struct cpu, irq_line))
#define OFF_DAIF ((int32_t)offsetof(struct cpu, daif))
#define OFF_MDSCR ((int32_t)offsetof(struct cpu, sr.mdscr_el1))
#define OFF_IL ((int32_t)offsetof(struct cpu, il))
#define OFF_PMU_LIVE ((int32_t)offsetof(struct cpu, pmu.live))
#define OFF_SLOW_FETCH ((int32_t)offsetof(struct cpu, slow_fetch))
#define OFF_ITLB ((int32_t)offsetof(struct cpu, itlb))
#define OFF_ITLB_HITS ((int32_t)offsetof(struct cpu, st.itlb_hits))
_Static_assert(sizeof(((struct cpu *)0)->daif) == 4 && sizeof(((struct cpu *)0)->il) == 4 &&
	       sizeof(((struct cpu *)0)->pmu.live) == 1 && sizeof(((struct cpu *)0)->slow_fetch) == 1 &&
	       sizeof(((struct model_vm *)0)->stop) == 1 && sizeof(((struct dpage *)0)->valid) == 1 &&
	       sizeof(((struct cpu *)0)->mmu_idx) == 4 && sizeof(((struct cpu *)0)->utlb_gen) == 8,
	       "the sizes leave_page reads");
_Static_assert(sizeof(struct itlb_ent) == 24, "the inline fetch micro-TLB probe assumes 24-byte entries");


/* fetch_lines: translated code enters the line at c->pc, not the last one reported:
 * report it as the interpreter does; nonzero if the VM stopped then. */
static int fetch_line(struct cpu *c, struct dpage *pg)
{
	c->vm->jit->cur_line = c->pc >> 6;
	xlat__fetch_line(c, c->pc, pg->pa | (c->pc & 0xfc0));
	return c->vm->stop;
}

#define OFF_XLAT ((int32_t)offsetof(struct cpu, xlat))
#define OFF_UTLB_GEN ((int32_t)offsetof(struct cpu, utlb_gen))

/* fetch_lines: before the instruction at the pending pc, the line check. A line of
 * another page than the last one whose fetch translation passed the stale check (per
 * regime, since the last flush), of a page with lines the I-cache check would report,
 * or with a stop pending (fetch_line returns it), calls fetch_line; any other only
 * becomes the last line reported, as the call would leave it (xlat.h). */
static void line_check(struct tr *t)
{
	struct emit *e = &t->e;
	unsigned bit = 0;
	const uint64_t *live = xlat__code_live(t->j->lines_vm, t->pg->pa, &bit);
	uint8_t *slow[3] = { 0 }, *done = 0;
	tr__sync(t);
	mov_load(e, 1, RDX, RBX, OFF_PC);
	shift_ri(e, 1, SH_SHR, RDX, 6);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)&t->j->cur_line);
	alu_rm(e, 1, ALU_CMP, RDX, RAX, 0);
	uint8_t *same = jcc(e, CC_Z);
	if (live) {
		mov_imm64(e, RCX, (uint64_t)(uintptr_t)live);
		mov_load(e, 1, RCX, RCX, 0);
		bt_ri(e, 1, RCX, bit);
		slow[0] = jcc(e, CC_C);
		mov_load(e, 1, RCX, RBX, OFF_VM);
		cmp_byte0(e, RCX, (int32_t)offsetof(struct model_vm, stop));
		slow[1] = jcc(e, CC_NZ);
		mov_load(e, 0, RCX, RBX, OFF_MMU_IDX);
		imul_rri(e, RCX, RCX, 8 * XLAT_FETCH_CHECKED);
		mov_load(e, 1, RSI, RBX, OFF_PC);
		shift_ri(e, 1, SH_SHR, RSI, 12);
		alu_ri(e, 0, ALU_AND, RSI, XLAT_FETCH_CHECKED - 1);
		shift_ri(e, 1, SH_SHL, RSI, 3);
		alu_rr(e, 1, ALU_ADD, RCX, RSI);
		alu_rm(e, 1, ALU_ADD, RCX, RBX, OFF_XLAT);
		mov_load(e, 1, RSI, RBX, OFF_PC);
		alu_ri(e, 1, ALU_AND, RSI, -4096);
		alu_rm(e, 1, ALU_OR, RSI, RBX, OFF_UTLB_GEN);
		alu_rm(e, 1, ALU_CMP, RSI, RCX, (int32_t)xlat__fetch_checked_offset());
		slow[2] = jcc(e, CC_NZ);
		mov_store(e, 1, RDX, RAX, 0);
		done = jmp(e);
		for (unsigned k = 0; k < 3; k++)
			patch_to(slow[k], e->p);
	}
	mov_rr(e, 1, RDI, RBX);
	mov_imm64(e, RSI, (uint64_t)(uintptr_t)t->pg);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)fetch_line);
	call_r(e, RAX);
	test_rr(e, 0, RAX, RAX);
	jcc_to(e, CC_NZ, t->j->ret_stop);
	patch_to(same, e->p);
	if (done)
		patch_to(done, e->p);
}

/* fetch_lines, after a handler returned X_NEXT (pc and icount in memory at its
 * instruction): if the page was dropped (a store to code), retire the instruction and
 * leave, as the instrumented interpreter does after every instruction. */
void tr__valid_check(struct tr *t)
{
	struct emit *e = &t->e;
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)&t->pg->valid);
	cmp_byte0(e, RAX, 0);
	uint8_t *ok = jcc(e, CC_NZ);
	alu_mi(e, 1, ALU_ADD, RBX, OFF_PC, 4);
	alu_mi(e, 1, ALU_ADD, RBX, OFF_IC, 1);
	jmp_to(e, t->j->ret_leave);
	patch_to(ok, e->p);
}

/* The page is left by a branch or by running off its end; pc and icount are in
 * memory (the stub every such exit jumps to, j->leave; written once by cache.c). Go straight into the target page's block if the run loop (cpu/exec.c,
 * cpu__run) would do nothing else there: budget left (the run loop's own: chain_ok),
 * no stop request, no deliverable IRQ, no debug (MDSCR_EL1.SS/MDE), no Illegal
 * Execution state, no live PMU, no instrumented fetch other than the translator's own
 * (fetch_lines: the target block's entry makes the line check the run loop's would, its
 * line being in another page than the last one reported), and a fetch micro-TLB hit
 * on a valid page with a translation at that index: then count that hit as fetch()
 * does and jump. Any test failing: back to the run loop, which does it all itself. */
void tr__leave_stub(struct jit *j, struct emit *e)
{
	uint8_t *out[16];
	unsigned n = 0;

	mov_imm64(e, RAX, (uint64_t)(uintptr_t)&j->chain_ok);
	cmp_byte0(e, RAX, 0);
	out[n++] = jcc(e, CC_Z);
	mov_load(e, 1, RAX, RBX, OFF_IC);
	alu_rr(e, 1, ALU_CMP, RAX, R12);
	out[n++] = jcc(e, CC_NC); /* icount >= end */
	mov_load(e, 1, RAX, RBX, OFF_VM);
	cmp_byte0(e, RAX, (int32_t)offsetof(struct model_vm, stop));
	out[n++] = jcc(e, CC_NZ);
	mov_load(e, 1, RAX, RBX, OFF_IRQ_LINE);
	cmp_byte0(e, RAX, 0);
	uint8_t *no_irq = jcc(e, CC_Z);
	x_mem(e, 0, 0xf7, 0, RBX, OFF_DAIF); /* test dword [daif], DAIF_I */
	e32(e, DAIF_I);
	out[n++] = jcc(e, CC_Z);
	patch_to(no_irq, e->p);
	mov_load(e, 1, RAX, RBX, OFF_MDSCR);
	test_ri(e, 1, RAX, (int32_t)(MDSCR_SS | MDSCR_MDE));
	out[n++] = jcc(e, CC_NZ);
	alu_mi(e, 0, ALU_CMP, RBX, OFF_IL, 0);
	out[n++] = jcc(e, CC_NZ);
	cmp_byte0(e, RBX, OFF_PMU_LIVE);
	out[n++] = jcc(e, CC_NZ);
	if (!j->fetch_lines) { /* --caches, --checks=strict: the interpreter's fetch */
		cmp_byte0(e, RBX, OFF_SLOW_FETCH);
		out[n++] = jcc(e, CC_NZ);
	}
	/* fetch(): e = &itlb[(pc >> 12) % ITLB_SIZE], tag (pc & ~0xfff) | mmu_idx, gen */
	mov_load(e, 1, RSI, RBX, OFF_PC);
	test_ri(e, 0, RSI, 3);
	out[n++] = jcc(e, CC_NZ);
	mov_rr(e, 1, RCX, RSI);
	shift_ri(e, 1, SH_SHR, RCX, 12);
	alu_ri(e, 0, ALU_AND, RCX, ITLB_SIZE - 1);
	imul_rri(e, RCX, RCX, (int32_t)sizeof(struct itlb_ent));
	alu_rr(e, 1, ALU_ADD, RCX, RBX);
	mov_rr(e, 1, RAX, RSI);
	alu_ri(e, 1, ALU_AND, RAX, -4096);
	mov_load(e, 0, RDX, RBX, OFF_MMU_IDX);
	alu_rr(e, 1, ALU_OR, RAX, RDX);
	alu_rm(e, 1, ALU_CMP, RAX, RCX, OFF_ITLB + (int32_t)offsetof(struct itlb_ent, tag));
	out[n++] = jcc(e, CC_NZ);
	mov_load(e, 1, RAX, RBX, OFF_UGEN);
	alu_rm(e, 1, ALU_CMP, RAX, RCX, OFF_ITLB + (int32_t)offsetof(struct itlb_ent, gen));
	out[n++] = jcc(e, CC_NZ);
	mov_load(e, 1, RDI, RCX, OFF_ITLB + (int32_t)offsetof(struct itlb_ent, page));
	test_rr(e, 1, RDI, RDI);
	out[n++] = jcc(e, CC_Z);
	cmp_byte0(e, RDI, (int32_t)offsetof(struct dpage, valid));
	out[n++] = jcc(e, CC_Z);
	/* the page's translation at the index, of this cache generation */
	mov_load(e, 1, RDX, RDI, (int32_t)offsetof(struct dpage, jit));
	test_rr(e, 1, RDX, RDX);
	out[n++] = jcc(e, CC_Z);
	mov_imm64(e, RAX, (uint64_t)(uintptr_t)&j->gen);
	mov_load(e, 1, RAX, RAX, 0);
	alu_rm(e, 1, ALU_CMP, RAX, RDX, (int32_t)offsetof(struct jit_page, gen));
	out[n++] = jcc(e, CC_NZ);
	mov_rr(e, 0, RAX, RSI);
	shift_ri(e, 0, SH_SHR, RAX, 2);
	alu_ri(e, 0, ALU_AND, RAX, 1023);
	shift_ri(e, 0, SH_SHL, RAX, 3);
	alu_rr(e, 1, ALU_ADD, RAX, RDX);
	mov_load(e, 1, RAX, RAX, (int32_t)offsetof(struct jit_page, entry));
	test_rr(e, 1, RAX, RAX);
	out[n++] = jcc(e, CC_Z);
	/* go: the fetch hit, the run loop's current page, the block */
	alu_mi(e, 1, ALU_ADD, RBX, OFF_ITLB_HITS, 1);
	mov_imm64(e, R8, (uint64_t)(uintptr_t)&j->cur_pg);
	mov_store(e, 1, RDI, R8, 0);
	mov_rr(e, 1, R14, RDI);
	alu_ri(e, 1, ALU_AND, RSI, -4096);
	mov_store(e, 1, RSI, R8, (int32_t)(offsetof(struct jit, cur_pbase) - offsetof(struct jit, cur_pg)));
	jmp_r(e, RAX);
	for (unsigned k = 0; k < n; k++)
		patch_to(out[k], j->ret_leave);
}

static void leave_page(struct tr *t)
{
	jmp_to(&t->e, t->j->leave);
}

/* After the instruction at index k (pc and icount in memory, past it): go on with the
 * next one as the interpreter falls through (no check that the page is still valid:
 * the interpreter does not check either until a branch). */
static void fall_through(struct tr *t, unsigned k)
{
	tr__sync(t);
	if (k + 1 == 1024)
		leave_page(t);
	else
		chain(t, k + 1);
}

/* A taken branch of the instruction at k by imm bytes: retire it, then as the
 * interpreter's X_BRANCH: stay in the page only if the target is in it and the page is
 * still valid (a store or IC may have dropped it). */
static void taken(struct tr *t, unsigned k, int64_t imm)
{
	tr__add_mem(t, OFF_PC, (int32_t)(t->pc_pend + imm));
	tr__add_mem(t, OFF_IC, t->ic_pend + 1);
	int64_t target = (int64_t)k + imm / 4;
	if (target < 0 || target >= 1024) {
		leave_page(t);
		return;
	}
	cmp_byte0(&t->e, R14, OFF_PG_VALID); /* R14: this page */
	jcc_to(&t->e, CC_Z, t->j->ret_leave);
	chain(t, (unsigned)target);
}

/* R13 = &c->utlb[c->mmu_idx][0], the micro-TLB of the current regime: set on entry
 * (cache.c) and after every handler call (a handler may change the regime) */
void tr__utlb_base(struct emit *e)
{
	mov_load(e, 0, RAX, RBX, OFF_MMU_IDX);
	imul_rri(e, RAX, RAX, (int32_t)(UTLB_SIZE * sizeof(struct utlb_ent)));
	lea(e, 1, R13, RBX, OFF_UTLB);
	alu_rr(e, 1, ALU_ADD, R13, RAX);
}

/* r = the micro-TLB entry of the page of the address in va (R13's regime) */
void tr__utlb_entry(struct tr *t, unsigned r, unsigned va)
{
	struct emit *e = &t->e;
	mov_rr(e, 1, r, va);
	shift_ri(e, 1, SH_SHR, r, 12);
	alu_ri(e, 0, ALU_AND, r, UTLB_SIZE - 1);
	imul_rri(e, r, r, (int32_t)sizeof(struct utlb_ent));
	alu_rr(e, 1, ALU_ADD, r, R13);
}

/* ---- operands ---- */

/* host r = Xn, or 0 for XZR (zr: register 31 is XZR, else SP) */
void tr__get(struct tr *t, unsigned r, unsigned n, bool zr)
{
	if (n == 31 && zr)
		zero(&t->e, r);
	else
		mov_load(&t->e, 1, r, RBX, OFF_X(n));
}

/* Xd = host r (zr: register 31 is XZR and the write is dropped). r already holds the
 * value zero-extended from 32 bits for W destinations. */
void tr__put(struct tr *t, unsigned r, unsigned d, bool zr)
{
	if (!(d == 31 && zr))
		mov_store(&t->e, 1, r, RBX, OFF_X(d));
}

/* BR, BLR, RET: the target from the register, retired as the run loop retires a
 * handler's X_BRANCH, and then what it would do: a target in the same page (bits 1:0
 * clear, else the fetch's alignment fault) of a valid page goes on at the block there
 * (or back to the loop to translate it), any other through leave_page. */
static void branch_reg(struct tr *t, const struct dent *d)
{
	struct emit *e = &t->e;
	uint32_t i = d->insn;
	tr__get(t, RAX, RN(i), true);
	mov_load(e, 1, RDX, RBX, OFF_PC);
	if (t->pc_pend)
		alu_ri(e, 1, ALU_ADD, RDX, t->pc_pend);            /* the branch's pc */
	if (BITS(i, 22, 21) == 1) { /* BLR: X30 = the next instruction */
		lea(e, 1, RCX, RDX, 4);
		mov_store(e, 1, RCX, RBX, OFF_X(30));
	}
	mov_store(e, 1, RAX, RBX, OFF_PC);
	tr__add_mem(t, OFF_IC, t->ic_pend + 1);
	alu_rr(e, 1, ALU_XOR, RDX, RAX);
	test_ri(e, 1, RDX, (int32_t)~0xffcu);
	jcc_to(e, CC_NZ, t->j->leave);
	cmp_byte0(e, R14, OFF_PG_VALID);
	jcc_to(e, CC_Z, t->j->ret_leave);
	mov_rr(e, 0, RCX, RAX);
	shift_ri(e, 0, SH_SHR, RCX, 2);
	alu_ri(e, 0, ALU_AND, RCX, 1023);
	mov_imm64(e, RDX, (uint64_t)(uintptr_t)t->jp->entry);
	e8(e, 0x48); e8(e, 0x8b); e8(e, 0x04); e8(e, 0xca); /* mov rax, [rdx + rcx*8] */
	test_rr(e, 1, RAX, RAX);
	jcc_to(e, CC_Z, t->j->ret_cont);
	jmp_r(e, RAX);
}

/* Any other instruction: its handler, with pc and icount in memory. */
static void call_handler(struct tr *t, const struct dent *d)
{
	tr__sync(t);
	mov_rr(&t->e, 1, RDI, RBX);
	mov_imm64(&t->e, RSI, (uint64_t)(uintptr_t)d);
	mov_imm64(&t->e, RAX, (uint64_t)(uintptr_t)d->fn);
	call_r(&t->e, RAX);
	test_rr(&t->e, 0, RAX, RAX);
	jcc_to(&t->e, CC_NZ, t->j->epilogue);
	tr__utlb_base(&t->e);
	if (t->j->fetch_lines)
		tr__valid_check(t);
}

/* ---- blocks ---- */

enum kind { K_CALL, K_ADDSUB_IMM, K_ADDSUB_SREG, K_LOGIC_SREG, K_LOGIC_IMM, K_MOVEWIDE,
	    K_CSEL, K_LDST, K_LDST_PAIR, K_ADR, K_BITFIELD, K_MADD, K_EXTR, K_ADDSUB_EREG,
	    K_NOP, K_CLREX, K_LDXR, K_STXR, K_LDAR_STLR, K_MRS, K_DP2, K_B, K_BR_REG, K_BL, K_BCOND, K_CBZ, K_TBZ, K_BR_OTHER };

/* The handlers of hints and barriers, as the decoder assigns them (found by decoding
 * a NOP and a DMB): a hint whose aux is not WFE, WFI, SEV or SEVL (2-5) does nothing
 * (NOP, YIELD, the PAC and BTI hints without those features); DSB and DMB (aux 4, 5)
 * do nothing in this single-threaded model; CLREX (2) clears the monitor. */
static insn_fn hint_fn, barrier_fn, mrs_fn, ldxr_fn, stxr_fn, ldar_fn, stlr_fn;

static void find_handlers(void)
{
	struct dent d;
	if (!hint_fn) {
		tr__flags_init();
		decode__insn(0xd503201fu, &d); /* NOP */
		hint_fn = d.fn;
		decode__insn(0xd5033bbfu, &d); /* DMB ISH */
		barrier_fn = d.fn;
		decode__insn(0xd538d080u, &d); /* MRS X0, TPIDR_EL1 */
		mrs_fn = d.fn;
		decode__insn(0xc85f7c20u, &d); /* LDXR X0, [X1] */
		ldxr_fn = d.fn;
		decode__insn(0xc8027c20u, &d); /* STXR W2, X0, [X1] */
		stxr_fn = d.fn;
		decode__insn(0xc8dffc20u, &d); /* LDAR X0, [X1] */
		ldar_fn = d.fn;
		decode__insn(0xc89ffc20u, &d); /* STLR X0, [X1] */
		stlr_fn = d.fn;
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
	/* the exclusives of one register (the pairs: their handler), LDAR, STLR */
	if (d->fn == ldxr_fn && !d->aux)
		return K_LDXR;
	if (d->fn == stxr_fn && !d->aux) /* --checks: its store noted inline (emit_mem.c) */
		return K_STXR;
	if (d->fn == ldar_fn || d->fn == stlr_fn)
		return K_LDAR_STLR;
	if (d->fn == mrs_fn && (i & 0xfff00000u) == 0xd5300000u)
		return K_MRS;
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
	if ((i & 0x7fe00000) == 0x1ac00000) /* data processing (2 source) */
		return K_DP2;
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

/* The condition an inlined instruction tests (B.cond, CSEL family), or -1 */
static int reads_cond(const struct dent *d)
{
	enum kind k = classify(d);
	if (k == K_BCOND)
		return (int)(d->insn & 15);
	if (k == K_CSEL)
		return (int)BITS(d->insn, 15, 12);
	return -1;
}

/* A conditional branch at k: CF (cc_taken) or a test; taken by d->imm. */
static void cond_branch(struct tr *t, unsigned k, unsigned cc_taken, int64_t imm)
{
	uint8_t *j = jcc(&t->e, cc_taken);
	int32_t pc = t->pc_pend, ic = t->ic_pend;
	if (t->defer_in)
		tr__finish_flags(t, t->defer_in);
	t->pc_pend += 4;
	t->ic_pend += 1;
	fall_through(t, k);
	patch_to(j, t->e.p);
	if (t->defer_in)
		tr__finish_flags(t, t->defer_in);
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
		cond_branch(t, k, t->defer_in ? (unsigned)t->defer_cc_in : tr__cond(t, i & 15), imm);
		return;
	case K_CBZ:
		tr__get(t, RAX, RD(i), true);
		test_rr(&t->e, BIT(i, 31), RAX, RAX);
		cond_branch(t, k, BIT(i, 24) ? CC_NZ : CC_Z, imm);
		return;
	case K_TBZ:
		tr__get(t, RAX, RD(i), true);
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

_Static_assert(JIT_MAX_BLOCK <= 64, "R15 = end - 63: the entry's fast test needs blocks of at most 64");

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
	/* entry: run only if the whole block fits in the budget (R12 = end). R15 = end - 63
	 * (0 when end < 63): below it any block fits (JIT_MAX_BLOCK); at or above it the
	 * exact test, out of line */
	x_mem(&t->e, 1, 0x39, R15, RBX, OFF_IC);                   /* cmp [icount], r15 */
	uint8_t *near_end = jcc(&t->e, CC_NC);
	uint8_t *body = t->e.p;
	if (j->fetch_lines)
		line_check(t);

	for (unsigned m = 0; m < n; m++) {
		unsigned k = idx + m;
		const struct dent *d = &pg->e[k];
		enum kind kind = classify(d);
		if (j->fetch_lines && m && k % 16 == 0) /* a new 64-byte line */
			line_check(t);
		t->cond_in_r11 = t->r11_next; /* the previous instruction left it */
		t->r11_next = false;
		t->defer_in = t->defer_next;
		t->defer_cc_in = t->defer_cc;
		t->defer_next = DEFER_NONE;
		t->next_cond = -1;
		t->next_bcond = false;
		if (m + 1 < n && !(j->fetch_lines && (k + 1) % 16 == 0)) { /* no line check between */
			t->next_cond = reads_cond(&pg->e[k + 1]);
			t->next_bcond = classify(&pg->e[k + 1]) == K_BCOND;
		}
		if (ends_block(kind)) {
			branch(t, d, kind, k);
			break;
		}
		switch (kind) {
		case K_ADDSUB_IMM: tr__addsub_imm(t, d); break;
		case K_ADDSUB_SREG: tr__addsub_sreg(t, d); break;
		case K_LOGIC_SREG: tr__logic_sreg(t, d); break;
		case K_LOGIC_IMM: tr__logic_imm(t, d); break;
		case K_MOVEWIDE: tr__movewide(t, d); break;
		case K_CSEL: tr__csel(t, d); break;
		case K_LDST: tr__ldst_single(t, d); break;
		case K_LDST_PAIR: tr__ldst_pair(t, d); break;
		case K_ADR: tr__adr(t, d); break;
		case K_BITFIELD: tr__bitfield(t, d); break;
		case K_MADD: tr__madd(t, d); break;
		case K_EXTR: tr__extr(t, d); break;
		case K_ADDSUB_EREG: tr__addsub_ereg(t, d); break;
		case K_LDXR: tr__ldxr(t, d); break;
		case K_STXR: tr__stxr(t, d); break;
		case K_LDAR_STLR: tr__ldar_stlr(t, d); break;
		case K_MRS:
		case K_DP2:
			if (!(kind == K_MRS ? tr__mrs(t, d) : tr__dp2(t, d))) {
				call_handler(t, d);
				t->pc_pend = t->ic_pend = 0;
			}
			break;
		case K_NOP: break;
		case K_CLREX:
			mov_mi8(&t->e, RBX, OFF_EXCL, 0);
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
	tr__slow_stubs(t);
	patch_to(near_end, t->e.p);
	mov_load(&t->e, 1, RAX, RBX, OFF_IC);
	alu_ri(&t->e, 1, ALU_ADD, RAX, (int32_t)n);
	alu_rr(&t->e, 1, ALU_CMP, RAX, R12);
	jcc_to(&t->e, CC_A, j->ret_cont);
	jmp_to(&t->e, body);

	void *code = jit__rx(j, t->entry);
	jit__perf_name(j, code, (size_t)(t->e.p - t->entry), "guest_pa_%llx",
		       (unsigned long long)(pg->pa + 4 * idx));
	j->used = (size_t)(t->e.p - j->rw);
	j->used = (j->used + 15) & ~(size_t)15;
	j->st.blocks++;
	j->st.code_bytes += (uint64_t)(t->e.p - t->entry);
	j->live++;
	jp->nblocks++;
	jp->entry[idx] = code;
	jit__resolve(j, jp, idx);
	free(t);
	return code;
}

