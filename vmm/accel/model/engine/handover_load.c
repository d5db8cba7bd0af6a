/* The model engine takes over a VM another engine ran (vmm run --switch-to-model-at,
 * docs/handover.md): each vCPU's registers, PSTATE, SIMD&FP and EL1 system registers
 * (through the CPU's system-register table, as an EL1 MSR would set them), the
 * timers with the counters continuing from where they were, and the GICv3's
 * distributor, redistributor and CPU-interface state. What is not carried is state
 * the architecture lets a PE lose at any time: TLBs, caches, the exclusive monitor,
 * a WFI in progress (docs/handover.md, "What does not move"). */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "engine/handover_load.h"
#include "engine/model.h"
#include "engine/timer.h"
#include "gic/gicv3.h"
#include "machine.h"
#include "mem/xlat.h"
#include "vm_state.h"

/* op0:op1:CRn:CRm:op2 as the model's table indexes it (cpu/sysregs.h SR_ENC) */
static unsigned enc_of(const struct vm_sysreg_desc *d)
{
	return SR_ENC(d->op0, d->op1, d->crn, d->crm, d->op2);
}

static int load_cpu(struct cpu *c, const struct vcpu_state *s, char *why, size_t n)
{
	uint64_t mpidr = c->sr.mpidr_el1;
	cpu__reset(c); /* EL1h: x[31] is SP_EL1 */
	c->sr.mpidr_el1 = mpidr;
	c->on = s->on;
	c->waiting = false;
	if (!s->on)
		return 0;
	for (unsigned k = 0; k < vm_nsysregs; k++) {
		const struct vm_sysreg_desc *d = &vm_sysregs[k];
		uint64_t v = *vm_sysreg((struct vcpu_sysregs *)&s->sr, d);
		if (sysreg__load(c, enc_of(d), v)) {
			snprintf(why, n, "vCPU %u: the model cannot set %s to 0x%llx", c->index,
				 d->name, (unsigned long long)v);
			return -1;
		}
	}
	/* SCTLR_EL1 bits the model does not have (later features) are dropped by its
	 * write: a guest that set them relies on something the model lacks */
	if ((c->sr.sctlr_el1 | SCTLR_RES1) != (s->sr.sctlr_el1 | SCTLR_RES1)) {
		snprintf(why, n, "vCPU %u: SCTLR_EL1 0x%llx has bits the model does not implement "
			 "(it keeps 0x%llx)", c->index, (unsigned long long)s->sr.sctlr_el1,
			 (unsigned long long)c->sr.sctlr_el1);
		return -1;
	}
	c->sr.elr_el1 = s->elr_el1;
	c->sr.spsr_el1 = s->spsr_el1;
	c->sr.cntv_ctl = s->cntv_ctl & 3;
	c->sr.cntv_cval = s->cntv_cval;
	c->sr.cntp_ctl = s->cntp_ctl & 3;
	c->sr.cntp_cval = s->cntp_cval;
	memcpy(c->x, s->x, sizeof(s->x));
	for (unsigned k = 0; k < 32; k++)
		memcpy(&c->v[k], &s->v[k], 16);
	c->fpcr = s->fpcr & FPCR_MASK;
	c->fpsr = s->fpsr & FPSR_MASK;
	c->sp_el0 = s->sp_el0;
	c->x[31] = s->sp_el1;
	cpu__set_pstate(c, s->pstate); /* EL, SPSel (banks the SPs), NZCV, DAIF, PAN, SS */
	if (c->il) {
		snprintf(why, n, "vCPU %u: PSTATE 0x%llx is not an AArch64 EL0/EL1 state", c->index,
			 (unsigned long long)s->pstate);
		return -1;
	}
	c->pc = s->pc;
	xlat__context_changed(c);
	cpu__context_changed(c);
	return 0;
}

int model_handover__load(struct model *md, const struct vm_state *st)
{
	struct model_vm *vm = md->vm;
	char why[200];

	if (st->ncpus != vm->ncpus) {
		machine__error(md->m, "hand-over: %u vCPUs, the model VM has %u", st->ncpus, vm->ncpus);
		return -1;
	}
	/* the guest calibrated its delays with this frequency, and its counters must
	 * not go back: the model's run on from the values they had */
	vm->cntfrq = st->cntfrq;
	vm->cnt_voff = st->cntvct;
	vm->cnt_poff = st->cntpct;
	for (unsigned k = 0; k < vm->ncpus; k++)
		if (load_cpu(vm->cpu[k], &st->cpu[k], why, sizeof(why))) {
			machine__error(md->m, "hand-over: %s", why);
			return -1;
		}
	if (gicv3__load(md->gic, &st->gic, why, sizeof(why))) {
		machine__error(md->m, "hand-over: %s", why);
		return -1;
	}
	for (unsigned k = 0; k < vm->ncpus; k++)
		timer__update(vm->cpu[k]);
	return 0;
}
