/*
 * What the kernel learnt about the machine from the device tree (kernel/setup.c).
 * Nothing here is hard-coded: each field comes from a node or property named below.
 */
#ifndef GUEST_SETUP_H
#define GUEST_SETUP_H
#include <types.h>

#define NR_CPUS 8
#define COMMAND_LINE_SIZE 512

struct machine {
	const void *fdt;		/* mapped at the fixmap */
	phys_addr_t fdt_pa;
	u32 fdt_size;
	const char *model;		/* /model */
	char cmdline[COMMAND_LINE_SIZE];/* /chosen/bootargs */
	const char *stdout_path;	/* /chosen/stdout-path */
	phys_addr_t uart_base;		/* "arm,pl011" (the stdout-path one if it is) */
	u64 uart_size;
	bool uart_is_stdout;		/* found through stdout-path, not by the fallback */
	phys_addr_t initrd_start, initrd_end;	/* /chosen/linux,initrd-* */
	bool psci_present;
	bool psci_smc;			/* /psci method = "smc" (else "hvc") */
	const char *psci_compat;
	unsigned int nr_cpus;		/* /cpus/cpu@N with device_type "cpu" */
	u64 cpu_mpidr[NR_CPUS];
	phys_addr_t exit_base;		/* "vmm,exit" reg, 0 if absent */
	u32 timer_freq;			/* CNTFRQ_EL0 */
	int boot_el;
};
extern struct machine machine;

void setup_machine_fdt(phys_addr_t dtb_pa);
void setup_memory_from_fdt(void);
#endif
