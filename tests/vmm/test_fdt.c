/* The device tree: compared structurally (node by node, property by property) with
 * golden/virt-2cpu.dts, a source written by hand from the bindings and compiled by
 * dtc at build time (GOLDEN_DTB), plus the binding rules Linux depends on checked one
 * by one. Nothing here writes the golden file: after an intended change, edit the
 * .dts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <platform/memmap.h>

#include "devices.h"
#include "machine.h"
#include "vmm_fdt.h"

static const uint64_t mpidr[2] = { 0x80000000, 0x80000001 };
static const struct fdt_desc golden_desc = {
	.ram_base = RAM_BASE, .ram_size = MiB(512), .ncpus = 2, .mpidr = mpidr,
	.bootargs = "console=ttyAMA0 earlycon",
	.initrd_start = 0x5f000000, .initrd_end = 0x5f100000,
	.devices = machine_devices, .ndevices = 2,
	.pmu = true, .its = true, /* the default machine on a host that has both */
};
#define ITS_PATH "/interrupt-controller@8000000/msi-controller@8080000"

#define UART_PATH "/pl011@9000000"

static char buf[FDT_MAX_SIZE], why[256];

static void *read_golden(size_t *len)
{
	FILE *f = fopen(GOLDEN_DTB, "rb");
	static char g[65536];

	assert_non_null(f);
	*len = fread(g, 1, sizeof(g), f);
	fclose(f);
	return g;
}

static int compare_props(const void *a, int na, const void *b, int nb, const char *path)
{
	int off, n = 0, m = 0;

	fdt_for_each_property_offset(off, a, na) {
		const char *name;
		int la, lb;
		const void *va = fdt_getprop_by_offset(a, off, &name, &la);
		const void *vb = fdt_getprop(b, nb, name, &lb);

		n++;
		if (!vb || la != lb || memcmp(va, vb, (size_t)la)) {
			print_error("%s: property %s differs from the golden tree\n", path, name);
			return -1;
		}
	}
	fdt_for_each_property_offset(off, b, nb)
		m++;
	if (n != m)
		print_error("%s: %d properties, golden has %d\n", path, n, m);
	return n == m ? 0 : -1;
}

/* Same node names in the same order, same properties, recursively. */
static int compare_nodes(const void *a, int na, const void *b, int nb, const char *path)
{
	int ca, cb;

	if (compare_props(a, na, b, nb, path))
		return -1;
	ca = fdt_first_subnode(a, na);
	cb = fdt_first_subnode(b, nb);
	for (; ca >= 0 && cb >= 0; ca = fdt_next_subnode(a, ca), cb = fdt_next_subnode(b, cb)) {
		char sub[256];

		if (strcmp(fdt_get_name(a, ca, NULL), fdt_get_name(b, cb, NULL))) {
			print_error("%s: node %s where golden has %s\n", path,
				    fdt_get_name(a, ca, NULL), fdt_get_name(b, cb, NULL));
			return -1;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, fdt_get_name(a, ca, NULL));
		if (compare_nodes(a, ca, b, cb, sub))
			return -1;
	}
	if ((ca >= 0) != (cb >= 0))
		print_error("%s: %s\n", path, ca >= 0 ? "extra node" : "a golden node is missing");
	return (ca >= 0) == (cb >= 0) ? 0 : -1;
}

static void tree_matches_golden_dtb_structurally(void **state)
{
	size_t glen;
	void *golden;

	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, sizeof(buf), why, sizeof(why)), 0);
	golden = read_golden(&glen);
	assert_int_equal(fdt_check_header(golden), 0);
	assert_int_equal(compare_nodes(buf, 0, golden, 0, ""), 0);
}

static const void *prop(const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(buf, path);

	assert_true(node >= 0);
	return fdt_getprop(buf, node, name, len);
}

static uint32_t cell(const void *p, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)p)[i]);
}

