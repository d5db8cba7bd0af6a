/* KVM's half of a hand-over (docs/handover.md): the triggers (a hardware breakpoint
 * at a guest VA through KVM_SET_GUEST_DEBUG, a count of exits; the monitor's request
 * goes through machine__request_handover), and reading the whole state once every
 * vCPU has left KVM_RUN: each vCPU thread reads its own registers (KVM's API wants
 * vCPU ioctls from the vCPU's thread), then save_state reads the vGICv3 and the
 * counters with every vCPU stopped, as KVM_DEV_ARM_VGIC_GRP_* require. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_priv.h"
#include "../machine.h"
#include "../vm_state.h"

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define CORE_REG32(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define CORE_REG128(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U128 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
/* DBGBCR<n>_EL1 (Arm ARM D17.3.2): E, PMC = 0b11 (EL1 and EL0), BAS = 0b1111 (A64) */
#define DBGBCR_E (1u << 0)
#define DBGBCR_PMC_EL1_EL0 (3u << 1)
#define DBGBCR_BAS_A64 (0xfu << 5)
#define EC_BREAKPT_LOW 0x30 /* ESR_ELx.EC of a hardware breakpoint from a lower EL */

static int get(int fd, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

/* vmm run --switch-to-model-at pc=VA: a hardware breakpoint on every vCPU, set by its
 * own thread before its first KVM_RUN. Our own function, apart from any other use
 * of guest debug (a gdb stub), so that the two can be told apart. */
int kvm_handover__vcpu_start(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;
	struct kvm_guest_debug dbg;

	if (m->cfg.switch_at != VM_HANDOVER_PC)
		return 0;
	memset(&dbg, 0, sizeof(dbg));
	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW;
	dbg.arch.dbg_bvr[0] = m->cfg.switch_value;
	dbg.arch.dbg_bcr[0] = DBGBCR_E | DBGBCR_PMC_EL1_EL0 | DBGBCR_BAS_A64;
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		machine__error(m, "--switch-to-model-at pc=0x%llx: KVM_SET_GUEST_DEBUG on vCPU %u "
			       "failed: %s", (unsigned long long)m->cfg.switch_value, v->id,
			       strerror(errno));
		return -errno;
	}
	v->debug_armed = 1;
	return 0;
}

/* After every exit KVM_RUN returned (not the EINTRs of kicks): --switch-to-model-at
 * exits=N counts them over all vCPUs. */
void kvm_handover__exit(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;
	uint64_t n = atomic_fetch_add(&v->vm->exits, 1) + 1;
	char trigger[40];

	if (m->cfg.switch_at == VM_HANDOVER_EXITS && n == m->cfg.switch_value) {
		snprintf(trigger, sizeof(trigger), "exits=%llu", (unsigned long long)n);
		machine__request_handover(m, trigger);
	}
}

/* KVM_EXIT_DEBUG: our breakpoint was hit; the vCPU is at the instruction, not past it. */
void kvm_handover__debug_exit(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;
	unsigned ec = v->run->debug.arch.hsr >> 26;
	char trigger[48];

	if (!v->debug_armed || ec != EC_BREAKPT_LOW) {
		machine__error(m, "unexpected KVM debug exit on vCPU %u (ESR 0x%x)", v->id,
			       v->run->debug.arch.hsr);
		return;
	}
	snprintf(trigger, sizeof(trigger), "pc=0x%llx, vCPU %u", (unsigned long long)m->cfg.switch_value,
		 v->id);
	machine__request_handover(m, trigger);
}

