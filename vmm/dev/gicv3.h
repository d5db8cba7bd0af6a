/* A software GICv3 for the model accelerator: distributor (GICD), one redistributor
 * per vCPU (GICR RD_base + SGI_base frames), and the CPU interface's ICC_* system
 * registers, with SGIs between vCPUs. Group 1 non-secure interrupts only (the guest
 * runs at EL1 non-secure); affinity routing always on (GICD_CTLR.ARE_NS = 1). */
#ifndef VMM_DEV_GICV3_H
#define VMM_DEV_GICV3_H

#include <stdbool.h>
#include <stdint.h>

struct bus;
struct gicv3;

#define GICV3_NR_SPIS 96  /* INTIDs 32..127 */

struct gicv3 *gicv3__new(unsigned ncpus);
void gicv3__free(struct gicv3 *g);
/* Register GICD and the GICRs on the bus at the memmap.h addresses. */
int gicv3__register(struct gicv3 *g, struct bus *bus);
/* Interrupt lines: SPIs from devices (any thread), PPIs from a vCPU's timers. */
void gicv3__set_spi(struct gicv3 *g, unsigned intid, bool level);
void gicv3__set_ppi(struct gicv3 *g, unsigned cpu, unsigned intid, bool level);
/* An interrupt is pending for cpu above its priority mask and running priority. */
bool gicv3__irq_pending(struct gicv3 *g, unsigned cpu);
/* ICC_* system registers (encoding as in the MRS/MSR instruction bits 20:5):
 * 0, or -1 for an encoding the GIC does not have. */
int gicv3__sysreg_read(struct gicv3 *g, unsigned cpu, unsigned enc, uint64_t *val);
int gicv3__sysreg_write(struct gicv3 *g, unsigned cpu, unsigned enc, uint64_t val);
/* Affinity of each vCPU for SGI targeting and GICR_TYPER (Aff0 = index). */

#endif
