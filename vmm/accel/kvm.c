/* The KVM accelerator (arm64 hosts): creates the VM (one RAM memslot, vCPUs with
 * PSCI 0.2, the in-kernel GICv3 and timer, and with --pmu / --its the vCPUs' PMUv3 and
 * the GIC's ITS), runs one thread per vCPU, and stops
 * them by signal when the machine asks. Every failure names the step that failed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_priv.h"
#include <platform/memmap.h>

#include "../accel.h"
#include "../machine.h"
#include "../vm_state.h"

static const struct { int cap; const char *name; } required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL" },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

int kvm__ioctl(struct machine *m, int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) >= 0)
		return 0;
	machine__error(m, "%s failed: %s", what, strerror(errno));
	return -errno;
}

/* Opens /dev/kvm and checks the API version and capabilities; -errno and why. */
static int open_kvm(int *fd, char *why, size_t len)
{
	size_t i;

	*fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno;

		snprintf(why, len, err == ENOENT ? "no /dev/kvm (KVM is not enabled in this host's kernel)"
			 : "cannot open /dev/kvm: %s", strerror(err));
		return -err;
	}
	if (ioctl(*fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm speaks an unknown KVM API version");
		goto fail;
	}
	for (i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
		if (ioctl(*fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0) {
			snprintf(why, len, "KVM lacks %s", required_caps[i].name);
			goto fail;
		}
	}
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return -ENOSYS;
}

static int kvm_available(char *why, size_t len)
{
	int fd, err = open_kvm(&fd, why, len);

	if (!err)
		close(fd);
	return err;
}

static int kvm_has_feature(enum accel_feature f, char *why, size_t len)
{
	return f == ACCEL_PMU ? kvm_pmu__probe(why, len) : kvm_its__probe(why, len);
}

static int map_ram(struct kvm_vm *vm)
{
	struct machine *m = vm->m;
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = m->ram_base, .memory_size = m->ram_size,
		.userspace_addr = (uintptr_t)m->ram,
	};

	vm->ram_slot = slot;
	return KVM_IOCTL(m, vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot);
}

static int check_vcpu_count(struct kvm_vm *vm)
{
	int max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max > 0 && vm->ncpus > (unsigned)max) {
		machine__error(vm->m, "--cpus %u: this host's KVM allows at most %d vCPUs", vm->ncpus, max);
		return -EINVAL;
	}
	return 0;
}

static int create_vm(struct kvm_vm *vm)
{
	struct kvm_enable_cap nisv = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	char why[160];
	int fd, err;
	unsigned i;

	err = open_kvm(&vm->sys_fd, why, sizeof(why));
	if (err) {
		machine__error(vm->m, "%s", why);
		return err;
	}
	vm->run_size = (size_t)ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0UL);
	if (fd < 0) {
		machine__error(vm->m, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -errno;
	}
	vm->vm_fd = fd;
	/* Optional: report data aborts KVM cannot decode instead of failing KVM_RUN. */
	if (ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0)
		ioctl(fd, KVM_ENABLE_CAP, &nisv);
	vm->inject_dabt = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_INJECT_EXT_DABT) > 0;
	err = check_vcpu_count(vm);
	if (!err)
		err = map_ram(vm);
	for (i = 0; !err && i < vm->ncpus; i++)
		err = kvm_vcpu__create(vm, i);
	if (!err)
		err = kvm_gic__create(vm);
	if (!err && vm->m->cfg.its)
		err = kvm_its__create(vm);
	if (!err && vm->m->cfg.pmu) /* after the vGIC's init (vcpu.rst) */
		err = kvm_pmu__init(vm);
	if (!err)
		err = kvm_vcpu__set_boot_regs(&vm->vcpus[0]);
	return err;
}

static int kvm_create(struct machine *m)
{
	struct kvm_vm *vm = calloc(1, sizeof(*vm));
	unsigned i;

	if (!vm)
		return -ENOMEM;
	vm->m = m;
	vm->sys_fd = vm->vm_fd = vm->gic_fd = vm->its_fd = -1;
	vm->ncpus = m->cfg.ncpus;
	vm->vcpus = calloc(vm->ncpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		free(vm);
		return -ENOMEM;
	}
	for (i = 0; i < vm->ncpus; i++)
		vm->vcpus[i].fd = -1;
	if (m->handover_to) { /* a hand-over may be asked for: room for the vCPUs' state */
		vm->saved = calloc(vm->ncpus, sizeof(*vm->saved));
		if (!vm->saved) {
			free(vm->vcpus);
			free(vm);
			return -ENOMEM;
		}
	}
	m->accel_data = vm;
	return create_vm(vm);
}

