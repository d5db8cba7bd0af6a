/*
 * KTAP suite "pmu" (explicit: ktest=pmu): the PMUv3 the device tree describes
 * (/pmu, "arm,armv8-pmuv3", pmu/arm,pmu.yaml) through its system registers, after the
 * Arm ARM (DDI 0487, chapter D11 "The Performance Monitors Extension" and the PMU
 * registers of D17.5 / D23.5). Every case skips with "no PMUv3 in the device tree"
 * when there is no such node (vmm --pmu off, or an engine or host without one).
 *
 *   - a loop of known length retires exactly the instructions it holds (event 0x08
 *     INST_RETIRED), within the few around the loop; skipped with its reason when
 *     PMCEID0_EL0 says the event is not implemented (D11.9: "the event is not
 *     implemented" is a legal answer, and QEMU's TCG without -icount gives it, so KVM
 *     inside the emulated test host does too);
 *   - the cycle counter counts while PMCR_EL0.E = 1 and stands still while it is 0 (how
 *     many cycles is not architectural: not checked);
 *   - a counter started 1,000 events below 2^32 overflows: PMOVSCLR_EL0 shows its bit,
 *     and with PMINTENSET_EL1 set the overflow interrupt (the DT's PPI, enabled in this
 *     CPU's redistributor) is taken on the CPU that counted, on every online CPU.
 */
#include <kernel.h>
#include <fdt.h>
#include <ktest.h>
#include <setup.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/irq.h>

#define PMCR_E (1UL << 0)	/* enable */
#define PMCR_P (1UL << 1)	/* reset the event counters */
#define PMCR_C (1UL << 2)	/* reset the cycle counter */
#define PMCR_LC (1UL << 6)	/* the cycle counter overflows at 64 bits */
#define PMCNT_CYCLE (1UL << 31)	/* PMCNTENSET/CLR, PMOVSCLR, PMINTENSET bit of PMCCNTR */
#define EV_INST_RETIRED 0x08
#define EV_CPU_CYCLES 0x11
#define LOOP_N 100000UL
/* The instructions counted besides the loop's 2 per iteration: the MOV that loads the
 * count and the ISBs and MRS around it (6), doubled for any instruction the counter
 * may see late or early (PMU counts may skid a few instructions, D11.5). */
#define INSN_SLACK 12
#define OVF_EVENTS 1000U

static unsigned int pmu_intid;	/* from the device tree; 0: no PMU described */

static unsigned int pmu_from_dt(void)
{
	int node = fdt__node_offset_by_compatible(machine.fdt, -1, "arm,armv8-pmuv3"), len;
	const u32 *irq;

	if (node < 0 || !fdt__node_is_enabled(machine.fdt, node))
		return 0;
	irq = fdt__getprop(machine.fdt, node, "interrupts", &len);
	/* arm,gic-v3 specifier: type 1 = PPI, number, flags; PPI n is INTID 16 + n */
	if (!irq || len < 12 || fdt32_to_cpu(irq[0]) != 1)
		return 0;
	return 16 + fdt32_to_cpu(irq[1]);
}

static bool no_pmu(void)
{
	if (!pmu_intid)
		pmu_intid = pmu_from_dt();
	if (pmu_intid)
		return false;
	ktest_skip_reason("no PMUv3 in the device tree (/pmu, arm,armv8-pmuv3)");
	return true;
}

static enum ktest_result pmu_described_and_present(void)
{
	if (no_pmu())
		return KTEST_SKIP;
	u64 pmuver = read_sysreg(id_aa64dfr0_el1) >> 8 & 0xf;
	u64 pmcr = read_sysreg(pmcr_el0);

	ktest_diag("/pmu: PPI INTID %u; ID_AA64DFR0_EL1.PMUVer %lu, PMCR_EL0.N %lu counters, "
		   "PMCEID0_EL0 %#lx", pmu_intid, pmuver, pmcr >> 11 & 0x1f, read_sysreg(pmceid0_el0));
	KTEST_EXPECT(pmu_intid >= 16 && pmu_intid < 32);	/* a PPI, as arm,pmu.yaml */
	KTEST_EXPECT(pmuver != 0 && pmuver != 0xf);		/* PMUv3 of some version */
	KTEST_EXPECT((pmcr >> 11 & 0x1f) >= 1);		/* an event counter to use */
	return KTEST_PASS;
}

/* Counter 0 counts event ev at EL0 and EL1, not EL2 (PMEVTYPER0_EL0 filters 0), from
 * start; the cycle counter too. Everything else off. */
