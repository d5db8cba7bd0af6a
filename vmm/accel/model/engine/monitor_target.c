/* The model engine seen by the monitor (docs/monitor.md, "Wiring"). The vCPUs run in
 * the scheduler's one thread: it parks between quanta (model_monitor__poll) while the
 * monitor wants them stopped, and everything the monitor reads of a vCPU (struct cpu,
 * its TLBs and caches, the counters) is read while it is parked, so at a quantum
 * boundary and never under a running instruction. Guest RAM is read at any time.
 *
 * The target lives for the process (the monitor outlives a restart after a guest
 * reset); the model VM itself only while the scheduler runs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mmu/mmu.h>

#include "machine.h"
#include "monitor.h"
#include "engine/stage2_monitor.h"
#include "monitor_glue.h"
#include "vcpu_gate.h"
#include "engine/model.h"
#include "engine/monitor_target.h"
#include "engine/trace_model.h"
#include "mem/stage2.h"
#include "mem/xlat.h"

#define MODEL_MONITOR_PA_BITS 48 /* mem/xlat.c's MODEL_PA_BITS (PARange in ID_AA64MMFR0) */

static struct model_target {
	struct machine *m;
	struct vcpu_gate gate;
	struct model *md;      /* the scheduler's, valid while it is parked */
	bool ready;
} mt;

bool model_monitor__poll(struct model *md)
{
	if (!mt.ready || !vcpu_gate__wanted(&mt.gate))
		return false;
	mt.md = md;
	vcpu_gate__park(&mt.gate, md->m, NULL, NULL);
	return true;
}

void model_monitor__fault(void *opaque, struct cpu *c, uint32_t esr, uint64_t far,
			  uint64_t ret)
{
	unsigned ec = esr >> 26;
	struct monitor_fault f = {
		.cpu = c->index, .pc = ret, .el = c->el, .esr = esr, .far = far,
		.insns = c->icount,
	};

	(void)opaque;
	trace_model__fault(c, esr, far, ret); /* vmm run --trace fault */
	if (!monitor__wants_faults() ||
	    (ec != EC_IABT_LOW && ec != EC_IABT_CUR && ec != EC_DABT_LOW && ec != EC_DABT_CUR))
		return;
	monitor__post_fault(&f);
}

static unsigned ncpus(void *t)
{
	struct model_target *x = t;

	return x->m->cfg.ncpus ? x->m->cfg.ncpus : 1;
}

static int pause_vm(void *t)
{
	struct model_target *x = t;

	return vcpu_gate__pause(&x->gate, x->m, 1);
}

static int resume_vm(void *t)
{
	struct model_target *x = t;

	vcpu_gate__resume(&x->gate);
	return 0;
}

static bool paused(void *t)
{
	struct model_target *x = t;

	return vcpu_gate__paused(&x->gate);
}

static int quit(void *t)
{
	struct model_target *x = t;

	machine__stop(x->m, VM_STOP_USER, 0); /* as Ctrl-A x */
	return 0;
}

/* Stop the scheduler between quanta; on success the VM is the parked one's. */
static struct model_vm *hold(struct model_target *x, int *rc)
{
	*rc = vcpu_gate__hold(&x->gate, x->m, 1);
	return *rc ? NULL : x->md->vm;
}

struct model *model_monitor__hold(int *rc)
{
	if (!mt.ready) {
		*rc = -ENODEV;
		return NULL;
	}
	*rc = vcpu_gate__hold(&mt.gate, mt.m, 1);
	return *rc ? NULL : mt.md;
}

void model_monitor__release(void)
{
	vcpu_gate__release(&mt.gate);
}

