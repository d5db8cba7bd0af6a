/*
 * GICv3 ITS and LPIs (Linux: drivers/irqchip/irq-gic-v3-its.c), after the GIC
 * architecture specification, Arm IHI 0069 ("GICv3 and GICv4"): chapter 5
 * ("Locality-specific Peripheral Interrupts and the ITS": 5.1 LPIs, 5.2 the ITS, 5.3
 * the ITS commands) and the register descriptions of chapter 12 (named by register).
 * Found through the device tree: a child of the "arm,gic-v3" node with compatible
 * "arm,gic-v3-its" and msi-controller (interrupt-controller/arm,gic-v3.yaml).
 *
 *   - LPIs (5.1): one LPI configuration table for every redistributor (GICR_PROPBASER:
 *     a byte per LPI, priority and enable) and a pending table per
 *     redistributor (GICR_PENDBASER, 64 KiB aligned, zeroed: PTZ), then
 *     GICR_CTLR.EnableLPIs, after which neither may change.
 *   - The ITS (5.2): GITS_BASER<n> give it memory for the tables of the types it asks
 *     for (Type, Entry_Size read-only): flat, one 64 KiB page each, device table and
 *     collection table; the command queue is 64 KiB at GITS_CBASER (64 KiB aligned:
 *     an implementation may treat address bits [15:12] as zero, and KVM does),
 *     written at GITS_CWRITER, consumed up to GITS_CREADR.
 *   - Commands (5.3): 32 bytes each; MAPD gives a DeviceID its interrupt translation
 *     table (ITT), MAPC a collection its redistributor (RDbase: a processor number,
 *     or an address when GITS_TYPER.PTA = 1), MAPTI an EventID its LPI and collection,
 *     INT makes an event's LPI pending as a write to GITS_TRANSLATER would, INV makes
 *     the ITS reread an LPI's configuration byte, SYNC waits for the effects on a
 *     redistributor.
 * Left out from Linux: two-level (indirect) tables, per-device ITT sizing and event
 * allocation (irq domains), GICv4 virtual LPIs, several ITSes, MSI domains, errata,
 * command queue wrap-around beyond waiting (a command is waited for before the next).
 */
#include <kernel.h>
#include <fdt.h>
#include <setup.h>
#include <smp.h>
#include <string.h>
#include <asm/io.h>
#include <asm/memory.h>
#include <asm/sysreg.h>
#include <linux/gfp.h>
#include <linux/irq.h>
#include <linux/irqchip/arm-gic-v3.h>
#include <linux/irqchip/arm-gic-v3-its.h>

struct its_info its_info;
static void __iomem *its;
static u8 *cmd_queue;			/* 64 KiB: 2048 commands */
static u64 cmd_write;			/* offset of the next command */
static u8 *prop_table;			/* LPI configuration: a byte per LPI */
static bool lpis_on[NR_CPUS];

#define SZ_64K 0x10000UL
#define CMD_SIZE 32
#define CMD_QUEUE_SIZE SZ_64K		/* and 64 KiB aligned: GITS_CBASER ignores bits [15:12] */
#define ORDER_64K 4			/* 64 KiB of 4 KiB pages: naturally aligned */

/* Memory attributes of every table (GITS_BASER<n>, GITS_CBASER, GICR_PROPBASER,
 * GICR_PENDBASER): Normal Inner Write-back read/write-allocate (0b111),
 * Inner Shareable (0b01), outer the same as inner (0b000): as the CPU maps RAM. */
#define BASER_INNER_WAWB (7UL << 59)
#define BASER_SHARE_IS (1UL << 10)
#define BASER_PAGE_64K (2UL << 8)
#define BASER_VALID (1UL << 63)
#define BASER_TYPE(b) (((b) >> 56) & 7)
#define BASER_ESIZE(b) ((((b) >> 48) & 0x1f) + 1)
#define BASER_TYPE_DEVICE 1
#define BASER_TYPE_COLLECTION 4
#define RBASER_INNER_WAWB (7UL << 7)	/* GICR_PROPBASER/PENDBASER InnerCache */

static void *alloc_zeroed(unsigned int order)
{
	unsigned long va = __get_free_pages(GFP_KERNEL | __GFP_ZERO, order);

	return (void *)va;
}

