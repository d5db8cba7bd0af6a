/*
 * KTAP suite "irq": the GICv3 driver, the tick and IPIs. The GIC must have been found
 * in the device tree; every online CPU takes timer interrupts; an SGI reaches each CPU
 * (itself included); a masked interrupt stays pending (ISR_EL1.I) until unmasked; a
 * secondary in WFI is woken by IPI_CALL_FUNC for smp_call_on() work.
 */
#include <kernel.h>
#include <ktest.h>
#include <setup.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/irq.h>

static bool wait_until(volatile unsigned long *p, unsigned long want, u64 ms)
{
	u64 end = read_sysreg(cntvct_el0) + machine.timer_freq / 1000 * ms;

	while (READ_ONCE(*p) < want)
		if (read_sysreg(cntvct_el0) > end)
			return false;
	return true;
}

static void delay_ms(u64 ms)
{
	u64 end = read_sysreg(cntvct_el0) + machine.timer_freq / 1000 * ms;
	while (read_sysreg(cntvct_el0) < end)
		cpu_relax();
}

static enum ktest_result gic_found_in_dt(void)
{
	if (!gic_info.present) {
		ktest_skip_reason("no GICv3 in the device tree (QEMU: -M virt,gic-version=3)");
		return KTEST_SKIP;
	}
	ktest_diag("GICD %#lx, GICR %#lx (+%#lx), %u SPIs, ArchRev %u", gic_info.dist_base,
		   gic_info.redist_base, gic_info.redist_size, gic_info.nr_spis, gic_info.arch_rev);
	KTEST_EXPECT(gic_info.arch_rev == 3 || gic_info.arch_rev == 4);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu_is_online(cpu))
			KTEST_EXPECT(gic_cpu_ready(cpu));
	return KTEST_PASS;
}

static enum ktest_result tick_on_every_cpu(void)
{
	u64 before[NR_CPUS], after[NR_CPUS];

	if (!gic_info.present) {
		ktest_skip_reason("no GICv3 in the device tree (QEMU: -M virt,gic-version=3)");
		return KTEST_SKIP;
	}
	/* The counter is read before the first snapshot of the tick counts and after
	 * the second, so that every tick counted falls between t0 and t1 (the ISBs keep
	 * the counter reads in that order with the loads). */
	u64 t0 = read_sysreg(cntvct_el0), j0 = jiffies;
	isb();
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		before[cpu] = arch_timer_ticks(cpu);
	/* At least 100 ms, and on until every CPU has taken two ticks or 2 s have passed:
	 * under an emulator on a loaded host the counter runs on while the vCPUs do not,
	 * and the ticks of a stall arrive as one. The bound below stays exact. */
	delay_ms(100);
	for (unsigned int waited = 100; waited < 2000; waited += 10) {
		bool all = true;

		for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
			if (cpu_is_online(cpu) && arch_timer_ticks(cpu) - before[cpu] < 2)
				all = false;
		if (all && jiffies - j0 >= 2)
			break;
		delay_ms(10);
	}
	/* Snapshot first, print after: the other CPUs tick on while this one prints
	 * (a console write is an exit to the VMM, long under a loaded emulator). */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		after[cpu] = arch_timer_ticks(cpu);
	u64 j1 = jiffies;
	isb();
	u64 t1 = read_sysreg(cntvct_el0);
	u64 elapsed_ticks = (t1 - t0) * HZ / machine.timer_freq;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		u64 n = after[cpu] - before[cpu];
		ktest_diag("CPU%u: %lu ticks in %lu tick periods", cpu, n, elapsed_ticks);
		KTEST_EXPECT(n >= 2);
		KTEST_EXPECT(n <= elapsed_ticks + 2);
	}
	KTEST_EXPECT(j1 - j0 >= 2);
	return KTEST_PASS;
}

static enum ktest_result sgi_reaches_every_cpu(void)
{
	if (!gic_info.present) {
		ktest_skip_reason("no GICv3 in the device tree (QEMU: -M virt,gic-version=3)");
		return KTEST_SKIP;
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		unsigned long n = ipi_count(cpu, IPI_TEST);
		smp_send_ipi(cpu, IPI_TEST);
		/* ipi_count reads the per-CPU counter; wait for it to move, up to 10 s (a
		 * vCPU of a nested or loaded emulator can be off its host CPU for long) */
		u64 end = read_sysreg(cntvct_el0) + machine.timer_freq * 10;
		while (ipi_count(cpu, IPI_TEST) == n && read_sysreg(cntvct_el0) < end)
			cpu_relax();
		KTEST_EXPECT_EQ(ipi_count(cpu, IPI_TEST), n + 1);
	}
	return KTEST_PASS;
}

static enum ktest_result masked_irq_stays_pending(void)
{
	if (!gic_info.present) {
		ktest_skip_reason("no GICv3 in the device tree (QEMU: -M virt,gic-version=3)");
		return KTEST_SKIP;
	}
	unsigned int me = smp_processor_id();
	unsigned long n = ipi_count(me, IPI_TEST);
	u64 flags = local_irq_save();
	smp_send_ipi(me, IPI_TEST);
	delay_ms(5);
	unsigned long during = ipi_count(me, IPI_TEST);
	u64 isr = read_sysreg(isr_el1);
	local_irq_restore(flags);
	isb();
	KTEST_EXPECT_EQ(during, n);
	KTEST_EXPECT(isr & (1UL << 7));		/* ISR_EL1.I: an IRQ is pending */
	KTEST_EXPECT_EQ(ipi_count(me, IPI_TEST), n + 1);
	return KTEST_PASS;
}

static volatile unsigned long work_done;
static void note_work(void *arg)
{
	__atomic_add_fetch(&work_done, 1, __ATOMIC_RELAXED);
}

static enum ktest_result ipi_wakes_idle_secondary(void)
{
	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	if (!gic_info.present) {
		ktest_skip_reason("no GICv3 in the device tree (QEMU: -M virt,gic-version=3)");
		return KTEST_SKIP;
	}
	for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		unsigned long calls = ipi_count(cpu, IPI_CALL_FUNC), done = work_done;
		delay_ms(2);	/* let it settle in WFI */
		KTEST_EXPECT(!smp_call_on(cpu, note_work, NULL));
		KTEST_EXPECT(wait_until(&work_done, done + 1, 10000));
		smp_wait(cpu);
		KTEST_EXPECT(ipi_count(cpu, IPI_CALL_FUNC) > calls);
	}
	return KTEST_PASS;
}

static const struct ktest_case irq_cases[] = {
	{ "gic_found_in_dt", gic_found_in_dt },
	{ "tick_on_every_cpu", tick_on_every_cpu },
	{ "sgi_reaches_every_cpu", sgi_reaches_every_cpu },
	{ "masked_irq_stays_pending", masked_irq_stays_pending },
	{ "ipi_wakes_idle_secondary", ipi_wakes_idle_secondary },
};
KTEST_SUITE(irq, irq_cases);
