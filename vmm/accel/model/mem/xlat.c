/* The CPU's one door to the mmu/ model: each vCPU has an mmu_ctx (regime decoded from
 * its system registers, its TLB, the shared Inner Shareable domain). Translations,
 * TLBI, AT and cache maintenance by VA go through here.
 *
 * The micro-TLBs (mem.h) and fetch TLB (exec.c) are kept a subset of the mmu TLB:
 * they are flushed whenever TLB entries may go away in bulk -- any TLBI (on every vCPU
 * it reaches), any change of translation registers -- and, through the TLB's eviction
 * hook, drop the pages of each entry the TLB model evicts from any level (an entry
 * still in the other level is simply refilled from there). A micro-TLB write
 * mapping is only made by a write translation (so hardware dirty-state updates are
 * done by the walk, never skipped).
 *
 * Stage 2 is on (HCR_EL2.VM = 1) with the VMM's tables of stage2.c: RAM is mapped,
 * everything else faults at stage 2 and becomes MMIO on the bus (docs/model.md). */
#include <errno.h>
#include <stdio.h> /* snprintf */
#include <stdlib.h>

#include <mmu/mmu.h>

#include "mem/mem.h"
#include "mem/stage2.h"
#include "engine/vm.h"
#include "mem/xlat.h"

struct xlat_vm {
	struct mmu_domain domain;
	struct stage2 s2;
	struct mmu_check *check;   /* NULL unless --checks */
	struct mmu_cache *l2;      /* NULL unless --caches: the L2 all vCPUs share */
	struct model_vm *vm;
	uint64_t *touched;         /* one bit per RAM page the guest's translations reached */
	uint64_t ntouched;
	/* --checks: one bit per RAM page a walk (or a check) read a descriptor from; a
	 * store over a valid word there flushes every micro-TLB (see xlat__check_store) */
	uint64_t *table_pages;
};

/* --checks=strict: the TLB keeps what it evicts, up to this many entries per vCPU
 * (about 100 bytes each, allocated as used); beyond, entries leave as usual, said once */
#define STRICT_TLB_KEEP (1u << 20)

struct xlat_cpu {
	/* --checks: per data micro-TLB slot, its tag when a write translation filled it
	 * (the write allowed), else ~0 (mem.c: checked stores) */
	uint64_t cwtag[MMU_NIDX][UTLB_SIZE];
	/* --checks: per regime, pages (VA | generation, direct-mapped by VA page) whose
	 * fetch translation passed the stale check since the last flush: lines entered in
	 * them need only the I-cache check */
	uint64_t fetch_checked[MMU_NIDX][XLAT_FETCH_CHECKED];
	struct mmu_ctx ctx;
	struct mmu_tlb *tlb;
	bool keep_full_said;       /* the full keep store was reported */
	struct mmu_caches caches;  /* L1I, L1D of this vCPU and the shared L2 (--caches) */
};

static const char *const check_names[] = {
	[MMU_CHECK_STALE_TLB] = "stale translation", [MMU_CHECK_BBM] = "break-before-make",
	[MMU_CHECK_ICACHE] = "I-cache coherence", [MMU_CHECK_CONTIG] = "Contiguous range",
	[MMU_CHECK_ASID_REUSE] = "ASID reuse",
};

_Static_assert(sizeof(check_names) / sizeof(check_names[0]) == MMU_CHECK_KINDS,
	       "a name for every mmu/ check kind");
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(XLAT_CHECK_STALE_TLB, MMU_CHECK_STALE_TLB) && SAME(XLAT_CHECK_BBM, MMU_CHECK_BBM) &&
	       SAME(XLAT_CHECK_ICACHE, MMU_CHECK_ICACHE) &&
	       SAME(XLAT_CHECK_CONTIG, MMU_CHECK_CONTIG) &&
	       SAME(XLAT_CHECK_ASID_REUSE, MMU_CHECK_ASID_REUSE) && SAME(XLAT_CHECK_KINDS, MMU_CHECK_KINDS),
	       "enum xlat_check_kind mirrors enum mmu_check_kind");

static const char *access_name(enum mmu_access a)
{
	return a == MMU_WRITE ? "write" : a == MMU_FETCH ? "fetch" : "read";
}

/* "0x... (func+0x1c)", or the bare address without --symbols or a symbol. */
static const char *addr_name(struct model_vm *vm, uint64_t a, char *buf, size_t n)
{
	char sym[128];
	if (vm->env->symbolize && vm->env->symbolize(vm->env_opaque, a, sym, sizeof(sym)) == 0)
		snprintf(buf, n, "0x%llx (%s)", (unsigned long long)a, sym);
	else
		snprintf(buf, n, "0x%llx", (unsigned long long)a);
	return buf;
}

/* "vCPU 1 at pc 0x... (func+0x10), from 0x... (caller+0x40)": a store's place (x30 is
 * the caller's return address when the store is in a leaf function: memcpy, ...). */
static void where_text(struct model_vm *vm, const struct mmu_check_where *w, char *buf, size_t n)
{
	char pc[160], lr[160];
	snprintf(buf, n, "vCPU %u at pc %s, from %s", w->pe, addr_name(vm, w->pc, pc, sizeof(pc)),
		 addr_name(vm, w->lr, lr, sizeof(lr)));
}

