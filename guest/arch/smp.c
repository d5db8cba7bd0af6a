/*
 * Secondary CPUs (Linux: arch/arm64/kernel/smp.c, psci.c cpu_ops). Each CPU in /cpus
 * other than the boot CPU is started with PSCI CPU_ON at secondary_entry (arch/head.S)
 * with its logical number as context id. Once up, a secondary waits for work given by
 * smp_call_on() (used by the tests to run on two CPUs at once).
 * Between pieces of work a secondary runs its run queue's tasks or waits in WFI
 * (cpu_idle_once); smp_call_on() wakes it with IPI_CALL_FUNC (and SEV, for no GIC).
 * Left out from Linux: the generic smp_call_function queues,
 * CPU hotplug, spin-table, per-CPU areas (per-CPU data are arrays indexed by CPU).
 */
#include <kernel.h>
#include <psci.h>
#include <setup.h>
#include <smp.h>
#include <asm/mmu.h>
#include <asm/memory.h>
#include <asm/sysreg.h>
#include <asm/irqflags.h>
#include <linux/irq.h>
#include <linux/sched.h>

void cpu_user_init(void);

#define SECONDARY_STACK_SIZE 16384

u64 secondary_stack_top[NR_CPUS];
static u8 secondary_stacks[NR_CPUS][SECONDARY_STACK_SIZE] __aligned(16);
static volatile bool cpu_online[NR_CPUS];
unsigned int nr_cpus_online = 1;

struct cpu_work {
	void (*volatile fn)(void *);
	void *volatile arg;
	volatile bool busy;
};
static struct cpu_work cpu_work[NR_CPUS];

extern char secondary_entry[];

void secondary_start_kernel(unsigned int cpu)
{
	struct cpu_work *w = &cpu_work[cpu];

	cpu_uninstall_idmap();
	cpu_user_init();	/* PAN, ASID size (arch/process.c) */
	secondary_irq_init();	/* GIC CPU interface, tick, IRQs on (arch/smp_ipi.c) */
	__atomic_store_n(&cpu_online[cpu], true, __ATOMIC_RELEASE);
	dsb(ish);
	sev();
	for (;;) {
		while (!__atomic_load_n(&w->fn, __ATOMIC_ACQUIRE)) {
			u64 flags = local_irq_save();
			if (!__atomic_load_n(&w->fn, __ATOMIC_ACQUIRE))
				cpu_idle_once();	/* runs queued tasks, else waits */
			local_irq_restore(flags);
		}
		w->fn(w->arg);
		__atomic_store_n(&w->fn, NULL, __ATOMIC_RELEASE);
		__atomic_store_n(&w->busy, false, __ATOMIC_RELEASE);
		dsb(ish);
		sev();
	}
}

/* Logical CPU 0 is the boot CPU: move its MPIDR to the front of the list. */
static void order_cpus(void)
{
	u64 me = read_sysreg(mpidr_el1) & 0xff00ffffffUL;

	for (unsigned int i = 0; i < machine.nr_cpus; i++)
		if (machine.cpu_mpidr[i] == me) {
			machine.cpu_mpidr[i] = machine.cpu_mpidr[0];
			machine.cpu_mpidr[0] = me;
			return;
		}
}

static bool wait_online(unsigned int cpu)
{
	/* 5 s, as Linux's __cpu_up(): a vCPU of a loaded or nested emulator can take
	 * long to be scheduled */
	u64 deadline = read_sysreg(cntvct_el0) + 5 * (u64)machine.timer_freq;

	while (!__atomic_load_n(&cpu_online[cpu], __ATOMIC_ACQUIRE))
		if (read_sysreg(cntvct_el0) > deadline)
			return false;
	return true;
}

void smp_init(void)
{
	cpu_online[0] = true;
	order_cpus();
	if (machine.nr_cpus > 1 && !machine.psci_present) {
		printk("smp: no PSCI in the device tree; secondary CPUs stay off\n");
		return;
	}
	for (unsigned int cpu = 1; cpu < machine.nr_cpus; cpu++) {
		secondary_stack_top[cpu] = (u64)&secondary_stacks[cpu][SECONDARY_STACK_SIZE];
		dsb(ish);
		int ret = psci__cpu_on(machine.cpu_mpidr[cpu], __pa_symbol(secondary_entry), cpu);
		if (ret || !wait_online(cpu)) {
			printk("CPU%u: failed to come online (mpidr %lx, psci %d)\n", cpu,
			       machine.cpu_mpidr[cpu], ret);
			continue;
		}
		nr_cpus_online++;
	}
	printk("smp: Brought up %u node, %u CPU%s\n", 1, nr_cpus_online,
	       nr_cpus_online > 1 ? "s" : "");
}

bool cpu_is_online(unsigned int cpu)
{
	return cpu < NR_CPUS && cpu_online[cpu];
}

int smp_call_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct cpu_work *w = &cpu_work[cpu];

	if (cpu == smp_processor_id() || !cpu_is_online(cpu) || w->busy)
		return -1;
	w->busy = true;
	w->arg = arg;
	__atomic_store_n(&w->fn, fn, __ATOMIC_RELEASE);
	dsb(ish);
	sev();
	smp_send_ipi(cpu, IPI_CALL_FUNC);	/* it may be in WFI */
	return 0;
}

void smp_wait(unsigned int cpu)
{
	while (__atomic_load_n(&cpu_work[cpu].busy, __ATOMIC_ACQUIRE))
		wfe();
}
