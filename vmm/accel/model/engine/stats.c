/* `vmm run --stats`: what the guest did to the memory system, per vCPU and in total,
 * printed when the VM stops. The CPU's own counters (struct cpu_stats) come with the
 * mmu/ statistics of each vCPU's TLB and caches (read through xlat.c) and the
 * sanitizer checks' report counts. */
#include <stdarg.h>
#include <stdio.h> /* vsnprintf */

#include <mmu/mmu.h>

#include "engine/stats.h"
#include "jit/jit.h"
#include "engine/vm.h"
#include "mem/stage2.h"
#include "mem/xlat.h"

/* One vCPU's figures, or their sum. */
struct snap {
	uint64_t icount;
	struct cpu_stats st;
	struct mmu_tlb_stats tlb[MMU_TLB_LEVELS];
	uint64_t walks, tlbi_applied[MMU_TLBI_KINDS];
	struct mmu_walk_stats ws;
	struct mmu_cache_stats l1i, l1d;
	bool caches, utlb_off;
};

static void add64(uint64_t *d, const uint64_t *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		d[k] += s[k];
}
#define ADD(d, s) add64((uint64_t *)&(d), (const uint64_t *)&(s), sizeof(s) / 8)

static void take(struct snap *t, const struct cpu *c)
{
	const struct mmu_tlb *tlb = xlat__tlb(c);
	const struct mmu_caches *ca = xlat__caches(c);
	t->icount += c->icount;
	t->utlb_off = c->no_utlb;
	ADD(t->st, c->st);
	for (int k = 0; k < MMU_TLB_LEVELS; k++)
		ADD(t->tlb[k], tlb->lv[k].stats);
	t->walks += tlb->walks;
	ADD(t->ws, *xlat__walk_stats(c));
	ADD(t->tlbi_applied, tlb->tlbi);
	if (ca) {
		t->caches = true;
		ADD(t->l1i, ca->l1i->stats);
		ADD(t->l1d, ca->l1d->stats);
	}
}

/* The text being built: put() appends, and hands each complete line to emit. */
struct out {
	stats_line_fn *emit;
	void *arg;
	char line[1024];
	size_t len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++) {
		if (*p == '\n') {
			o->line[o->len] = 0;
			o->emit(o->arg, o->line);
			o->len = 0;
		} else if (o->len < sizeof(o->line) - 1) {
			o->line[o->len++] = *p;
		}
	}
}

/* Appends ", " before every item but the first of a line. */
struct line {
	struct out *f;
	bool any;
};

static void item(struct line *l, const char *what, unsigned long long v)
{
	put(l->f, "%s%s %llu", l->any ? ", " : "", what, v);
	l->any = true;
}

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN: return "UNDEFINED";
	case EC_WFX: return "WFI/WFE trap";
	case EC_ILLEGAL: return "illegal state";
	case EC_SVC: return "SVC";
	case EC_SYSREG: return "MSR/MRS trap";
	case EC_IABT_LOW: return "instruction abort from EL0";
	case EC_IABT_CUR: return "instruction abort at EL1";
	case EC_PC_ALIGN: return "PC alignment";
	case EC_DABT_LOW: return "data abort from EL0";
	case EC_DABT_CUR: return "data abort at EL1";
	case EC_SP_ALIGN: return "SP alignment";
	case EC_BRK: return "BRK";
	default: return 0;
	}
}

static void fsc_name(unsigned fsc, char *b, size_t n)
{
	unsigned lv = fsc & 3;
	if (fsc <= 0x03) snprintf(b, n, "address size L%u", lv);
	else if (fsc <= 0x07) snprintf(b, n, "translation L%u", lv);
	else if (fsc <= 0x0b) snprintf(b, n, "access flag L%u", lv);
	else if (fsc >= 0x0c && fsc <= 0x0f) snprintf(b, n, "permission L%u", lv);
	else if (fsc == 0x10) snprintf(b, n, "external abort");
	else if (fsc >= 0x14 && fsc <= 0x17) snprintf(b, n, "external abort on walk L%u", lv);
	else if (fsc == 0x21) snprintf(b, n, "alignment");
	else snprintf(b, n, "FSC 0x%02x", fsc);
}

