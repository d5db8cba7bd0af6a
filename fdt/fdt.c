/* Builds the device tree in one pass with libfdt's sequential-write API: one
 * function per platform node (memory, CPUs, PSCI, GIC, timer, clock), and one
 * function that writes any device of the machine's device table
 * (platform/device.h). Every libfdt call goes through FDT(), which records the first
 * failure (the call's text and the node function it was in) and skips every call
 * after it, so the node functions read as straight lists of properties and the
 * error is checked once, at the end.
 *
 * Bindings followed (Linux Documentation/devicetree/bindings/):
 *   cpus.yaml, arm/psci.yaml, interrupt-controller/arm,gic-v3.yaml,
 *   timer/arm,arch_timer.yaml, pmu/arm,pmu.yaml, clock/fixed-clock.yaml, chosen.yaml,
 *   and each device's own (named in the device table). */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <platform/device.h>
#include <platform/memmap.h>

#include "vmm_fdt.h"

struct builder {
	void *fdt;
	const struct fdt_desc *d;
	int err;             /* first libfdt error, 0 while all went well */
	const char *what;    /* the call that failed */
	const char *where;   /* the node function it was made from */
};

static void check(struct builder *b, int ret, const char *what, const char *where)
{
	if (ret < 0 && !b->err) {
		b->err = ret;
		b->what = what;
		b->where = where;
	}
}

/* The one wrapper around libfdt: evaluates expr only while no call has failed. */
#define FDT(expr) \
	do { \
		if (!b->err) \
			check(b, (expr), #expr, __func__); \
	} while (0)

/* A property of 64-bit big-endian cells (our #address-cells = #size-cells = 2). */
static int prop_u64s(void *fdt, const char *name, const uint64_t *v, unsigned n)
{
	fdt64_t be[8];
	unsigned i;

	for (i = 0; i < n && i < 8; i++)
		be[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, name, be, (int)(i * sizeof(be[0])));
}

static int prop_u32s(void *fdt, const char *name, const uint32_t *v, unsigned n)
{
	fdt32_t be[16];
	unsigned i;

	for (i = 0; i < n && i < 16; i++)
		be[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, be, (int)(i * sizeof(be[0])));
}

/* A string-list property from one C string with embedded NULs ("a\0b"). */
#define PROP_STRLIST(fdt, name, lit) fdt_property(fdt, name, lit, sizeof(lit))

static void node_root_props(struct builder *b)
{
	FDT(fdt_property_string(b->fdt, "compatible", "vmm,virt"));
	FDT(fdt_property_string(b->fdt, "model", "vmm virt (QEMU virt memory map)"));
	FDT(fdt_property_u32(b->fdt, "#address-cells", 2));
	FDT(fdt_property_u32(b->fdt, "#size-cells", 2));
	FDT(fdt_property_u32(b->fdt, "interrupt-parent", DT_PHANDLE_GIC));
}

/* "/name@base" of the device whose entry has stdout_path, or NULL. */
static const char *stdout_path(const struct fdt_desc *d, char *buf, size_t len)
{
	unsigned i;

	for (i = 0; i < d->ndevices; i++) {
		if (d->devices[i].stdout_path) {
			snprintf(buf, len, "/%s@%llx", d->devices[i].name,
				 (unsigned long long)d->devices[i].base);
			return buf;
		}
	}
	return NULL;
}

static void node_chosen(struct builder *b)
{
	const struct fdt_desc *d = b->d;
	char path[64];

	FDT(fdt_begin_node(b->fdt, "chosen"));
	if (d->bootargs)
		FDT(fdt_property_string(b->fdt, "bootargs", d->bootargs));
	if (stdout_path(d, path, sizeof(path)))
		FDT(fdt_property_string(b->fdt, "stdout-path", path));
	if (d->initrd_end > d->initrd_start) {
		FDT(fdt_property_u64(b->fdt, "linux,initrd-start", d->initrd_start));
		FDT(fdt_property_u64(b->fdt, "linux,initrd-end", d->initrd_end));
	}
	FDT(fdt_end_node(b->fdt));
}

static void node_aliases(struct builder *b)
{
	char path[64];

	if (!stdout_path(b->d, path, sizeof(path)))
		return;
	FDT(fdt_begin_node(b->fdt, "aliases"));
	FDT(fdt_property_string(b->fdt, "serial0", path));
	FDT(fdt_end_node(b->fdt));
}

static void node_memory(struct builder *b)
{
	const uint64_t reg[] = { b->d->ram_base, b->d->ram_size };
	char name[32];

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)b->d->ram_base);
	FDT(fdt_begin_node(b->fdt, name));
	FDT(fdt_property_string(b->fdt, "device_type", "memory"));
	FDT(prop_u64s(b->fdt, "reg", reg, 2));
	FDT(fdt_end_node(b->fdt));
}

