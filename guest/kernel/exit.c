/*
 * Ending the run. With a "vmm,exit" node: STATUS (+0x0) takes the status that the
 * following PSCI SYSTEM_OFF exits the VMM with; EXIT (+0x4) stops at once with the value.
 * Without it (QEMU) PSCI SYSTEM_OFF ends the run and the harness reads the KTAP output.
 */
#include <kernel.h>
#include <vmm_exit.h>
#include <psci.h>
#include <asm/fixmap.h>
#include <platform/memmap.h>	/* the registers' layout; the base is the device tree's */

static volatile u32 *exit_regs;

void vmm_exit__init(phys_addr_t base)
{
	if (base)
		exit_regs = set_fixmap_offset(FIX_VMM_EXIT, base, PROT_DEVICE_nGnRE);
}

void vmm_exit__poweroff(int status)
{
	if (exit_regs)
		exit_regs[EXIT_DEV_STATUS / 4] = status;
	psci__system_off();
}

void vmm_exit__fatal(void)
{
	if (exit_regs)
		exit_regs[EXIT_DEV_EXIT / 4] = 2;
	psci__system_off();
}
