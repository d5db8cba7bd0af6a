/* The KVM accelerator on a host that is not arm64: it is compiled out, and says so.
 * tools/kvm-host runs the arm64 build of vmm on KVM inside an emulated arm64 host. */
#include <errno.h>
#include <stdio.h>

#include <platform/memmap.h>

#include "../accel.h"
#include "gdb/gdb.h"

#if defined(__x86_64__)
#define HOST_ARCH "x86_64"
#else
#define HOST_ARCH "this host's architecture"
#endif

static int kvm_available(char *why, size_t len)
{
	snprintf(why, len, "this vmm was built for " HOST_ARCH "; arm64 KVM needs an arm64 host "
		 "(see tools/kvm-host)");
	return -ENOSYS;
}

const struct accel_ops accel_kvm = {
	.name = "kvm",
	.max_cpus = PLATFORM_MAX_CPUS, /* KVM_CAP_MAX_VCPUS may lower it: create() checks */
	.offers = ACCEL_PMU | ACCEL_ITS, /* what --dtb-out --accel kvm describes here */
	.available = kvm_available,
};

const struct gdb_target_ops *kvm_gdb__ops(struct machine *m, void **target)
{
	(void)m;
	(void)target;
	return NULL;
}