static void cpu_nodes_carry_mpidr_and_psci_enable_method(void **state)
{
	uint64_t ids[3] = { machine__mpidr(0), machine__mpidr(1), machine__mpidr(17) };
	struct fdt_desc d = golden_desc;
	int len;

	(void)state;
	d.ncpus = 3;
	d.mpidr = ids;
	assert_int_equal(fdt__build(&d, buf, sizeof(buf), why, sizeof(why)), 0);
	/* MPIDR of vCPU 17: Aff1 = 1, Aff0 = 1 (KVM's reset_mpidr layout) */
	assert_int_equal(cell(prop("/cpus/cpu@101", "reg", &len), 0), 0x101);
	assert_string_equal(prop("/cpus/cpu@1", "enable-method", &len), "psci");
	assert_string_equal(prop("/psci", "method", &len), "hvc");
}

static void gic_redistributor_region_has_one_stride_per_cpu(void **state)
{
	struct fdt_desc d = golden_desc;
	const void *reg;
	uint64_t ids[8];
	int len;

	(void)state;
	for (unsigned i = 0; i < 8; i++)
		ids[i] = machine__mpidr(i);
	d.ncpus = 8;
	d.mpidr = ids;
	assert_int_equal(fdt__build(&d, buf, sizeof(buf), why, sizeof(why)), 0);
	reg = prop("/interrupt-controller@8000000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(cell(reg, 5), GIC_REDIST_BASE);
	assert_int_equal(cell(reg, 7), 8 * GIC_REDIST_STRIDE);
}

static void uart_is_a_primecell_with_apb_pclk_and_is_stdout(void **state)
{
	const char *names;
	int len;

	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, sizeof(buf), why, sizeof(why)), 0);
	names = prop(UART_PATH, "clock-names", &len);
	assert_int_equal(len, sizeof("uartclk\0apb_pclk"));
	assert_string_equal(names + 8, "apb_pclk");
	assert_int_equal(fdt_node_check_compatible(buf, fdt_path_offset(buf, UART_PATH),
						   "arm,primecell"), 0);
	assert_string_equal(prop("/chosen", "stdout-path", &len), UART_PATH);
	assert_int_equal(cell(prop(UART_PATH, "interrupts", &len), 1), PL011_SPI);
}

/* pmu/arm,pmu.yaml: with fdt_desc.pmu (the model engine, KVM unless --pmu off), /pmu
 * is an "arm,armv8-pmuv3" with one level-high PPI, INTID 23 (cell 7), as QEMU virt's;
 * without it there is no /pmu */
static void pmu_node_only_when_the_vcpus_have_a_pmu(void **state)
{
	struct fdt_desc d = golden_desc;
	const fdt32_t *irq;
	int len;

	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, sizeof(buf), why, sizeof(why)), 0);
	assert_int_equal(fdt_node_check_compatible(buf, fdt_path_offset(buf, "/pmu"),
						   "arm,armv8-pmuv3"), 0);
	irq = prop("/pmu", "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell(irq, 0), 1);
	assert_int_equal(cell(irq, 1), PPI_PMU - 16);
	assert_int_equal(cell(irq, 2), 4);
	d.pmu = false;
	assert_int_equal(fdt__build(&d, buf, sizeof(buf), why, sizeof(why)), 0);
	assert_true(fdt_path_offset(buf, "/pmu") < 0);
}

/* interrupt-controller/arm,gic-v3.yaml: the ITS is a child node of the GIC, named
 * msi-controller@<unit>, compatible "arm,gic-v3-its", with msi-controller and
 * #msi-cells = <1> (the DeviceID); the GIC's #address-cells/#size-cells (2, 2) and
 * ranges give its reg in the parent's space. Without fdt_desc.its (the model, --its
 * off) it is not there. */
static void its_node_is_a_child_of_the_gic_only_with_an_its(void **state)
{
	struct fdt_desc d = golden_desc;
	const fdt32_t *reg;
	int len, node;

	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, sizeof(buf), why, sizeof(why)), 0);
	node = fdt_path_offset(buf, ITS_PATH);
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(buf, node, "arm,gic-v3-its"), 0);
	assert_non_null(prop(ITS_PATH, "msi-controller", &len));
	assert_int_equal(len, 0);
	assert_int_equal(cell(prop(ITS_PATH, "#msi-cells", &len), 0), 1);
	reg = prop(ITS_PATH, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(((uint64_t)cell(reg, 0) << 32) | cell(reg, 1), GIC_ITS_BASE);
	assert_int_equal(((uint64_t)cell(reg, 2) << 32) | cell(reg, 3), GIC_ITS_SIZE);
	d.its = false;
	assert_int_equal(fdt__build(&d, buf, sizeof(buf), why, sizeof(why)), 0);
	assert_true(fdt_path_offset(buf, ITS_PATH) < 0);
	assert_true(fdt_node_offset_by_compatible(buf, -1, "arm,gic-v3-its") < 0);
}

