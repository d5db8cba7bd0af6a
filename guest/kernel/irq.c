/*
 * Interrupt descriptors and statistics (Linux: kernel/irq/irqdesc.c, chip.c, handle.c).
 * One descriptor per INTID below NR_IRQS with a handler, its argument and per-CPU
 * counts; SGIs and PPIs are per-CPU by nature (each CPU enables its own copy). The
 * first NR_LPI_DESCS LPIs (INTID 8192 up, drivers/irq-gic-v3-its.c) have descriptors
 * after those.
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
static struct irq_desc irq_desc[NR_IRQS + NR_LPI_DESCS];
static unsigned long irq_unhandled;

/* The descriptor of an INTID, or NULL */
static struct irq_desc *desc_of(unsigned int irq)
{
	if (irq < NR_IRQS)
		return &irq_desc[irq];
	if (irq >= LPI_FIRST && irq < LPI_FIRST + NR_LPI_DESCS)
		return &irq_desc[NR_IRQS + irq - LPI_FIRST];
	return NULL;
}

int request_percpu_irq(unsigned int irq, irq_handler_t handler, const char *name, void *dev)
{
	struct irq_desc *d = desc_of(irq);

	if (!d || d->handler)
		return -22;
	d->dev = dev;
	d->name = name;
	__atomic_store_n(&d->handler, handler, __ATOMIC_RELEASE);
	return 0;
}

void generic_handle_irq(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);

	if (!d || !d->handler) {
		if (irq_unhandled++ < 10)
			printk("irq %u: nobody cared\n", irq);
		return;
	}
	d->kstat[smp_processor_id()]++;
	d->handler(irq, d->dev);
}

unsigned long kstat_irqs_cpu(unsigned int irq, unsigned int cpu)
{
	struct irq_desc *d = desc_of(irq);

	return d && cpu < NR_CPUS ? READ_ONCE(d->kstat[cpu]) : 0;
}

const char *irq_name(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);

	return d && d->name ? d->name : "-";
}
