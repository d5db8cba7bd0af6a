/* The description of one device of the machine: where it sits, how the guest finds
 * it in the device tree, and how the VMM creates it. The machine's table of these
 * (vmm/devices.c) is the single place a device is described: the machine registers
 * each entry on its MMIO bus, and fdt/ writes each entry's node. fdt/ reads only the
 * neutral fields (placement, interrupt, device-tree properties); the VMM fields are
 * opaque to it. Adding a device is one entry here plus the device's own file.
 *
 * The interrupt controller, timer, PSCI and CPUs are not in the table: they belong to
 * the execution engine (an in-kernel vGIC on KVM, a modelled one on the model) and to
 * the platform (fdt/ writes their nodes from memmap.h). */
#ifndef PLATFORM_DEVICE_H
#define PLATFORM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct mmio_ops;

/* An extra device-tree property of a device node, beyond compatible, reg and
 * interrupts (which come from the entry itself). */
enum dt_prop_kind {
	DT_PROP_EMPTY,   /* a boolean property: no value */
	DT_PROP_STRINGS, /* strings: "a\0b", len = sizeof the literal */
	DT_PROP_CELLS,   /* 32-bit cells (converted to big-endian when written) */
};

struct dt_prop {
	const char *name;
	enum dt_prop_kind kind;
	const void *value;  /* const char * for strings, const uint32_t * for cells */
	size_t len;         /* bytes for strings (with every NUL), a count for cells */
};

#define DT_STRINGS(n, lit) { .name = (n), .kind = DT_PROP_STRINGS, .value = (lit), .len = sizeof(lit) }
#define DT_EMPTY(n) { .name = (n), .kind = DT_PROP_EMPTY }
#define DT_CELLS(n, ...) { .name = (n), .kind = DT_PROP_CELLS, \
	.value = (const uint32_t[]){ __VA_ARGS__ }, \
	.len = sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t) }

#define DEV_NO_IRQ (-1)

struct platform_device {
	const char *name;        /* node name before "@" (bindings' generic name where one
				  * exists) and the bus region's name */
	const char *compatible;  /* a string list: "arm,pl011\0arm,primecell" */
	size_t compatible_len;   /* sizeof the literal, every NUL included */
	uint64_t base, size;     /* the MMIO region (memmap.h) */
	int spi;                 /* SPI number (INTID - 32), level-high; DEV_NO_IRQ */
	bool stdout_path;        /* /chosen/stdout-path and /aliases/serial0 point here */
	const struct dt_prop *props;
	unsigned nprops;

	/* Instances. An entry describes one device, or a device the configuration asks
	 * for 0 to max_instances times (--disk): instance n sits at base + n * stride
	 * with SPI spi + n, as QEMU virt's virtio-mmio slots. The machine expands the
	 * table into placed copies (vmm/devices_place.c), each with its own base, spi
	 * and instance number and max_instances 1, which it registers and hands to fdt/;
	 * fdt/ writes one node per placed copy. */
	unsigned max_instances;  /* 0: exactly one, as an entry without the fields */
	uint64_t stride;
	unsigned instance;       /* in a placed copy: which one it is, from 0 */

	/* The VMM side (opaque to fdt/). create() makes the device's state for machine m
	 * and returns it (NULL with errno set on failure; it may leave a one-line reason
	 * in the machine's error); the machine registers [base, base + size) with ops
	 * and that state, calls reset() on a guest reset and destroy() when the VM goes
	 * away. instances(), with max_instances, says how many the configuration asks for
	 * (at most max_instances). */
	const struct mmio_ops *ops;
	void *(*create)(struct machine *m, const struct platform_device *d);
	void (*reset)(void *dev);
	void (*destroy)(void *dev);
	unsigned (*instances)(const struct machine *m);
};

#define DT_COMPATIBLE(lit) .compatible = (lit), .compatible_len = sizeof(lit)
#define DT_PROPS(...) .props = (const struct dt_prop[]){ __VA_ARGS__ }, \
	.nprops = sizeof((const struct dt_prop[]){ __VA_ARGS__ }) / sizeof(struct dt_prop)

/* Phandles the device tree uses; fixed so that the tree is the same on every run. */
enum dt_phandle {
	DT_PHANDLE_GIC = 1,
	DT_PHANDLE_APB_PCLK,
	DT_PHANDLE_ITS,      /* the ITS under the GIC node (--its): msi-parent of MSI devices */
};

/* Interrupt specifier cells of arm,gic-v3: type, number, flags. */
#define DT_GIC_SPI 0
#define DT_GIC_PPI 1
#define DT_IRQ_TYPE_LEVEL_HIGH 4

#endif
