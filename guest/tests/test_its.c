/*
 * KTAP suite "its" (explicit: ktest=its): LPIs through the GICv3 ITS the device tree
 * describes (an "arm,gic-v3-its" msi-controller under the GIC node), with the driver
 * of drivers/irq-gic-v3-its.c, after Arm IHI 0069 chapter 5 ("Locality-specific
 * Peripheral Interrupts and the ITS"). Every case skips with "no GICv3 ITS in the
 * device tree" when there is none (vmm --its off, the model engine).
 *
 *   - the ITS is found, its tables and command queue taken (GITS_BASER<n>, CBASER),
 *     and LPIs enabled in this CPU's redistributor (GICR_PROPBASER, PENDBASER, CTLR);
 *   - MAPD, MAPC, MAPTI, INV, SYNC map an event of a device to an LPI; the INT command
 *     makes it pending, as a device's write to GITS_TRANSLATER would: the LPI's INTID
 *     is taken on the CPU of its collection;
 *   - a device's MSI: the MSI source ("vmm,msi-source", its DeviceID from
 *     msi-parent) writes an EventID to GITS_TRANSLATER, which the ITS translates
 *     into the mapped LPI; an event with no mapping is dropped (no interrupt);
 *   - with 2 CPUs, a second collection on CPU1 brings its LPI there.
 * A vCPU's own write to GITS_TRANSLATER is not tried: KVM, which emulates the ITS,
 * ignores it (it takes MSIs from the VMM's devices); the MSI source is such a device.
 */
#include <kernel.h>
#include <fdt.h>
#include <ktest.h>
#include <setup.h>
#include <smp.h>
#include <asm/io.h>
#include <asm/memory.h>
#include <asm/sysreg.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/irqchip/arm-gic-v3-its.h>

#define TEST_DEVID 1		/* a DeviceID for INT: no device needs to exist */
#define EVENT_BITS 5
#define EV_INT 3		/* TEST_DEVID's event 3 -> LPI_INT, collection 0 (CPU0) */
#define LPI_INT (LPI_FIRST + 3)
#define EV_CPU1 4		/* TEST_DEVID's event 4 -> LPI_CPU1, collection 1 (CPU1) */
#define LPI_CPU1 (LPI_FIRST + 4)
#define EV_MSI 7		/* the MSI source's event 7 -> LPI_MSI, collection 0 */
#define LPI_MSI (LPI_FIRST + 7)
#define EV_UNMAPPED 9		/* the MSI source's event 9: no mapping */

static volatile unsigned long taken[NR_CPUS];
static volatile unsigned int last_intid[NR_CPUS];
static int setup_err = 1;	/* 1: not tried yet */

static void lpi_handler(unsigned int irq, void *dev)
{
	unsigned int cpu = smp_processor_id();

	(void)dev;
	last_intid[cpu] = irq;
	taken[cpu]++;
}

static bool wait_taken(unsigned int cpu, unsigned long before)
{
	/* 10 s: it returns as soon as the LPI is taken; a vCPU of a loaded emulator can
	 * be off its host CPU for long */
	u64 end = read_sysreg(cntvct_el0) + 10 * (u64)machine.timer_freq;

	while (READ_ONCE(taken[cpu]) == before)
		if (read_sysreg(cntvct_el0) > end)
			return false;
	return true;
}

/* its_init, LPIs on CPU0, collection 0 on CPU0, TEST_DEVID mapped: once. */
static bool no_its(void)
{
	if (setup_err == 1) {
		setup_err = its_init();
		if (!setup_err)
			setup_err = its_cpu_init_lpis();
		if (!setup_err && (request_percpu_irq(LPI_INT, lpi_handler, "its-int", NULL) ||
				   request_percpu_irq(LPI_CPU1, lpi_handler, "its-cpu1", NULL) ||
				   request_percpu_irq(LPI_MSI, lpi_handler, "its-msi", NULL)))
			setup_err = -22;
		if (!setup_err && (its_mapc(0, 0) || its_mapd(TEST_DEVID, EVENT_BITS) ||
				   its_sync(0)))
			setup_err = -5;
	}
	if (setup_err == -19) {
		ktest_skip_reason("no GICv3 ITS in the device tree (msi-controller under the GIC)");
		return true;
	}
	return false;
}

static enum ktest_result its_found_and_lpis_enabled(void)
{
	if (no_its())
		return KTEST_SKIP;
	ktest_diag("ITS at %#lx (GITS_TYPER %#lx): %u-byte ITEs, %u EventID bits, %u DeviceID "
		   "bits; set-up: %d", its_info.base, its_info.typer, its_info.ite_size,
		   its_info.idbits, its_info.devbits, setup_err);
	KTEST_EXPECT_EQ(setup_err, 0);
	KTEST_EXPECT(its_info.ite_size >= 1);
	KTEST_EXPECT(its_info.idbits >= EVENT_BITS);
	return KTEST_PASS;
}

static enum ktest_result int_command_raises_the_mapped_lpi(void)
{
	if (no_its())
		return KTEST_SKIP;
	KTEST_EXPECT_EQ(setup_err, 0);
	unsigned int me = smp_processor_id();
	unsigned long before = taken[me];

