/* The deterministic scheduler: the vCPUs run one after another in one host thread,
 * each for a fixed quantum of instructions (cut short at its next timer deadline), and
 * virtual time is the number of instructions retired by all of them. When every
 * running vCPU waits (WFI/WFE), time jumps to the earliest timer deadline, after the
 * thread has slept as long on the host's clock (virtual time never runs ahead of the
 * host's while the guest idles: an idle guest with a periodic tick costs no host CPU);
 * with no deadline at all, the thread sleeps until a device interrupt or a stop. A
 * kick or stop ends the sleep early; the guest sees the same times either way, but for
 * those (the only non-deterministic input is the outside world: console input).
 *
 * Stops: checked after every quantum. A stop from another thread (a signal, Ctrl-A x,
 * --timeout) writes machine->wake_fd, which the idle wait polls; interrupts raised
 * by device threads wake it through model_kick() and its own eventfd. No lock is
 * shared with those threads.
 *
 * Host time of each quantum (two clock reads per quantum) is kept for --stats after a
 * stop from outside (sched__describe): a run that seems stuck is told from a slow one. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"
#include "engine/gdb_target.h"
#include "engine/model.h"
#include "engine/monitor_target.h"
#include "engine/timer.h"
#include "engine/trace_model.h"
#include "trace/trace.h"
#include "mem/xlat.h"

/* While every vCPU waits with no timer armed, how often to look again whether the
 * console input has ended (nothing signals that; then the wait is a deadlock). Timer
 * events need no wall-clock wait: virtual time jumps to them. */
#define IDLE_RECHECK_MS 10

/* c's exclusive monitor is armed on memory that no longer holds what its load-exclusive
 * read: a store of another vCPU cleared it, which is an event for WFE. */
static bool monitor_cleared(struct cpu *c)
{
	struct xlat_out o;
	struct xlat_fault f;
	uint64_t cur[2] = { 0, 0 };
	const void *p;
	if (c->excl_size > 16 || ((c->excl_addr ^ (c->excl_addr + c->excl_size - 1)) >> 12))
		return true;
	if (xlat__translate(c, c->excl_addr, c->mmu_idx, ACC_READ, &o, &f) ||
	    !(p = vm__ram(c->vm, o.pa, c->excl_size)))
		return true;
	memcpy(cur, p, c->excl_size);
	return cur[0] != c->excl_val[0] || cur[1] != c->excl_val[1];
}

/* Does anything end c's wait? An interrupt or event; for WFE also a cleared exclusive
 * monitor (Linux's __cmpwait: LDXR, then WFE until the value changes), or, with no
 * monitor armed, any other vCPU having run since c began to wait (its stores may be
 * what c waits for). WFE may end spuriously (Arm ARM D1.6.1), so this is safe; it
 * must not end only while another vCPU happens to run at the moment c is looked at,
 * or two vCPUs that wait for each other in turn never see each other run. */