static void pmu_setup(unsigned int ev, u32 start)
{
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0UL, pmcntenclr_el0);
	write_sysreg(~0UL, pmintenclr_el1);
	write_sysreg(~0UL, pmovsclr_el0);
	write_sysreg(ev, pmevtyper0_el0);
	write_sysreg(0, pmccfiltr_el0);
	write_sysreg(start, pmevcntr0_el0);
	write_sysreg(0, pmccntr_el0);
	isb();
}

static void pmu_off(void)
{
	write_sysreg(0, pmcr_el0);
	write_sysreg(~0UL, pmcntenclr_el0);
	write_sysreg(~0UL, pmintenclr_el1);
	write_sysreg(~0UL, pmovsclr_el0);
	isb();
}

/* 2 instructions per iteration: SUBS and B.NE; n > 0. */
static void counted_loop(u64 n, u64 *insns, u64 *cycles)
{
	u64 i0, i1, c0, c1;

	write_sysreg(1UL | PMCNT_CYCLE, pmcntenset_el0);
	write_sysreg(PMCR_E | PMCR_LC, pmcr_el0);
	isb();
	__asm__ volatile("mrs %0, pmevcntr0_el0\n"
			 "mrs %1, pmccntr_el0\n"
			 "isb\n"
			 "mov x9, %4\n"
			 "1: subs x9, x9, #1\n"
			 "b.ne 1b\n"
			 "isb\n"
			 "mrs %2, pmevcntr0_el0\n"
			 "mrs %3, pmccntr_el0\n"
			 : "=&r"(i0), "=&r"(c0), "=&r"(i1), "=&r"(c1) : "r"(n) : "x9", "cc");
	*insns = (u32)(i1 - i0);
	*cycles = c1 - c0;
}

static enum ktest_result loop_retires_its_instructions(void)
{
	if (no_pmu())
		return KTEST_SKIP;
	if (!(read_sysreg(pmceid0_el0) & (1UL << EV_INST_RETIRED))) {
		ktest_skip_reason("INST_RETIRED (0x08) not implemented: PMCEID0_EL0 bit 8 is 0");
		return KTEST_SKIP;
	}
	u64 flags = local_irq_save();	/* no handler's instructions in the count */
	u64 insns, cycles;

	pmu_setup(EV_INST_RETIRED, 0);
	counted_loop(LOOP_N, &insns, &cycles);
	pmu_off();
	local_irq_restore(flags);
	ktest_diag("%lu iterations of SUBS + B.NE: %lu instructions retired, %lu cycles",
		   LOOP_N, insns, cycles);
	KTEST_EXPECT(insns >= 2 * LOOP_N);
	KTEST_EXPECT(insns <= 2 * LOOP_N + INSN_SLACK);
	return KTEST_PASS;
}

static enum ktest_result cycle_counter_counts_only_when_enabled(void)
{
	if (no_pmu())
		return KTEST_SKIP;
	u64 flags = local_irq_save();
	u64 insns, cycles, stopped0, stopped1;

	pmu_setup(EV_CPU_CYCLES, 0);
	counted_loop(LOOP_N, &insns, &cycles);	/* leaves PMCR_EL0.E = 1 */
	write_sysreg(0, pmcr_el0);	/* E = 0: no counter counts (PMCR_EL0.E) */
	isb();
	stopped0 = read_sysreg(pmccntr_el0);
	for (volatile unsigned int i = 0; i < 10000; i++)
		;
	isb();
	stopped1 = read_sysreg(pmccntr_el0);
	pmu_off();
	local_irq_restore(flags);
	ktest_diag("PMCCNTR_EL0: %lu cycles for %lu dependent SUBS; %lu -> %lu while PMCR_EL0.E = 0",
		   cycles, LOOP_N, stopped0, stopped1);
	/* How many cycles a loop takes is not architectural (an emulator's counter follows
	 * its clock, the model counts one per instruction): only that it moved. */
	KTEST_EXPECT(cycles > 0);
	KTEST_EXPECT_EQ(stopped1, stopped0);
	return KTEST_PASS;
}

/* The overflow on one CPU: what its interrupt handler saw. */
struct ovf_result {
	volatile unsigned long irqs;	/* PMU interrupts taken on this CPU */
	volatile u64 ovs;		/* PMOVSCLR_EL0 as the first handler read it */
	volatile unsigned int intid;
	u64 ovs_before_irq, ovs_after;
	bool timed_out;
};
static struct ovf_result ovf[NR_CPUS];