/* One line per report, to the environment: what, who and where (vCPU, its PC
 * symbolised), the access (VA, IPA, PA), which descriptor (address, stage, level, old ->
 * new value), the store behind it (the writer of a descriptor or code line; for a
 * deferred break-before-make finding, the store and the vCPU that reused the ASID). */
static void format_report(struct model_vm *vm, const struct mmu_check_report *r, char *line,
			  size_t n)
{
	char pcs[160], desc[200] = "", more[400] = "", ipa[32] = "", asid[24] = "", w[360];
	uint64_t pc = r->at.known ? r->at.pc : r->pe < vm->ncpus ? vm->cpu[r->pe]->pc : 0;
	if (r->kind == MMU_CHECK_ASID_REUSE)
		snprintf(desc, sizeof(desc), ", entry walked from TTBR0 tables at 0x%llx, TTBR0 now 0x%llx",
			 (unsigned long long)r->old_desc, (unsigned long long)r->new_desc);
	else if (r->kind != MMU_CHECK_ICACHE)
		snprintf(desc, sizeof(desc), ", S%u L%u descriptor at PA 0x%llx: 0x%016llx -> 0x%016llx",
			 r->stage, r->level, (unsigned long long)r->desc_pa,
			 (unsigned long long)r->old_desc, (unsigned long long)r->new_desc);
	if (r->ipa) /* 0: the checker did not know it (guest RAM starts at 1 GiB) */
		snprintf(ipa, sizeof(ipa), " IPA 0x%llx", (unsigned long long)r->ipa);
	if ((r->kind == MMU_CHECK_STALE_TLB || r->kind == MMU_CHECK_BBM ||
	     r->kind == MMU_CHECK_ASID_REUSE) && !r->global)
		snprintf(asid, sizeof(asid), " ASID %u", r->asid);
	if (r->deferred) {
		snprintf(more, sizeof(more), "; found when vCPU %u used ASID %u again with no TLBI",
			 r->use_pe, r->asid);
	} else if (r->writer.known && r->kind != MMU_CHECK_BBM && r->kind != MMU_CHECK_CONTIG) {
		where_text(vm, &r->writer, w, sizeof(w));
		snprintf(more, sizeof(more), "; %s %s",
			 r->kind == MMU_CHECK_ASID_REUSE ? "switched to this ASID and tables by" :
			 r->kind == MMU_CHECK_ICACHE ? "code last written by" :
			 "descriptor last written by", w);
	}
	snprintf(line, n, "%s: vCPU %u pc %s %s VA 0x%llx%s PA 0x%llx%s%s%s: %s",
		 xlat__check_name((enum xlat_check_kind)r->kind), r->pe,
		 addr_name(vm, pc, pcs, sizeof(pcs)), access_name(r->access),
		 (unsigned long long)r->va, ipa, (unsigned long long)r->pa, asid, desc, more,
		 r->what ? r->what : "");
}

static void check_report(void *opaque, const struct mmu_check_report *r)
{
	struct xlat_vm *x = opaque;
	struct model_vm *vm = x->vm;
	char line[1000] = "";
	/* past the rate limit a report is only counted: the line is not worth making */
	if (!vm->env->check_quiet || !vm->env->check_quiet(vm->env_opaque, r->kind))
		format_report(vm, r, line, sizeof(line));
	if (vm->env->check_report)
		vm->env->check_report(vm->env_opaque, (enum xlat_check_kind)r->kind, line);
	if (vm->opts.checks == MODEL_CHECKS_STOP && !vm->stop) {
		vm->stop = true;
		if (vm->env->check_stop)
			vm->env->check_stop(vm->env_opaque);
	}
}

/* Where a vCPU is, for the checks to note at a store: its PC and x30. */
static void check_where(void *opaque, unsigned pe, uint64_t *pc, uint64_t *lr)
{
	struct xlat_vm *x = opaque;
	struct cpu *c = pe < x->vm->ncpus ? x->vm->cpu[pe] : 0;
	*pc = c ? c->pc : 0;
	*lr = c ? c->x[30] : 0;
}

#define MODEL_PA_BITS 48
#define MMFR0_PARANGE_48 5
/* the lines the guest is told of (CTR_EL0.IminLine, DminLine) are the cache model's */
_Static_assert((CTR_EL0_VAL & 0xf000f) == (MMU_CTR_DEFAULT & 0xf000f),
	       "CTR_EL0 line sizes differ from the cache model's");

/* Physical memory as the walker sees it: guest RAM, and the VMM's stage-2 tables. */
static inline __attribute__((always_inline)) void *phys8(struct model_vm *vm, uint64_t pa)
{
	if (pa & 7)
		return 0;
	void *p = vm__ram(vm, pa, 8);
	return p ? p : stage2__ptr(&vm->xlat->s2, pa);
}

/* A RAM page the guest reached through stage 2 (a walk's read, a translation's
 * output): counted once, for --stats (docs/stage2.md: in lazy mode, one first-touch
 * fault per page). The micro-TLBs only hold pages translated here first. Inline: every
 * translation makes one. */
