/* The guest's device tree, built with libfdt from a description of the machine.
 * Addresses, sizes and interrupt numbers come from vmm/memmap.h; what varies per VM
 * (RAM size, vCPUs, command line, initrd) comes in through struct fdt_desc. Pure:
 * no I/O, no global state, so the host unit tests build it and compare it with a
 * golden blob. */
#ifndef FDT_VMM_FDT_H
#define FDT_VMM_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_SIZE 0x200000 /* booting.rst: a DTB must not exceed 2 MiB */

struct fdt_desc {
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	const uint64_t *mpidr;         /* ncpus values: each vCPU's MPIDR_EL1 */
	const char *bootargs;          /* /chosen/bootargs, or NULL */
	uint64_t initrd_start, initrd_end; /* [start, end); both 0 when there is none */
};

/* Phandles the tree uses; fixed so that the golden DTB is stable. */
enum fdt_phandle {
	FDT_PHANDLE_GIC = 1,
	FDT_PHANDLE_APB_PCLK,
};

/* Node paths other parts of the VMM and the docs refer to. */
#define FDT_UART_PATH "/pl011@9000000"

/* Builds the tree into buf (size bytes) and packs it; fdt_totalsize(buf) is then its
 * size. Returns 0, or a negative libfdt error (-FDT_ERR_*) with the failing call
 * described in why. */
int fdt__build(const struct fdt_desc *d, void *buf, size_t size, char *why, size_t whylen);

#endif