static bool wakes(struct model *md, struct cpu *c)
{
	if (*c->irq_line || c->event)
		return true;
	if (!c->wfe)
		return false;
	if (c->excl_valid)
		return monitor_cleared(c);
	return md->retired != md->wfe_since[c->index];
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void advance(struct model *md, struct cpu *c)
{
	struct model_vm *vm = md->vm;
	uint64_t ran = c->icount - c->q_start;
	vm->vtime += ran;
	md->retired += ran;
	c->q_start = c->icount;
	for (unsigned k = 0; k < vm->ncpus; k++)
		timer__update(vm->cpu[k]);
}

static uint64_t earliest_deadline(struct model_vm *vm)
{
	uint64_t d = UINT64_MAX;
	for (unsigned k = 0; k < vm->ncpus; k++) {
		struct cpu *c = vm->cpu[k];
		if (c->on) {
			uint64_t t = timer__deadline(c);
			if (t < d)
				d = t;
		}
	}
	return d;
}

/* Run every vCPU that can run for one quantum. Returns the number that ran. */
static unsigned round_robin(struct model *md, int *stop)
{
	struct model_vm *vm = md->vm;
	uint64_t limit = md->m->cfg.max_insns;
	unsigned ran = 0;
	for (unsigned k = 0; k < vm->ncpus && !*stop; k++) {
		struct cpu *c = vm->cpu[k];
		if (!c->on)
			continue;
		if (c->waiting) {
			if (!wakes(md, c))
				continue;
			c->waiting = false;
			c->wfe = false;
			c->event = false;
		}
		/* cut the quantum at the next timer deadline of any vCPU, so that timer
		 * interrupts arrive on time on every vCPU */
		uint64_t budget = vm->quantum, now = timer__now(c), dl = earliest_deadline(vm);
		if (dl > now && dl - now < budget)
			budget = dl - now;
		/* and at --max-insns: the run ends at the same instruction every time */
		if (limit && limit - md->retired < budget)
			budget = limit - md->retired;
		c->q_start = c->icount;
		uint64_t t0 = now_ns();
		if (md->t_last && t0 - md->t_last > md->gap_max_ns) {
			md->gap_max_ns = t0 - md->t_last;
			md->gap_max_at = md->retired;
		}
		if (unlikely(model_gdb_active)) /* vmm run --gdb: breakpoints, watchpoints */
			model_gdb__run(md, c, budget);
		else
			cpu__run(c, budget);
		advance(md, c);
		md->t_last = now_ns();
		md->quanta++;
		if (md->t_last - t0 > md->q_max_ns) {
			md->q_max_ns = md->t_last - t0;
			md->q_max_at = md->retired;
		}
		while (md->marks < SCHED_MARKS &&
		       md->t_last - md->t_start >= (1000000000ull << md->marks))
			md->by_2pow_s[md->marks++] = md->retired;
		if (unlikely(trace_mask)) /* vmm run --trace: the counters */
			trace_model__sample(md, c);
		if (c->waiting)
			md->wfe_since[k] = md->retired;
		vm__free_dead(vm);
		ran++;
		if (vm->stop || machine__stopping(md->m)) {
			*stop = 1;
		} else if (limit && md->retired >= limit) {
			machine__stop(md->m, VM_STOP_INSN_LIMIT, VMM_EXIT_INSN_LIMIT);
			*stop = 1;
		}
	}
	return ran;
}

static void drain(int fd)
{
	uint64_t n;
	if (fd >= 0 && read(fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing was written */
	}
}

/* Sleep until a kick (a device interrupt), a stop, or IDLE_RECHECK_MS. */
static void idle_wait(struct model *md)
{
	struct pollfd fds[] = {
		{ .fd = md->m->wake_fd, .events = POLLIN },
		{ .fd = md->kick_fd, .events = POLLIN },
	};
	/* a kick since the last round: look again at once; the exchange also makes
	 * what the kicker did before it (a GIC line raised) visible here */
	if (!atomic_exchange(&md->kicked, 0)) {
		if (poll(fds, 2, IDLE_RECHECK_MS) < 0 && errno != EINTR)
			return;
		atomic_exchange(&md->kicked, 0);
	}
	drain(md->kick_fd);
	drain(md->m->wake_fd);
}

/* Every vCPU waits and the next timer event is at virtual time dl: sleep until the
 * host's clock has moved as far (a deadline seen again keeps its wake-up time), at
 * most IDLE_RECHECK_MS at a time so that the monitor and console end are looked at.
 * Returns true when the sleep is over (time may jump to dl), false when a kick, a
 * stop or the recheck ended it first. */
static bool idle_sleep(struct model *md, uint64_t dl)
{
	uint64_t now = now_ns();
	if (md->idle_dl != dl) {
		uint64_t ticks = dl - md->vm->vtime, ns_per_s = 1000000000ull;
		md->idle_dl = dl;
		md->idle_until = now + ticks / md->vm->cntfrq * ns_per_s +
				 ticks % md->vm->cntfrq * ns_per_s / md->vm->cntfrq;
	}
	if (now >= md->idle_until)
		return true;
	uint64_t left = md->idle_until - now, cap = IDLE_RECHECK_MS * 1000000ull;
	if (left > cap)
		left = cap;
	struct pollfd fds[] = {
		{ .fd = md->m->wake_fd, .events = POLLIN },
		{ .fd = md->kick_fd, .events = POLLIN },
	};
	struct timespec ts = { (time_t)(left / 1000000000ull), (long)(left % 1000000000ull) };
	if (atomic_exchange(&md->kicked, 0))
		return false; /* a device raised a line: let the vCPUs look at it first */
	int n = ppoll(fds, 2, &ts, NULL);
	if (n != 0) { /* a kick or a stop (or a signal): the round looks again */
		atomic_exchange(&md->kicked, 0);
		drain(md->kick_fd);
		drain(md->m->wake_fd);
		return false;
	}
	return now_ns() >= md->idle_until;
}

int sched__run(struct model *md)
{
	struct model_vm *vm = md->vm;
	int stop = 0;
	md->t_start = now_ns();
	getrusage(RUSAGE_THREAD, &md->ru_start);
	while (!stop && !machine__stopping(md->m) && !vm->stop) {
		/* Read before the round: input that arrived before the end of input has
		 * then already been seen by wakes(). */
		if (model_monitor__poll(md)) /* parked: paused, or the monitor read the vCPUs */
			continue;
		bool no_more_input = atomic_load(&md->m->input_closed);
		if (round_robin(md, &stop))
			continue;
		bool any_on = false;
		for (unsigned k = 0; k < vm->ncpus; k++)
			any_on |= vm->cpu[k]->on;
		if (!any_on) {
			machine__error(md->m, "model: every vCPU is off (PSCI CPU_OFF) and the guest "
				       "did not call SYSTEM_OFF");
			break;
		}
		uint64_t dl = earliest_deadline(vm);
		if (dl != UINT64_MAX && dl > vm->vtime) {
			if (!idle_sleep(md, dl))
				continue;
			vm->vtime = dl; /* idle: jump to the next timer event */
			md->idle_dl = UINT64_MAX;
			for (unsigned k = 0; k < vm->ncpus; k++)
				timer__update(vm->cpu[k]);
			continue;
		}
		if (dl == UINT64_MAX && no_more_input) {
			machine__error(md->m, "model: every vCPU waits (WFI/WFE) for an interrupt "
				       "that nothing can raise: no timer armed, no console input "
				       "left (a guest deadlock)");
			break;
		}
		idle_wait(md);
	}
	return 0;
}

static uint64_t tv_ms(struct timeval a, struct timeval b)
{
	return (uint64_t)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_usec - a.tv_usec) / 1000);
}