/* Each table the ITS asks for in a GITS_BASER<n>: one flat 64 KiB page. */
static int its_setup_basers(void)
{
	for (unsigned int n = 0; n < 8; n++) {
		u64 baser = readq_relaxed(its + GITS_BASER(n));
		unsigned int type = BASER_TYPE(baser), esz = BASER_ESIZE(baser);

		if (type == 0)
			continue;	/* not implemented */
		if (type != BASER_TYPE_DEVICE && type != BASER_TYPE_COLLECTION) {
			printk("ITS: GITS_BASER%u of type %u left invalid\n", n, type);
			continue;
		}
		void *table = alloc_zeroed(ORDER_64K);
		if (!table)
			return -12;
		u64 want = BASER_VALID | BASER_INNER_WAWB | (baser & (0x1fUL << 48)) |
			   ((u64)type << 56) | virt_to_phys(table) | BASER_SHARE_IS | BASER_PAGE_64K;
		writeq_relaxed(want, its + GITS_BASER(n));
		u64 got = readq_relaxed(its + GITS_BASER(n));
		if (!(got & BASER_VALID) || ((got >> 8) & 3) != 2) {
			printk("ITS: GITS_BASER%u refused a 64 KiB page (%#lx)\n", n, got);
			return -5;
		}
		if (type == BASER_TYPE_DEVICE)
			its_info.max_devid = SZ_64K / esz;
		printk("ITS: GITS_BASER%u: %s table, %u-byte entries, 64 KiB at %#lx\n", n,
		       type == BASER_TYPE_DEVICE ? "device" : "collection", esz,
		       virt_to_phys(table));
	}
	return its_info.max_devid ? 0 : -5;
}

int its_init(void)
{
	const void *fdt = machine.fdt;
	int gic = fdt__node_offset_by_compatible(fdt, -1, "arm,gic-v3"), node;
	u64 base = 0, size;

	if (its_info.present)
		return 0;
	if (gic < 0)
		return -19;
	fdt_for_each_subnode(node, fdt, gic)
		if (fdt__node_is_compatible(fdt, node, "arm,gic-v3-its") &&
		    fdt__node_is_enabled(fdt, node) &&
		    fdt__getprop(fdt, node, "msi-controller", NULL))
			break;
	if (node < 0)
		return -19;
	if (fdt__get_reg(fdt, node, 0, &base, &size) || size < 2 * SZ_64K)
		return -22;
	its = ioremap(base, 2 * SZ_64K);
	if (!its)
		return -12;
	its_info.base = base;
	its_info.typer = readq_relaxed(its + GITS_TYPER);
	if (!(its_info.typer & 1)) {	/* GITS_TYPER.Physical: physical LPIs */
		printk("ITS at %#lx: no physical LPIs (GITS_TYPER %#lx)\n", base, its_info.typer);
		return -19;
	}
	its_info.ite_size = ((its_info.typer >> 4) & 0xf) + 1;
	its_info.idbits = ((its_info.typer >> 8) & 0x1f) + 1;
	its_info.devbits = ((its_info.typer >> 13) & 0x1f) + 1;
	its_info.pta = its_info.typer & (1UL << 19);

	/* disabled while it is set up (GITS_CTLR.Enabled = 0, then quiescent) */
	writel_relaxed(0, its + GITS_CTLR);
	int err = its_setup_basers();
	if (err)
		return err;
	cmd_queue = alloc_zeroed(ORDER_64K);
	if (!cmd_queue)
		return -12;
	/* GITS_CBASER.Size: 4 KiB pages, minus 1 */
	writeq_relaxed(BASER_VALID | BASER_INNER_WAWB | virt_to_phys(cmd_queue) | BASER_SHARE_IS |
		       (CMD_QUEUE_SIZE / PAGE_SIZE - 1), its + GITS_CBASER);
	writeq_relaxed(0, its + GITS_CWRITER);
	cmd_write = 0;
	/* one configuration table for all (GICR_PROPBASER must agree across
	 * redistributors: GICR_PROPBASER): 2^LPI_ID_BITS - 8192 bytes */
	prop_table = alloc_zeroed(1);	/* 8 KiB */
	if (!prop_table)
		return -12;
	writel_relaxed(GITS_CTLR_ENABLED, its + GITS_CTLR);
	if (!(readl_relaxed(its + GITS_CTLR) & GITS_CTLR_ENABLED)) {
		printk("ITS at %#lx: GITS_CTLR.Enabled stays 0\n", base);
		return -5;
	}
	its_info.present = true;
	printk("ITS at %#lx: %u-byte ITT entries, %u EventID bits, %u DeviceID bits, "
	       "RDbase by %s\n", base, its_info.ite_size, its_info.idbits, its_info.devbits,
	       its_info.pta ? "address" : "processor number");
	return 0;
}

