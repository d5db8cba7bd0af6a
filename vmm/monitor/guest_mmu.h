/* An mmu/ context that sees guest memory the way one vCPU does, for looking only:
 * its regime comes from the vCPU's registers, descriptors are read through the
 * target's read_phys, and nothing is ever written (walks use MMU_F_NO_UPDATE; the
 * compare-and-swap callback exists only so that TCR.HA/HD keep their meaning, and
 * refuses). */
#ifndef MONITOR_GUEST_MMU_H
#define MONITOR_GUEST_MMU_H

#include "internal.h"

struct guest_mmu {
	struct mmu_ctx ctx;
	struct mmu_sysregs sr;
	struct target *tg;
	unsigned writes;      /* compare-and-swaps attempted: must stay 0 */
};

void guest_mmu__init(struct guest_mmu *g, struct target *tg, const struct vcpu_regs *r);
/* Change the registers (a --table base, stage 1 off for a stage-2-only walk). */
void guest_mmu__set(struct guest_mmu *g, const struct mmu_sysregs *sr);

/* Flags for an access made at the vCPU's EL (or at el when el >= 0). */
unsigned guest_mmu__flags(const struct vcpu_regs *r, int el, bool pan);
/* The EL in PSTATE (SPSR layout M[3:2]). */
unsigned guest_mmu__el(const struct vcpu_regs *r);

/* Translate va for reading at EL1 (for mem/disas): 0 and *pa, or -EFAULT with f. */
int guest_mmu__va_to_pa(struct guest_mmu *g, uint64_t va, enum mmu_access acc,
			unsigned flags, uint64_t *pa, struct mmu_result *res);

#endif
