/*
 * The GICv3 ITS and LPIs (drivers/irq-gic-v3-its.c), after the GIC architecture
 * specification (Arm IHI 0069, "GICv3 and GICv4": chapter 5 "Locality-specific
 * Peripheral Interrupts and the ITS", chapter 12 for the registers). Linux: the
 * register part of include/linux/irqchip/arm-gic-v3.h and drivers/irqchip/
 * irq-gic-v3-its.c, in small: one ITS, flat tables, LPIs enabled on demand.
 */
#ifndef LINUX_IRQCHIP_ARM_GIC_V3_ITS_H
#define LINUX_IRQCHIP_ARM_GIC_V3_ITS_H
#include <types.h>

/* Redistributor RD_base (IHI 0069 chapter 12: GICR_*) */
#define GICR_CTLR_ENABLE_LPIS (1U << 0)
#define GICR_TYPER_PLPIS (1UL << 0)
#define GICR_TYPER_PROC_NUM(t) (((t) >> 8) & 0xffff)
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PENDBASER_PTZ (1UL << 62)

/* ITS control frame (IHI 0069 chapter 12: GITS_*) and translation frame */
#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER(n) (0x0100 + 8 * (n))
#define GITS_TRANSLATER 0x10040
#define GITS_CTLR_ENABLED (1U << 0)
#define GITS_CTLR_QUIESCENT (1U << 31)
#define GITS_CREADR_STALLED (1UL << 0)

#define LPI_ID_BITS 14		/* INTIDs below 2^14: LPIs 8192 (LPI_FIRST)..16383 */

struct its_info {
	bool present;
	phys_addr_t base;
	u64 typer;
	unsigned int ite_size;	/* bytes per ITT entry, GITS_TYPER.ITT_entry_size + 1 */
	unsigned int devbits, idbits;
	bool pta;		/* GITS_TYPER.PTA: RDbase is an address, not a number */
	u32 max_devid;		/* below what the flat device table holds */
};
extern struct its_info its_info;

/* Once, on any CPU: the ITS from the device tree (a "arm,gic-v3-its" child of the GIC
 * node), its tables and command queue, then GITS_CTLR.Enabled. 0, -ENODEV (-19) when
 * the tree has none, or another -errno with a line printed. */
int its_init(void);
/* On each CPU that takes LPIs, after its_init: LPI configuration and pending tables
 * in its redistributor, then GICR_CTLR.EnableLPIs. */
int its_cpu_init_lpis(void);
/* The LPI configuration byte of intid: priority and enable; an INV (or INVALL) makes
 * the ITS take it. */
void lpi_set_config(u32 intid, bool enable);
/* Commands (IHI 0069 5.3), each queued and waited for (GITS_CREADR reaching
 * GITS_CWRITER, 1 s at most): 0, or -5 (EIO) when the ITS stalls or does not move. */
int its_mapd(u32 devid, unsigned int event_bits);	/* a fresh ITT of 2^event_bits */
int its_mapc(u16 icid, unsigned int cpu);
int its_mapti(u32 devid, u32 eventid, u32 intid, u16 icid);
int its_int(u32 devid, u32 eventid);
int its_inv(u32 devid, u32 eventid);
int its_sync(unsigned int cpu);
/* The GITS_TRANSLATER a device writes its EventID to, mapped. */
void __iomem *its_translater(void);
#endif