static inline __attribute__((always_inline)) void touch(struct model_vm *vm, uint64_t pa)
{
	struct xlat_vm *x = vm->xlat;
	uint64_t off = pa - vm->ram_base, n = off >> 12; /* below RAM: off wraps */
	if (off >= vm->ram_size || (x->touched[n / 64] & (1ull << (n % 64))))
		return;
	x->touched[n / 64] |= 1ull << (n % 64);
	x->ntouched++;
}

uint64_t xlat__pages_touched(const struct model_vm *vm)
{
	return vm->xlat->ntouched;
}

/* --checks: pa holds a descriptor a walk read (sticky: pages that stop being tables
 * only cost flushes). The micro-TLBs map only other pages for writing (mem.c, fill):
 * a new table page drops every vCPU's write mappings, so that from now on each store
 * there comes to xlat__check_store (break-before-make, the micro-TLB flush). */
static void mark_table_page(struct model_vm *vm, uint64_t pa)
{
	struct xlat_vm *x = vm->xlat;
	uint64_t n = (pa - vm->ram_base) >> 12;
	if (x->table_pages && pa >= vm->ram_base && pa - vm->ram_base < vm->ram_size &&
	    !(x->table_pages[n / 64] & (1ull << (n % 64)))) {
		x->table_pages[n / 64] |= 1ull << (n % 64);
		for (unsigned k = 0; k < vm->ncpus; k++)
			mem__flush_data(vm->cpu[k]);
	}
}

bool xlat__is_table_page(const struct model_vm *vm, uint64_t pa)
{
	const struct xlat_vm *x = vm->xlat;
	uint64_t n = (pa - vm->ram_base) >> 12;
	return pa >= vm->ram_base && pa - vm->ram_base < vm->ram_size &&
	       (x->table_pages[n / 64] & (1ull << (n % 64)));
}

/* The callbacks' opaque is the vCPU (mmu/ counts the walks' reads itself). */
static int ram_read64(void *opaque, uint64_t pa, uint64_t *val)
{
	struct cpu *c = opaque;
	void *p = phys8(c->vm, pa);
	if (!p)
		return -EFAULT;
	touch(c->vm, pa);
	if (c->checks)
		mark_table_page(c->vm, pa);
	memcpy(val, p, 8);
	return 0;
}

static int ram_cmpxchg64(void *opaque, uint64_t pa, uint64_t *expected, uint64_t desired)
{
	struct cpu *c = opaque;
	uint64_t cur;
	void *p = phys8(c->vm, pa);
	if (!p)
		return -EFAULT;
	touch(c->vm, pa);
	if (c->checks)
		mark_table_page(c->vm, pa);
	memcpy(&cur, p, 8);
	if (cur != *expected) {
		*expected = cur;
		return 1;
	}
	memcpy(p, &desired, 8);
	return 0;
}

_Static_assert(MMU_TLBI_KINDS <= sizeof(((struct cpu_stats *)0)->tlbi) /
	       sizeof(((struct cpu_stats *)0)->tlbi[0]), "cpu_stats.tlbi counts every mmu/ TLBI kind");

static const struct mmu_mem_ops ram_ops = { ram_read64, ram_cmpxchg64 };

uint64_t xlat__mmfr0(void)
{
	/* PARange 48 bits (MODEL_PA_BITS), 16-bit ASIDs, 4K and 16K and 64K granules */
	_Static_assert(MODEL_PA_BITS == 48, "PARange says 48 bits");
	return MMFR0_PARANGE_48 | (2ull << 4) | (1ull << 20) | (0ull << 24) | (0ull << 28);
}

uint64_t xlat__mmfr1(void)
{
	return 2ull; /* HAFDBS: hardware Access flag and dirty state */
}

/* Cache geometry of --caches: 32 KiB 4-way L1I and L1D per vCPU, 1 MiB 8-way L2
 * shared by all, 64-byte lines (CTR_EL0). */
static const struct mmu_cache_geom l1_geom = { 128, 4, 0 }, l2_geom = { 2048, 8, 0 };

int xlat__vm_init(struct model_vm *vm)
{
	struct xlat_vm *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->vm = vm;
	x->touched = calloc((vm->ram_size / 4096 + 63) / 64, 8);
	if (!x->touched) {
		free(x);
		return -ENOMEM;
	}
	int err = stage2__build(&x->s2, vm->ram_base, vm->ram_size,
				(enum stage2_mode)vm->opts.stage2, vm->opts.dirty_log);
	/* test only: the VMM changes its stage 2 without break-before-make, for the
	 * checks to report (tests/model, docs/stage2.md) */
	const char *nobbm = getenv("VMM_TEST_STAGE2_NO_BBM");
	x->s2.no_bbm = nobbm && *nobbm == '1';
	if (!err && vm->opts.checks &&
	    !(x->table_pages = calloc((vm->ram_size / 4096 + 63) / 64, 8)))
		err = -ENOMEM;
	if (!err && vm->opts.checks) {
		struct mmu_check_config cfg = { .report = check_report, .opaque = x,
						.ctr_el0 = MMU_CTR_DEFAULT, .where = check_where,
						.flat_base = vm->ram_base, .flat_size = vm->ram_size };
		x->check = mmu__check_create(&cfg);
		x->domain.check = x->check;
		err = x->check ? 0 : -ENOMEM;
	}
	if (!err && vm->opts.caches && !(x->l2 = mmu__cache_create(&l2_geom, MMU_CTR_DEFAULT, false)))
		err = -ENOMEM;
	vm->xlat = x;
	if (err)
		xlat__vm_free(vm);
	return err;
}