static void print_exceptions(struct out *f, const struct snap *s)
{
	struct line l = { f, false };
	char name[40];
	put(f, "  exceptions taken: ");
	for (unsigned ec = 0; ec < 64; ec++) {
		if (!s->st.exc_sync[ec])
			continue;
		if (ec_name(ec))
			put(f, "%s%s %llu", l.any ? ", " : "", ec_name(ec),
				(unsigned long long)s->st.exc_sync[ec]);
		else
			put(f, "%sEC 0x%02x %llu", l.any ? ", " : "", ec,
				(unsigned long long)s->st.exc_sync[ec]);
		l.any = true;
	}
	if (s->st.irq)
		item(&l, "IRQ", s->st.irq);
	if (!l.any)
		put(f, "none");
	put(f, "\n");
	for (int d = 0; d < 2; d++) {
		for (int el = 0; el < 2; el++) {
			l.any = false;
			for (unsigned fsc = 0; fsc < 64; fsc++) {
				uint64_t n = s->st.abort_fsc[d][el][fsc];

				if (!n)
					continue;
				if (!l.any)
					put(f, "  %s aborts %s (stage 1): ", d ? "data" : "instruction",
					    el ? "at EL1" : "from EL0");
				fsc_name(fsc, name, sizeof(name));
				put(f, "%s%s %llu", l.any ? ", " : "", name, (unsigned long long)n);
				l.any = true;
			}
			if (l.any)
				put(f, "\n");
		}
	}
}

static double pct(uint64_t part, uint64_t all)
{
	return all ? 100.0 * (double)part / (double)all : 0.0;
}

static void print_tlbs(struct out *f, const struct snap *s)
{
	static const char *const lv[] = { "L1I", "L1D", "L2", "walk cache" };
	const struct cpu_stats *st = &s->st;
	uint64_t d = st->utlb_hits + st->utlb_misses, i = st->itlb_hits + st->itlb_misses;
	if (!s->utlb_off)
		put(f, "  micro-TLB: data %.2f%% hits of %llu accesses", pct(st->utlb_hits, d),
			(unsigned long long)d);
	else /* --caches: every access is translated by mmu/ */
		put(f, "  micro-TLB: data off (%llu accesses)", (unsigned long long)d);
	put(f, ", fetch %.2f%% hits of %llu block entries\n", pct(st->itlb_hits, i),
		(unsigned long long)i);
	for (int k = 0; k < MMU_TLB_LEVELS; k++) {
		const struct mmu_tlb_stats *t = &s->tlb[k];
		put(f, "  TLB %s: %llu hits, %llu misses, %llu fills, %llu evictions, "
			"%llu invalidated\n", lv[k], (unsigned long long)t->hits,
			(unsigned long long)t->misses, (unsigned long long)t->fills,
			(unsigned long long)t->evictions, (unsigned long long)t->invalidated);
	}
	put(f, "  walks: %llu after a TLB miss; stage 1: %llu walks (%llu from the walk "
		"cache), %llu descriptors read; stage 2: %llu walks (from the root), %llu "
		"descriptors read\n", (unsigned long long)s->walks,
		(unsigned long long)s->ws.walks[0], (unsigned long long)s->ws.wc_starts,
		(unsigned long long)s->ws.desc_reads[0], (unsigned long long)s->ws.walks[1],
		(unsigned long long)s->ws.desc_reads[1]);
}

static void print_tlbi(struct out *f, const struct snap *s)
{
	struct line l = { f, false };
	uint64_t own = 0, applied = 0;
	put(f, "  TLBI issued: ");
	for (int k = 0; k < MMU_TLBI_KINDS; k++) {
		for (int is = 0; is < 2; is++) {
			if (!s->st.tlbi[k][is])
				continue;
			put(f, "%s%s%s %llu", l.any ? ", " : "", mmu__tlbi_name((enum mmu_tlbi_kind)k),
				is ? "IS" : "", (unsigned long long)s->st.tlbi[k][is]);
			l.any = true;
			own += s->st.tlbi[k][is];
		}
		applied += s->tlbi_applied[k];
	}
	if (!l.any)
		put(f, "none");
	put(f, "; IS broadcasts received from other vCPUs: %llu\n",
		(unsigned long long)(applied - own));
	put(f, "  cache maintenance: %llu DC, %llu IC; MMIO (stage-2 faults emulated by the "
		"VMM): %llu reads, %llu writes\n", (unsigned long long)s->st.dc_ops,
		(unsigned long long)s->st.ic_ops, (unsigned long long)s->st.mmio_reads,
		(unsigned long long)s->st.mmio_writes);
}

static void print_cache(struct out *f, const char *name, const struct mmu_cache_stats *c)
{
	put(f, "  cache %s: %.2f%% hits (%llu hits, %llu misses), %llu evictions, "
		"%llu write-backs, %llu uncached, maintenance: %llu cleans, %llu invalidates, "
		"%llu zeroes\n", name, pct(c->hits, c->hits + c->misses),
		(unsigned long long)c->hits, (unsigned long long)c->misses,
		(unsigned long long)c->evictions, (unsigned long long)c->writebacks,
		(unsigned long long)c->uncached, (unsigned long long)c->cleans,
		(unsigned long long)c->invalidates, (unsigned long long)c->zeroes);
}

