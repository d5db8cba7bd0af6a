/*
 * Reading the machine from the device tree (Linux: arch/arm64/kernel/setup.c,
 * drivers/of/fdt.c early_init_dt_*). The DTB is reached through the fixmap; nothing
 * about the platform is assumed: the UART, PSCI conduit, CPUs, RAM and exit path are
 * each read from their node. Left out: overlays, ACPI, NUMA, interrupt parsing.
 */
#include <kernel.h>
#include <string.h>
#include <fdt.h>
#include <setup.h>
#include <console.h>
#include <vmm_exit.h>
#include <asm/fixmap.h>
#include <asm/sysreg.h>
#include <linux/memblock.h>
#include <linux/cma.h>
#include <linux/mm.h>

struct machine machine;

/* stdout-path: "/path[:options]" or "alias[:options]". */
static int stdout_node(const void *fdt, const char *path)
{
	char name[64];
	size_t n = 0;

	while (path[n] && path[n] != ':' && n + 1 < sizeof(name)) {
		name[n] = path[n];
		n++;
	}
	name[n] = 0;
	if (name[0] != '/') {
		int aliases = fdt__path_offset(fdt, "/aliases");
		const char *full = aliases >= 0 ? fdt__getprop(fdt, aliases, name, NULL) : NULL;
		return full ? fdt__path_offset(fdt, full) : FDT_ERR_NOTFOUND;
	}
	return fdt__path_offset(fdt, name);
}

static void setup_console(const void *fdt)
{
	int node = machine.stdout_path ? stdout_node(fdt, machine.stdout_path) : -1;
	u64 base, size;

	machine.uart_is_stdout = node >= 0 && fdt__node_is_compatible(fdt, node, "arm,pl011") &&
				 fdt__node_is_enabled(fdt, node);
	if (!machine.uart_is_stdout)
		node = fdt__node_offset_by_compatible(fdt, -1, "arm,pl011");
	while (node >= 0 && !fdt__node_is_enabled(fdt, node))
		node = fdt__node_offset_by_compatible(fdt, node, "arm,pl011");
	if (node < 0 || fdt__get_reg(fdt, node, 0, &base, &size))
		return;	/* no console: the exit status is all the host will get */
	machine.uart_base = base;
	machine.uart_size = size;
	pl011__init(set_fixmap_offset(FIX_EARLYCON_MEM_BASE, base, PROT_DEVICE_nGnRE));
}

static void parse_chosen(const void *fdt)
{
	int chosen = fdt__path_offset(fdt, "/chosen"), len;
	const char *args;
	const u32 *p;

	if (chosen < 0)
		return;
	args = fdt__getprop(fdt, chosen, "bootargs", &len);
	if (args)
		snprintf(machine.cmdline, sizeof(machine.cmdline), "%s", args);
	machine.stdout_path = fdt__getprop(fdt, chosen, "stdout-path", NULL);
	p = fdt__getprop(fdt, chosen, "linux,initrd-start", &len);
	if (p)
		machine.initrd_start = fdt__read_cells(p, len / 4);
	p = fdt__getprop(fdt, chosen, "linux,initrd-end", &len);
	if (p)
		machine.initrd_end = fdt__read_cells(p, len / 4);
}

static void parse_psci(const void *fdt)
{
	static const char *const compats[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	int node = -1;

	for (unsigned int i = 0; i < ARRAY_SIZE(compats) && node < 0; i++) {
		node = fdt__node_offset_by_compatible(fdt, -1, compats[i]);
		if (node >= 0)
			machine.psci_compat = compats[i];
	}
	if (node < 0)
		return;
	const char *method = fdt__getprop(fdt, node, "method", NULL);
	machine.psci_present = method != NULL;
	machine.psci_smc = method && !strcmp(method, "smc");
}

static void parse_cpus(const void *fdt)
{
	int cpus = fdt__path_offset(fdt, "/cpus"), node;

	if (cpus < 0)
		return;
	int ac = fdt__address_cells(fdt, cpus);
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt__getprop(fdt, node, "device_type", NULL);
		int len;
		const u32 *reg = fdt__getprop(fdt, node, "reg", &len);
		if (!type || strcmp(type, "cpu") || !reg || len < ac * 4)
			continue;
		if (machine.nr_cpus >= NR_CPUS) {
			printk("cpus: more than %d CPUs in the device tree; ignoring the rest\n", NR_CPUS);
			break;
		}
		machine.cpu_mpidr[machine.nr_cpus++] = fdt__read_cells(reg, ac);
	}
}

