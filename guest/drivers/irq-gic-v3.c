/*
 * GICv3 interrupt controller (Linux: drivers/irqchip/irq-gic-v3.c). Found through the
 * device tree ("arm,gic-v3": reg[0] the distributor, reg[1..] the redistributor regions,
 * #redistributor-regions of them). Every interrupt is Group 1 Non-secure, priority
 * GIC_PRIO_IRQ, affinity routing on (ARE_NS); the CPU interface is used through the ICC_*
 * system registers (ICC_SRE_EL1.SRE = 1), EOImode 0 (EOIR both drops the priority and
 * deactivates). Each CPU finds its redistributor by matching GICR_TYPER's affinity with
 * its MPIDR, wakes it (GICR_WAKER) and enables its SGIs and PPIs there.
 * LPIs and the ITS are drivers/irq-gic-v3-its.c's, on demand.
 * Left out from Linux: SPI routing and irq domains (no device here uses an SPI),
 * pseudo-NMIs (priority masking), EOImode 1 / split deactivation, GICv2
 * compatibility, several redistributor regions beyond walking them, the ACPI path,
 * errata, power management (GICR_WAKER is only ever cleared).
 */
#include <kernel.h>
#include <fdt.h>
#include <setup.h>
#include <smp.h>
#include <asm/io.h>
#include <asm/sysreg.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>

struct gic_info gic_info;
static void __iomem *gicd;
static void __iomem *gicr_map;		/* the redistributor region, mapped */
static void __iomem *gicr_cpu[NR_CPUS];	/* this CPU's RD_base */
static u64 gicr_mapped;
static volatile bool cpu_ready[NR_CPUS];

#define RD_SGI(rd) ((rd) + SZ_GICR_FRAME)

static void gic_wait_rwp(void __iomem *reg, u32 bit)
{
	u64 limit = read_sysreg(cntvct_el0) + machine.timer_freq;	/* 1 s */

	while (readl_relaxed(reg) & bit)
		if (read_sysreg(cntvct_el0) > limit) {
			printk("GICv3: RWP timeout\n");
			return;
		}
}

static u64 mpidr_to_typer_aff(u64 mpidr)
{
	return ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff);
}

int gic_init(void)
{
	const void *fdt = machine.fdt;
	int node = fdt__node_offset_by_compatible(fdt, -1, "arm,gic-v3"), len;
	u64 base, size;

	while (node >= 0 && !fdt__node_is_enabled(fdt, node))
		node = fdt__node_offset_by_compatible(fdt, node, "arm,gic-v3");
	if (node < 0)
		return -19;	/* -ENODEV */
	if (fdt__get_reg(fdt, node, 0, &base, &size))
		return -22;
	gic_info.dist_base = base;
	if (fdt__get_reg(fdt, node, 1, &gic_info.redist_base, &gic_info.redist_size))
		return -22;
	const u32 *nr = fdt__getprop(fdt, node, "#redistributor-regions", &len);
	if (nr && fdt32_to_cpu(*nr) > 1)
		printk("GICv3: %u redistributor regions; using the first\n", fdt32_to_cpu(*nr));
	gicd = ioremap(base, 0x10000);
	/* enough for NR_CPUS redistributors of two (or, with VLPIs, four) 64 KiB frames */
	gicr_mapped = min(gic_info.redist_size, (u64)NR_CPUS * 4 * SZ_GICR_FRAME);
	gicr_map = ioremap(gic_info.redist_base, gicr_mapped);
	if (!gicd || !gicr_map)
		return -12;

	gic_info.arch_rev = (readl_relaxed(gicd + GICD_PIDR2) >> 4) & 0xf;
	u32 typer = readl_relaxed(gicd + GICD_TYPER);
	gic_info.nr_spis = min(GICD_TYPER_SPIS(typer), 1020U) - 32;

	/* Distributor off while SPIs are set up: all Group 1, default priority, disabled,
	 * level, routed to the boot CPU. */
	writel_relaxed(0, gicd + GICD_CTLR);
	gic_wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	for (unsigned int i = 32; i < gic_info.nr_spis + 32; i += 32) {
		writel_relaxed(~0U, gicd + GICD_IGROUPR + i / 8);
		writel_relaxed(~0U, gicd + GICD_ICENABLER + i / 8);
		writel_relaxed(~0U, gicd + GICD_ICPENDR + i / 8);
		writel_relaxed(~0U, gicd + GICD_ICACTIVER + i / 8);
	}
	for (unsigned int i = 32; i < gic_info.nr_spis + 32; i += 4)
		writel_relaxed(0x01010101U * GIC_PRIO_IRQ, gicd + GICD_IPRIORITYR + i);
	for (unsigned int i = 32; i < gic_info.nr_spis + 32; i += 16)
		writel_relaxed(0, gicd + GICD_ICFGR + i / 4);
	gic_wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	u64 aff = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	for (unsigned int i = 32; i < gic_info.nr_spis + 32; i++)
		writeq_relaxed(aff, gicd + GICD_IROUTER + i * 8);
	writel_relaxed(GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1,
		       gicd + GICD_CTLR);
	gic_wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP);
	gic_info.security_disabled = readl_relaxed(gicd + GICD_CTLR) & GICD_CTLR_DS;
	gic_info.present = true;
	printk("GICv3: distributor at %#lx (arch rev %u, %u SPIs%s), redistributors at %#lx\n",
	       gic_info.dist_base, gic_info.arch_rev, gic_info.nr_spis,
	       gic_info.security_disabled ? ", security disabled" : "", gic_info.redist_base);
	return 0;
}

