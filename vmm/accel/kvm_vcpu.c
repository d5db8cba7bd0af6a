/* KVM vCPUs: creation with PSCI 0.2 (secondaries powered off until PSCI CPU_ON,
 * which KVM handles in the kernel), the boot registers from one table, and the run
 * loop that turns exits into bus accesses and VM stops. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_priv.h"
#include "../machine.h"
#include "../report.h"
#include "../trace/trace.h"

REPORT_LIMIT(unclaimed, "guest accesses to addresses with neither RAM nor a device",
	     REPORT_BURST);
REPORT_LIMIT(refused, "guest accesses a device refused", REPORT_BURST);
REPORT_LIMIT(undecodable, "guest accesses KVM could not decode", REPORT_BURST);

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)
/* PSTATE at entry (booting.rst): EL1h, D, A, I and F masked. */
#define PSTATE_BOOT 0x3c5ULL

static int get_reg(struct kvm_vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

int kvm_vcpu__set_boot_regs(struct kvm_vcpu *v)
{
	const struct boot_info *b = &v->vm->m->boot;
	const struct { uint64_t id; uint64_t val; const char *name; } regs[] = {
		{ CORE_REG(regs.pstate), PSTATE_BOOT, "PSTATE" },
		{ CORE_REG(regs.pc), b->entry, "PC" },
		{ CORE_REG(regs.regs[0]), b->dtb_addr, "X0" },
		{ CORE_REG(regs.regs[1]), 0, "X1" },
		{ CORE_REG(regs.regs[2]), 0, "X2" },
		{ CORE_REG(regs.regs[3]), 0, "X3" },
	};
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		struct kvm_one_reg r = { .id = regs[i].id, .addr = (uintptr_t)&regs[i].val };

		snprintf(what, sizeof(what), "setting %s of vCPU %u (KVM_SET_ONE_REG)", regs[i].name, v->id);
		if (kvm__ioctl(v->vm->m, v->fd, KVM_SET_ONE_REG, &r, what))
			return -EIO;
	}
	return 0;
}

/* KVM assigns MPIDRs; the device tree was built from machine__mpidr(): they must agree. */
static int check_mpidr(struct kvm_vcpu *v)
{
	uint64_t mpidr = 0;

	if (get_reg(v, MPIDR_EL1, &mpidr) == 0 && mpidr != machine__mpidr(v->id)) {
		machine__error(v->vm->m, "vCPU %u has MPIDR 0x%llx, the device tree says 0x%llx",
			       v->id, (unsigned long long)mpidr,
			       (unsigned long long)machine__mpidr(v->id));
		return -EINVAL;
	}
	return 0;
}