/* Level-sensitive (arm,pmu.yaml: level-high): clear the overflow before EOI, and stop
 * the counter, or it would fire again. */
static void pmu_irq(unsigned int irq, void *dev)
{
	struct ovf_result *r = &ovf[smp_processor_id()];
	u64 ovs = read_sysreg(pmovsclr_el0);

	if (!r->irqs)
		r->ovs = ovs, r->intid = irq;
	write_sysreg(~0UL, pmcntenclr_el0);
	write_sysreg(ovs, pmovsclr_el0);
	isb();
	r->irqs++;
}

static void overflow_here(void *arg)
{
	struct ovf_result *r = &ovf[smp_processor_id()];
	u64 end;

	(void)arg;
	gic_enable_ppi(pmu_intid);
	/* first without the interrupt: the overflow flag alone */
	u64 flags = local_irq_save();
	pmu_setup(EV_CPU_CYCLES, 0xffffffffU - OVF_EVENTS + 1);
	write_sysreg(1, pmcntenset_el0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	/* 10 s at most, as below: both end at the overflow (a loaded emulator's vCPU can
	 * be off its host CPU for long) */
	end = read_sysreg(cntvct_el0) + 10 * (u64)machine.timer_freq;
	while (!(read_sysreg(pmovsclr_el0) & 1) && read_sysreg(cntvct_el0) < end)
		;
	r->ovs_before_irq = read_sysreg(pmovsclr_el0);
	pmu_off();
	local_irq_restore(flags);
	/* then with PMINTENSET_EL1: the interrupt */
	pmu_setup(EV_CPU_CYCLES, 0xffffffffU - OVF_EVENTS + 1);
	write_sysreg(1, pmintenset_el1);
	write_sysreg(1, pmcntenset_el0);
	write_sysreg(PMCR_E, pmcr_el0);
	isb();
	end = read_sysreg(cntvct_el0) + 10 * (u64)machine.timer_freq;
	while (!READ_ONCE(r->irqs) && read_sysreg(cntvct_el0) < end)
		cpu_relax();
	r->timed_out = !READ_ONCE(r->irqs);
	r->ovs_after = read_sysreg(pmovsclr_el0);
	pmu_off();
}

static enum ktest_result overflow_interrupt_on_every_cpu(void)
{
	static bool requested;

	if (no_pmu())
		return KTEST_SKIP;
	if (!(read_sysreg(pmceid0_el0) & (1UL << EV_CPU_CYCLES))) {
		ktest_skip_reason("CPU_CYCLES (0x11) not implemented: PMCEID0_EL0 bit 17 is 0");
		return KTEST_SKIP;
	}
	if (!requested) {
		KTEST_EXPECT(request_percpu_irq(pmu_intid, pmu_irq, "arm-pmu", NULL) == 0);
		requested = true;
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		struct ovf_result *r = &ovf[cpu];

		r->irqs = 0;
		if (cpu == smp_processor_id()) {
			overflow_here(NULL);
		} else {
			KTEST_EXPECT(!smp_call_on(cpu, overflow_here, NULL));
			smp_wait(cpu);
		}
		ktest_diag("CPU%u: PMOVSCLR_EL0 %#lx after the overflow; interrupt INTID %u taken "
			   "%lu time(s), PMOVSCLR_EL0 %#lx in it, %#lx after", cpu, r->ovs_before_irq,
			   r->intid, r->irqs, r->ovs, r->ovs_after);
		KTEST_EXPECT(r->ovs_before_irq & 1);	/* counter 0 overflowed */
		KTEST_EXPECT(!r->timed_out);
		KTEST_EXPECT_EQ(r->intid, pmu_intid);
		KTEST_EXPECT(r->ovs & 1);
		KTEST_EXPECT_EQ(r->ovs_after & 1, 0);	/* cleared by the handler */
		KTEST_EXPECT_EQ(kstat_irqs_cpu(pmu_intid, cpu) >= 1, 1);
	}
	return KTEST_PASS;
}

static const struct ktest_case pmu_cases[] = {
	{ "pmu_described_and_present", pmu_described_and_present },
	{ "loop_retires_its_instructions", loop_retires_its_instructions },
	{ "cycle_counter_counts_only_when_enabled", cycle_counter_counts_only_when_enabled },
	{ "overflow_interrupt_on_every_cpu", overflow_interrupt_on_every_cpu },
};
KTEST_SUITE_EXPLICIT(pmu, pmu_cases);