void xlat__vm_free(struct model_vm *vm)
{
	struct xlat_vm *x = vm->xlat;
	if (x) {
		stage2__free(&x->s2);
		free(x->touched);
		free(x->table_pages);
		if (x->check)
			mmu__check_destroy(x->check);
		if (x->l2)
			mmu__cache_destroy(x->l2);
	}
	free(vm->xlat);
	vm->xlat = 0;
}

static int caches_init(struct xlat_cpu *x, struct mmu_cache *l2)
{
	x->caches.l1i = mmu__cache_create(&l1_geom, MMU_CTR_DEFAULT, true);
	x->caches.l1d = mmu__cache_create(&l1_geom, MMU_CTR_DEFAULT, false);
	x->caches.l2 = l2;
	x->caches.ctr_el0 = MMU_CTR_DEFAULT;
	x->ctx.caches = &x->caches;
	return x->caches.l1i && x->caches.l1d ? 0 : -ENOMEM;
}

/* --checks=strict: the keep store just became full (said once; out of line, so that
 * the eviction hook below needs no frame for its line). */
static __attribute__((noinline, cold)) void keep_full(struct cpu *c)
{
	struct model_vm *vm = c->vm;
	char line[200];
	c->xlat->keep_full_said = true;
	snprintf(line, sizeof(line), "--checks=strict: vCPU %u's TLB keep store is full "
		 "(%u entries): from now on its evicted entries leave the TLB as without "
		 "strict", c->index, STRICT_TLB_KEEP);
	if (vm->env->check_report)
		vm->env->check_report(vm->env_opaque, XLAT_CHECK_KINDS, line);
}

/* The TLB model evicted e: drop what it translated from the micro-TLBs. Stage-2-only
 * and walk-cache entries translate no VA the micro-TLBs hold. */
static void tlb_evicted(void *opaque, enum mmu_tlb_which which, const struct mmu_tlb_entry *e)
{
	struct cpu *c = opaque;
	const struct mmu_tlb *t = c->xlat->tlb;
	(void)which;
	if (unlikely(t->keep) && t->keep_stats.dropped == 1 && !c->xlat->keep_full_said)
		keep_full(c);
	if (e->table || (e->tag & 3) == MMU_TLB_S2)
		return;
	mem__drop(opaque, e->va, e->shift);
}

int xlat__cpu_init(struct cpu *c)
{
	struct xlat_vm *xv = c->vm->xlat;
	struct xlat_cpu *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	c->xlat = x;
	mmu__ctx_init(&x->ctx, &ram_ops, c);
	/* ram_read64's effects on a RAM page (touch, mark_table_page) are once per page
	 * for good: the fast walk may read the same page again without it */
	x->ctx.ram = c->vm->ram;
	x->ctx.ram_base = c->vm->ram_base;
	x->ctx.ram_size = c->vm->ram_size;
	/* strict: no L1 (each lookup takes the oldest entry of the L2 and keep store) */
	struct mmu_tlb_config strict = mmu_tlb_default_config;
	strict.l1i.sets = strict.l1d.sets = 0;
	strict.keep = STRICT_TLB_KEEP;
	x->tlb = mmu__tlb_create(c->vm->opts.strict ? &strict : 0);
	if (!x->tlb || (xv->l2 && caches_init(x, xv->l2))) {
		xlat__cpu_free(c);
		return -ENOMEM;
	}
	x->ctx.tlb = x->tlb;
	x->tlb->evict = tlb_evicted;
	x->tlb->evict_opaque = c;
	x->ctx.domain = &xv->domain;
	x->ctx.check = xv->check;
	xlat__utlb_cleared(c);
	c->checks = xv->check != 0;
	/* the cache model sees every access: no data micro-TLB. The checks see every store
	 * (the micro-TLB maps only pages no walk read a descriptor from for writing, and
	 * its hits note the store for the I-cache check) and every TLB hit: a read hits the
	 * micro-TLB only while the TLB entry it came from would pass the stale check
	 * (xlat__check_store); not with --checks=strict, whose TLB lookups take the oldest
	 * of several entries. Both see each fetched line. */
	c->no_utlb = xv->l2 != 0 || c->vm->opts.strict; /* strict: every lookup picks the
							    * oldest entry (sanitizer) */
	c->slow_fetch = c->checks || xv->l2;
	int pe = mmu__domain_add(&xv->domain, x->tlb, x->ctx.caches);
	if (pe < 0) {
		xlat__cpu_free(c);
		return pe;
	}
	x->ctx.pe = (unsigned)pe;
	return 0;
}