void sched__describe(struct model *md, char *buf, size_t n)
{
	uint64_t now = now_ns(), ms = 1000000;
	struct rusage ru, *r0 = &md->ru_start;
	getrusage(RUSAGE_THREAD, &ru);
	int k = snprintf(buf, n, "  scheduler: %llu instructions in %llu quanta, %llu ms of host time; the "
			 "last quantum ended %llu ms before the stop; longest quantum %llu ms "
			 "(ended at instruction %llu), longest time between two (idle sleeps "
			 "included) %llu ms (before instruction %llu)",
			 (unsigned long long)md->retired, (unsigned long long)md->quanta,
			 (unsigned long long)((now - md->t_start) / ms),
			 (unsigned long long)(md->t_last ? (now - md->t_last) / ms : 0),
			 (unsigned long long)(md->q_max_ns / ms), (unsigned long long)md->q_max_at,
			 (unsigned long long)(md->gap_max_ns / ms),
			 (unsigned long long)md->gap_max_at);
	for (unsigned i = 0; i < md->marks && k >= 0 && (size_t)k < n; i++)
		k += snprintf(buf + k, n - k, "%s%llu", i ? ", " : "; retired by 1, 2, 4... s: ",
			      (unsigned long long)md->by_2pow_s[i]);
	if (k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - k, "; its thread: %llu ms user, %llu ms system, %ld minor and "
			 "%ld major page faults, %ld voluntary and %ld involuntary context switches",
			 (unsigned long long)tv_ms(r0->ru_utime, ru.ru_utime),
			 (unsigned long long)tv_ms(r0->ru_stime, ru.ru_stime),
			 ru.ru_minflt - r0->ru_minflt, ru.ru_majflt - r0->ru_majflt,
			 ru.ru_nvcsw - r0->ru_nvcsw, ru.ru_nivcsw - r0->ru_nivcsw);
}