/* Walk the redistributor frames for the one whose GICR_TYPER affinity is this CPU's. */
static void __iomem *gic_find_redist(void)
{
	u64 want = mpidr_to_typer_aff(read_sysreg(mpidr_el1));

	for (u64 off = 0; off + 2 * SZ_GICR_FRAME <= gicr_mapped;) {
		void __iomem *rd = gicr_map + off;
		u64 typer = readq_relaxed(rd + GICR_TYPER);
		if ((typer >> 32) == want)
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		off += (typer & GICR_TYPER_VLPIS) ? 4 * SZ_GICR_FRAME : 2 * SZ_GICR_FRAME;
	}
	return NULL;
}

void gic_cpu_init(void)
{
	unsigned int cpu = smp_processor_id();
	void __iomem *rd = gic_find_redist();

	if (!gic_info.present)
		return;
	if (!rd) {
		printk("GICv3: CPU%u: no redistributor for MPIDR %#lx\n", cpu, read_sysreg(mpidr_el1));
		return;
	}
	gicr_cpu[cpu] = rd;
	/* wake the redistributor up */
	u32 waker = readl_relaxed(rd + GICR_WAKER);
	writel_relaxed(waker & ~GICR_WAKER_ProcessorSleep, rd + GICR_WAKER);
	while (readl_relaxed(rd + GICR_WAKER) & GICR_WAKER_ChildrenAsleep)
		cpu_relax();
	/* SGIs and PPIs: Group 1, disabled until asked for, default priority */
	writel_relaxed(~0U, RD_SGI(rd) + GICR_IGROUPR0);
	writel_relaxed(~0U, RD_SGI(rd) + GICR_ICENABLER0);
	writel_relaxed(~0U, RD_SGI(rd) + GICR_ICACTIVER0);
	for (unsigned int i = 0; i < 32; i += 4)
		writel_relaxed(0x01010101U * GIC_PRIO_IRQ, RD_SGI(rd) + GICR_IPRIORITYR0 + i);
	gic_wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP);

	/* the CPU interface, through the system registers */
	write_sysreg_s(read_sysreg_s(SYS_ICC_SRE_EL1) | ICC_SRE_EL1_SRE, SYS_ICC_SRE_EL1);
	isb();
	if (!(read_sysreg_s(SYS_ICC_SRE_EL1) & ICC_SRE_EL1_SRE)) {
		printk("GICv3: CPU%u: ICC_SRE_EL1.SRE stays 0 (system registers disabled)\n", cpu);
		return;
	}
	write_sysreg_s(GIC_PRIO_MASK, SYS_ICC_PMR_EL1);
	write_sysreg_s(0, SYS_ICC_BPR1_EL1);
	write_sysreg_s(read_sysreg_s(SYS_ICC_CTLR_EL1) & ~ICC_CTLR_EL1_EOImode, SYS_ICC_CTLR_EL1);
	write_sysreg_s(1, SYS_ICC_IGRPEN1_EL1);
	isb();
	cpu_ready[cpu] = true;
}

bool gic_cpu_ready(unsigned int cpu)
{
	return cpu < NR_CPUS && cpu_ready[cpu];
}

/* For the ITS driver (LPIs are enabled per redistributor). */
void __iomem *gic_redist_of(unsigned int cpu)
{
	return cpu < NR_CPUS ? gicr_cpu[cpu] : NULL;
}

phys_addr_t gic_redist_pa(unsigned int cpu)
{
	return gic_info.redist_base + (u64)((char __iomem *)gicr_cpu[cpu] - (char __iomem *)gicr_map);
}

/* SGIs 0-15 and PPIs 16-31 live in this CPU's redistributor. */
void gic_enable_ppi(unsigned int irq)
{
	void __iomem *rd = gicr_cpu[smp_processor_id()];

	if (rd && irq < 32)
		writel_relaxed(1U << irq, RD_SGI(rd) + GICR_ISENABLER0);
}

/* ICC_SGI1R_EL1: the target's Aff3.Aff2.Aff1 and a bit for its Aff0 (below 16). */
void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	u64 mpidr = machine.cpu_mpidr[cpu];
	u64 v = (mpidr >> 32 & 0xff) << ICC_SGI1R_AFFINITY_3_SHIFT |
		(mpidr >> 16 & 0xff) << ICC_SGI1R_AFFINITY_2_SHIFT |
		(mpidr >> 8 & 0xff) << ICC_SGI1R_AFFINITY_1_SHIFT |
		(u64)(sgi & 15) << ICC_SGI1R_SGI_ID_SHIFT | 1UL << (mpidr & 0xf);

	dsb(ishst);	/* stores before the IPI are seen by its handler */
	write_sysreg_s(v, SYS_ICC_SGI1R_EL1);
	isb();
}

/* The IRQ exception: acknowledge, handle, end, until nothing is pending. */
void gic_handle_irq(struct pt_regs *regs)
{
	for (;;) {
		u64 iar = read_sysreg_s(SYS_ICC_IAR1_EL1);
		unsigned int irq = ICC_IAR1_INTID(iar);
		if (irq >= 1020 && irq <= 1023)
			return;		/* spurious: nothing (more) pending */
		dsb(sy);	/* the acknowledge before what the handler reads (SGI payloads) */
		generic_handle_irq(irq);
		write_sysreg_s(iar, SYS_ICC_EOIR1_EL1);
		isb();
	}
}