void xlat__cpu_free(struct cpu *c)
{
	struct xlat_cpu *x = c->xlat;
	if (!x)
		return;
	if (x->tlb)
		mmu__tlb_destroy(x->tlb);
	if (x->caches.l1i)
		mmu__cache_destroy(x->caches.l1i);
	if (x->caches.l1d)
		mmu__cache_destroy(x->caches.l1d);
	free(x);
	c->xlat = 0;
}

void xlat__context_changed(struct cpu *c)
{
	struct xlat_cpu *x = c->xlat;
	struct xlat_vm *xv = c->vm->xlat;
	struct mmu_sysregs sr = {
		.sctlr_el1 = c->sr.sctlr_el1, .tcr_el1 = c->sr.tcr_el1,
		.ttbr0_el1 = c->sr.ttbr0_el1, .ttbr1_el1 = c->sr.ttbr1_el1,
		.mair_el1 = c->sr.mair_el1, .pa_bits = MODEL_PA_BITS,
		.hcr_el2 = MMU_HCR_VM, .vtcr_el2 = xv->s2.vtcr, .vttbr_el2 = xv->s2.vttbr,
	};
	mmu__regime_set(&x->ctx.regime, &sr);
	mem__flush(c);
}

static void flush_reached(struct cpu *c, bool broadcast);

static unsigned mmu_flags(unsigned idx)
{
	return idx == MMU_EL0 ? MMU_F_EL0 : idx == MMU_EL1_PAN ? MMU_F_PAN : 0;
}

static bool perm(uint8_t p, unsigned idx, bool write)
{
	if (idx == MMU_EL0)
		return p & (write ? MMU_PERM_W0 : MMU_PERM_R0);
	if (idx == MMU_EL1_PAN && (p & MMU_PERM_USER))
		return false;
	return p & (write ? MMU_PERM_W1 : MMU_PERM_R1);
}

/* The VMM (as EL2, on the PE that faulted or that the monitor borrows) changes its
 * stage 2: each descriptor store goes through the sanitizer checks first, and the
 * invalidation is TLBI IPAS2E1IS for the IPA then TLBI VMALLE1IS (combined entries),
 * both broadcast to the Inner Shareable domain, as KVM's __kvm_tlb_flush_vmid_ipa. */
static void s2_store(void *opaque, uint64_t pa, uint64_t val)
{
	struct cpu *c = opaque;
	struct xlat_cpu *x = c->xlat;
	void *p = stage2__ptr(&c->vm->xlat->s2, pa);
	if (c->checks) {
		mmu__check_store(&x->ctx, pa, 8, val);
		flush_reached(c, true); /* the micro-TLBs' entries may come from it */
	}
	__atomic_store_n((uint64_t *)p, val, __ATOMIC_RELEASE);
}

static void s2_invalidate(void *opaque, uint64_t ipa)
{
	struct cpu *c = opaque;
	struct xlat_cpu *x = c->xlat;
	struct mmu_tlbi op;
	mmu__tlbi_make(&op, MMU_TLBI_IPAS2E1, true, ipa >> 12, &x->ctx.regime);
	mmu__tlbi(&x->ctx, &op);
	mmu__tlbi_make(&op, MMU_TLBI_VMALLE1, true, 0, &x->ctx.regime);
	mmu__tlbi(&x->ctx, &op);
	flush_reached(c, true);
}

static void stage2_event(struct cpu *c, unsigned kind, uint64_t va, uint64_t ipa, bool write)
{
	struct model_vm *vm = c->vm;
	if (vm->env->stage2_event)
		vm->env->stage2_event(vm->env_opaque, c, kind, va, ipa, write);
}

/* A stage-2 fault the VMM may resolve (lazy mapping, dirty log): 0 to retry,
 * -ENOENT for an IPA outside RAM (MMIO), another -errno otherwise. */
static int stage2_fault(struct cpu *c, const struct mmu_fault *mf, uint64_t va)
{
	struct xlat_vm *xv = c->vm->xlat;
	const struct stage2_sync y = { s2_store, s2_invalidate, c };
	enum stage2_event ev;
	int r = stage2__fault(&xv->s2, &y, mf->ipa, mf->wnr, &ev);
	if (r == 0 && ev != S2EV_NONE)
		stage2_event(c, ev, va, mf->ipa, mf->wnr);
	if (r == -ENOSPC)
		vm__fatal(c->vm, "stage 2: out of table space mapping IPA 0x%llx",
			  (unsigned long long)mf->ipa);
	return r;
}

void xlat__dirty_reset(struct model_vm *vm)
{
	const struct stage2_sync y = { s2_store, s2_invalidate, vm->cpu[0] };
	stage2__dirty_reset(&vm->xlat->s2, &y);
}

static const enum mmu_access macc[] = { MMU_READ, MMU_WRITE, MMU_FETCH };

/* A translation that faulted (res->fault): a stage-2 fault the VMM resolves is retried
 * (a few times at most), an access outside RAM is MMIO, anything else the guest's
 * abort. Out of line: the common translation succeeds at once. 0 with *res the
 * translation, 1 for MMIO (*o filled), or -EFAULT with *f. */
