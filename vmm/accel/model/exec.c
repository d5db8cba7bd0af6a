/* The run loop of one vCPU and the decoded-instruction cache.
 *
 * Instruction fetch translates the PC's page (through the fetch micro-TLB, else
 * xlat.c) to a RAM page, whose 1024 instructions are decoded once into a struct dpage.
 * The loop then calls handler after handler, falling through inside the page and
 * following branches that stay in it, until the page ends, a branch leaves it, an
 * exception or context change happens, or the budget is spent.
 *
 * Decoded pages are dropped by IC IVAU/IALLU(IS) and by any store to the page (the
 * micro-TLB never maps a code page for writing, so such stores take the slow path).
 * A dropped page is only marked invalid and freed after the quantum, since the loop
 * may still be executing from it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem.h"
#include "vm.h"
#include "xlat.h"

static const uint8_t no_irq;

struct model_vm *vm__new(uint8_t *ram, uint64_t ram_base, uint64_t ram_size, unsigned ncpus,
			 const struct model_env *env, void *opaque, const struct model_opts *opts)
{
	struct model_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return 0;
	if (opts)
		vm->opts = *opts;
	decode__init();
	vm->env = env;
	vm->env_opaque = opaque;
	vm->ram = ram;
	vm->ram_base = ram_base;
	vm->ram_size = ram_size;
	if (xlat__vm_init(vm)) {
		free(vm);
		return 0;
	}
	vm->ncpus = ncpus;
	vm->quantum = 10000;
	vm->dpages = calloc(ram_size >> 12, sizeof(*vm->dpages));
	if (!vm->dpages) {
		free(vm);
		return 0;
	}
	for (unsigned k = 0; k < ncpus; k++) {
		struct cpu *c = aligned_alloc(64, (sizeof(struct cpu) + 63) & ~63ul);
		if (!c) {
			vm__free(vm);
			return 0;
		}
		memset(c, 0, sizeof(*c));
		c->vm = vm;
		c->index = k;
		c->vtime = &vm->vtime;
		c->irq_line = &no_irq;
		vm->cpu[k] = c;
		if (xlat__cpu_init(c)) {
			vm__free(vm);
			return 0;
		}
		cpu__reset(c);
	}
	return vm;
}

void vm__free_dead(struct model_vm *vm)
{
	if (!vm->dead)
		return;
	/* fetch TLBs may still point at the dead pages */
	for (unsigned k = 0; k < vm->ncpus; k++)
		for (unsigned i = 0; i < ITLB_SIZE; i++)
			vm->cpu[k]->itlb[i].page = 0;
	while (vm->dead) {
		struct dpage *p = vm->dead;
		vm->dead = p->next_dead;
		free(p);
	}
}

void vm__free(struct model_vm *vm)
{
	if (!vm)
		return;
	vm__invalidate_all_code(vm);
	vm__free_dead(vm);
	for (unsigned k = 0; k < vm->ncpus; k++) {
		if (vm->cpu[k])
			xlat__cpu_free(vm->cpu[k]);
		free(vm->cpu[k]);
	}
	xlat__vm_free(vm);
	free(vm->dpages);
	free(vm->live);
	free(vm);
}

void vm__invalidate_code(struct model_vm *vm, uint64_t pa)
{
	if (pa < vm->ram_base || pa - vm->ram_base >= vm->ram_size)
		return;
	struct dpage **slot = &vm->dpages[(pa - vm->ram_base) >> 12];
	struct dpage *p = *slot;
	if (!p)
		return;
	*slot = 0;
	vm->decode_dropped++;
	p->valid = false;
	p->next_dead = vm->dead;
	vm->dead = p;
}

/* IC IALLU: every decoded page, found through the list of pages ever decoded since the
 * last one (entries of pages dropped meanwhile are skipped), not a scan of all RAM. */
void vm__invalidate_all_code(struct model_vm *vm)
{
	for (size_t k = 0; k < vm->nlive; k++)
		if (vm->dpages[vm->live[k]])
			vm__invalidate_code(vm, vm->ram_base + ((uint64_t)vm->live[k] << 12));
	vm->nlive = 0;
}

static bool note_live(struct model_vm *vm, uint32_t pfn)
{
	if (vm->nlive == vm->live_cap) {
		/* first drop the entries of pages no longer decoded */
		size_t n = 0;
		for (size_t k = 0; k < vm->nlive; k++)
			if (vm->dpages[vm->live[k]])
				vm->live[n++] = vm->live[k];
		vm->nlive = n;
	}
	if (vm->nlive == vm->live_cap) {
		size_t cap = vm->live_cap ? 2 * vm->live_cap : 1024;
		uint32_t *l = realloc(vm->live, cap * sizeof(*l));
		if (!l)
			return false;
		vm->live = l;
		vm->live_cap = cap;
	}
	vm->live[vm->nlive++] = pfn;
	return true;
}

static struct dpage *decode_page(struct model_vm *vm, uint64_t pa)
{
	uint32_t pfn = (uint32_t)((pa - vm->ram_base) >> 12);
	struct dpage *p = malloc(sizeof(*p));
	if (!p || !note_live(vm, pfn)) {
		free(p);
		return 0;
	}
	const uint8_t *src = vm__ram(vm, pa, 4096);
	p->pa = pa;
	p->valid = true;
	p->next_dead = 0;
	for (unsigned k = 0; k < 1024; k++) {
		uint32_t insn;
		memcpy(&insn, src + 4 * k, 4);
		decode__insn(insn, &p->e[k]);
	}
	vm->dpages[(pa - vm->ram_base) >> 12] = p;
	vm->decoded++;
	/* stores to this page must now take the slow path: drop write mappings */
	for (unsigned k = 0; k < vm->ncpus; k++)
		mem__flush_data(vm->cpu[k]);
	return p;
}

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
		*r = exc__sync(c, c->el ? EC_IABT_CUR : EC_IABT_LOW, f.fsc | (f.s1ptw << 7), pc);
		return 0;
	}
	uint64_t pa = o.pa & ~0xfffull;
	if (o.device || !vm__ram(c->vm, pa, 4096)) {
		/* executing from a device or from nothing: synchronous external abort */
		*r = exc__sync(c, c->el ? EC_IABT_CUR : EC_IABT_LOW, 0x10, pc);
		return 0;
	}
	struct dpage *p = c->vm->dpages[(pa - c->vm->ram_base) >> 12];
	if (!p && !(p = decode_page(c->vm, pa))) {
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
	return *c->irq_line && !(c->daif & (1u << 7));
}

/* Execute from pg at c->pc until the page ends, a branch leaves it, an exception or
 * context change, or end. Returns -1 to fetch again, or what cpu__run returns.
 * instrumented (checks or caches attached): each 64-byte line entered is reported as a
 * fetch (I-cache check, I-cache model), and a page dropped under the loop (a store to
 * code) ends the block at once. A constant at each call, so the fast copy has none of it. */
static inline __attribute__((always_inline)) int
run_block(struct cpu *c, struct dpage *pg, uint64_t end, bool instrumented)
{
	uint64_t pbase = c->pc & ~0xfffull, line = ~0ull;
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
		r = unlikely(c->slow_fetch) ? run_block(c, pg, end, true) : run_block(c, pg, end, false);
		if (r >= 0)
			return r;
	}
	return X_NEXT;
}

int vm__fatal(struct model_vm *vm, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (vm->env->fatal)
		vm->env->fatal(vm->env_opaque, msg);
	vm->stop = true;
	return X_STOP;
}
