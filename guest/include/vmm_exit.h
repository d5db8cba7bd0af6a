/*
 * The end of a run (kernel/exit.c). On vmm, a "vmm,exit" node gives a register page:
 * STATUS (+0x0) is the status a following PSCI SYSTEM_OFF exits with, EXIT (+0x4) stops
 * the VM at once with the value written. On QEMU there is no node; the harness reads
 * the KTAP output instead.
 */
#ifndef GUEST_VMM_EXIT_H
#define GUEST_VMM_EXIT_H
#include <types.h>
void vmm_exit__init(phys_addr_t base);
void vmm_exit__poweroff(int status) __attribute__((noreturn));	/* 0 all passed, 1 failure */
void vmm_exit__fatal(void) __attribute__((noreturn));		/* status 2 at once */
#endif