static __attribute__((noinline)) int translate_faulted(struct cpu *c, uint64_t va, unsigned idx,
							 enum acc acc, struct mmu_result *res,
							 struct xlat_out *o, struct xlat_fault *f)
{
	struct xlat_cpu *x = c->xlat;
	for (unsigned tries = 0;; tries++) {
		const struct mmu_fault *mf = &res->fault;
		int r = -EFAULT;
		if (mf->stage == 2 && mf->ipa_valid && tries < 4 &&
		    (r = stage2_fault(c, mf, va)) == 0) {
			/* resolved by the VMM: retry */
			if (mmu__translate(&x->ctx, va, macc[acc], mmu_flags(idx), res) == 0)
				return 0;
			continue;
		}
		if (r == -ENOENT && mf->kind == MMU_FAULT_TRANSLATION && !mf->s1ptw) {
			/* not RAM: the VMM emulates the access on the bus (MMIO) */
			stage2_event(c, S2EV_MMIO, va, mf->ipa, acc == ACC_WRITE);
			o->pa = mf->ipa;
			o->attr = 0; /* Device-nGnRnE */
			o->device = true;
			if (acc == ACC_WRITE)
				c->st.mmio_writes++;
			else
				c->st.mmio_reads++;
			o->cacheable_fast = false;
			o->readable = o->writable = false;
			return 1;
		}
		/* a stage-2 fault the VMM cannot resolve (a stage-1 table outside RAM) is
		 * a synchronous external abort for the guest */
		f->fsc = mf->stage == 2 ? (mf->s1ptw ? FSC_SEA_WALK + (unsigned)(mf->level & 3) : FSC_SEA) :
			 mmu__fault_fsc(mf);
		f->s1ptw = mf->s1ptw;
		return -EFAULT;
	}
}

int xlat__translate(struct cpu *c, uint64_t va, unsigned idx, enum acc acc,
		    struct xlat_out *o, struct xlat_fault *f)
{
	struct xlat_cpu *x = c->xlat;
	struct mmu_result res;
	/* --checks: a translation the stale check reported is not cached in the micro-TLB,
	 * so that each access through the stale entry is checked (and counted) */
	uint64_t stale = c->checks ? mmu__check_count(x->ctx.check, MMU_CHECK_STALE_TLB) : 0;
	if (unlikely(mmu__translate(&x->ctx, va, macc[acc], mmu_flags(idx), &res) < 0)) {
		int r = translate_faulted(c, va, idx, acc, &res, o, f);
		if (r)
			return r < 0 ? r : 0;
	}
	o->pa = res.pa;
	touch(c->vm, res.pa);
	o->attr = res.attr;
	o->device = (res.attr & 0xf0) == 0;
	o->cacheable_fast = !c->checks ||
			    mmu__check_count(x->ctx.check, MMU_CHECK_STALE_TLB) == stale;
	o->readable = perm(res.perms, idx, false);
	o->writable = acc == ACC_WRITE && perm(res.perms, idx, true);
	return 0;
}

/* Flush the micro-TLBs of every vCPU a TLBI or IC reached. */
static void flush_reached(struct cpu *c, bool broadcast)
{
	if (!broadcast) {
		mem__flush(c);
		return;
	}
	for (unsigned k = 0; k < c->vm->ncpus; k++)
		mem__flush(c->vm->cpu[k]);
}

int xlat__tlbi(struct cpu *c, unsigned op1, unsigned crm, unsigned op2, uint64_t xt)
{
	struct xlat_cpu *x = c->xlat;
	static const int kinds[8] = {
		MMU_TLBI_VMALLE1, MMU_TLBI_VAE1, MMU_TLBI_ASIDE1, MMU_TLBI_VAAE1,
		-1, MMU_TLBI_VALE1, -1, MMU_TLBI_VAALE1,
	};
	if (op1 != 0 || (crm != 3 && crm != 7) || kinds[op2] < 0)
		return exc__undef(c);
	struct mmu_tlbi op;
	bool is = crm == 3;
	mmu__tlbi_make(&op, (enum mmu_tlbi_kind)kinds[op2], is, xt, &x->ctx.regime);
	c->st.tlbi[kinds[op2]][is]++;
	mmu__tlbi(&x->ctx, &op);
	flush_reached(c, is);
	return X_CTX;
}

int xlat__at(struct cpu *c, unsigned op2, uint64_t va)
{
	struct xlat_cpu *x = c->xlat;
	static const enum mmu_at_op ops[4] = { MMU_AT_S1E1R, MMU_AT_S1E1W, MMU_AT_S1E0R, MMU_AT_S1E0W };
	if (op2 > 3)
		return exc__undef(c);
	/* a stage-2 fault on the stage-1 walk's table read (PAR.F, PAR.S, PAR.PTW) that
	 * the VMM resolves (lazy: a table page not yet mapped) is retried, as hardware
	 * would after the hypervisor's handling: the side-effect-free walk gives the IPA */
	for (unsigned tries = 0;; tries++) {
		struct mmu_result res;
		c->sr.par_el1 = mmu__at(&x->ctx, ops[op2], va, c->pan);
		if ((c->sr.par_el1 & 0x301) != 0x301 || tries == 4 ||
		    mmu__walk(&x->ctx, va, op2 & 1 ? MMU_WRITE : MMU_READ,
			      MMU_F_NO_UPDATE | (op2 >= 2 ? MMU_F_EL0 : 0), &res) == 0 ||
		    res.fault.stage != 2 || !res.fault.s1ptw || !res.fault.ipa_valid ||
		    stage2_fault(c, &res.fault, va))
			break;
	}
	return X_NEXT;
}

