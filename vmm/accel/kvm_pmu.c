/* The vCPUs' PMUv3 on KVM (Linux Documentation/virt/kvm/devices/vcpu.rst, group
 * KVM_ARM_VCPU_PMU_V3_CTRL). Three steps in a fixed order: each vCPU is created with
 * the KVM_ARM_VCPU_PMU_V3 feature (kvm_vcpu.c); once the in-kernel vGIC is initialised,
 * each vCPU's overflow interrupt is set (PPI_PMU, the same PPI on every vCPU as a PPI
 * must be), then KVM_ARM_VCPU_PMU_V3_INIT, which fails with ENODEV before the vGIC
 * is initialised. The device tree's /pmu node names the same PPI (fdt/). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_priv.h"
#include "../machine.h"
#include <platform/memmap.h>

int kvm_pmu__probe(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), ok;

	if (fd < 0) {
		snprintf(why, len, "cannot open /dev/kvm: %s", strerror(errno));
		return -errno;
	}
	/* 0 also when the host has no PMU KVM can use (kvm_arm_support_pmu_v3()) */
	ok = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) > 0;
	close(fd);
	if (ok)
		return 0;
	snprintf(why, len, "this host's KVM lacks KVM_CAP_ARM_PMU_V3 (no host PMU it can use)");
	return -ENODEV;
}

static int set_attr(struct kvm_vcpu *v, uint64_t attr, void *val, const char *what)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = attr, .addr = (uintptr_t)val,
	};
	char msg[96];

	snprintf(msg, sizeof(msg), "%s of vCPU %u (KVM_SET_DEVICE_ATTR)", what, v->id);
	return kvm__ioctl(v->vm->m, v->fd, KVM_SET_DEVICE_ATTR, &a, msg);
}

int kvm_pmu__init(struct kvm_vm *vm)
{
	int irq = PPI_PMU; /* an INTID: PPIs are 16..31 */
	unsigned i;
	int err = 0;

	for (i = 0; !err && i < vm->ncpus; i++) {
		err = set_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_IRQ, &irq,
			       "setting the PMU overflow interrupt");
		if (!err)
			err = set_attr(&vm->vcpus[i], KVM_ARM_VCPU_PMU_V3_INIT, NULL,
				       "initialising the PMU");
	}
	return err;
}