void setup_machine_fdt(phys_addr_t dtb_pa)
{
	const void *fdt = fixmap_fdt(dtb_pa);

	if (!dtb_pa || (dtb_pa & 7) || fdt__check_header(fdt))
		for (;;)	/* no device tree: no console, no PSCI; nothing to report with */
			__asm__ volatile("wfi");
	machine.fdt = fdt;
	machine.fdt_pa = dtb_pa;
	machine.fdt_size = fdt__totalsize(fdt);
	parse_chosen(fdt);
	setup_console(fdt);
	machine.model = fdt__getprop(fdt, 0, "model", NULL);
	parse_psci(fdt);
	parse_cpus(fdt);
	int node = fdt__node_offset_by_compatible(fdt, -1, "vmm,exit");
	u64 base;
	if (node >= 0 && !fdt__get_reg(fdt, node, 0, &base, NULL))
		machine.exit_base = base;
	vmm_exit__init(machine.exit_base);
	machine.timer_freq = (u32)read_sysreg(cntfrq_el0);
}

static void add_memory_nodes(const void *fdt)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt__getprop(fdt, node, "device_type", NULL);
		u64 base, size;
		if (!type || strcmp(type, "memory") || !fdt__node_is_enabled(fdt, node))
			continue;
		for (int i = 0; !fdt__get_reg(fdt, node, i, &base, &size); i++)
			memblock_add(base, size);
	}
}

static void reserve_fdt_regions(const void *fdt)
{
	int rmem = fdt__path_offset(fdt, "/reserved-memory"), node;
	u64 base, size;

	for (int i = 0; fdt__get_mem_rsv(fdt, i, &base, &size); i++)
		memblock_reserve(base, size);
	if (rmem < 0)
		return;
	fdt_for_each_subnode(node, fdt, rmem) {
		if (!fdt__node_is_enabled(fdt, node))
			continue;
		bool nomap = fdt__getprop(fdt, node, "no-map", NULL) != NULL;
		/* Linux's early_init_dt_reserve_memory: no-map memory is flagged, not
		 * reserved (it is neither mapped nor handed to the allocator), unless part of
		 * it is already reserved by an earlier region */
		/* rmem_cma_setup: a reusable shared-dma-pool is a CMA area */
		bool cma = !nomap && fdt__node_is_compatible(fdt, node, "shared-dma-pool") &&
			   fdt__getprop(fdt, node, "reusable", NULL);
		for (int i = 0; !fdt__get_reg(fdt, node, i, &base, &size); i++) {
			if (!nomap) {
				memblock_reserve(base, size);
				if (cma)
					cma_init_reserved_mem(base, size, fdt__get_name(fdt, node));
			}
			else if (memblock_overlaps_memory(base, size) &&
				 memblock_is_region_reserved(base, size))
				printk("OF: reserved mem: %s [%#lx-%#lx] overlaps a reservation: "
				       "no-map refused\n", fdt__get_name(fdt, node), base, base + size - 1);
			else
				memblock_mark_nomap(base, size);
		}
	}
}

/* memblock from the DT; the kernel image, DTB and initrd reserved (arm64_memblock_init). */
void setup_memory_from_fdt(void)
{
	add_memory_nodes(machine.fdt);
	if (!memblock.memory.cnt)
		panic("setup: no memory node in the device tree");
	reserve_fdt_regions(machine.fdt);
	memblock_reserve(kimage_phys_base, (u64)(_end - _text));
	memblock_reserve(machine.fdt_pa, machine.fdt_size);
	if (machine.initrd_end > machine.initrd_start)
		memblock_reserve(machine.initrd_start, machine.initrd_end - machine.initrd_start);
	cma_early_cmdline();
}
