/*
 * The idle loop's one step (Linux: kernel/sched/idle.c do_idle, arch/arm64/kernel/
 * idle.c cpu_do_idle). Called with IRQs masked after the caller checked that it has
 * nothing else to do: queued tasks run first (schedule() comes back to the idle task
 * when the queue is empty again); otherwise WFI, which wakes on any pending interrupt
 * even while masked, and the caller unmasks afterwards so that it is taken. Without a
 * GIC (no interrupts can wake us) the wait is WFE, woken by the SEV of smp_call_on()
 * and smp_wait().
 * Left out from Linux: cpuidle states, PSCI CPU_SUSPEND, polling idle, NO_HZ.
 */
#include <kernel.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/irq.h>
#include <linux/sched.h>

void cpu_do_idle(void)
{
	if (gic_cpu_ready(smp_processor_id())) {
		dsb(sy);
		__asm__ volatile("wfi" ::: "memory");
	} else {
		wfe();
	}
}

void cpu_idle_once(void)
{
	struct rq *rq = &runqueues[smp_processor_id()];

	if (READ_ONCE(rq->nr_running)) {
		schedule();
		return;
	}
	if (!rq->need_resched)
		cpu_do_idle();
	rq->need_resched = false;
}