int kvm_vcpu__create(struct kvm_vm *vm, unsigned id)
{
	struct kvm_vcpu *v = &vm->vcpus[id];
	struct kvm_vcpu_init init;
	int fd;

	v->vm = vm;
	v->id = id;
	fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (fd < 0) {
		machine__error(vm->m, "creating vCPU %u (KVM_CREATE_VCPU) failed: %s", id, strerror(errno));
		return -errno;
	}
	v->fd = fd;
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		machine__error(vm->m, "mapping vCPU %u's kvm_run failed: %s", id, strerror(errno));
		return -ENOMEM;
	}
	if (KVM_IOCTL(vm->m, vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -EIO;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (id > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF; /* until PSCI CPU_ON */
	if (vm->m->cfg.pmu) /* set up by kvm_pmu.c once the vGIC exists */
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	if (KVM_IOCTL(vm->m, fd, KVM_ARM_VCPU_INIT, &init))
		return -EIO;
	return check_mpidr(v);
}

static uint64_t vcpu_pc(struct kvm_vcpu *v)
{
	uint64_t pc = 0;

	get_reg(v, CORE_REG(regs.pc), &pc);
	return pc;
}

/* A synchronous external abort for the access of the last exit (KVM_EXIT_MMIO or
 * KVM_EXIT_ARM_NISV), as hardware gives for an address nothing answers. Returns 0,
 * or -1 when this KVM cannot inject one (the caller stops the VM instead). */
static int inject_abort(struct kvm_vcpu *v)
{
	struct kvm_vcpu_events ev;

	if (!v->vm->inject_dabt)
		return -1;
	/* Kernels without the fix "KVM: arm64: Don't retire aborted MMIO instruction"
	 * complete a pending MMIO exit on the next KVM_RUN even with an abort pending:
	 * the PC moves past the access and the exception is corrupted. Not being an
	 * MMIO exit any more, it is not completed. */
	v->run->exit_reason = KVM_EXIT_UNKNOWN;
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0 ? -1 : 0;
}

static void handle_mmio(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;
	struct kvm_run *r = v->run;
	uint64_t addr = r->mmio.phys_addr, val = 0;
	const char *dir = r->mmio.is_write ? "write" : "read";
	unsigned len = r->mmio.len;
	const struct mmio_region *dev;
	int err;

	if (r->mmio.is_write) {
		memcpy(&val, r->mmio.data, len);
		err = bus__write(&m->bus, addr, len, val, v->id);
	} else {
		err = bus__read(&m->bus, addr, len, &val, v->id);
		memcpy(r->mmio.data, &val, len);
	}
	if (!err)
		return;
	dev = bus__find(&m->bus, addr, len); /* NULL: nothing there; else it refused */
	if (inject_abort(v) == 0) {
		/* the same lines as the model's (vmm/accel/model) */
		if (!dev)
			report_limited(&unclaimed, REPORT_WARN, "vCPU %u: %u-byte %s at PA 0x%llx: "
				       "neither RAM nor a device there (external abort to the guest)",
				       v->id, len, dir, (unsigned long long)addr);
		else
			report_limited(&refused, REPORT_WARN, "vCPU %u: %u-byte %s at PA 0x%llx "
				       "refused by the device (external abort to the guest)", v->id,
				       len, dir, (unsigned long long)addr);
		return;
	}
	if (!dev)
		machine__error(m, "guest %s of %u bytes at 0x%llx (vCPU %u, PC 0x%llx): no device or RAM "
			       "at this address (and this KVM cannot give the guest an external abort)",
			       dir, len, (unsigned long long)addr, v->id, (unsigned long long)vcpu_pc(v));
	else
		machine__error(m, "guest %u-byte %s at 0x%llx (vCPU %u, PC 0x%llx) refused by device %s: %s",
			       len, dir, (unsigned long long)addr, v->id,
			       (unsigned long long)vcpu_pc(v), dev->name, strerror(-err));
}

/* A data abort KVM could not decode (no instruction syndrome: a load/store pair, or
 * writeback, to an address outside RAM): the guest gets an external abort. */
static void handle_nisv(struct kvm_vcpu *v)
{
	unsigned long long ipa = v->run->arm_nisv.fault_ipa;

	if (inject_abort(v) == 0) {
		report_limited(&undecodable, REPORT_WARN, "vCPU %u: access at PA 0x%llx (PC 0x%llx) "
			       "that KVM cannot emulate: no instruction syndrome (a load/store pair "
			       "or writeback?) (external abort to the guest)", v->id, ipa,
			       (unsigned long long)vcpu_pc(v));
		return;
	}
	machine__error(v->vm->m, "guest access at 0x%llx (vCPU %u, PC 0x%llx) that KVM cannot "
		       "emulate: no instruction syndrome (a load/store pair or writeback to MMIO?)",
		       ipa, v->id, (unsigned long long)vcpu_pc(v));
}

static void handle_system_event(struct kvm_vcpu *v)
{
	struct machine *m = v->vm->m;

	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		machine__stop(m, VM_STOP_POWEROFF, (int)m->guest_status);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		machine__stop(m, VM_STOP_RESET, VMM_EXIT_RESET);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		machine__error(m, "the guest reported a crash (PSCI, vCPU %u)", v->id);
		break;
	default:
		machine__error(m, "unexpected KVM system event %u on vCPU %u",
			       v->run->system_event.type, v->id);
	}
}

/* One exit; the VM stops through machine__stop/machine__error when it must. */
void kvm_vcpu__handle_exit(struct kvm_vcpu *v)
{
	struct kvm_run *r = v->run;
	struct machine *m = v->vm->m;

	switch (r->exit_reason) {
	case KVM_EXIT_MMIO:
		handle_mmio(v);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(v);
		break;
	case KVM_EXIT_INTR:
		break;
	case KVM_EXIT_ARM_NISV:
		handle_nisv(v);
		break;
	case KVM_EXIT_DEBUG: /* --switch-to-model-at pc=, or vmm run --gdb */
		if (v->debug_armed)
			kvm_handover__debug_exit(v);
		else
			kvm_gdb__debug_exit(v);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		machine__error(m, "KVM could not enter vCPU %u (reason 0x%llx)", v->id,
			       (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		machine__error(m, "KVM internal error %u on vCPU %u", r->internal.suberror, v->id);
		break;
	default:
		machine__error(m, "unexpected KVM exit reason %u on vCPU %u", r->exit_reason, v->id);
	}
}

/* vmm run --trace exit: one instant event per return of KVM_RUN */
void kvm_vcpu__trace_exit(struct kvm_vcpu *v, uint32_t reason)
{
	static const char *const names[] = { "reason", "addr", "write" };
	uint64_t a[3] = { reason, 0, 0 };

	if (!trace__on(TRACE_EXIT))
		return;
	if (reason == KVM_EXIT_MMIO) {
		a[1] = v->run->mmio.phys_addr;
		a[2] = v->run->mmio.is_write;
	}
	trace__instant(TRACE_EXIT, "exit", v->id, trace__wall_us(), names, a, 3);
}

void *kvm_vcpu__thread(void *arg)
{
	struct kvm_vcpu *v = arg;
	struct machine *m = v->vm->m;

	if (kvm_handover__vcpu_start(v))
		goto out;
	while (!machine__stopping(m)) {
		if (kvm_monitor__before_run(v))
			continue;
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				kvm_vcpu__trace_exit(v, KVM_EXIT_INTR); /* a kick: KVM says INTR */
				continue;
			}
			machine__error(m, "KVM_RUN on vCPU %u (PC 0x%llx) failed: %s", v->id,
				       (unsigned long long)vcpu_pc(v), strerror(errno));
			break;
		}
		kvm_vcpu__trace_exit(v, v->run->exit_reason);
		kvm_vcpu__handle_exit(v);
		kvm_handover__exit(v);
	}
	kvm_handover__vcpu_end(v);
out:
	/* from now on a kick must not signal this thread (its ID dies with the join) */
	pthread_mutex_lock(&m->accel_lock);
	v->started = 0;
	pthread_mutex_unlock(&m->accel_lock);
	return NULL;
}

void kvm_vcpu__destroy(struct kvm_vcpu *v)
{
	if (v->run)
		munmap(v->run, v->vm->run_size);
	if (v->fd > 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}
