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

#define ENC(...) ENC_(__VA_ARGS__)
#define ENC_(op0, op1, crn, crm, op2) SR_ENC(op0, op1, crn, crm, op2)

/* The PMU through the model's PMU table (cpu/pmu.c), counters and their types first,
 * the enables, PMCR_EL0 last (its P and C would reset counters: they read as 0 on
 * KVM, and are kept out). Counters beyond the model's PMU_N must be unused. */
static int load_pmu(struct cpu *c, const struct vcpu_pmu *p, char *why, size_t n)
{
	const uint64_t cycle = 1ull << PMU_CYCLE;
	uint64_t ours = cycle | ((1ull << PMU_N) - 1);
	unsigned k;
	int rc = 0;

	if (!p->present)
		return 0;
	for (k = PMU_N; k < p->n && k < VM_PMU_MAX; k++)
		if (((p->cnten | p->inten | p->ovs) >> k & 1) || p->evtyper[k] || p->evcntr[k]) {
			snprintf(why, n, "vCPU %u uses PMU event counter %u: the model has %u", c->index,
				 k, PMU_N);
			return -1;
		}
	for (k = 0; k < PMU_N && k < p->n && !rc; k++)
		rc = sysreg__load(c, ENC(VM_PMU_EVTYPER(k)), p->evtyper[k]) |
		     sysreg__load(c, ENC(VM_PMU_EVCNTR(k)), p->evcntr[k]);
	if (!rc)
		rc = sysreg__load(c, ENC(VM_PMU_CCFILTR), p->ccfiltr) |
		     sysreg__load(c, ENC(VM_PMU_CCNTR), p->ccntr) |
		     sysreg__load(c, ENC(VM_PMU_SELR), p->selr < PMU_N ? p->selr : 31) |
		     sysreg__load(c, ENC(VM_PMU_CNTENSET), p->cnten & ours) |
		     sysreg__load(c, ENC(VM_PMU_INTENSET), p->inten & ours) |
		     sysreg__load(c, ENC(VM_PMU_OVSSET), p->ovs & ours) |
		     sysreg__load(c, ENC(VM_PMU_USERENR), p->userenr) |
		     sysreg__load(c, ENC(VM_PMU_PMCR), p->pmcr & ~(PMCR_P | PMCR_C));
	if (rc)
		snprintf(why, n, "vCPU %u: the model's PMU refused a register", c->index);
	return rc ? -1 : 0;
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
	return load_pmu(c, &s->pmu, why, n);
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
