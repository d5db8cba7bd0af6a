/* A software GICv3 for the model accelerator: distributor (GICD), one redistributor
 * per vCPU (GICR RD_base + SGI_base frames), and the CPU interface's ICC_* system
 * registers, with SGIs between vCPUs. Group 1 non-secure interrupts only (the guest
 * runs at EL1 non-secure); affinity routing always on (GICD_CTLR.ARE_NS = 1). */
#ifndef MODEL_GICV3_H
#define MODEL_GICV3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;
struct gicv3;

#define GICV3_NR_SPIS 96  /* INTIDs 32..127 */

struct gicv3 *gicv3__new(unsigned ncpus);
void gicv3__free(struct gicv3 *g);
/* MMIO of the distributor (GIC_DIST_BASE) and the redistributors (GIC_REDIST_BASE,
 * GIC_REDIST_STRIDE per vCPU): the same signature as struct mmio_ops (vmm/bus.h). */
int gicv3__dist_read(void *g, uint64_t off, unsigned len, uint64_t *val, unsigned cpu);
int gicv3__dist_write(void *g, uint64_t off, unsigned len, uint64_t val, unsigned cpu);
int gicv3__redist_read(void *g, uint64_t off, unsigned len, uint64_t *val, unsigned cpu);
int gicv3__redist_write(void *g, uint64_t off, unsigned len, uint64_t val, unsigned cpu);
/* The IRQ output towards each CPU: nonzero while gicv3__irq_pending() would be true. */
const volatile uint8_t *gicv3__irq_line(struct gicv3 *g, unsigned cpu);
/* Interrupt lines: SPIs from devices (any thread), PPIs from a vCPU's timers. */
void gicv3__set_spi(struct gicv3 *g, unsigned intid, bool level);
void gicv3__set_ppi(struct gicv3 *g, unsigned cpu, unsigned intid, bool level);
/* An interrupt is pending for cpu above its priority mask and running priority. */
bool gicv3__irq_pending(struct gicv3 *g, unsigned cpu);

/* One line for a report: cpu's IRQ line and what decides it (group enables, PMR,
 * running priority, highest pending and active INTIDs) and the state of INTID ppi. */
void gicv3__describe(struct gicv3 *g, unsigned cpu, unsigned ppi, char *buf, size_t n);

/* The CPU interface's system registers (IHI 0069 12.2, "ICC_<name>_EL1"); their
 * encodings are in the CPU's system-register table (cpu/sysregs.c). */
enum gicv3_icc {
	ICC_PMR, ICC_IAR0, ICC_EOIR0, ICC_HPPIR0, ICC_BPR0, ICC_AP0R0, ICC_AP1R0,
	ICC_DIR, ICC_RPR, ICC_SGI1R, ICC_ASGI1R, ICC_SGI0R, ICC_IAR1, ICC_EOIR1,
	ICC_HPPIR1, ICC_BPR1, ICC_CTLR, ICC_SRE, ICC_IGRPEN0, ICC_IGRPEN1,
};
/* MRS / MSR of one of them by vCPU cpu: 0, or -1 for a direction the register does
 * not have (e.g. a write to ICC_IAR1_EL1). */
int gicv3__icc_read(struct gicv3 *g, unsigned cpu, enum gicv3_icc reg, uint64_t *val);
int gicv3__icc_write(struct gicv3 *g, unsigned cpu, enum gicv3_icc reg, uint64_t val);

/* Take over the state of another engine's GICv3 (a hand-over, docs/handover.md): 0,
 * or -1 with why when the model cannot hold it (e.g. an enabled Group 0 interrupt). */
struct vm_gic_state;
int gicv3__load(struct gicv3 *g, const struct vm_gic_state *s, char *why, size_t n);

#endif
