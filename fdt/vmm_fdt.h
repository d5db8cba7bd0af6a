/* The guest's device tree, built with libfdt from a description of the machine:
 * the platform's fixed parts from platform/memmap.h, the devices from the machine's
 * device table (platform/device.h), and what varies per VM (RAM size, vCPUs, command
 * line, initrd) through struct fdt_desc. It depends on those descriptions only,
 * never on the VMM's internals. Pure: no I/O, no global state, so the host unit
 * tests build it and compare it with a golden tree. */
#ifndef FDT_VMM_FDT_H
#define FDT_VMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct platform_device;

#define FDT_MAX_SIZE 0x200000 /* booting.rst: a DTB must not exceed 2 MiB */

struct fdt_desc {
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	const uint64_t *mpidr;         /* ncpus values: each vCPU's MPIDR_EL1 */
	const char *bootargs;          /* /chosen/bootargs, or NULL */
	uint64_t initrd_start, initrd_end; /* [start, end); both 0 when there is none */
	const struct platform_device *devices; /* the device table: one node each */
	unsigned ndevices;
	bool pmu;                      /* the vCPUs have a PMUv3: a /pmu node */
	bool its;                      /* the GIC has an ITS: a msi-controller under it */
};

/* Builds the tree into buf (size bytes) and packs it; fdt_totalsize(buf) is then its
 * size. Returns 0, or a negative libfdt error (-FDT_ERR_*) with the failing call
 * described in why. */
int fdt__build(const struct fdt_desc *d, void *buf, size_t size, char *why, size_t whylen);

#endif
