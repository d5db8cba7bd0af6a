/* The KVM engine seen by the monitor (docs/monitor.md, "Wiring"). A pause kicks every
 * vCPU thread out of KVM_RUN (accel_ops.kick: immediate_exit and the kick signal) and
 * parks it before its next KVM_RUN (kvm_monitor__before_run). Registers are read with
 * KVM_GET_ONE_REG by the vCPU's own thread, as the KVM API asks, while it is parked:
 * the monitor stops every vCPU for the moment it takes (unless they are paused).
 * Stage 1 is walked in software (vmm/monitor over mmu/) from guest RAM; KVM's stage 2
 * belongs to the host kernel: the EL2 registers read as 0 and IPA = guest physical
 * address, whose map is the VMM's memslot and the bus (docs/monitor.md). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_priv.h"
#include "../machine.h"
#include "../monitor_glue.h"
#include "../vcpu_gate.h"
#include "monitor.h"
#include <platform/memmap.h>

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define SYS_REG(op0, op1, crn, crm, op2) ARM64_SYS_REG(op0, op1, crn, crm, op2)

static struct kvm_target {
	struct machine *m;
	struct vcpu_gate gate;
	bool ready;
	/* one request at a time (a register read, the gdb stub's work), served by vCPU
	 * req_cpu's own thread while parked (gate lock) */
	int req_cpu;
	kvm_vcpu_fn *req_fn;
	void *req_arg;
	int req_rc;
	bool req_done;
} kt = { .req_cpu = -1 };

static int one_reg(struct kvm_vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int read_regs(struct kvm_vcpu *v, void *arg)
{
	struct vcpu_regs *r = arg;
	const struct { uint64_t id; uint64_t *dst; } regs[] = {
		{ CORE_REG(regs.sp), &r->sp_el0 },
		{ CORE_REG(sp_el1), &r->sp_el1 },
		{ CORE_REG(regs.pc), &r->pc },
		{ CORE_REG(regs.pstate), &r->pstate },
		{ CORE_REG(elr_el1), &r->elr_el1 },
		{ CORE_REG(spsr[KVM_SPSR_EL1]), &r->spsr_el1 },
		{ SYS_REG(3, 0, 1, 0, 0), &r->sctlr_el1 },
		{ SYS_REG(3, 0, 2, 0, 2), &r->tcr_el1 },
		{ SYS_REG(3, 0, 2, 0, 0), &r->ttbr0_el1 },
		{ SYS_REG(3, 0, 2, 0, 1), &r->ttbr1_el1 },
		{ SYS_REG(3, 0, 10, 2, 0), &r->mair_el1 },
		{ SYS_REG(3, 0, 5, 2, 0), &r->esr_el1 },
		{ SYS_REG(3, 0, 6, 0, 0), &r->far_el1 },
		{ SYS_REG(3, 0, 12, 0, 0), &r->vbar_el1 },
		{ SYS_REG(3, 0, 7, 4, 0), &r->par_el1 },
		{ SYS_REG(3, 0, 13, 0, 1), &r->contextidr_el1 },
	};
	static const uint8_t parange[] = { 32, 36, 40, 42, 44, 48, 52 };
	uint64_t mmfr0 = 0;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 31; i++)
		if ((rc = one_reg(v, CORE_REG(regs.regs[i]), &r->x[i])))
			return rc;
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if ((rc = one_reg(v, regs[i].id, regs[i].dst)))
			return rc;
	if (one_reg(v, SYS_REG(3, 0, 0, 7, 0), &mmfr0) == 0 && (mmfr0 & 0xf) < sizeof(parange))
		r->pa_bits = parange[mmfr0 & 0xf];
	/* hcr_el2, vtcr_el2, vttbr_el2 stay 0: KVM's stage 2 is the host's */
	return 0;
}

