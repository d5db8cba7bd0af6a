/* The EL1 system registers a hand-over carries (docs/handover.md): one table that the
 * KVM side reads with KVM_GET_ONE_REG and the model side loads through its own
 * system-register table. Encodings: Arm ARM D17 "AArch64 System Register
 * Descriptions". The timer's, the GIC CPU interface's, FPCR/FPSR, ELR/SPSR and the
 * stack pointers are carried apart (struct vcpu_state, struct vm_gic_cpu). */
#include "vm_state.h"

#define R(name, op0, op1, crn, crm, op2) \
	{ #name, op0, op1, crn, crm, op2, offsetof(struct vcpu_sysregs, name) }

const struct vm_sysreg_desc vm_sysregs[] = {
	R(sctlr_el1, 3, 0, 1, 0, 0),
	R(cpacr_el1, 3, 0, 1, 0, 2),
	R(ttbr0_el1, 3, 0, 2, 0, 0),
	R(ttbr1_el1, 3, 0, 2, 0, 1),
	R(tcr_el1, 3, 0, 2, 0, 2),
	R(afsr0_el1, 3, 0, 5, 1, 0),
	R(afsr1_el1, 3, 0, 5, 1, 1),
	R(esr_el1, 3, 0, 5, 2, 0),
	R(far_el1, 3, 0, 6, 0, 0),
	R(par_el1, 3, 0, 7, 4, 0),
	R(mair_el1, 3, 0, 10, 2, 0),
	R(amair_el1, 3, 0, 10, 3, 0),
	R(vbar_el1, 3, 0, 12, 0, 0),
	R(contextidr_el1, 3, 0, 13, 0, 1),
	R(tpidr_el1, 3, 0, 13, 0, 4),
	R(cntkctl_el1, 3, 0, 14, 1, 0),
	R(csselr_el1, 3, 2, 0, 0, 0),
	R(tpidr_el0, 3, 3, 13, 0, 2),
	R(tpidrro_el0, 3, 3, 13, 0, 3),
	R(mdscr_el1, 2, 0, 0, 2, 2),
};
const unsigned vm_nsysregs = sizeof(vm_sysregs) / sizeof(vm_sysregs[0]);
