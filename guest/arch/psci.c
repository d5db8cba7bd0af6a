/*
 * PSCI (Arm DEN 0022) over the SMC Calling Convention: function id in w0, arguments in
 * x1..x3, result in x0. The conduit (HVC or SMC) is the /psci node's "method" property;
 * QEMU virt uses HVC when the guest starts at EL1 and SMC when it starts at EL2
 * (virtualization=on), vmm uses HVC.
 */
#include <kernel.h>
#include <psci.h>
#include <setup.h>

s64 psci__call(u32 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	if (machine.psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
	return (s64)x0;
}

u32 psci__version(void)
{
	return (u32)psci__call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
}

int psci__cpu_on(u64 mpidr, phys_addr_t entry, u64 context)
{
	return (int)psci__call(PSCI_0_2_FN64_CPU_ON, mpidr, entry, context);
}

void psci__system_off(void)
{
	if (machine.psci_present)
		psci__call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	printk("psci: SYSTEM_OFF unavailable or returned; halting this CPU\n");
	for (;;)
		__asm__ volatile("wfi");
}