/* Parked vCPU thread: a register read meant for it (under the gate's lock). */
static void serve(void *arg)
{
	struct kvm_vcpu *v = arg;

	if (kt.req_cpu == (int)v->id && !kt.req_done) {
		kt.req_rc = kt.req_fn(v, kt.req_arg);
		kt.req_done = true;
		pthread_cond_broadcast(&kt.gate.cond);
	}
}

/* An MMIO exit is finished (the loaded register written, the PC past the access) only
 * by the next KVM_RUN: have it done now, with immediate_exit (api.rst, KVM_RUN), so that
 * a parked vCPU's registers are whole for the monitor and the debugger, and a step
 * steps one instruction. */
static void complete_pending(struct kvm_vcpu *v)
{
	if (v->run->exit_reason != KVM_EXIT_MMIO)
		return;
	v->run->immediate_exit = 1;
	if (ioctl(v->fd, KVM_RUN, 0) == 0 || errno == EINTR || errno == EAGAIN)
		v->run->exit_reason = KVM_EXIT_INTR;
}

int kvm_monitor__before_run(struct kvm_vcpu *v)
{
	bool again = false;

	if (kt.ready && vcpu_gate__wanted(&kt.gate)) {
		complete_pending(v);
		vcpu_gate__park(&kt.gate, v->vm->m, serve, v);
		again = true;
	}
	if (v->run->immediate_exit) {
		/* a kick for the monitor, or for a stop: the caller looks at the stop
		 * state after this store, so a stop's kick is never lost */
		v->run->immediate_exit = 0;
		atomic_thread_fence(memory_order_seq_cst);
		again = true;
	}
	return again;
}

static unsigned ncpus(void *t)
{
	struct kvm_target *x = t;

	return x->m->cfg.ncpus;
}

static int pause_vm(void *t)
{
	struct kvm_target *x = t;

	return vcpu_gate__pause(&x->gate, x->m, x->m->cfg.ncpus);
}

static int resume_vm(void *t)
{
	struct kvm_target *x = t;

	vcpu_gate__resume(&x->gate);
	return 0;
}

static bool paused(void *t)
{
	struct kvm_target *x = t;

	return vcpu_gate__paused(&x->gate);
}

static int quit(void *t)
{
	struct kvm_target *x = t;

	machine__stop(x->m, VM_STOP_USER, 0); /* as Ctrl-A x */
	return 0;
}

static bool req_done(void *arg)
{
	(void)arg;
	return kt.req_done;
}

int kvm_monitor__on_vcpu(struct machine *m, unsigned cpu, kvm_vcpu_fn *fn, void *arg)
{
	int rc;

	if (!kt.ready || kt.m != m || cpu >= m->cfg.ncpus)
		return -EINVAL;
	rc = vcpu_gate__hold(&kt.gate, m, m->cfg.ncpus);
	if (rc)
		return rc;
	kt.req_cpu = (int)cpu;
	kt.req_fn = fn;
	kt.req_arg = arg;
	kt.req_done = false;
	rc = vcpu_gate__request(&kt.gate, m, req_done, NULL);
	if (!rc)
		rc = kt.req_rc;
	kt.req_cpu = -1;
	vcpu_gate__release(&kt.gate);
	return rc;
}

bool kvm_monitor__stop_wanted(void)
{
	return kt.ready && vcpu_gate__wanted(&kt.gate);
}

static int get_regs(void *t, unsigned cpu, struct vcpu_regs *out)
{
	struct kvm_target *x = t;

	return kvm_monitor__on_vcpu(x->m, cpu, read_regs, out);
}

static int read_phys(void *t, uint64_t pa, void *buf, size_t len)
{
	struct kvm_target *x = t;

	return machine__read_ram(x->m, pa, buf, len);
}

/* The map KVM's stage 2 is built from: the RAM memslot as kvm.c gave it, the
 * in-kernel vGIC's frames (and ITS), and the bus's devices; sorted by address. Set up before
 * the vCPUs run and not changed after, so no lock. */
