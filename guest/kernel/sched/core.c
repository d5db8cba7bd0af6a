/*
 * The scheduler (Linux: kernel/sched/core.c, the skeleton of it): one run queue per CPU,
 * round robin, the tick preempts. Each CPU has an idle task (its boot context: on CPU 0
 * the one that runs the KTAP tests), which runs when its queue is empty and is never
 * queued itself. A task stays on the CPU chosen when it was created (round robin over
 * the online CPUs, or sched_force_cpu), so a wake-up always goes to that CPU's queue;
 * a remote one is told with IPI_RESCHEDULE.
 * The kernel is not preemptible (CONFIG_PREEMPT_NONE): the tick and IPI_RESCHEDULE only
 * set need_resched, which is acted on when returning to user space
 * (exit_to_user_mode), when a task blocks or yields, and in the idle loop.
 * The run-queue lock is held, IRQs off, across cpu_switch_to(); the next task drops it
 * (finish_task_switch), as Linux does; prev->on_cpu is cleared only then, so that
 * whoever reaps a dead task waits until its CPU has left its stack.
 * Left out from Linux: CFS/EEVDF and priorities, load balancing and migration, sleep
 * and wait queues in general (wait4 is the only sleep), preemption counts, RT classes,
 * cgroups, NO_HZ, sched_clock.
 */
#include <kernel.h>
#include <string.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <asm/irqflags.h>
#include <asm/mmu_context.h>
#include <linux/irq.h>
#include <linux/sched.h>

struct rq runqueues[NR_CPUS];
static struct task_struct idle_tasks[NR_CPUS];
unsigned int sched_force_cpu = -1U;
static unsigned int next_cpu;

struct task_struct *get_current(void)
{
	return runqueues[smp_processor_id()].curr;
}

static void init_idle(unsigned int cpu)
{
	struct task_struct *idle = &idle_tasks[cpu];
	struct rq *rq = &runqueues[cpu];

	spin_lock_init(&rq->lock);
	INIT_LIST_HEAD(&rq->queue);
	idle->is_idle = true;
	idle->cpu = cpu;
	idle->on_cpu = 1;
	idle->on_rq = true;
	idle->state = TASK_RUNNING;
	snprintf(idle->comm, sizeof(idle->comm), "swapper/%u", cpu);
	INIT_LIST_HEAD(&idle->children);
	INIT_LIST_HEAD(&idle->sibling);
	INIT_LIST_HEAD(&idle->tasks);
	INIT_LIST_HEAD(&idle->run_list);
	rq->curr = rq->idle = idle;
}

void sched_init(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		init_idle(cpu);
}

static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	list_add_tail(&p->run_list, &rq->queue);
	rq->nr_running++;
}

static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = &runqueues[smp_processor_id()];

	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
}

/* The first thing a new task runs (from ret_from_fork), on the new task's stack. */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	local_irq_enable();
}

void schedule(void)
{
	u64 flags = local_irq_save();
	struct rq *rq = &runqueues[smp_processor_id()];
	struct task_struct *prev = rq->curr, *next;

	spin_lock(&rq->lock);
	rq->need_resched = false;
	if (!prev->is_idle) {
		if (prev->state == TASK_RUNNING) {	/* preempted or yielding: to the tail */
			enqueue_task(rq, prev);
			prev->nivcsw++;
		} else {				/* sleeping or dead */
			prev->on_rq = false;
			prev->nvcsw++;
		}
	}
	if (!list_empty(&rq->queue)) {
		next = list_first_entry(&rq->queue, struct task_struct, run_list);
		list_del(&next->run_list);
		rq->nr_running--;
	} else {
		next = rq->idle;
	}
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	rq->curr = next;
	rq->nr_switches++;
	next->on_cpu = 1;
	if (next->mm && next->mm != prev->mm)
		switch_mm(prev->mm, next->mm);
	else if (!next->mm && prev->mm)
		cpu_set_reserved_ttbr0();	/* no lazy TLB mm: kernel threads have none */
	fpsimd_thread_switch(prev, next);
	prev = cpu_switch_to(prev, next);
	finish_task_switch(prev);
	local_irq_restore(flags);
}

static void resched_cpu(unsigned int cpu)
{
	if (cpu == smp_processor_id())
		runqueues[cpu].need_resched = true;
	else
		smp_send_reschedule(cpu);
}

void wake_up_process(struct task_struct *p)
{
	if (p->is_idle) {		/* a kernel test polling in its idle loop */
		if (p->cpu != smp_processor_id())
			smp_send_ipi(p->cpu, IPI_WAKEUP);
		return;
	}
	struct rq *rq = &runqueues[p->cpu];
	u64 flags = local_irq_save();
	bool kick = false;

	spin_lock(&rq->lock);
	if (p->state != TASK_RUNNING && p->state != TASK_DEAD) {
		p->state = TASK_RUNNING;
		if (!p->on_rq) {
			p->on_rq = true;
			enqueue_task(rq, p);
			kick = true;
		}
	}
	spin_unlock(&rq->lock);
	if (kick)
		resched_cpu(p->cpu);
	local_irq_restore(flags);
}

unsigned int sched_select_cpu(void)
{
	unsigned int cpu = sched_force_cpu;

	if (cpu < NR_CPUS && cpu_is_online(cpu))
		return cpu;
	for (;;) {
		cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % NR_CPUS;
		if (cpu_is_online(cpu))
			return cpu;
	}
}

void wake_up_new_task(struct task_struct *p)
{
	p->cpu = sched_select_cpu();
	struct rq *rq = &runqueues[p->cpu];
	u64 flags = local_irq_save();

	spin_lock(&rq->lock);
	p->state = TASK_RUNNING;
	p->on_rq = true;
	enqueue_task(rq, p);
	spin_unlock(&rq->lock);
	resched_cpu(p->cpu);
	local_irq_restore(flags);
}

bool need_resched(void)
{
	return runqueues[smp_processor_id()].need_resched;
}

void set_tsk_need_resched(void)
{
	runqueues[smp_processor_id()].need_resched = true;
}

/* The tick: round robin between the tasks of this CPU, one tick each. */
void scheduler_tick(void)
{
	struct rq *rq = &runqueues[smp_processor_id()];

	if (!rq->curr->is_idle)
		rq->curr->ticks++;
	if (READ_ONCE(rq->nr_running))
		rq->need_resched = true;
}

void sched_ipi_reschedule(void)
{
	runqueues[smp_processor_id()].need_resched = true;
}
