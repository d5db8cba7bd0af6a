/* The GICv3 ITS on KVM (KVM_DEV_TYPE_ARM_VGIC_ITS, Linux
 * Documentation/virt/kvm/devices/arm-vgic-its.rst): created once the vGIC is, placed
 * at GIC_ITS_BASE (its 128 KiB: the control frame and GITS_TRANSLATER's frame), then
 * KVM_DEV_ARM_VGIC_CTRL_INIT. KVM emulates the control frame only: a vCPU's own
 * write to GITS_TRANSLATER is swallowed by KVM, as KVM takes MSIs from the VMM's
 * devices (KVM_SIGNAL_MSI, with the DeviceID) and LPIs from the ITS's INT command. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_priv.h"
#include "../machine.h"
#include <platform/memmap.h>

int kvm_its__probe(char *why, size_t len)
{
	struct kvm_create_device dev = {
		.type = KVM_DEV_TYPE_ARM_VGIC_ITS, .flags = KVM_CREATE_DEVICE_TEST,
	};
	int sys = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, err = 0;

	if (sys < 0) {
		snprintf(why, len, "cannot open /dev/kvm: %s", strerror(errno));
		return -errno;
	}
	/* a device type is asked of a VM: a scratch one, gone with its fd */
	vm = ioctl(sys, KVM_CREATE_VM, 0UL);
	if (vm < 0) {
		err = -errno;
		snprintf(why, len, "KVM_CREATE_VM failed: %s", strerror(errno));
	} else if (ioctl(vm, KVM_CREATE_DEVICE, &dev) < 0) {
		err = -errno;
		snprintf(why, len, "this host's KVM has no vGIC ITS (KVM_CREATE_DEVICE_TEST of "
			 "KVM_DEV_TYPE_ARM_VGIC_ITS: %s)", strerror(errno));
	}
	if (vm >= 0)
		close(vm);
	close(sys);
	return err;
}

static int set_attr(struct kvm_vm *vm, uint32_t group, uint64_t attr, void *val, const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return kvm__ioctl(vm->m, vm->its_fd, KVM_SET_DEVICE_ATTR, &a, what);
}

int kvm_its__create(struct kvm_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t base = GIC_ITS_BASE;
	int err;

	err = kvm__ioctl(vm->m, vm->vm_fd, KVM_CREATE_DEVICE, &dev,
			 "creating the vGIC ITS (KVM_CREATE_DEVICE, VGIC_ITS)");
	if (err)
		return err;
	vm->its_fd = (int)dev.fd;
	err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base,
		       "setting the ITS address");
	if (!err)
		err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
			       "initialising the ITS");
	return err;
}

int kvm_its__signal_msi(struct kvm_vm *vm, uint32_t devid, uint32_t data)
{
	uint64_t doorbell = GIC_ITS_BASE + GIC_ITS_TRANSLATER;
	struct kvm_msi msi = {
		.address_lo = (uint32_t)doorbell, .address_hi = (uint32_t)(doorbell >> 32),
		.data = data, .flags = KVM_MSI_VALID_DEVID, .devid = devid,
	};
	int ret = ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi);

	/* 1: delivered; 0: the guest blocked it (e.g. no mapping for the event) */
	return ret < 0 ? -errno : ret;
}
