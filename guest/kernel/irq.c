/*
 * Interrupt descriptors and statistics (Linux: kernel/irq/irqdesc.c, chip.c, handle.c).
 * One descriptor per INTID below NR_IRQS with a handler, its argument and per-CPU
 * counts; SGIs and PPIs are per-CPU by nature (each CPU enables its own copy).
 * Left out from Linux: irq domains and hwirq translation, flow handlers (the GIC's EOI
 * is done by its driver), threaded handlers, affinity, spurious-interrupt detection,
 * /proc/interrupts (irq_name and kstat_irqs_cpu give the same numbers to tests).
 */
#include <kernel.h>
#include <smp.h>
#include <linux/irq.h>

struct irq_desc {
	irq_handler_t handler;
	void *dev;
	const char *name;
	unsigned long kstat[NR_CPUS];
};
static struct irq_desc irq_desc[NR_IRQS];
static unsigned long irq_unhandled;

int request_percpu_irq(unsigned int irq, irq_handler_t handler, const char *name, void *dev)
{
	if (irq >= NR_IRQS || irq_desc[irq].handler)
		return -22;
	irq_desc[irq].dev = dev;
	irq_desc[irq].name = name;
	__atomic_store_n(&irq_desc[irq].handler, handler, __ATOMIC_RELEASE);
	return 0;
}

void generic_handle_irq(unsigned int irq)
{
	if (irq >= NR_IRQS || !irq_desc[irq].handler) {
		if (irq_unhandled++ < 10)
			printk("irq %u: nobody cared\n", irq);
		return;
	}
	irq_desc[irq].kstat[smp_processor_id()]++;
	irq_desc[irq].handler(irq, irq_desc[irq].dev);
}

unsigned long kstat_irqs_cpu(unsigned int irq, unsigned int cpu)
{
	return irq < NR_IRQS && cpu < NR_CPUS ? READ_ONCE(irq_desc[irq].kstat[cpu]) : 0;
}

const char *irq_name(unsigned int irq)
{
	return irq < NR_IRQS && irq_desc[irq].name ? irq_desc[irq].name : "-";
}