/* One cpu node; reg is MPIDR_EL1's affinity fields (Aff3 must be 0 with
 * #address-cells = 1, which holds for the CPU counts we support). */
static void node_cpu(struct builder *b, unsigned i)
{
	uint32_t reg = (uint32_t)(b->d->mpidr[i] & 0xffffff);
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", reg);
	FDT(fdt_begin_node(b->fdt, name));
	FDT(fdt_property_string(b->fdt, "device_type", "cpu"));
	FDT(fdt_property_string(b->fdt, "compatible", "arm,armv8"));
	FDT(fdt_property_u32(b->fdt, "reg", reg));
	FDT(fdt_property_string(b->fdt, "enable-method", "psci"));
	FDT(fdt_end_node(b->fdt));
}

static void node_cpus(struct builder *b)
{
	unsigned i;

	FDT(fdt_begin_node(b->fdt, "cpus"));
	FDT(fdt_property_u32(b->fdt, "#address-cells", 1));
	FDT(fdt_property_u32(b->fdt, "#size-cells", 0));
	for (i = 0; i < b->d->ncpus; i++)
		node_cpu(b, i);
	FDT(fdt_end_node(b->fdt));
}

/* PSCI through HVC: KVM implements it in the kernel; the model accelerator in vmm. */
static void node_psci(struct builder *b)
{
	FDT(fdt_begin_node(b->fdt, "psci"));
	FDT(PROP_STRLIST(b->fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2"));
	FDT(fdt_property_string(b->fdt, "method", "hvc"));
	FDT(fdt_end_node(b->fdt));
}

/* The ITS, a child of the GIC node (arm,gic-v3.yaml, "msi-controller@"): its 128 KiB
 * (control frame, translation frame), one cell of msi-specifier: the DeviceID. */
static void node_its(struct builder *b)
{
	const uint64_t reg[] = { GIC_ITS_BASE, GIC_ITS_SIZE };
	char name[48];

	snprintf(name, sizeof(name), "msi-controller@%llx", GIC_ITS_BASE);
	FDT(fdt_begin_node(b->fdt, name));
	FDT(fdt_property_string(b->fdt, "compatible", "arm,gic-v3-its"));
	FDT(fdt_property(b->fdt, "msi-controller", NULL, 0));
	FDT(fdt_property_u32(b->fdt, "#msi-cells", 1));
	FDT(prop_u64s(b->fdt, "reg", reg, 2));
	FDT(fdt_property_u32(b->fdt, "phandle", DT_PHANDLE_ITS));
	FDT(fdt_end_node(b->fdt));
}

/* GICv3: distributor plus one contiguous redistributor region, one RD_base +
 * SGI_base pair (GIC_REDIST_STRIDE) per vCPU; the ITS under it when there is one. */
static void node_gic(struct builder *b)
{
	const uint64_t reg[] = {
		GIC_DIST_BASE, GIC_DIST_SIZE,
		GIC_REDIST_BASE, GIC_REDIST_STRIDE * b->d->ncpus,
	};
	char name[48];

	snprintf(name, sizeof(name), "interrupt-controller@%llx", GIC_DIST_BASE);
	FDT(fdt_begin_node(b->fdt, name));
	FDT(fdt_property_string(b->fdt, "compatible", "arm,gic-v3"));
	FDT(fdt_property_u32(b->fdt, "#interrupt-cells", 3));
	FDT(fdt_property(b->fdt, "interrupt-controller", NULL, 0));
	FDT(fdt_property_u32(b->fdt, "#address-cells", 2));
	FDT(fdt_property_u32(b->fdt, "#size-cells", 2));
	FDT(fdt_property(b->fdt, "ranges", NULL, 0));
	FDT(prop_u64s(b->fdt, "reg", reg, 4));
	FDT(fdt_property_u32(b->fdt, "#redistributor-regions", 1));
	FDT(fdt_property_u32(b->fdt, "phandle", DT_PHANDLE_GIC));
	if (b->d->its)
		node_its(b);
	FDT(fdt_end_node(b->fdt));
}

/* The architected timer's four PPIs, in the binding's order: secure physical,
 * non-secure physical, virtual, hypervisor. Cells hold PPI numbers (INTID - 16). */
static void node_timer(struct builder *b)
{
	const uint32_t irqs[] = {
		DT_GIC_PPI, PPI_SEC_PHYS_TIMER - 16, DT_IRQ_TYPE_LEVEL_HIGH,
		DT_GIC_PPI, PPI_PHYS_TIMER - 16, DT_IRQ_TYPE_LEVEL_HIGH,
		DT_GIC_PPI, PPI_VIRT_TIMER - 16, DT_IRQ_TYPE_LEVEL_HIGH,
		DT_GIC_PPI, PPI_HYP_TIMER - 16, DT_IRQ_TYPE_LEVEL_HIGH,
	};

	FDT(fdt_begin_node(b->fdt, "timer"));
	FDT(fdt_property_string(b->fdt, "compatible", "arm,armv8-timer"));
	FDT(prop_u32s(b->fdt, "interrupts", irqs, 12));
	FDT(fdt_property(b->fdt, "always-on", NULL, 0));
	FDT(fdt_end_node(b->fdt));
}

/* The PMUv3 (pmu/arm,pmu.yaml): its overflow interrupt is one PPI, level-high, as
 * QEMU virt's. The same node for both engines, when the vCPUs have one (fdt_desc.pmu:
 * the model's cpu/pmu.c, KVM's KVM_ARM_VCPU_PMU_V3). */
static void node_pmu(struct builder *b)
{
	const uint32_t irq[] = { DT_GIC_PPI, PPI_PMU - 16, DT_IRQ_TYPE_LEVEL_HIGH };

	FDT(fdt_begin_node(b->fdt, "pmu"));
	FDT(fdt_property_string(b->fdt, "compatible", "arm,armv8-pmuv3"));
	FDT(prop_u32s(b->fdt, "interrupts", irq, 3));
	FDT(fdt_end_node(b->fdt));
}

/* The PL011's clocks: Linux's AMBA bus will not probe a primecell without apb_pclk. */
static void node_apb_pclk(struct builder *b)
{
	FDT(fdt_begin_node(b->fdt, "apb-pclk"));
	FDT(fdt_property_string(b->fdt, "compatible", "fixed-clock"));
	FDT(fdt_property_u32(b->fdt, "#clock-cells", 0));
	FDT(fdt_property_u32(b->fdt, "clock-frequency", 24000000));
	FDT(fdt_property_string(b->fdt, "clock-output-names", "clk24mhz"));
	FDT(fdt_property_u32(b->fdt, "phandle", DT_PHANDLE_APB_PCLK));
	FDT(fdt_end_node(b->fdt));
}

static int prop(void *fdt, const struct dt_prop *p)
{
	switch (p->kind) {
	case DT_PROP_EMPTY:
		return fdt_property(fdt, p->name, NULL, 0);
	case DT_PROP_STRINGS:
		return fdt_property(fdt, p->name, p->value, (int)p->len);
	case DT_PROP_CELLS:
		return prop_u32s(fdt, p->name, p->value, (unsigned)p->len);
	}
	return -FDT_ERR_BADVALUE;
}

/* One device of the table: name@base, compatible, reg, interrupts, its own props. */
static void node_device(struct builder *b, const struct platform_device *dev)
{
	const uint64_t reg[] = { dev->base, dev->size };
	const uint32_t irq[] = { DT_GIC_SPI, (uint32_t)dev->spi, DT_IRQ_TYPE_LEVEL_HIGH };
	char name[48];
	unsigned i;

	snprintf(name, sizeof(name), "%s@%llx", dev->name, (unsigned long long)dev->base);
	FDT(fdt_begin_node(b->fdt, name));
	FDT(fdt_property(b->fdt, "compatible", dev->compatible, (int)dev->compatible_len));
	FDT(prop_u64s(b->fdt, "reg", reg, 2));
	if (dev->spi != DEV_NO_IRQ)
		FDT(prop_u32s(b->fdt, "interrupts", irq, 3));
	for (i = 0; i < dev->nprops; i++)
		FDT(prop(b->fdt, &dev->props[i]));
	FDT(fdt_end_node(b->fdt));
}

int fdt__build(const struct fdt_desc *d, void *buf, size_t size, char *why, size_t whylen)
{
	struct builder b_ = { .fdt = buf, .d = d }, *b = &b_;
	unsigned i;

	if (size > FDT_MAX_SIZE)
		size = FDT_MAX_SIZE;
	FDT(fdt_create(buf, (int)size));
	FDT(fdt_finish_reservemap(buf));
	FDT(fdt_begin_node(buf, ""));
	node_root_props(b);
	node_chosen(b);
	node_aliases(b);
	node_memory(b);
	node_cpus(b);
	node_psci(b);
	node_gic(b);
	node_timer(b);
	if (d->pmu)
		node_pmu(b);
	node_apb_pclk(b);
	for (i = 0; i < d->ndevices; i++)
		node_device(b, &d->devices[i]);
	FDT(fdt_end_node(buf));
	FDT(fdt_finish(buf));
	FDT(fdt_pack(buf));
	if (b->err && why)
		snprintf(why, whylen, "device tree: %s failed in %s: %s", b->what, b->where,
			 fdt_strerror(b->err));
	return b->err;
}