static void chosen_omits_bootargs_and_initrd_when_not_given(void **state)
{
	struct fdt_desc d = golden_desc;
	int len;

	(void)state;
	d.bootargs = NULL;
	d.initrd_start = d.initrd_end = 0;
	assert_int_equal(fdt__build(&d, buf, sizeof(buf), why, sizeof(why)), 0);
	assert_null(prop("/chosen", "bootargs", &len));
	assert_null(prop("/chosen", "linux,initrd-start", &len));
}

/* Every device of the table, as placed for a machine without --disk (the golden
 * tree's), has its node: name@base, compatible, reg, and interrupts exactly when it
 * has an SPI. (Disks: tests/vmm/test_virtio.c.) */
static void every_device_table_entry_has_its_node(void **state)
{
	static struct machine diskless;
	struct platform_device placed[MACHINE_MAX_DEVICES];
	struct fdt_desc d_ = golden_desc;
	unsigned i, n;

	(void)state;
	assert_int_equal(devices__place(&diskless, placed, MACHINE_MAX_DEVICES, &n, why,
					sizeof(why)), 0);
	assert_int_equal(n, golden_desc.ndevices); /* the golden covers them all */
	d_.devices = placed;
	assert_int_equal(fdt__build(&d_, buf, sizeof(buf), why, sizeof(why)), 0);
	for (i = 0; i < n; i++) {
		const struct platform_device *d = &placed[i];
		char path[64];
		int node, len;
		const void *reg;

		snprintf(path, sizeof(path), "/%s@%llx", d->name, (unsigned long long)d->base);
		node = fdt_path_offset(buf, path);
		assert_true(node >= 0);
		assert_int_equal(fdt_node_check_compatible(buf, node, d->compatible), 0);
		reg = fdt_getprop(buf, node, "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal(cell(reg, 1), d->base);
		assert_int_equal(cell(reg, 3), d->size);
		assert_int_equal(fdt_getprop(buf, node, "interrupts", &len) != NULL,
				 d->spi != DEV_NO_IRQ);
	}
}

static void exit_device_is_described(void **state)
{
	int node, len;
	const void *reg;

	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, sizeof(buf), why, sizeof(why)), 0);
	node = fdt_node_offset_by_compatible(buf, -1, "vmm,exit");
	assert_true(node >= 0);
	reg = fdt_getprop(buf, node, "reg", &len);
	assert_int_equal(cell(reg, 1), EXIT_DEV_BASE);
}

static void too_small_buffer_names_the_failing_libfdt_call(void **state)
{
	(void)state;
	assert_int_equal(fdt__build(&golden_desc, buf, 200, why, sizeof(why)), -FDT_ERR_NOSPACE);
	assert_non_null(strstr(why, "fdt_"));
	assert_non_null(strstr(why, "FDT_ERR_NOSPACE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree_matches_golden_dtb_structurally),
		cmocka_unit_test(cpu_nodes_carry_mpidr_and_psci_enable_method),
		cmocka_unit_test(gic_redistributor_region_has_one_stride_per_cpu),
		cmocka_unit_test(uart_is_a_primecell_with_apb_pclk_and_is_stdout),
		cmocka_unit_test(chosen_omits_bootargs_and_initrd_when_not_given),
		cmocka_unit_test(pmu_node_only_when_the_vcpus_have_a_pmu),
		cmocka_unit_test(its_node_is_a_child_of_the_gic_only_with_an_its),
		cmocka_unit_test(every_device_table_entry_has_its_node),
		cmocka_unit_test(exit_device_is_described),
		cmocka_unit_test(too_small_buffer_names_the_failing_libfdt_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