static int get_regs(void *t, unsigned cpu, struct vcpu_regs *r)
{
	struct model_target *x = t;
	const struct stage2 *s2;
	struct model_vm *vm;
	const struct cpu *c;
	unsigned bank;
	int rc;

	if (!(vm = hold(x, &rc)))
		return rc;
	if (cpu >= vm->ncpus) {
		vcpu_gate__release(&x->gate);
		return -EINVAL;
	}
	c = vm->cpu[cpu];
	s2 = xlat__stage2(vm);
	memset(r, 0, sizeof(*r));
	memcpy(r->x, c->x, sizeof(r->x));
	bank = c->el == 0 ? 0 : c->spsel; /* x[31] is the stack pointer in use */
	r->sp_el0 = bank == 0 ? c->x[31] : c->sp_el0;
	r->sp_el1 = bank == 1 ? c->x[31] : c->sp_el1;
	r->pc = c->pc;
	r->pstate = cpu__pstate(c);
	r->sctlr_el1 = c->sr.sctlr_el1;
	r->tcr_el1 = c->sr.tcr_el1;
	r->ttbr0_el1 = c->sr.ttbr0_el1;
	r->ttbr1_el1 = c->sr.ttbr1_el1;
	r->mair_el1 = c->sr.mair_el1;
	r->esr_el1 = c->sr.esr_el1;
	r->far_el1 = c->sr.far_el1;
	r->elr_el1 = c->sr.elr_el1;
	r->spsr_el1 = c->sr.spsr_el1;
	r->vbar_el1 = c->sr.vbar_el1;
	r->par_el1 = c->sr.par_el1;
	r->contextidr_el1 = c->sr.contextidr_el1;
	/* the stage 2 the model applies (mem/xlat.c): the VMM's tables, always on */
	r->hcr_el2 = MMU_HCR_VM;
	r->vtcr_el2 = s2->vtcr;
	r->vttbr_el2 = s2->vttbr;
	r->pa_bits = MODEL_MONITOR_PA_BITS;
	vcpu_gate__release(&x->gate);
	return 0;
}

/* Guest RAM at any time; the VMM's stage-2 tables (a host buffer at S2_TABLES_PA,
 * outside the guest's IPA space) while the VM exists. */
static int read_phys(void *t, uint64_t pa, void *buf, size_t len)
{
	struct model_target *x = t;
	const struct stage2 *s2;
	struct model_vm *vm;
	uint64_t size;
	int rc;

	if (machine__read_ram(x->m, pa, buf, len) == 0)
		return 0;
	if (pa < S2_TABLES_PA)
		return -EFAULT;
	if (!(vm = hold(x, &rc)))
		return rc;
	s2 = xlat__stage2(vm);
	size = s2->max * 4096ull;
	rc = s2->mem && len <= size && pa - S2_TABLES_PA <= size - len ? 0 : -EFAULT;
	if (!rc)
		memcpy(buf, s2->mem + (pa - S2_TABLES_PA), len);
	vcpu_gate__release(&x->gate);
	return rc;
}

/* --dirty-log: read (and reset) between quanta (engine/stage2_monitor.c) */
static int dirty_log(void *t, bool reset, void (*put)(void *arg, uint64_t ipa, uint64_t pages),
		     void *arg)
{
	struct model_target *x = t;
	struct model_vm *vm;
	int rc;

	if (!(vm = hold(x, &rc)))
		return rc;
	rc = model_stage2__dirty_log(vm, reset, put, arg);
	vcpu_gate__release(&x->gate);
	return rc;
}

static int mmu_view(void *t, unsigned cpu, monitor_mmu_fn *fn, void *arg)
{
	struct model_target *x = t;
	struct monitor_mmu_view v;
	struct model_vm *vm;
	int rc;

	if (!(vm = hold(x, &rc)))
		return rc;
	if (cpu >= vm->ncpus) {
		vcpu_gate__release(&x->gate);
		return -EINVAL;
	}
	v.tlb = xlat__tlb(vm->cpu[cpu]);
	v.caches = xlat__caches(vm->cpu[cpu]);
	v.walks = xlat__walk_stats(vm->cpu[cpu]);
	fn(arg, &v);
	vcpu_gate__release(&x->gate);
	return 0;
}

static void put_tlb(monitor_stat_fn *put, void *arg, const char *pre, const struct mmu_tlb *tlb)
{
	static const char *const lv[MMU_TLB_LEVELS] = { "l1i", "l1d", "l2", "walk" };
	char name[96];

	for (int k = 0; k < MMU_TLB_LEVELS; k++) {
		const struct mmu_tlb_stats *s = &tlb->lv[k].stats;
#define PUT(f) (snprintf(name, sizeof(name), "%s.tlb.%s." #f, pre, lv[k]), put(arg, name, s->f))
		PUT(hits);
		PUT(misses);
		PUT(fills);
		PUT(evictions);
		PUT(invalidated);
#undef PUT
	}
	snprintf(name, sizeof(name), "%s.tlb.walks", pre);
	put(arg, name, tlb->walks);
}

static void put_cache(monitor_stat_fn *put, void *arg, const char *pre,
		      const struct mmu_cache_stats *s)
{
	char name[96];

#define PUT(f) (snprintf(name, sizeof(name), "%s." #f, pre), put(arg, name, s->f))
	PUT(hits);
	PUT(misses);
	PUT(evictions);
	PUT(writebacks);
	PUT(uncached);
	PUT(cleans);
	PUT(invalidates);
	PUT(zeroes);
#undef PUT
}

