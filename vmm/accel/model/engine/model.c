/* accel_model: the software CPU as an accelerator (vmm/accel.h). create() builds the
 * model VM on the machine's RAM, the GICv3 on the machine's bus, and the boot vCPU's
 * state from machine->boot (Linux arm64 boot protocol: EL1, MMU off, x0 = DTB);
 * run() is the deterministic scheduler (sched.c). */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "accel.h"
#include "bus.h"
#include "machine.h"
#include <platform/memmap.h>
#include "engine/handover_load.h"
#include "engine/model.h"
#include "engine/monitor_target.h"
#include "report.h"
#include "symbols.h"
#include "engine/stats.h"
#include "engine/stage2_monitor.h"
#include "engine/timer.h"
#include "mem/xlat.h"
#include "gic/gicv3.h"

REPORT_LIMIT(unclaimed, "guest accesses to addresses with neither RAM nor a device",
	     REPORT_BURST);
REPORT_LIMIT(refused, "guest accesses a device refused", REPORT_BURST);

/* What the bus said about one access, reported (rate-limited) when the guest gets an
 * external abort for it. */
static int bus_result(struct cpu *c, int r, const char *dir, uint64_t pa, unsigned len)
{
	if (r == -ENODEV)
		report_limited(&unclaimed, REPORT_WARN, "vCPU %u: %u-byte %s at PA 0x%llx: neither "
			       "RAM nor a device there (external abort to the guest)", c->index, len,
			       dir, (unsigned long long)pa);
	else if (r < 0)
		report_limited(&refused, REPORT_WARN, "vCPU %u: %u-byte %s at PA 0x%llx refused by "
			       "the device (external abort to the guest)", c->index, len, dir,
			       (unsigned long long)pa);
	return r;
}

/* A device access may have stopped the machine (the exit device, a device error):
 * the vCPU then stops at this instruction rather than run out its quantum. */
static int stop_seen(struct model *md, int r)
{
	if (machine__stopping(md->m))
		md->vm->stop = true;
	return r;
}

static int env_bus_read(void *opaque, struct cpu *c, uint64_t pa, unsigned len, uint64_t *val)
{
	struct model *md = opaque;

	return stop_seen(md, bus_result(c, bus__read(&md->m->bus, pa, len, val, c->index),
					"read", pa, len));
}

static int env_bus_write(void *opaque, struct cpu *c, uint64_t pa, unsigned len, uint64_t val)
{
	struct model *md = opaque;

	return stop_seen(md, bus_result(c, bus__write(&md->m->bus, pa, len, val, c->index),
					"write", pa, len));
}

static int env_hvc(void *opaque, struct cpu *c, uint32_t imm)
{
	if (imm != 0) { /* only HVC #0 is the SMCCC conduit */
		c->x[0] = (uint64_t)-1;
		c->pc += 4;
		return X_BRANCH;
	}
	return psci__call(opaque, c);
}

static int env_hlt(void *opaque, struct cpu *c, uint32_t imm)
{
	if (imm != SEMIHOST_HLT_IMM)
		return exc__undef(c); /* halting debug is not enabled: HLT is UNDEFINED */
	return semihost__call(opaque, c);
}

static void env_fatal(void *opaque, const char *msg)
{
	struct model *md = opaque;
	machine__error(md->m, "%s", msg);
}

/* One limit per kind of check, so that a bug in a loop (a missing TLBI) shows a few
 * lines and a count, not one line per access. */
static struct report_limit check_limit[XLAT_CHECK_KINDS] = {
	[XLAT_CHECK_STALE_TLB] = { .what = "stale-translation check reports", .burst = REPORT_BURST },
	[XLAT_CHECK_BBM] = { .what = "break-before-make check reports", .burst = REPORT_BURST },
	[XLAT_CHECK_ICACHE] = { .what = "I-cache coherence check reports", .burst = REPORT_BURST },
	[XLAT_CHECK_CONTIG] = { .what = "Contiguous-range check reports", .burst = REPORT_BURST },
	[XLAT_CHECK_ASID_REUSE] = { .what = "ASID-reuse check reports", .burst = REPORT_BURST },
};