static int save_regs(struct kvm_vcpu *v, struct vcpu_state *s)
{
	const struct { uint64_t id; uint64_t *dst; } regs[] = {
		{ CORE_REG(regs.sp), &s->sp_el0 }, { CORE_REG(sp_el1), &s->sp_el1 },
		{ CORE_REG(regs.pc), &s->pc }, { CORE_REG(regs.pstate), &s->pstate },
		{ CORE_REG(elr_el1), &s->elr_el1 }, { CORE_REG(spsr[KVM_SPSR_EL1]), &s->spsr_el1 },
		{ KVM_REG_ARM_TIMER_CTL, &s->cntv_ctl }, { KVM_REG_ARM_TIMER_CVAL, &s->cntv_cval },
	};
	unsigned k;
	int rc = 0;

	for (k = 0; k < 31 && !rc; k++)
		rc = get(v->fd, CORE_REG(regs.regs[k]), &s->x[k]);
	for (k = 0; k < sizeof(regs) / sizeof(regs[0]) && !rc; k++)
		rc = get(v->fd, regs[k].id, regs[k].dst);
	for (k = 0; k < 32 && !rc; k++)
		rc = get(v->fd, CORE_REG128(fp_regs.vregs[k]), &s->v[k]);
	if (!rc)
		rc = get(v->fd, CORE_REG32(fp_regs.fpsr), &s->fpsr);
	if (!rc)
		rc = get(v->fd, CORE_REG32(fp_regs.fpcr), &s->fpcr);
	for (k = 0; k < vm_nsysregs && !rc; k++) {
		const struct vm_sysreg_desc *d = &vm_sysregs[k];

		rc = get(v->fd, ARM64_SYS_REG(d->op0, d->op1, d->crn, d->crm, d->op2),
			 vm_sysreg(&s->sr, d));
		if (rc)
			machine__error(v->vm->m, "hand-over: reading %s of vCPU %u failed: %s",
				       d->name, v->id, strerror(-rc));
	}
	/* the physical timer's registers exist for userspace on newer kernels only */
	s->have_ptimer = !rc && get(v->fd, KVM_REG_ARM_PTIMER_CTL, &s->cntp_ctl) == 0 &&
			 get(v->fd, KVM_REG_ARM_PTIMER_CVAL, &s->cntp_cval) == 0;
	return rc;
}

/* The PMU's registers (KVM_ARM_VCPU_PMU_V3), when the guest has one */
static int save_pmu(struct kvm_vcpu *v, struct vcpu_pmu *p)
{
#define PMU_REG(...) ARM64_SYS_REG(__VA_ARGS__)
	const struct { uint64_t id; uint64_t *dst; } regs[] = {
		{ PMU_REG(VM_PMU_PMCR), &p->pmcr }, { PMU_REG(VM_PMU_CNTENSET), &p->cnten },
		{ PMU_REG(VM_PMU_INTENSET), &p->inten }, { PMU_REG(VM_PMU_OVSSET), &p->ovs },
		{ PMU_REG(VM_PMU_USERENR), &p->userenr }, { PMU_REG(VM_PMU_SELR), &p->selr },
		{ PMU_REG(VM_PMU_CCNTR), &p->ccntr }, { PMU_REG(VM_PMU_CCFILTR), &p->ccfiltr },
	};
	unsigned k;
	int rc = 0;

	if (!v->vm->m->cfg.pmu)
		return 0;
	p->present = true;
	for (k = 0; k < sizeof(regs) / sizeof(regs[0]) && !rc; k++)
		rc = get(v->fd, regs[k].id, regs[k].dst);
	p->n = (p->pmcr >> 11) & 31;
	for (k = 0; k < p->n && k < VM_PMU_MAX && !rc; k++) {
		rc = get(v->fd, PMU_REG(VM_PMU_EVCNTR(k)), &p->evcntr[k]);
		if (!rc)
			rc = get(v->fd, PMU_REG(VM_PMU_EVTYPER(k)), &p->evtyper[k]);
	}
#undef PMU_REG
	return rc;
}

/* The vCPU's thread, leaving its run loop: with a hand-over asked for, complete what
 * the last exit left pending and read the state. */
