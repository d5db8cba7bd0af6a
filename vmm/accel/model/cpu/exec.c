/* The run loop of one vCPU.
 *
 * Instruction fetch translates the PC's page (through the fetch micro-TLB, else
 * xlat.c) to a RAM page, whose 1024 instructions are decoded once into a struct dpage
 * (engine/vm.c). The loop then calls handler after handler, falling through inside the
 * page and following branches that stay in it, until the page ends, a branch leaves
 * it, an exception or context change happens, or the budget is spent. */
#include "mem/mem.h"
#include "engine/vm.h"
#include "mem/xlat.h"
#include "jit/jit.h"

/* The decoded page holding c->pc, or NULL with *r set (an abort was taken, or stop). */
static struct dpage *fetch(struct cpu *c, int *r)
{
	uint64_t pc = c->pc, tag = (pc & ~0xfffull) | c->mmu_idx;
	struct itlb_ent *e = &c->itlb[(pc >> 12) % ITLB_SIZE];
	struct xlat_out o;
	struct xlat_fault f;

	if (pc & 3) {
		*r = exc__sync(c, EC_PC_ALIGN, 0, pc);
		return 0;
	}
	if (e->tag == tag && e->gen == c->utlb_gen && e->page && e->page->valid) {
		c->st.itlb_hits++;
		return e->page;
	}
	c->st.itlb_misses++;
	if (xlat__translate(c, pc, c->mmu_idx, ACC_EXEC, &o, &f)) {
		*r = exc__sync(c, c->el ? EC_IABT_CUR : EC_IABT_LOW, f.fsc | (f.s1ptw ? ISS_S1PTW : 0), pc);
		return 0;
	}
	uint64_t pa = o.pa & ~0xfffull;
	if (o.device || !vm__ram(c->vm, pa, 4096)) {
		/* executing from a device or from nothing: synchronous external abort */
		*r = exc__sync(c, c->el ? EC_IABT_CUR : EC_IABT_LOW, FSC_SEA, pc);
		return 0;
	}
	struct dpage *p = c->vm->dpages[(pa - c->vm->ram_base) >> 12];
	if (!p && !(p = vm__decode_page(c->vm, pa))) {
		*r = vm__fatal(c->vm, "model: out of memory decoding guest code at PA 0x%llx",
			       (unsigned long long)pa);
		return 0;
	}
	if (o.cacheable_fast) {
		e->tag = tag;
		e->gen = c->utlb_gen;
		e->page = p;
	}
	return p;
}

static bool irq_deliverable(const struct cpu *c)
{
	return *c->irq_line && !(c->daif & DAIF_I);
}

/* Execute from pg at c->pc until the page ends, a branch leaves it, an exception or
 * context change, or end. Returns -1 to fetch again, or what cpu__run returns.
 * instrumented (checks or caches attached): each 64-byte line entered is reported as a
 * fetch (I-cache check, I-cache model), and a page dropped under the loop (a store to
 * code) ends the block at once. A constant at each call, so the fast copy has none of it.
 * line: the last line reported (pc >> 6), ~0 for none (translated code may have run
 * before, run_jit). */
static inline __attribute__((always_inline)) int
run_block(struct cpu *c, struct dpage *pg, uint64_t end, bool instrumented, uint64_t line)
{
	uint64_t pbase = c->pc & ~0xfffull;
	const struct dent *d = &pg->e[(c->pc >> 2) & 1023], *lim = &pg->e[1024];
	int r;
	for (;;) {
		if (instrumented) {
			if ((c->pc >> 6) != line) {
				line = c->pc >> 6;
				xlat__fetch_line(c, c->pc, pg->pa | (c->pc & 0xfc0));
				if (c->vm->stop)
					return X_STOP;
			}
		}
		r = d->fn(c, d);
		c->icount++;
		if (likely(r == X_NEXT)) {
			c->pc += 4;
			if (++d == lim || c->icount >= end || (instrumented && !pg->valid))
				return -1;
			continue;
		}
		if (r == X_BRANCH) {
			if (((c->pc ^ pbase) & ~0xffcull) == 0 && c->icount < end && pg->valid) {
				d = &pg->e[(c->pc >> 2) & 1023];
				continue;
			}
			return -1;
		}
		if (r == X_EXC)
			return -1;
		if (r == X_CTX) {
			c->pc += 4;
			return -1;
		}
		if (r == X_WAIT) {
			c->pc += 4;
			c->waiting = true;
			return X_WAIT;
		}
		return X_STOP;
	}
}

#ifdef MODEL_HAVE_JIT
/* run_block through translated code (jit/): the same exits at the same instructions.
 * Translated blocks chain inside the page as the interpreter's loop stays in it; the
 * run loop sees the same returns (page left or ended, exception, context change,
 * budget), so interrupts and PMU samples fall on the same instructions. A direct
 * branch out of the page goes straight into the next page's block only when this loop
 * would do nothing else than fetch it (translate.c, leave_page: the same tests, the
 * same fetch micro-TLB hit counted); pg and pbase then follow it. A block runs only
 * when the whole of it fits in the budget; the tail of the budget is interpreted.
 * instrumented (--checks, jit__fetch_lines): the translated code reports the lines it
 * enters and leaves when its page is dropped, as run_block's instrumented copy; the
 * last line reported goes through it and on to an interpreted tail. */