static void env_check_report(void *opaque, unsigned kind, const char *line)
{
	(void)opaque;
	if (kind < XLAT_CHECK_KINDS)
		report_limited(&check_limit[kind], REPORT_INFO, "check: %s", line);
	else /* the sanitizer's own state (a full strict TLB store), said once */
		report(REPORT_WARN, "%s", line);
}

static bool env_check_quiet(void *opaque, unsigned kind)
{
	(void)opaque;
	return kind < XLAT_CHECK_KINDS && report__count(&check_limit[kind]) >= check_limit[kind].burst;
}

static int env_symbolize(void *opaque, uint64_t addr, char *buf, size_t n)
{
	struct model *md = opaque;
	return symtab__name(md->m->symbols, addr, buf, n);
}

/* --checks=stop: the first report stops the VM with its own status */
static void env_check_stop(void *opaque)
{
	struct model *md = opaque;
	machine__stop(md->m, VM_STOP_CHECK, VMM_EXIT_CHECK);
}

static const struct model_env env = {
	.bus_read = env_bus_read, .bus_write = env_bus_write, .hvc = env_hvc, .hlt = env_hlt,
	.fatal = env_fatal, .check_report = env_check_report, .check_stop = env_check_stop,
	.symbolize = env_symbolize, .check_quiet = env_check_quiet,
	.undef = model__undef_report,
	.fault = model_monitor__fault,
	.stage2_event = model_stage2__event,
};

/* The core mirrors --checks so that it need not include vmm/machine.h. */
_Static_assert(MODEL_CHECKS_OFF == (int)VM_CHECKS_OFF &&
	       MODEL_CHECKS_REPORT == (int)VM_CHECKS_REPORT &&
	       MODEL_CHECKS_STOP == (int)VM_CHECKS_STOP, "enum model_checks mirrors enum vm_checks");
_Static_assert(MODEL_JIT_DEFAULT == (int)VM_JIT_DEFAULT && MODEL_JIT_ON == (int)VM_JIT_ON &&
	       MODEL_JIT_OFF == (int)VM_JIT_OFF, "enum model_jit mirrors enum vm_jit");

static int model_available(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0; /* a pure interpreter: runs on any host */
}

static const struct mmio_ops dist_ops = { gicv3__dist_read, gicv3__dist_write };
static const struct mmio_ops redist_ops = { gicv3__redist_read, gicv3__redist_write };

/* An MMIO region of the model's own devices (the GIC); destroy() removes it. */
static int region(struct machine *m, const char *name, uint64_t base, uint64_t size,
		  const struct mmio_ops *ops, void *dev)
{
	struct mmio_region r = { .name = name, .base = base, .size = size, .ops = ops, .dev = dev };
	return bus__register(&m->bus, &r);
}

void model__start_cpu(struct model *md, struct cpu *c, uint64_t entry, uint64_t x0)
{
	uint64_t mpidr = c->sr.mpidr_el1;
	cpu__reset(c);
	c->sr.mpidr_el1 = mpidr;
	xlat__context_changed(c);
	c->pc = entry;
	c->x[0] = x0;
	c->on = true;
	c->waiting = false;
	(void)md;
}