_Static_assert(SAME(XLAT_DC_IVAC, MMU_DC_IVAC) && SAME(XLAT_DC_CVAC, MMU_DC_CVAC) &&
	       SAME(XLAT_DC_CVAU, MMU_DC_CVAU) && SAME(XLAT_DC_CIVAC, MMU_DC_CIVAC) &&
	       SAME(XLAT_DC_ZVA, MMU_DC_ZVA) && SAME(XLAT_IC_IVAU, MMU_IC_IVAU) &&
	       SAME(XLAT_IC_IALLU, MMU_IC_IALLU) && SAME(XLAT_IC_IALLUIS, MMU_IC_IALLUIS),
	       "enum xlat_cache_op mirrors enum mmu_cache_op");

int xlat__cache_maint(struct cpu *c, enum xlat_cache_op op, uint64_t va, uint64_t *pa)
{
	struct xlat_cpu *x = c->xlat;
	struct mmu_fault f;
	unsigned flags = mmu_flags(c->mmu_idx) | MMU_F_CM;
	if (op >= XLAT_IC_IVAU)
		c->st.ic_ops++;
	else
		c->st.dc_ops++;
	if (op == XLAT_DC_ZVA)
		flags &= ~MMU_F_CM;
	int err;
	for (unsigned tries = 0; (err = mmu__cache_maint(&x->ctx, (enum mmu_cache_op)op, va, flags,
							 &f, pa)) < 0 && f.stage == 2 &&
	     f.ipa_valid && tries < 4 && stage2_fault(c, &f, va) == 0; tries++)
		; /* a stage-2 fault the VMM resolved (lazy, dirty log): again */
	if (err < 0) {
		bool low = c->el == 0;
		uint64_t esr = mmu__fault_esr(&f, low, 0);
		return exc__take(c, EXC_SYNC, (uint32_t)esr, va, c->pc);
	}
	/* a translated DC/IC by VA reached its page through stage 2, as a load would
	 * (lazy: the first touch of a page only ever cleaned is one first-touch fault) */
	if (op != XLAT_IC_IALLU && op != XLAT_IC_IALLUIS)
		touch(c->vm, *pa);
	return X_NEXT;
}

/* --checks: a store over a valid descriptor word (of a page a walk read) may make a
 * TLB entry stale: every vCPU's micro-TLBs are flushed, so that the next access
 * reaches the TLB and its stale check. A micro-TLB entry is only filled when its TLB
 * entry passed the check, i.e. its leaf descriptors then held what the entry holds
 * (valid); until a store changes such a word, the word stays valid: a store over an
 * invalid word cannot leave a micro-TLB entry stale. */
static void flush_if_descriptor(struct cpu *c, uint64_t pa, unsigned size)
{
	struct model_vm *vm = c->vm;
	for (uint64_t w = pa & ~7ull; w < pa + size; w += 8) {
		const uint64_t *p = vm__ram(vm, w, 8);
		if (p && xlat__is_table_page(vm, w) && (__atomic_load_n(p, __ATOMIC_RELAXED) & 1)) {
			flush_reached(c, true);
			return;
		}
	}
}

void xlat__check_store(struct cpu *c, uint64_t pa, unsigned size, const void *data)
{
	struct xlat_cpu *x = c->xlat;
	const uint8_t *b = data;
	struct model_vm *vm = c->vm;
	uint64_t off = pa - vm->ram_base, n = off >> 12;
	if (!c->checks)
		return;
	/* the common case first: inside one RAM page no walk read a descriptor from */
	if (off < vm->ram_size && size <= 4096 - (off & 0xfff) &&
	    !((vm->xlat->table_pages[n / 64] >> (n % 64)) & 1)) {
		mmu__check_store_data(&x->ctx, pa, size);
		return;
	}
	flush_if_descriptor(c, pa, size);
	if (!xlat__is_table_page(c->vm, pa) && !xlat__is_table_page(c->vm, pa + size - 1)) {
		/* no walk read a descriptor here: nothing for break-before-make */
		mmu__check_store_data(&x->ctx, pa, size);
		return;
	}
	if ((size == 1 || size == 2 || size == 4 || size == 8) && !(pa & (size - 1))) {
		uint64_t v = 0;
		memcpy(&v, b, size);
		mmu__check_store(&x->ctx, pa, size, v);
	} else {
		for (unsigned k = 0; k < size; k++) /* unaligned or odd-sized: byte by byte */
			mmu__check_store(&x->ctx, pa + k, 1, b[k]);
	}
}

