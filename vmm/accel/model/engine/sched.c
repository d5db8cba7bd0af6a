/* The deterministic scheduler: the vCPUs run one after another in one host thread,
 * each for a fixed quantum of instructions (cut short at its next timer deadline), and
 * virtual time is the number of instructions retired by all of them. When every
 * running vCPU waits (WFI/WFE), time jumps to the earliest timer deadline; with no
 * deadline at all, the thread sleeps until a device interrupt or a stop (the only
 * non-deterministic input is the outside world: console input). */
#include <errno.h>
#include <time.h>

#include "machine.h"
#include "engine/model.h"
#include "engine/timer.h"

/* Does anything end c's wait? An interrupt or event; for WFE also any other vCPU that
 * is running, since a store of its may have cleared c's exclusive monitor (the event a
 * spinning WFE waits for). WFE may end spuriously (Arm ARM D1.6.1), so this is safe. */
static bool wakes(const struct model_vm *vm, const struct cpu *c)
{
	if (*c->irq_line || c->event)
		return true;
	if (c->wfe)
		for (unsigned k = 0; k < vm->ncpus; k++)
			if (vm->cpu[k] != c && vm->cpu[k]->on && !vm->cpu[k]->waiting)
				return true;
	return false;
}

static void advance(struct model_vm *vm, struct cpu *c)
{
	vm->vtime += c->icount - c->q_start;
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
	unsigned ran = 0;
	for (unsigned k = 0; k < vm->ncpus && !*stop; k++) {
		struct cpu *c = vm->cpu[k];
		if (!c->on)
			continue;
		if (c->waiting) {
			if (!wakes(vm, c))
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
		c->q_start = c->icount;
		int r = cpu__run(c, budget);
		advance(vm, c);
		vm__free_dead(vm);
		ran++;
		if (r == X_STOP && (vm->stop || machine__stopping(md->m)))
			*stop = 1;
	}
	return ran;
}

static void idle_wait(struct model *md)
{
	struct timespec ts;
	pthread_mutex_lock(&md->lock);
	if (!atomic_exchange(&md->kicked, 0)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&md->wake, &md->lock, &ts);
		atomic_store(&md->kicked, 0);
	}
	pthread_mutex_unlock(&md->lock);
}

int sched__run(struct model *md)
{
	struct model_vm *vm = md->vm;
	int stop = 0;
	while (!stop && !machine__stopping(md->m) && !vm->stop) {
		/* Read before the round: input that arrived before the end of input has
		 * then already been seen by wakes(). */
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
			vm->vtime = dl; /* idle: jump to the next timer event */
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