int its_cpu_init_lpis(void)
{
	unsigned int cpu = smp_processor_id();
	void __iomem *rd = gic_redist_of(cpu);

	if (!its_info.present)
		return -19;
	if (lpis_on[cpu])
		return 0;
	if (!rd || !(readq_relaxed(rd + GICR_TYPER) & GICR_TYPER_PLPIS)) {
		printk("ITS: CPU%u: its redistributor has no physical LPIs (GICR_TYPER.PLPIS)\n", cpu);
		return -5;
	}
	if (readl_relaxed(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS) {
		printk("ITS: CPU%u: LPIs already enabled by someone else\n", cpu);
		return -16;
	}
	void *pend = alloc_zeroed(ORDER_64K);	/* 2^14 bits = 2 KiB, 64 KiB aligned */
	if (!pend)
		return -12;
	writeq_relaxed(virt_to_phys(prop_table) | RBASER_INNER_WAWB | BASER_SHARE_IS |
		       (LPI_ID_BITS - 1), rd + GICR_PROPBASER);
	writeq_relaxed(virt_to_phys(pend) | GICR_PENDBASER_PTZ | RBASER_INNER_WAWB |
		       BASER_SHARE_IS, rd + GICR_PENDBASER);
	dsb(sy);
	writel_relaxed(readl_relaxed(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS, rd + GICR_CTLR);
	dsb(sy);
	if (!(readl_relaxed(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS))
		return -5;
	lpis_on[cpu] = true;
	return 0;
}

/* Configuration byte (5.1, LPI configuration tables): priority in [7:2], bit 1 RES1, enable in bit 0. */
void lpi_set_config(u32 intid, bool enable)
{
	if (intid < LPI_FIRST || intid >= (1U << LPI_ID_BITS) || !prop_table)
		return;
	prop_table[intid - LPI_FIRST] = (GIC_PRIO_IRQ & 0xfc) | (1U << 1) | (enable ? 1 : 0);
	dsb(ishst);	/* the ITS reads it from memory */
}

/* RDbase of a CPU's redistributor as MAPC and SYNC want it (5.3, MAPC). */
static u64 rdbase(unsigned int cpu)
{
	if (its_info.pta)
		return gic_redist_pa(cpu) >> 16;
	return GICR_TYPER_PROC_NUM(readq_relaxed(gic_redist_of(cpu) + GICR_TYPER));
}

/* Queue one command and wait until the ITS has read past it. */
static int its_send(u64 dw0, u64 dw1, u64 dw2, u64 dw3)
{
	u64 *c = (u64 *)(cmd_queue + cmd_write);

	if (!its_info.present)
		return -19;
	c[0] = dw0, c[1] = dw1, c[2] = dw2, c[3] = dw3;
	cmd_write = (cmd_write + CMD_SIZE) % CMD_QUEUE_SIZE;
	dsb(ishst);	/* the command in memory before the ITS is told */
	writeq_relaxed(cmd_write, its + GITS_CWRITER);
	u64 end = read_sysreg(cntvct_el0) + machine.timer_freq;	/* 1 s */
	for (;;) {
		u64 r = readq_relaxed(its + GITS_CREADR);

		if (r & GITS_CREADR_STALLED) {
			printk("ITS: command %#lx stalled the queue\n", dw0 & 0xff);
			return -5;
		}
		if ((r & 0xfffe0) == cmd_write)
			return 0;
		if (read_sysreg(cntvct_el0) > end) {
			printk("ITS: command %#lx not consumed (GITS_CREADR %#lx)\n", dw0 & 0xff, r);
			return -5;
		}
		cpu_relax();
	}
}

#define CMD(op, devid) ((u64)(op) | (u64)(devid) << 32)
enum { ITS_INT = 0x03, ITS_SYNC = 0x05, ITS_MAPD = 0x08, ITS_MAPC = 0x09, ITS_MAPTI = 0x0a,
       ITS_INV = 0x0c };

int its_mapd(u32 devid, unsigned int event_bits)
{
	if (devid >= its_info.max_devid || !event_bits || event_bits > its_info.idbits)
		return -22;
	/* ITT: 2^event_bits entries, 256-byte aligned (5.3, MAPD: ITT_addr[51:8]) */
	unsigned int order = 0;
	while ((PAGE_SIZE << order) < (1UL << event_bits) * its_info.ite_size)
		order++;
	void *itt = alloc_zeroed(order);
	if (!itt)
		return -12;
	return its_send(CMD(ITS_MAPD, devid), event_bits - 1,
			BASER_VALID | virt_to_phys(itt), 0);
}

int its_mapc(u16 icid, unsigned int cpu)
{
	return its_send(ITS_MAPC, 0, BASER_VALID | rdbase(cpu) << 16 | icid, 0);
}

int its_mapti(u32 devid, u32 eventid, u32 intid, u16 icid)
{
	return its_send(CMD(ITS_MAPTI, devid), eventid | (u64)intid << 32, icid, 0);
}

int its_int(u32 devid, u32 eventid)
{
	return its_send(CMD(ITS_INT, devid), eventid, 0, 0);
}

int its_inv(u32 devid, u32 eventid)
{
	return its_send(CMD(ITS_INV, devid), eventid, 0, 0);
}

int its_sync(unsigned int cpu)
{
	return its_send(ITS_SYNC, 0, rdbase(cpu) << 16, 0);
}

void __iomem *its_translater(void)
{
	return its ? its + GITS_TRANSLATER : NULL;
}