static int model_create(struct machine *m)
{
	unsigned n = m->cfg.ncpus ? m->cfg.ncpus : 1;
	if (n > MODEL_MAX_CPUS) {
		machine__error(m, "--accel model supports at most %d vCPUs (asked for %u)",
			       MODEL_MAX_CPUS, n);
		return -EINVAL;
	}
	struct model *md = calloc(1, sizeof(*md));
	if (!md)
		return -ENOMEM;
	md->m = m;
	md->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (md->kick_fd < 0) {
		int err = -errno;
		free(md);
		machine__error(m, "model: cannot create an eventfd to wake the vCPUs");
		return err;
	}
	struct model_opts opts = {
		.checks = (enum model_checks)m->cfg.checks, /* the same values: asserted above */
		.strict = m->cfg.checks && m->cfg.checks_strict,
		.caches = m->cfg.caches,
		.stage2 = m->cfg.stage2 ? m->cfg.stage2 - 1 : 0, .dirty_log = m->cfg.dirty_log,
		.jit = m->cfg.jit, /* enum vm_jit and enum model_jit: the same values */
		.no_pmu = !m->cfg.pmu,
	};
	errno = 0;
	md->vm = vm__new(m->ram, m->ram_base, m->ram_size, n, &env, md, &opts);
	md->gic = gicv3__new(n);
	if (!md->vm || !md->gic) {
		m->accel_data = md;
		if (!md->vm && errno == EINVAL && ((m->ram_base | m->ram_size) & 0xfff))
			machine__error(m, "model: guest RAM must be whole 4 KiB pages");
		else if (!md->vm && errno == EINVAL)
			machine__error(m, "model: --jit on, but this host has no block translator");
		else
			machine__error(m, "model: out of memory creating %u vCPUs (or the JIT's "
				       "code cache)", n);
		return -ENOMEM;
	}
	md->vm->gic = md->gic;
	m->accel_data = md;
	int err = region(m, "gicv3-dist", GIC_DIST_BASE, GIC_DIST_SIZE, &dist_ops, md->gic);
	if (!err)
		err = region(m, "gicv3-redist", GIC_REDIST_BASE, GIC_REDIST_STRIDE * n, &redist_ops,
			     md->gic);
	if (err) {
		machine__error(m, "model: cannot register the GICv3 on the bus (%d)", err);
		return err;
	}
	for (unsigned k = 0; k < n; k++) {
		struct cpu *c = md->vm->cpu[k];
		c->sr.mpidr_el1 = machine__mpidr(k);
		c->irq_line = gicv3__irq_line(md->gic, k);
	}
	model__start_cpu(md, md->vm->cpu[0], m->boot.entry, m->boot.dtb_addr);
	return 0;
}

/* A hand-over (docs/handover.md): the VM as create() makes it, then every vCPU, the
 * timers and the GIC as the other engine left them. */
static int model_create_from_state(struct machine *m, const struct vm_state *st)
{
	int err = model_create(m);
	if (!err && model_handover__load(m->accel_data, st))
		err = -EINVAL;
	return err;
}

/* --stats: a report the user asked for, one line at a time through the CLI's channel */
static void stats_line(void *arg, const char *line)
{
	(void)arg;
	report(REPORT_INFO, "stats: %s", line);
}

static int model_run(struct machine *m)
{
	struct model *md = m->accel_data;
	int err = sched__run(md);
	semihost__flush(md);
	if (m->cfg.stats) {
		stats__print(md->vm, stats_line, NULL);
		/* stopped from outside (a signal, --timeout): perhaps on a guest that seemed
		 * stuck; say how the host ran the scheduler (host times: never in a run that
		 * ended by itself, whose --stats must repeat exactly) */
		enum vm_stop_reason why = (enum vm_stop_reason)atomic_load(&m->stop_reason);
		if (why == VM_STOP_USER || why == VM_STOP_TIMEOUT) {
			char line[800];
			sched__describe(md, line, sizeof(line));
			stats_line(NULL, line);
		}
	}
	return err;
}

/* Any thread, the scheduler's own included (a device write that stops the VM): so no
 * lock, only the flag and, on its first setting, the eventfd. */
static void model_kick(struct machine *m)
{
	struct model *md = m->accel_data;
	uint64_t one = 1;
	if (!md)
		return;
	if (!atomic_exchange(&md->kicked, 1) && write(md->kick_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so the scheduler is woken already */
	}
}

static void model_set_irq(struct machine *m, unsigned intid, int level)
{
	struct model *md = m->accel_data;
	if (!md || !md->gic)
		return;
	gicv3__set_spi(md->gic, intid, level);
	model_kick(m);
}

static void model_destroy(struct machine *m)
{
	struct model *md = m->accel_data;
	if (!md)
		return;
	m->accel_data = 0;
	bus__unregister(&m->bus, GIC_DIST_BASE);
	bus__unregister(&m->bus, GIC_REDIST_BASE);
	vm__free(md->vm);
	gicv3__free(md->gic);
	close(md->kick_fd);
	free(md);
}

const struct accel_ops accel_model = {
	.name = "model",
	.max_cpus = MODEL_MAX_CPUS,
	.offers = ACCEL_PMU, /* cpu/pmu.c; the model's GIC has no ITS */
	.available = model_available,
	.create = model_create,
	.create_from_state = model_create_from_state,
	.run = model_run,
	.set_irq = model_set_irq,
	.kick = model_kick,
	.destroy = model_destroy,
	.monitor_ops = model_monitor__ops,
};
