/* The model engine seen by the gdb stub (vmm/gdb/gdb.h). Registers, memory writes and
 * single steps are made by the stub's thread while the scheduler is parked between
 * quanta (model_monitor__hold): nothing else touches a vCPU then.
 *
 * Breakpoints and watchpoints are engine-side lists, never written into guest memory.
 * While any is set, the scheduler runs the vCPUs one instruction at a time through
 * model_gdb__run() (a hook in sched.c), which checks each PC against the breakpoints
 * before it executes and each watched range after: a write watchpoint is a change of
 * the bytes at the physical address the range had when it was inserted (a software
 * watchpoint's rule: a store of the same value is not seen). Read and access
 * watchpoints are not supported. Without any, the scheduler runs as it always does. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "machine.h"
#include "gdb/gdb.h"
#include "engine/gdb_target.h"
#include "engine/model.h"
#include "engine/monitor_target.h"
#include "engine/timer.h"

#define MAX_BPS 64
#define MAX_WPS 4

bool model_gdb_active;

static struct {
	struct machine *m;
	uint64_t bp[MAX_BPS];
	unsigned nbp;
	struct { uint64_t addr, pa, len; uint8_t old[8]; } wp[MAX_WPS];
	unsigned nwp;
	atomic_bool halting;         /* a hit was reported: run nothing more */
	bool skip[MODEL_MAX_CPUS];   /* resume past a breakpoint at the current PC */
} g;

static int bp_hit(const struct cpu *c)
{
	for (unsigned k = 0; k < g.nbp; k++)
		if (g.bp[k] == c->pc)
			return 1;
	return 0;
}

static int wp_hit(struct model_vm *vm, uint64_t *addr)
{
	for (unsigned k = 0; k < g.nwp; k++) {
		const uint8_t *p = vm__ram(vm, g.wp[k].pa, g.wp[k].len);

		if (p && memcmp(p, g.wp[k].old, g.wp[k].len)) {
			memcpy(g.wp[k].old, p, g.wp[k].len);
			*addr = g.wp[k].addr;
			return 1;
		}
	}
	return 0;
}

static void hit(struct cpu *c, enum gdb_stop_kind kind, uint64_t addr)
{
	struct gdb_stop s = { .kind = kind, .cpu = c->index, .addr = addr };

	atomic_store(&g.halting, true);
	gdb__notify_stop(&s);
}

int model_gdb__run(struct model *md, struct cpu *c, uint64_t budget)
{
	uint64_t addr;
	int r = X_NEXT;

	for (uint64_t i = 0; i < budget; i++) {
		if (atomic_load(&g.halting))
			return X_NEXT;
		if (g.skip[c->index])
			g.skip[c->index] = false;
		else if (bp_hit(c)) {
			hit(c, GDB_STOP_BREAK, c->pc);
			return X_NEXT;
		}
		r = cpu__run(c, 1);
		if (g.nwp && wp_hit(md->vm, &addr)) {
			hit(c, GDB_STOP_WATCH, addr);
			return r;
		}
		if (r == X_WAIT || r == X_STOP || c->waiting || !c->on)
			return r;
	}
	return r;
}

static struct model_vm *hold(int *rc, unsigned cpu)
{
	struct model *md = model_monitor__hold(rc);

	if (!md)
		return NULL;
	if (cpu >= md->vm->ncpus) {
		model_monitor__release();
		*rc = -EINVAL;
		return NULL;
	}
	return md->vm;
}

static int get_regs(void *t, unsigned cpu, struct gdb_regs *r)
{
	struct model_vm *vm;
	const struct cpu *c;
	int rc;

	(void)t;
	if (!(vm = hold(&rc, cpu)))
		return rc;
	c = vm->cpu[cpu];
	memcpy(r->x, c->x, sizeof(r->x));
	r->sp = c->x[31];
	r->pc = c->pc;
	r->cpsr = (uint32_t)cpu__pstate(c);
	for (unsigned k = 0; k < 32; k++)
		memcpy(r->v[k], c->v[k].b, 16);
	r->fpsr = c->fpsr;
	r->fpcr = c->fpcr;
	model_monitor__release();
	return 0;
}