static inline __attribute__((always_inline)) int
run_jit(struct cpu *c, struct dpage *pg, uint64_t end, bool cross, bool instrumented)
{
	uint64_t pbase = c->pc & ~0xfffull, line = ~0ull;
	for (;;) {
		void *code = jit__lookup(c->vm->jit, pg, (c->pc >> 2) & 1023);
		if (!code)
			return run_block(c, pg, end, instrumented, line);
		uint64_t before = c->icount;
		int r = jit__enter(c->vm->jit, c, code, end, cross, &pg, &pbase, &line);
		c->st.jit_insns += c->icount - before;
		if (r == JX_CONT) { /* in the page, at a block not translated yet or not fitting */
			if (c->icount >= end)
				return -1;
			if (c->icount == before) /* did not fit: the tail of the budget, interpreted */
				return run_block(c, pg, end, instrumented, line);
			continue;
		}
		if (r == JX_LEAVE)
			return -1;
		if (r == JX_STOP) /* the VM stopped at a line's fetch check */
			return X_STOP;
		/* the handler of the instruction at c->pc returned r: as run_block */
		c->icount++;
		c->st.jit_insns++;
		switch (r) {
		case X_BRANCH:
			if (((c->pc ^ pbase) & ~0xffcull) == 0 && c->icount < end && pg->valid)
				continue;
			return -1;
		case X_EXC:
			return -1;
		case X_CTX:
			c->pc += 4;
			return -1;
		case X_WAIT:
			c->pc += 4;
			c->waiting = true;
			return X_WAIT;
		default:
			return X_STOP;
		}
	}
}
#endif

/* One instruction with the self-hosted debug checks (cpu/debug.c), in the priority
 * order of Arm ARM D1.3.5: a pending Software Step exception, then the fetch (PC
 * alignment, Instruction Abort), breakpoints, the Illegal Execution state, and the
 * instruction. Returns -1 to go on, or what cpu__run returns. */
static int run_debug_one(struct cpu *c)
{
	int r;
	if (debug__step_pending(c) >= 0) {
		c->icount++;
		return -1;
	}
	bool stepping = (c->sr.mdscr_el1 & MDSCR_SS) && c->ss; /* active-not-pending */
	struct dpage *pg = fetch(c, &r);
	if (!pg || debug__breakpoint(c) >= 0) {
		c->icount++;
		return pg || r != X_STOP ? -1 : X_STOP;
	}
	if (c->il) {
		c->icount++;
		exc__sync(c, EC_ILLEGAL, 0, 0);
		return -1;
	}
	const struct dent *d = &pg->e[(c->pc >> 2) & 1023];
	if (c->slow_fetch) {
		xlat__fetch_line(c, c->pc, pg->pa | (c->pc & 0xfc0));
		if (c->vm->stop)
			return X_STOP;
	}
	if (stepping)
		debug__before_insn(c, d->insn);
	r = d->fn(c, d);
	c->icount++;
	if (stepping)
		debug__stepped(c, d->insn, r);
	switch (r) {
	case X_NEXT: case X_CTX: c->pc += 4; return -1;
	case X_BRANCH: case X_EXC: return -1;
	case X_WAIT: c->pc += 4; c->waiting = true; return X_WAIT;
	default: return X_STOP;
	}
}

/* Run until budget instructions retired, or a wait or stop. */
int cpu__run(struct cpu *c, uint64_t budget)
{
	uint64_t end = c->icount + budget;
	int r;
	while (c->icount < end) {
		if (unlikely(c->vm->stop))
			return X_STOP;
		if (irq_deliverable(c))
			exc__take(c, EXC_IRQ, 0, 0, c->pc);
		/* breakpoints or software step: one instruction at a time, checked */
		if (unlikely(c->sr.mdscr_el1 & (MDSCR_SS | MDSCR_MDE)) && debug__enabled(c)) {
			if ((r = run_debug_one(c)) >= 0)
				return r;
			if (unlikely(c->pmu.live) && (c->icount >= c->pmu.deadline || c->pmu.poll))
				pmu__sync(c);
			continue;
		}
		if (unlikely(c->il)) { /* Illegal Execution state (Arm ARM D1.4.5) */
			c->icount++;
			exc__sync(c, EC_ILLEGAL, 0, 0);
			continue;
		}
		struct dpage *pg = fetch(c, &r);
		if (!pg) {
			c->icount++;
			if (r == X_STOP)
				return X_STOP;
			continue;
		}
		/* the PMU: stop at the instruction where a counter overflows */
		uint64_t stop = end;
		if (unlikely(c->pmu.live) && c->pmu.deadline < stop)
			stop = c->pmu.deadline > c->icount ? c->pmu.deadline : c->icount + 1;
#ifdef MODEL_HAVE_JIT
		if (c->vm->jit && !c->slow_fetch)
			r = run_jit(c, pg, stop, stop == end, false);
		else if (c->vm->jit && jit__fetch_lines(c->vm->jit)) /* --checks */
			r = run_jit(c, pg, stop, stop == end, true);
		else
#endif
		if (unlikely(c->slow_fetch)) /* --checks=strict, --caches, or no translator */
			r = run_block(c, pg, stop, true, ~0ull);
		else
			r = run_block(c, pg, stop, false, ~0ull);
		if (unlikely(c->pmu.live) && (c->icount >= c->pmu.deadline || c->pmu.poll))
			pmu__sync(c);
		if (r >= 0)
			return r;
	}
	return X_NEXT;
}