void xlat__fetch_line(struct cpu *c, uint64_t va, uint64_t pa)
{
	struct xlat_cpu *x = c->xlat;
	struct mmu_result res;
	uint64_t page = (va & ~0xfffull) | c->utlb_gen;
	if (!x->ctx.caches && !c->vm->opts.strict) { /* checks only (slow_fetch) */
		/* a page whose fetch translation passed the stale check with no flush since
		 * (a store over a descriptor word, a TLBI, a context change flush): no TLB
		 * entry it could hit has changed (one evicted since is walked afresh), only
		 * the line needs its check */
		uint64_t *checked = &x->fetch_checked[c->mmu_idx][(va >> 12) & (XLAT_FETCH_CHECKED - 1)];
		if (*checked != page) {
			uint64_t stale = mmu__check_count(x->ctx.check, MMU_CHECK_STALE_TLB);
			if (mmu__translate(&x->ctx, va, MMU_FETCH, mmu_flags(c->mmu_idx), &res) == 0 &&
			    mmu__check_count(x->ctx.check, MMU_CHECK_STALE_TLB) == stale)
				*checked = page;
		}
		mmu__check_fetch(&x->ctx, va, pa);
		return;
	}
	/* the TLB lookup (a stale-translation check with checks on; the attributes,
	 * with SCTLR_EL1.I, decide cacheability). The fetch TLB got this page from the
	 * same TLB, and any TLBI flushes it: a fault here cannot happen, and is ignored. */
	int err = mmu__translate(&x->ctx, va, MMU_FETCH, mmu_flags(c->mmu_idx), &res);
	if (c->checks)
		mmu__check_fetch(&x->ctx, va, pa);
	if (x->ctx.caches)
		mmu__cache_access(&x->caches, pa, 4, MMU_FETCH,
				  !err && mmu__attr_cacheable(res.attr, MMU_FETCH, c->sr.sctlr_el1));
}

const struct mmu_check_flat *xlat__check_flat(const struct model_vm *vm)
{
	return mmu__check_flat(vm->xlat->check);
}

void xlat__note_store(struct cpu *c, const void *host, unsigned size)
{
	mmu__check_store_data(&c->xlat->ctx,
			      c->vm->ram_base + (uint64_t)((const uint8_t *)host - c->vm->ram), size);
}

size_t xlat__fetch_checked_offset(void)
{
	return offsetof(struct xlat_cpu, fetch_checked);
}

const uint64_t *xlat__code_live(const struct model_vm *vm, uint64_t pa, unsigned *bit)
{
	return mmu__check_code_live(vm->xlat->check, pa, bit);
}

void xlat__cache_access(struct cpu *c, const struct xlat_out *o, unsigned size, bool write)
{
	struct xlat_cpu *x = c->xlat;
	enum mmu_access acc = write ? MMU_WRITE : MMU_READ;
	if (x->ctx.caches)
		mmu__cache_access(&x->caches, o->pa, size, acc,
				  mmu__attr_cacheable(o->attr, acc, c->sr.sctlr_el1));
}

const char *xlat__check_name(enum xlat_check_kind kind)
{
	return (unsigned)kind < XLAT_CHECK_KINDS ? check_names[kind] : "?";
}

uint64_t xlat__check_count(struct model_vm *vm, unsigned kind)
{
	struct xlat_vm *x = vm->xlat;
	return x->check ? mmu__check_count(x->check, (enum mmu_check_kind)kind) : 0;
}

void xlat__keep_stats(const struct model_vm *vm, uint64_t out[5])
{
	memset(out, 0, 5 * sizeof(out[0]));
	for (unsigned k = 0; k < vm->ncpus; k++) {
		const struct mmu_tlb *t = vm->cpu[k]->xlat->tlb;
		out[0] += mmu__tlb_keep_count(t);
		out[1] += t->keep_stats.peak;
		out[2] += t->keep_stats.hits;
		out[3] += t->keep_stats.invalidated;
		out[4] += t->keep_stats.dropped;
	}
}

void xlat__utlb_cleared(struct cpu *c)
{
	struct xlat_cpu *x = c->xlat;
	memset(x->cwtag, 0xff, sizeof(x->cwtag));
	memset(x->fetch_checked, 0xff, sizeof(x->fetch_checked));
}

uint64_t *xlat__checked_wtag(struct cpu *c, unsigned idx, uint64_t va)
{
	return &c->xlat->cwtag[idx][(va >> 12) & (UTLB_SIZE - 1)];
}

const struct mmu_tlb *xlat__tlb(const struct cpu *c)
{
	return c->xlat->tlb;
}

const struct mmu_walk_stats *xlat__walk_stats(const struct cpu *c)
{
	return &c->xlat->ctx.stats;
}

const struct mmu_caches *xlat__caches(const struct cpu *c)
{
	const struct xlat_cpu *x = c->xlat;
	return x->ctx.caches;
}

const struct mmu_cache *xlat__shared_l2(const struct model_vm *vm)
{
	return vm->xlat->l2;
}

const struct stage2 *xlat__stage2(const struct model_vm *vm)
{
	return &vm->xlat->s2;
}