static int set_regs(void *t, unsigned cpu, const struct gdb_regs *r)
{
	struct model_vm *vm;
	struct cpu *c;
	int rc;

	(void)t;
	if (!(vm = hold(&rc, cpu)))
		return rc;
	c = vm->cpu[cpu];
	memcpy(c->x, r->x, sizeof(r->x));
	c->x[31] = r->sp;
	c->pc = r->pc;
	c->nzcv = r->cpsr & 0xf0000000u; /* the flags only: EL and masks stay the CPU's */
	for (unsigned k = 0; k < 32; k++)
		memcpy(c->v[k].b, r->v[k], 16);
	c->fpsr = r->fpsr;
	c->fpcr = r->fpcr;
	model_monitor__release();
	return 0;
}

static int step(void *t, unsigned cpu)
{
	struct model *md;
	struct cpu *c;
	int rc;

	(void)t;
	if (!(md = model_monitor__hold(&rc)))
		return rc;
	if (cpu >= md->vm->ncpus || !md->vm->cpu[cpu]->on) {
		model_monitor__release();
		return -EINVAL;
	}
	c = md->vm->cpu[cpu];
	c->waiting = false; /* a step out of WFI executes the next instruction */
	c->q_start = c->icount;
	cpu__run(c, 1);
	md->vm->vtime += c->icount - c->q_start;
	md->retired += c->icount - c->q_start;
	c->q_start = c->icount;
	for (unsigned k = 0; k < md->vm->ncpus; k++)
		timer__update(md->vm->cpu[k]);
	model_monitor__release();
	return 0;
}

static int write_phys(void *t, uint64_t pa, const void *buf, size_t len)
{
	struct model *md;
	void *p;
	int rc;

	(void)t;
	if (!(md = model_monitor__hold(&rc)))
		return rc;
	p = vm__ram(md->vm, pa, len);
	if (p) {
		memcpy(p, buf, len);
		for (uint64_t a = pa & ~0xfffull; a < pa + len; a += 4096)
			if (vm__is_code(md->vm, a))
				vm__invalidate_code(md->vm, a);
	}
	model_monitor__release();
	return p ? 0 : -EFAULT;
}

static void update_active(void)
{
	model_gdb_active = g.nbp || g.nwp;
}

static int set_break(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t pa, uint64_t len,
		     bool insert)
{
	struct model *md;
	unsigned k;
	int rc = 0;

	(void)t;
	if (!(md = model_monitor__hold(&rc)))
		return rc;
	if (type == GDB_BP_SW || type == GDB_BP_HW) {
		for (k = 0; k < g.nbp && g.bp[k] != addr; k++)
			;
		if (insert && k == g.nbp) {
			if (g.nbp == MAX_BPS)
				rc = -ENOSPC;
			else
				g.bp[g.nbp++] = addr;
		} else if (!insert && k < g.nbp) {
			g.bp[k] = g.bp[--g.nbp];
		}
	} else if (type == GDB_WP_WRITE) {
		const void *p = vm__ram(md->vm, pa, len);

		for (k = 0; k < g.nwp && g.wp[k].addr != addr; k++)
			;
		if (insert && k == g.nwp) {
			if (!p || len == 0 || len > 8)
				rc = -EINVAL;
			else if (g.nwp == MAX_WPS)
				rc = -ENOSPC;
			else {
				g.wp[g.nwp].addr = addr;
				g.wp[g.nwp].pa = pa;
				g.wp[g.nwp].len = len;
				memcpy(g.wp[g.nwp++].old, p, len);
			}
		} else if (!insert && k < g.nwp) {
			g.wp[k] = g.wp[--g.nwp];
		}
	} else {
		rc = -EOPNOTSUPP;
	}
	update_active();
	model_monitor__release();
	return rc;
}

static void before_resume(void *t)
{
	struct model *md;
	int rc;

	(void)t;
	if (!(md = model_monitor__hold(&rc)))
		return;
	for (unsigned k = 0; k < md->vm->ncpus; k++)
		g.skip[k] = bp_hit(md->vm->cpu[k]);
	for (unsigned k = 0; k < g.nwp; k++) {
		const void *p = vm__ram(md->vm, g.wp[k].pa, g.wp[k].len);

		if (p)
			memcpy(g.wp[k].old, p, g.wp[k].len);
	}
	atomic_store(&g.halting, false);
	model_monitor__release();
}

static const struct gdb_target_ops ops = {
	.get_regs = get_regs, .set_regs = set_regs, .step = step, .write_phys = write_phys,
	.set_break = set_break, .before_resume = before_resume,
};

const struct gdb_target_ops *model_gdb__ops(struct machine *m, void **target)
{
	g.m = m;
	*target = &g;
	return &ops;
}
