/*
 * The architected timer as the scheduler tick (Linux: drivers/clocksource/
 * arm_arch_timer.c in its per-CPU clockevent role, kernel/time/tick-common.c for the
 * periodic tick). Each CPU programs its EL1 virtual timer (CNTV_TVAL/CTL_EL0) for
 * CNTFRQ/HZ ticks and re-arms it in the interrupt; the PPI number is the third
 * "interrupts" entry of the "arm,armv8-timer" node (virtual timer), 27 if absent.
 * The boot CPU's tick advances jiffies; every CPU's calls scheduler_tick().
 * Left out from Linux: one-shot/NO_HZ mode (the tick runs even when idle), the
 * clocksource/sched_clock registration (the counter is read directly), the physical
 * or hypervisor timers, the memory-mapped timer, errata workarounds, event streams.
 */
#include <kernel.h>
#include <fdt.h>
#include <setup.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/irq.h>

#define ARCH_TIMER_CTRL_ENABLE (1UL << 0)
#define ARCH_TIMER_CTRL_IT_MASK (1UL << 1)

volatile u64 jiffies;
static unsigned int timer_irq = 27;
static u64 timer_period;
static volatile u64 ticks[NR_CPUS];

static void arch_timer_set_next(void)
{
	write_sysreg(timer_period, cntv_tval_el0);
	write_sysreg(ARCH_TIMER_CTRL_ENABLE, cntv_ctl_el0);
	isb();
}

static void arch_timer_handler(unsigned int irq, void *dev)
{
	unsigned int cpu = smp_processor_id();

	if (!(read_sysreg(cntv_ctl_el0) & (1UL << 2)))	/* ISTATUS: not (any more) firing */
		return;
	arch_timer_set_next();
	ticks[cpu]++;
	if (cpu == 0)
		jiffies++;
	scheduler_tick();
}

int arch_timer_init(void)
{
	const void *fdt = machine.fdt;
	int node = fdt__node_offset_by_compatible(fdt, -1, "arm,armv8-timer"), len;

	if (node >= 0) {
		const u32 *irqs = fdt__getprop(fdt, node, "interrupts", &len);
		if (irqs && len >= 9 * 4)
			timer_irq = fdt32_to_cpu(irqs[7]) + 16;	/* <type ppi flags>, third one */
	}
	timer_period = machine.timer_freq / HZ;
	int ret = request_percpu_irq(timer_irq, arch_timer_handler, "arch_timer", NULL);
	if (!ret)
		printk("arch_timer: cp15 timer running at %u.%02uMHz (virt), tick %u Hz on PPI %u\n",
		       machine.timer_freq / 1000000, machine.timer_freq / 10000 % 100, HZ, timer_irq);
	return ret;
}

void arch_timer_cpu_init(void)
{
	arch_timer_set_next();
	gic_enable_ppi(timer_irq);
}

u64 arch_timer_ticks(unsigned int cpu)
{
	return cpu < NR_CPUS ? ticks[cpu] : 0;
}

unsigned int arch_timer_irq(void)
{
	return timer_irq;
}