static int phys_map(void *t, monitor_phys_fn *put, void *arg)
{
	struct kvm_target *x = t;
	struct kvm_vm *vm = x->m->accel_data;
	const struct bus *bus = &x->m->bus;
	struct monitor_phys_range r[BUS_MAX_REGIONS + 4], tmp;
	unsigned n = 0;

	if (!vm)
		return -ENODEV;
	r[n++] = (struct monitor_phys_range){
		.ipa = vm->ram_slot.guest_phys_addr, .size = vm->ram_slot.memory_size,
		.kind = MONITOR_PHYS_MEMSLOT, .name = "ram", .slot = (int)vm->ram_slot.slot,
		.host = vm->ram_slot.userspace_addr, .flags = vm->ram_slot.flags,
		.dirty_log = vm->ram_slot.flags & KVM_MEM_LOG_DIRTY_PAGES,
		.readonly = vm->ram_slot.flags & KVM_MEM_READONLY,
	};
	r[n++] = (struct monitor_phys_range){ .ipa = GIC_DIST_BASE, .size = GIC_DIST_SIZE,
		.kind = MONITOR_PHYS_KERNEL_DEV, .name = "gicv3-distributor (KVM vGIC)", .slot = -1 };
	if (vm->its_fd >= 0) /* --its on: the in-kernel ITS */
		r[n++] = (struct monitor_phys_range){ .ipa = GIC_ITS_BASE, .size = GIC_ITS_SIZE,
			.kind = MONITOR_PHYS_KERNEL_DEV, .name = "gicv3-its (KVM vGIC)", .slot = -1 };
	r[n++] = (struct monitor_phys_range){ .ipa = GIC_REDIST_BASE,
		.size = GIC_REDIST_STRIDE * vm->ncpus, .kind = MONITOR_PHYS_KERNEL_DEV,
		.name = "gicv3-redistributors (KVM vGIC)", .slot = -1 };
	if (vm->its_fd >= 0) /* --its (kvm_its.c) */
		r[n++] = (struct monitor_phys_range){ .ipa = GIC_ITS_BASE, .size = GIC_ITS_SIZE,
			.kind = MONITOR_PHYS_KERNEL_DEV, .name = "gicv3-its (KVM vGIC ITS)", .slot = -1 };
	for (unsigned k = 0; k < bus->count && n < sizeof(r) / sizeof(r[0]); k++)
		r[n++] = (struct monitor_phys_range){ .ipa = bus->regions[k].base,
			.size = bus->regions[k].size, .kind = MONITOR_PHYS_MMIO,
			.name = bus->regions[k].name, .slot = -1 };
	for (unsigned i = 1; i < n; i++) /* insertion sort: a few dozen ranges */
		for (unsigned j = i; j > 0 && r[j - 1].ipa > r[j].ipa; j--) {
			tmp = r[j];
			r[j] = r[j - 1];
			r[j - 1] = tmp;
		}
	for (unsigned i = 0; i < n; i++)
		put(arg, &r[i]);
	return 0;
}

/* docs/handover.md: the VM goes on on the model, which then answers the monitor */
static int switch_to_model(void *t)
{
	struct kvm_target *x = t;

	return machine__request_handover(x->m, "monitor");
}

static const struct monitor_target_ops ops = {
	.ncpus = ncpus, .pause = pause_vm, .resume = resume_vm, .paused = paused, .quit = quit,
	.get_regs = get_regs, .read_phys = read_phys, .phys_map = phys_map,
	.switch_to_model = switch_to_model,
	/* mmu_view, stats: NULL, the model's (the guest's TLBs are the host CPU's) */
};

const struct monitor_target_ops *kvm_monitor__ops(struct machine *m, void **target)
{
	if (!kt.ready) {
		kt.m = m;
		vcpu_gate__init(&kt.gate, m->cfg.paused);
		kt.ready = true;
	}
	*target = &kt;
	return &ops;
}