void kvm_handover__vcpu_end(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;
	struct vcpu_state *s = &v->vm->saved[v->id];
	struct kvm_guest_debug off;
	struct kvm_mp_state mp;
	int rc;

	if (!v->vm->saved || atomic_load(&m->stop_reason) != VM_STOP_HANDOVER)
		return;
	/* KVM_RUN with immediate_exit completes an MMIO read and commits a pending PC
	 * step or exception (api.rst, "immediate_exit"): the state is then at an
	 * instruction boundary. */
	v->run->immediate_exit = 1;
	if (ioctl(v->fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN)) {
		machine__error(m, "hand-over: KVM_RUN with immediate_exit on vCPU %u did not "
			       "return EINTR (%s)", v->id, strerror(errno));
		return;
	}
	memset(&off, 0, sizeof(off));
	if (v->debug_armed && ioctl(v->fd, KVM_SET_GUEST_DEBUG, &off) < 0) {
		machine__error(m, "hand-over: clearing guest debug on vCPU %u: %s", v->id,
			       strerror(errno));
		return;
	}
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0) {
		machine__error(m, "hand-over: KVM_GET_MP_STATE on vCPU %u: %s", v->id, strerror(errno));
		return;
	}
	s->on = mp.mp_state != KVM_MP_STATE_STOPPED;
	rc = save_regs(v, s);
	if (!rc)
		rc = save_pmu(v, &s->pmu);
	if (rc) {
		machine__error(m, "hand-over: reading the registers of vCPU %u failed: %s", v->id,
			       strerror(-rc));
		return;
	}
	v->saved_ok = 1;
}

/* ---- the vGICv3, read with every vCPU stopped (arm-vgic-v3.rst) ---- */

static int gic_get(struct kvm_vm *vm, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return ioctl(vm->gic_fd, KVM_GET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

/* The MPIDR field of an attribute: Aff3.Aff2.Aff1.Aff0 in 32 bits */
static uint64_t attr_mpidr(unsigned cpu)
{
	uint64_t mpidr = machine__mpidr(cpu);

	return ((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff)) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

/* The registers the distributor and each SGI_base frame share (IHI 0069 12.9):
 * irqs [first, last) of one bank into s. frame: 0 (GICD) or 0x10000 (GICR SGI_base). */
static int read_irqs(struct kvm_vm *vm, uint32_t group, uint64_t mpidr, uint64_t frame,
		     unsigned first, unsigned last, struct vm_gic_irqs *s)
{
	struct { uint32_t off; uint32_t *dst; } banks[] = {
		{ 0x080, s->group }, { 0x100, s->enabled }, { 0x200, s->pending }, { 0x300, s->active },
	};
	unsigned id, k;
	uint32_t w;
	int rc = 0;

	for (id = first; id < last && !rc; id += 32) {
		for (k = 0; k < 4 && !rc; k++)
			rc = gic_get(vm, group, mpidr | (frame + banks[k].off + id / 8), &banks[k].dst[id / 32]);
		/* the input line of level-triggered interrupts, apart from the latch */
		if (!rc)
			rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, mpidr |
				     (uint64_t)VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT | id,
				     &s->level[id / 32]);
	}
	for (id = first; id < last && !rc; id += 4) {
		rc = gic_get(vm, group, mpidr | (frame + 0x400 + id), &w); /* IPRIORITYR */
		memcpy(&s->prio[id], &w, 4);
	}
	for (id = first; id < last && !rc; id += 16)
		rc = gic_get(vm, group, mpidr | (frame + 0xc00 + id / 4), &s->cfg[id / 16]); /* ICFGR */
	return rc;
}

static int read_cpu_if(struct kvm_vm *vm, unsigned cpu, struct vm_gic_cpu *c)
{
	/* ICC_*_EL1 encodings (IHI 0069 12.2) in the attribute's low 16 bits */
#define ICC(op0, op1, crn, crm, op2) ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
	const struct { uint64_t enc; uint64_t *dst; } regs[] = {
		{ ICC(3, 0, 4, 6, 0), &c->pmr }, { ICC(3, 0, 12, 12, 3), &c->bpr1 },
		{ ICC(3, 0, 12, 12, 4), &c->ctlr }, { ICC(3, 0, 12, 12, 5), &c->sre },
		{ ICC(3, 0, 12, 12, 7), &c->igrpen1 }, { ICC(3, 0, 12, 9, 0), &c->ap1r[0] },
	};
	uint64_t mpidr = attr_mpidr(cpu);
	unsigned k;
	int rc = 0;

	for (k = 0; k < sizeof(regs) / sizeof(regs[0]) && !rc; k++)
		rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidr | regs[k].enc, regs[k].dst);
	/* AP1R1..3 exist with more than 5 preemption bits only */
	for (k = 1; k < 4 && !rc; k++)
		if (gic_get(vm, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidr | ICC(3, 0, 12, 9, k), &c->ap1r[k]))
			c->ap1r[k] = 0;
#undef ICC
	if (!rc)
		rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidr | 0x14, &c->waker);
	if (!rc)
		rc = read_irqs(vm, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidr, 0x10000, 0, 32, &c->priv);
	return rc;
}

