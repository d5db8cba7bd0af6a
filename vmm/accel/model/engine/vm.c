/* The model's VM: vCPUs, the decoded-page cache (one struct dpage per physical page of
 * RAM that holds executed code) and the fatal-error path. cpu/exec.c runs from it.
 *
 * Decoded pages are dropped by IC IVAU/IALLU(IS) and by any store to the page (the
 * micro-TLB never maps a code page for writing, so such stores take the slow path);
 * with --checks=strict by the IC instructions only (vm__store_to_code): a guest that
 * skips them runs the old instructions, as a real I-cache may let it.
 * A dropped page is only marked invalid and freed after the quantum, since the loop
 * may still be executing from it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem/mem.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "mem/xlat.h"
#include "jit/jit.h"

static const uint8_t no_irq;

struct model_vm *vm__new(uint8_t *ram, uint64_t ram_base, uint64_t ram_size, unsigned ncpus,
			 const struct model_env *env, void *opaque, const struct model_opts *opts)
{
	/* RAM in whole pages at a page boundary: per-page state (dpages, the micro-TLB)
	 * and mem.c's slow access take a page's first byte in RAM for all of it */
	if (ncpus == 0 || ncpus > MODEL_MAX_CPUS || ((ram_base | ram_size) & 0xfff)) {
		errno = EINVAL;
		return 0;
	}
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
	if (vm->opts.jit == MODEL_JIT_ON && !model__have_jit()) {
		xlat__vm_free(vm);
		free(vm);
		errno = EINVAL;
		return 0;
	}
#ifdef MODEL_HAVE_JIT
	/* --checks=strict and --caches keep the interpreter (cpu/exec.c) */
	bool fetch_lines = vm->opts.checks && !vm->opts.strict && !vm->opts.caches;
	if (vm->opts.jit != MODEL_JIT_OFF &&
	    !(vm->jit = jit__new((size_t)vm->opts.jit_cache_kib << 10, fetch_lines ? vm : 0))) {
		xlat__vm_free(vm);
		free(vm);
		return 0;
	}
#endif
	vm->ncpus = ncpus;
	vm->quantum = 10000;
	vm->cntfrq = MODEL_CNTFRQ;
	vm->dpages = calloc(ram_size >> 12, sizeof(*vm->dpages));
	if (!vm->dpages) {
		vm__free(vm); /* and xlat's state */
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
#ifdef MODEL_HAVE_JIT
		jit__page_free(vm->jit, p->jit); /* its translations go with it */
#endif
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
#ifdef MODEL_HAVE_JIT
	jit__free(vm->jit);
#endif
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

struct dpage *vm__decode_page(struct model_vm *vm, uint64_t pa)
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
	p->jit = 0;
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