static void print_snap(struct out *f, const char *who, const struct snap *s)
{
	put(f, "%s: %llu instructions\n", who, (unsigned long long)s->icount);
	print_exceptions(f, s);
	print_tlbs(f, s);
	print_tlbi(f, s);
	if (s->caches) {
		print_cache(f, "L1I", &s->l1i);
		print_cache(f, "L1D", &s->l1d);
	}
}

/* The block translator (jit/): what it translated and dropped, and how many
 * instructions ran in translated code (the rest were interpreted: --checks, --caches,
 * debug, the tail of each budget, or --jit off). */
static void print_jit(struct out *f, struct model_vm *vm)
{
	uint64_t all = 0, tr = 0;
	for (unsigned k = 0; k < vm->ncpus; k++) {
		all += vm->cpu[k]->icount;
		tr += vm->cpu[k]->st.jit_insns;
	}
#ifdef MODEL_HAVE_JIT
	if (vm->jit) {
		const struct jit_stats *j = jit__stats(vm->jit);
		put(f, "  translator: %llu blocks translated (%llu KiB of host code), %llu dropped "
		    "with their decoded page, %llu dropped by %llu code cache flushes; "
		    "instructions: %llu translated, %llu interpreted\n",
		    (unsigned long long)j->blocks, (unsigned long long)(j->code_bytes >> 10),
		    (unsigned long long)j->dropped, (unsigned long long)j->flushed,
		    (unsigned long long)j->flushes, (unsigned long long)tr,
		    (unsigned long long)(all - tr));
		return;
	}
#endif
	put(f, "  translator: off (--jit off, or none for this host); instructions: %llu "
	    "interpreted\n", (unsigned long long)all);
}

void stats__print(struct model_vm *vm, stats_line_fn *emit, void *arg)
{
	struct out out = { .emit = emit, .arg = arg }, *f = &out;
	struct snap total = { 0 };
	char who[32];
	for (unsigned k = 0; k < vm->ncpus; k++) {
		struct snap one = { 0 };
		take(&one, vm->cpu[k]);
		take(&total, vm->cpu[k]);
		if (vm->ncpus > 1) {
			snprintf(who, sizeof(who), "vCPU %u", k);
			print_snap(f, who, &one);
		}
	}
	print_snap(f, vm->ncpus > 1 ? "total" : "vCPU 0", &total);
	const struct mmu_cache *l2 = xlat__shared_l2(vm);
	if (l2)
		print_cache(f, "L2 (shared)", &l2->stats);
	put(f, "  decode cache: %llu pages decoded, %llu dropped (stores to code, IC)\n",
		(unsigned long long)vm->decoded, (unsigned long long)vm->decode_dropped);
	print_jit(f, vm);
	const struct stage2 *s2 = xlat__stage2(vm);
	static const char *const modes[] = { "block", "page", "lazy" };
	put(f, "  stage 2: %s%s, %llu pages touched, %llu pages mapped, %llu first-touch faults "
	    "(%llu writes logged), "
	    "%llu dirty faults, %llu blocks split, %llu spurious, %llu descriptor changes, "
	    "%llu pages logged dirty\n", modes[s2->mode], s2->dirty_log ? " with dirty log" : "",
	    (unsigned long long)xlat__pages_touched(vm), (unsigned long long)stage2__mapped_pages(s2), (unsigned long long)s2->st.first_touch,
	    (unsigned long long)s2->st.first_writes,
	    (unsigned long long)s2->st.dirty_faults, (unsigned long long)s2->st.splits,
	    (unsigned long long)s2->st.spurious, (unsigned long long)s2->st.changes,
	    (unsigned long long)s2->ndirty);
	if (vm->opts.checks) {
		put(f, "  check reports:");
		for (unsigned k = 0; k < XLAT_CHECK_KINDS; k++)
			put(f, "%s %s %llu", k ? "," : "", xlat__check_name((enum xlat_check_kind)k),
				(unsigned long long)xlat__check_count(vm, k));
		put(f, "\n");
	}
	if (vm->opts.strict) {
		uint64_t k[5];
		xlat__keep_stats(vm, k);
		put(f, "  strict: TLB keep stores %llu entries (peaks %llu), %llu lookups served "
			"from them, %llu removed by TLBI, %llu lost to a full store; decoded pages "
			"kept after a store to them: %llu\n", (unsigned long long)k[0],
			(unsigned long long)k[1], (unsigned long long)k[2], (unsigned long long)k[3],
			(unsigned long long)k[4], (unsigned long long)vm->decode_kept);
	}
	where__print(vm, emit, arg);
}