static void on_kick(int sig)
{
	(void)sig; /* only there to interrupt KVM_RUN */
}

static int kvm_run_vm(struct machine *m)
{
	struct kvm_vm *vm = m->accel_data;
	struct sigaction sa = { .sa_handler = on_kick }; /* no SA_RESTART: KVM_RUN returns EINTR */
	static const int synchronous[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS };
	pthread_t threads[PLATFORM_MAX_CPUS];
	sigset_t vcpu_mask, old;
	unsigned i, n = 0;
	int err = 0;

	sigaction(KVM_KICK_SIGNAL, &sa, NULL);
	/* vCPU threads take the kick and nothing else (stop signals are main.c's
	 * thread's); faults stay deliverable. Threads inherit the mask. */
	sigfillset(&vcpu_mask);
	sigdelset(&vcpu_mask, KVM_KICK_SIGNAL);
	for (i = 0; i < sizeof(synchronous) / sizeof(synchronous[0]); i++)
		sigdelset(&vcpu_mask, synchronous[i]);
	pthread_sigmask(SIG_SETMASK, &vcpu_mask, &old);
	for (i = 0; i < vm->ncpus && !err; i++) {
		/* under the lock: a kick sees started only with the thread ID set */
		pthread_mutex_lock(&m->accel_lock);
		err = -pthread_create(&vm->vcpus[i].thread, NULL, kvm_vcpu__thread, &vm->vcpus[i]);
		if (!err) {
			vm->vcpus[i].started = 1;
			threads[n++] = vm->vcpus[i].thread;
		}
		pthread_mutex_unlock(&m->accel_lock);
		if (err)
			machine__error(m, "cannot start the thread of vCPU %u: %s", i, strerror(-err));
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return err;
}

/* Any thread, under the machine's accel_lock (machine.c's wake()), never a signal
 * handler: make every vCPU leave KVM_RUN and not re-enter. immediate_exit covers a
 * vCPU between its stop check and KVM_RUN; the signal one inside KVM_RUN. */
static void kvm_kick(struct machine *m)
{
	struct kvm_vm *vm = m->accel_data;
	unsigned i;

	if (!vm)
		return;
	for (i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *v = &vm->vcpus[i];

		if (v->run)
			v->run->immediate_exit = 1;
		if (v->started)
			pthread_kill(v->thread, KVM_KICK_SIGNAL);
	}
}

static void kvm_set_irq(struct machine *m, unsigned intid, int level)
{
	struct kvm_vm *vm = m->accel_data;
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid,
		.level = level,
	};

	if (vm && vm->vm_fd >= 0 && intid >= 32 && ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		machine__error(m, "KVM_IRQ_LINE for INTID %u failed: %s", intid, strerror(errno));
}

static int kvm_signal_msi(struct machine *m, uint32_t devid, uint32_t data)
{
	struct kvm_vm *vm = m->accel_data;

	return vm && vm->its_fd >= 0 ? kvm_its__signal_msi(vm, devid, data) : -ENODEV;
}

static void kvm_destroy(struct machine *m)
{
	struct kvm_vm *vm = m->accel_data;
	unsigned i;

	if (!vm)
		return;
	m->accel_data = NULL;
	for (i = 0; i < vm->ncpus; i++)
		kvm_vcpu__destroy(&vm->vcpus[i]);
	if (vm->its_fd >= 0)
		close(vm->its_fd);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	free(vm->vcpus);
	free(vm->saved);
	free(vm);
}

const struct accel_ops accel_kvm = {
	.name = "kvm",
	.max_cpus = PLATFORM_MAX_CPUS, /* KVM_CAP_MAX_VCPUS may lower it: create() checks */
	.offers = ACCEL_PMU | ACCEL_ITS,
	.available = kvm_available,
	.has_feature = kvm_has_feature,
	.create = kvm_create,
	.run = kvm_run_vm,
	.set_irq = kvm_set_irq,
	.signal_msi = kvm_signal_msi,
	.kick = kvm_kick,
	.destroy = kvm_destroy,
	.save_state = kvm_handover__save,
	.monitor_ops = kvm_monitor__ops,
};
