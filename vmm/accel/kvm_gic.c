/* The in-kernel GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3) at the addresses of platform/memmap.h; the
 * architected timer's PPIs are wired to it by KVM. Created after the vCPUs, so the
 * redistributor region covers all of them, and initialised before any vCPU runs. */
#include <errno.h>
#include <stdint.h>

#include "kvm_priv.h"
#include "../machine.h"
#include <platform/memmap.h>

#define GIC_NR_IRQS 128 /* SGIs + PPIs + 96 SPIs; a multiple of 32 */

static int set_attr(struct kvm_vm *vm, uint32_t group, uint64_t attr, void *val, const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return kvm__ioctl(vm->m, vm->gic_fd, KVM_SET_DEVICE_ATTR, &a, what);
}

int kvm_gic__create(struct kvm_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST_BASE, redist = GIC_REDIST_BASE;
	uint32_t nr_irqs = GIC_NR_IRQS;
	int err;

	err = kvm__ioctl(vm->m, vm->vm_fd, KVM_CREATE_DEVICE, &dev,
			 "creating the in-kernel GICv3 (KVM_CREATE_DEVICE, VGIC_V3; does the host have a GICv3?)");
	if (err)
		return err;
	vm->gic_fd = (int)dev.fd;
	err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
		       "setting the GICv3 distributor address");
	if (!err)
		err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
			       "setting the GICv3 redistributor address");
	if (!err)
		err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs,
			       "setting the GICv3 interrupt count");
	if (!err)
		err = set_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
			       "initialising the GICv3");
	return err;
}
