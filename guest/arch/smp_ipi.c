/*
 * Inter-processor interrupts (Linux: arch/arm64/kernel/smp.c, the ipi_msg_type part):
 * SGI n carries message n. IPI_RESCHEDULE asks a CPU to look at its run queue,
 * IPI_CALL_FUNC wakes a CPU from WFI for smp_call_on() work, IPI_WAKEUP does nothing but
 * wake, IPI_TEST is counted for the tests. Also the per-CPU interrupt bring-up every CPU
 * runs (secondary_irq_init): GIC CPU interface, the tick, IRQs unmasked.
 * Left out from Linux: IPI_CPU_STOP/CRASH_STOP, IPI_TIMER (no broadcast), irq_work,
 * the generic smp_call_function queues (smp_call_on() has its own slot per CPU).
 */
#include <kernel.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/irq.h>

static unsigned long ipi_counts[NR_CPUS][NR_IPI];
static const char *const ipi_names[NR_IPI] = {
	"Rescheduling interrupts", "Function call interrupts", "CPU wake-up interrupts",
	"Test interrupts",
};

void sched_ipi_reschedule(void);

static void ipi_handler(unsigned int irq, void *dev)
{
	ipi_counts[smp_processor_id()][irq]++;
	if (irq == IPI_RESCHEDULE)
		sched_ipi_reschedule();
}

void smp_ipi_init(void)
{
	for (unsigned int i = 0; i < NR_IPI; i++)
		request_percpu_irq(i, ipi_handler, ipi_names[i], NULL);
}

void smp_send_ipi(unsigned int cpu, enum ipi_msg_type ipi)
{
	if (gic_cpu_ready(cpu))
		gic_send_sgi(cpu, ipi);
}

void smp_send_reschedule(unsigned int cpu)
{
	smp_send_ipi(cpu, IPI_RESCHEDULE);
}

unsigned long ipi_count(unsigned int cpu, enum ipi_msg_type ipi)
{
	return READ_ONCE(ipi_counts[cpu][ipi]);
}

void secondary_irq_init(void)
{
	if (!gic_info.present)
		return;
	gic_cpu_init();
	for (unsigned int i = 0; i < NR_IPI; i++)
		gic_enable_ppi(i);
	arch_timer_cpu_init();
	local_irq_enable();
}

/* Until the scheduler provides them. */
__attribute__((weak)) void scheduler_tick(void) {}
__attribute__((weak)) void sched_ipi_reschedule(void) {}