	KTEST_EXPECT_EQ(me, 0);
	lpi_set_config(LPI_INT, true);
	KTEST_EXPECT_EQ(its_mapti(TEST_DEVID, EV_INT, LPI_INT, 0), 0);
	KTEST_EXPECT_EQ(its_inv(TEST_DEVID, EV_INT), 0);
	KTEST_EXPECT_EQ(its_sync(0), 0);
	KTEST_EXPECT_EQ(its_int(TEST_DEVID, EV_INT), 0);
	KTEST_EXPECT(wait_taken(me, before));
	ktest_diag("INT DeviceID %u EventID %u: INTID %u taken on CPU%u", TEST_DEVID, EV_INT,
		   last_intid[me], me);
	KTEST_EXPECT_EQ(last_intid[me], LPI_INT);
	KTEST_EXPECT_EQ(taken[me], before + 1);
	KTEST_EXPECT_EQ(kstat_irqs_cpu(LPI_INT, me), 1);
	return KTEST_PASS;
}

/* The MSI source of the device tree: its registers and DeviceID (msi-parent = <&its
 * DeviceID>, #msi-cells = 1); NULL when there is none. */
static void __iomem *msi_source(u32 *devid)
{
	const void *fdt = machine.fdt;
	int node = fdt__node_offset_by_compatible(fdt, -1, "vmm,msi-source"), len;
	const u32 *parent;
	u64 base, size;

	if (node < 0 || !fdt__node_is_enabled(fdt, node))
		return NULL;
	parent = fdt__getprop(fdt, node, "msi-parent", &len);
	if (!parent || len != 8 || fdt__get_reg(fdt, node, 0, &base, &size))
		return NULL;
	*devid = fdt32_to_cpu(parent[1]);
	return ioremap(base, size);
}

static enum ktest_result device_msi_through_gits_translater(void)
{
	if (no_its())
		return KTEST_SKIP;
	KTEST_EXPECT_EQ(setup_err, 0);
	u32 devid = 0;
	void __iomem *src = msi_source(&devid);
	unsigned int me = smp_processor_id();

	if (!src) {
		ktest_skip_reason("no MSI source in the device tree (vmm,msi-source)");
		return KTEST_SKIP;
	}
	KTEST_EXPECT(devid < its_info.max_devid);
	KTEST_EXPECT_EQ(its_mapd(devid, EVENT_BITS), 0);
	lpi_set_config(LPI_MSI, true);
	KTEST_EXPECT_EQ(its_mapti(devid, EV_MSI, LPI_MSI, 0), 0);
	KTEST_EXPECT_EQ(its_inv(devid, EV_MSI), 0);
	KTEST_EXPECT_EQ(its_sync(0), 0);

	unsigned long before = taken[me];
	writel(EV_MSI, src + 0x0);		/* EVENT: the device writes GITS_TRANSLATER */
	KTEST_EXPECT(wait_taken(me, before));
	u32 last = readl(src + 0x4);		/* LAST: 1, it became an LPI */
	ktest_diag("MSI source DeviceID %u, EventID %u: INTID %u taken on CPU%u (LAST %u)",
		   devid, EV_MSI, last_intid[me], me, last);
	KTEST_EXPECT_EQ(last_intid[me], LPI_MSI);
	KTEST_EXPECT_EQ(last, 1);

	/* an event with no MAPTI: the ITS drops it (IHI 0069 5.3: translation fails) */
	before = taken[me];
	writel(EV_UNMAPPED, src + 0x0);
	last = readl(src + 0x4);
	u64 end = read_sysreg(cntvct_el0) + machine.timer_freq / 20;	/* 50 ms */
	while (read_sysreg(cntvct_el0) < end)
		cpu_relax();
	ktest_diag("unmapped EventID %u: LAST %u, %lu interrupt(s)", EV_UNMAPPED, last,
		   taken[me] - before);
	KTEST_EXPECT_EQ(last, 0);
	KTEST_EXPECT_EQ(taken[me], before);
	return KTEST_PASS;
}

static void cpu1_lpis(void *arg)
{
	*(int *)arg = its_cpu_init_lpis();
}

static enum ktest_result collection_on_cpu1_takes_its_lpi(void)
{
	int err = -1;

	if (no_its())
		return KTEST_SKIP;
	if (!cpu_is_online(1)) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	KTEST_EXPECT_EQ(setup_err, 0);
	KTEST_EXPECT(!smp_call_on(1, cpu1_lpis, &err));
	smp_wait(1);
	KTEST_EXPECT_EQ(err, 0);
	unsigned long before0 = taken[0], before1 = taken[1];

	lpi_set_config(LPI_CPU1, true);
	KTEST_EXPECT_EQ(its_mapc(1, 1), 0);
	KTEST_EXPECT_EQ(its_mapti(TEST_DEVID, EV_CPU1, LPI_CPU1, 1), 0);
	KTEST_EXPECT_EQ(its_inv(TEST_DEVID, EV_CPU1), 0);
	KTEST_EXPECT_EQ(its_sync(1), 0);
	KTEST_EXPECT_EQ(its_int(TEST_DEVID, EV_CPU1), 0);
	KTEST_EXPECT(wait_taken(1, before1));
	ktest_diag("INT DeviceID %u EventID %u, collection 1: INTID %u taken on CPU1", TEST_DEVID,
		   EV_CPU1, last_intid[1]);
	KTEST_EXPECT_EQ(last_intid[1], LPI_CPU1);
	KTEST_EXPECT_EQ(taken[0], before0);
	return KTEST_PASS;
}

static const struct ktest_case its_cases[] = {
	{ "its_found_and_lpis_enabled", its_found_and_lpis_enabled },
	{ "int_command_raises_the_mapped_lpi", int_command_raises_the_mapped_lpi },
	{ "device_msi_through_gits_translater", device_msi_through_gits_translater },
	{ "collection_on_cpu1_takes_its_lpi", collection_on_cpu1_takes_its_lpi },
};
KTEST_SUITE_EXPLICIT(its, its_cases);