static int read_gic(struct kvm_vm *vm, struct vm_gic_state *g)
{
	unsigned id, k;
	int rc;

	rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, &g->ctlr);
	if (!rc)
		rc = read_irqs(vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 0, 32, VM_GIC_NR_IRQS, &g->spi);
	for (id = 32; id < VM_GIC_NR_IRQS && !rc; id++) { /* GICD_IROUTER: two 32-bit halves */
		uint32_t lo = 0, hi = 0;

		rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000 + 8 * id, &lo);
		if (!rc)
			rc = gic_get(vm, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000 + 8 * id + 4, &hi);
		g->irouter[id] = (uint64_t)hi << 32 | lo;
	}
	for (k = 0; k < vm->ncpus && !rc; k++)
		rc = read_cpu_if(vm, k, &g->cpu[k]);
	return rc;
}

/* Every carried system register must be one KVM has for this vCPU (KVM_GET_REG_LIST). */
static int check_reg_list(struct kvm_vm *vm)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	unsigned k;
	uint64_t i;
	int rc = 0;

	if (ioctl(vm->vcpus[0].fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG)
		return 0; /* cannot tell: the reads themselves will say */
	list = calloc(1, sizeof(*list) + probe.n * sizeof(list->reg[0]));
	if (!list)
		return -ENOMEM;
	list->n = probe.n;
	if (ioctl(vm->vcpus[0].fd, KVM_GET_REG_LIST, list) < 0) {
		free(list);
		return 0;
	}
	for (k = 0; k < vm_nsysregs && !rc; k++) {
		const struct vm_sysreg_desc *d = &vm_sysregs[k];
		uint64_t id = ARM64_SYS_REG(d->op0, d->op1, d->crn, d->crm, d->op2);

		for (i = 0; i < list->n && list->reg[i] != id; i++)
			;
		if (i == list->n) {
			machine__error(vm->m, "hand-over: this KVM does not list %s (KVM_GET_REG_LIST)",
				       d->name);
			rc = -ENOENT;
		}
	}
	free(list);
	return rc;
}

static uint64_t host_reg(int which)
{
	uint64_t v;

	if (which)
		__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	else
		__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

int kvm_handover__save(struct machine *m, struct vm_state *st)
{
	struct kvm_vm *vm = m->accel_data;
	unsigned k;
	int rc;

	if (!vm || !vm->saved)
		return -EINVAL;
	for (k = 0; k < vm->ncpus; k++)
		if (!vm->vcpus[k].saved_ok) {
			machine__error(m, "hand-over: vCPU %u did not stop for it", k);
			return -EIO;
		}
	rc = check_reg_list(vm);
	if (rc)
		return rc;
	st->ncpus = vm->ncpus;
	memcpy(st->cpu, vm->saved, vm->ncpus * sizeof(st->cpu[0]));
	st->exits = atomic_load(&vm->exits);
	/* the counters now, every vCPU stopped: later than anything the guest read. The
	 * guest's CNTPCT is the host's counter (no offset is set for it), read here as
	 * the host's CNTVCT, which Linux offsets by nothing for its own processes. */
	st->cntfrq = host_reg(0);
	rc = get(vm->vcpus[0].fd, KVM_REG_ARM_TIMER_CNT, &st->cntvct);
	if (rc || get(vm->vcpus[0].fd, KVM_REG_ARM_PTIMER_CNT, &st->cntpct))
		st->cntpct = host_reg(1);
	if (!rc)
		rc = read_gic(vm, &st->gic);
	if (rc) {
		machine__error(m, "hand-over: reading the vGICv3 or the counter failed: %s",
			       strerror(-rc));
		return rc;
	}
	return 0;
}
