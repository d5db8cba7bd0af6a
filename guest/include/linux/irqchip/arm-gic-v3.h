/*
 * GICv3 registers (Linux: include/linux/irqchip/arm-gic-v3.h; GIC architecture
 * specification IHI 0069, chapters 12.8 (GICD), 12.10/12.11 (GICR) and 12.2 (ICC_*)).
 */
#ifndef LINUX_IRQCHIP_ARM_GIC_V3_H
#define LINUX_IRQCHIP_ARM_GIC_V3_H

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8
#define GICD_CTLR_RWP (1U << 31)
#define GICD_CTLR_DS (1U << 6)
#define GICD_CTLR_ARE_NS (1U << 4)
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICD_CTLR_ENABLE_G1 (1U << 0)
#define GICD_TYPER_SPIS(t) ((((t) & 0x1f) + 1) * 32)

#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 GICD_PIDR2
#define GICR_TYPER_VLPIS (1UL << 1)
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_WAKER_ProcessorSleep (1U << 1)
#define GICR_WAKER_ChildrenAsleep (1U << 2)
#define GICR_CTLR_RWP (1U << 3)
#define SZ_GICR_FRAME 0x10000	/* RD_base, then SGI_base */

/* In the SGI_base frame of a redistributor */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

/* CPU interface system registers, as S<op0>_<op1>_<Cn>_<Cm>_<op2> for any assembler */
#define SYS_ICC_PMR_EL1 S3_0_C4_C6_0
#define SYS_ICC_IAR1_EL1 S3_0_C12_C12_0
#define SYS_ICC_EOIR1_EL1 S3_0_C12_C12_1
#define SYS_ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define SYS_ICC_BPR1_EL1 S3_0_C12_C12_3
#define SYS_ICC_CTLR_EL1 S3_0_C12_C12_4
#define SYS_ICC_SRE_EL1 S3_0_C12_C12_5
#define SYS_ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define SYS_ICC_SGI1R_EL1 S3_0_C12_C11_5
#define SYS_ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_SRE_EL1_SRE 1UL
#define ICC_CTLR_EL1_EOImode (1UL << 1)
#define ICC_IAR1_INTID(v) ((v) & 0xffffff)
#define ICC_SGI1R_TARGET_LIST_SHIFT 0
#define ICC_SGI1R_AFFINITY_1_SHIFT 16
#define ICC_SGI1R_SGI_ID_SHIFT 24
#define ICC_SGI1R_AFFINITY_2_SHIFT 32
#define ICC_SGI1R_AFFINITY_3_SHIFT 48

/* read_sysreg/write_sysreg with the name given by one of the macros above */
#define __gic_str(x) #x
#define read_sysreg_s(r) ({ u64 __v; __asm__ volatile("mrs %0, " __gic_str(r) : "=r"(__v)); __v; })
#define write_sysreg_s(v, r) __asm__ volatile("msr " __gic_str(r) ", %0" ::"r"((u64)(v)))

#define GIC_PRIO_IRQ 0xa0	/* every interrupt, as Linux's GICD_INT_DEF_PRI */
#define GIC_PRIO_MASK 0xf0	/* ICC_PMR_EL1: let everything above through */
#endif