/* The --stats figures (engine/stats.c) as named counters, per vCPU. */
static void put_cpu(monitor_stat_fn *put, void *arg, const struct cpu *c)
{
	const struct cpu_stats *st = &c->st;
	const struct mmu_walk_stats *ws = xlat__walk_stats(c);
	const struct mmu_caches *ca = xlat__caches(c);
	char pre[16], name[96];

	snprintf(pre, sizeof(pre), "cpu%u", c->index);
#define PUT(n, v) (snprintf(name, sizeof(name), "%s." n, pre), put(arg, name, (v)))
	PUT("insns", c->icount);
	PUT("irq", st->irq);
	for (unsigned ec = 0; ec < 64; ec++)
		if (st->exc_sync[ec]) {
			snprintf(name, sizeof(name), "%s.exc.ec_0x%02x", pre, ec);
			put(arg, name, st->exc_sync[ec]);
		}
	for (unsigned d = 0; d < 2; d++)
		for (unsigned el = 0; el < 2; el++)
			for (unsigned fsc = 0; fsc < 64; fsc++)
				if (st->abort_fsc[d][el][fsc]) {
					snprintf(name, sizeof(name), "%s.aborts.%s.%s.fsc_0x%02x", pre,
						 d ? "data" : "insn", el ? "el1" : "el0", fsc);
					put(arg, name, st->abort_fsc[d][el][fsc]);
				}
	PUT("utlb.hits", st->utlb_hits);
	PUT("utlb.misses", st->utlb_misses);
	PUT("itlb.hits", st->itlb_hits);
	PUT("itlb.misses", st->itlb_misses);
	PUT("ic_ops", st->ic_ops);
	PUT("dc_ops", st->dc_ops);
	PUT("mmio.reads", st->mmio_reads);
	PUT("mmio.writes", st->mmio_writes);
	PUT("walk.s1.walks", ws->walks[0]);
	PUT("walk.s1.desc_reads", ws->desc_reads[0]);
	PUT("walk.s1.walk_cache_starts", ws->wc_starts);
	PUT("walk.s2.walks", ws->walks[1]);
	PUT("walk.s2.desc_reads", ws->desc_reads[1]);
	for (int k = 0; k < MMU_TLBI_KINDS; k++)
		for (int is = 0; is < 2; is++)
			if (st->tlbi[k][is]) {
				snprintf(name, sizeof(name), "%s.tlbi.%s%s", pre,
					 mmu__tlbi_name((enum mmu_tlbi_kind)k), is ? "IS" : "");
				put(arg, name, st->tlbi[k][is]);
			}
#undef PUT
	put_tlb(put, arg, pre, xlat__tlb(c));
	if (ca) {
		snprintf(name, sizeof(name), "%s.cache.l1i", pre);
		put_cache(put, arg, name, &ca->l1i->stats);
		snprintf(name, sizeof(name), "%s.cache.l1d", pre);
		put_cache(put, arg, name, &ca->l1d->stats);
	}
}

static int stats(void *t, monitor_stat_fn *put, void *arg)
{
	struct model_target *x = t;
	const struct mmu_cache *l2;
	struct model_vm *vm;
	int rc;

	if (!(vm = hold(x, &rc)))
		return rc;
	put(arg, "vm.vtime", vm->vtime);
	put(arg, "vm.retired", x->md->retired);
	put(arg, "vm.decode.pages", vm->decoded);
	put(arg, "vm.decode.dropped", vm->decode_dropped);
	for (unsigned k = 0; k < vm->ncpus; k++)
		put_cpu(put, arg, vm->cpu[k]);
	if ((l2 = xlat__shared_l2(vm)))
		put_cache(put, arg, "vm.cache.l2", &l2->stats);
	if (vm->opts.checks)
		for (unsigned k = 0; k < XLAT_CHECK_KINDS; k++) {
			char name[64];

			snprintf(name, sizeof(name), "vm.checks.%s",
				 xlat__check_name((enum xlat_check_kind)k));
			put(arg, name, xlat__check_count(vm, k));
		}
	vcpu_gate__release(&x->gate);
	return 0;
}

static const struct monitor_target_ops ops = {
	.ncpus = ncpus, .pause = pause_vm, .resume = resume_vm, .paused = paused, .quit = quit,
	.get_regs = get_regs, .read_phys = read_phys, .mmu_view = mmu_view, .stats = stats,
	.dirty_log = dirty_log,
};

const struct monitor_target_ops *model_monitor__ops(struct machine *m, void **target)
{
	if (!mt.ready) {
		mt.m = m;
		vcpu_gate__init(&mt.gate, m->cfg.paused);
		mt.ready = true;
	}
	*target = &mt;
	return &ops;
}
