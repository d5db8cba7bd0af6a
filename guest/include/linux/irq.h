/*
 * Interrupts: the GICv3 driver (drivers/irq-gic-v3.c), the architected timer
 * (drivers/arm_arch_timer.c) and IPIs (arch/smp_ipi.c). Linux spreads this over
 * include/linux/{irq,interrupt,irqdesc}.h, asm/smp.h and clocksource/arm_arch_timer.h.
 */
#ifndef LINUX_IRQ_H
#define LINUX_IRQ_H
#include <types.h>
#include <setup.h>
#include <asm/ptrace.h>
#include <asm/irqflags.h>
#include <asm/io.h>

#define NR_IRQS 128			/* SGIs 0-15, PPIs 16-31, SPIs 32-127 */
#define LPI_FIRST 8192			/* LPIs (drivers/irq-gic-v3-its.c) */
#define NR_LPI_DESCS 64			/* LPIs 8192..8255 may have handlers */
typedef void (*irq_handler_t)(unsigned int irq, void *dev);

/* kernel/irq.c */
int request_percpu_irq(unsigned int irq, irq_handler_t handler, const char *name, void *dev);
void generic_handle_irq(unsigned int irq);
unsigned long kstat_irqs_cpu(unsigned int irq, unsigned int cpu);
const char *irq_name(unsigned int irq);

/* drivers/irq-gic-v3.c */
struct gic_info {
	bool present;
	phys_addr_t dist_base, redist_base;
	u64 redist_size;
	unsigned int nr_spis;
	unsigned int arch_rev;		/* GICD_PIDR2.ArchRev */
	bool security_disabled;		/* GICD_CTLR.DS */
};
extern struct gic_info gic_info;
int gic_init(void);			/* boot CPU: from the device tree */
void gic_cpu_init(void);		/* each CPU: its redistributor and CPU interface */
void gic_enable_ppi(unsigned int irq);	/* this CPU */
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
void gic_handle_irq(struct pt_regs *regs);
bool gic_cpu_ready(unsigned int cpu);
void __iomem *gic_redist_of(unsigned int cpu);	/* its RD_base, mapped; NULL: none */
phys_addr_t gic_redist_pa(unsigned int cpu);	/* the same, physical */

/* drivers/arm_arch_timer.c: the per-CPU tick, from the EL1 virtual timer */
#define HZ 100
extern volatile u64 jiffies;
int arch_timer_init(void);		/* boot CPU */
void arch_timer_cpu_init(void);		/* each CPU */
u64 arch_timer_ticks(unsigned int cpu);	/* ticks taken by this CPU */
unsigned int arch_timer_irq(void);

/* arch/smp_ipi.c */
enum ipi_msg_type { IPI_RESCHEDULE, IPI_CALL_FUNC, IPI_WAKEUP, IPI_TEST, NR_IPI };
void smp_ipi_init(void);		/* boot CPU, after gic_init */
void smp_send_reschedule(unsigned int cpu);
void smp_send_ipi(unsigned int cpu, enum ipi_msg_type ipi);
unsigned long ipi_count(unsigned int cpu, enum ipi_msg_type ipi);
void secondary_irq_init(void);		/* the GIC CPU interface, timer and IRQs on, per CPU */
/* Called by the tick on each CPU (kernel/sched/core.c provides it). */
void scheduler_tick(void);
#endif
