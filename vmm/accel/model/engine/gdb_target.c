/* The model engine seen by the gdb stub (vmm/gdb/gdb.h). Registers, memory writes and
 * single steps are made by the stub's thread while the scheduler is parked between
 * quanta (model_monitor__hold): nothing else touches a vCPU then.
 *
 * Breakpoints and watchpoints are engine-side lists, never written into guest memory.
 * While any is set, the scheduler runs the vCPUs one instruction at a time through
 * model_gdb__run() (a hook in sched.c), which checks each PC against the breakpoints
 * before it executes. Watchpoints match as hardware ones do (Arm ARM D2.10, by
 * virtual address, before the access): while any is set the micro-TLB is bypassed so
 * that every data access reaches mem.c's slow path, which asks watch() (mem_watch_hook)
 * after translation; a hit abandons the instruction (nothing of it done, as a
 * Watchpoint exception would) and stops the VM with the PC at it, which is what gdb
 * expects of AArch64 ("non-steppable" watchpoints: it steps over the access itself).
 * Without any, the scheduler and the access path run as they always do. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "machine.h"
#include "gdb/gdb.h"
#include "engine/gdb_target.h"
#include "engine/model.h"
#include "engine/monitor_target.h"
#include "engine/timer.h"
#include "mem/mem.h"

#define MAX_BPS 64
#define MAX_WPS 4          /* as the model's own DBGWCR<n>_EL1 (cpu/debug.h) */
#define MAX_WP_LEN 4096

bool model_gdb_active;

static struct {
	struct machine *m;
	uint64_t bp[MAX_BPS];
	unsigned nbp;
	struct { uint64_t addr, len; enum gdb_bp_type type; } wp[MAX_WPS];
	unsigned nwp;
	atomic_bool halting;         /* a hit was reported: run nothing more */
	bool skip[MODEL_MAX_CPUS];   /* resume past a breakpoint at the current PC */
	bool wskip[MODEL_MAX_CPUS];  /* resume past the access a watchpoint stopped */
	uint64_t wpc[MODEL_MAX_CPUS]; /* PC of the last watchpoint stop, else ~0 */
} g;

static int bp_hit(const struct cpu *c)
{
	for (unsigned k = 0; k < g.nbp; k++)
		if (g.bp[k] == c->pc)
			return 1;
	return 0;
}

static void hit(struct cpu *c, enum gdb_stop_kind kind, uint64_t addr, int wtype)
{
	struct gdb_stop s = { .kind = kind, .cpu = c->index, .addr = addr, .wtype = wtype };

	atomic_store(&g.halting, true);
	gdb__notify_stop(&s);
}

/* Does a watchpoint of this type see an access rw (0 read, 1 write, 2 both)? */
static bool wp_sees(enum gdb_bp_type type, int rw)
{
	if (type == GDB_WP_WRITE)
		return rw != 0;
	if (type == GDB_WP_READ)
		return rw != 1;
	return true;
}

/* mem_watch_hook while a watchpoint is set (mem/mem.h): X_STOP on a hit. */
static int watch(struct cpu *c, uint64_t va, unsigned size, int rw)
{
	if (atomic_load(&g.halting))
		return X_STOP; /* another vCPU stopped the VM: nothing more happens */
	if (g.wskip[c->index])
		return 0;
	for (unsigned k = 0; k < g.nwp; k++) {
		uint64_t a = g.wp[k].addr, end = a + g.wp[k].len;

		if (va < end && va + size > a && wp_sees(g.wp[k].type, rw)) {
			g.wpc[c->index] = c->pc;
			hit(c, GDB_STOP_WATCH, va > a ? va : a, g.wp[k].type);
			return X_STOP;
		}
	}
	return 0;
}

int model_gdb__run(struct model *md, struct cpu *c, uint64_t budget)
{
	int r = X_NEXT;

	(void)md;
	for (uint64_t i = 0; i < budget; i++) {
		if (atomic_load(&g.halting))
			return X_NEXT;
		if (g.skip[c->index])
			g.skip[c->index] = false;
		else if (bp_hit(c)) {
			hit(c, GDB_STOP_BREAK, c->pc, 0);
			return X_NEXT;
		}
		r = cpu__run(c, 1);
		g.wskip[c->index] = false;
		if (atomic_load(&g.halting))
			return r;
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
	atomic_store(&g.halting, false); /* the VM is held: this step may report a hit */
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

static void update_active(struct model_vm *vm)
{
	model_gdb_active = g.nbp || g.nwp;
	if (g.nwp && !mem_watch_hook)
		for (unsigned k = 0; k < vm->ncpus; k++)
			mem__flush_data(vm->cpu[k]); /* every access must reach the slow path */
	mem_watch_hook = g.nwp ? watch : NULL;
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
	} else {
		for (k = 0; k < g.nwp && !(g.wp[k].addr == addr && g.wp[k].type == type); k++)
			;
		if (insert && k == g.nwp) {
			if (len == 0 || len > MAX_WP_LEN || addr + len < addr)
				rc = -EINVAL;
			else if (g.nwp == MAX_WPS)
				rc = -ENOSPC;
			else {
				g.wp[g.nwp].addr = addr;
				g.wp[g.nwp].len = len;
				g.wp[g.nwp++].type = type;
			}
		} else if (!insert && k < g.nwp) {
			g.wp[k] = g.wp[--g.nwp];
		}
	}
	(void)pa; /* watched by virtual address, as hardware does */
	update_active(md->vm);
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
	for (unsigned k = 0; k < md->vm->ncpus; k++) {
		g.skip[k] = bp_hit(md->vm->cpu[k]);
		g.wskip[k] = g.wpc[k] == md->vm->cpu[k]->pc;
		g.wpc[k] = ~0ull;
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
	memset(g.wpc, 0xff, sizeof(g.wpc));
	*target = &g;
	return &ops;
}
