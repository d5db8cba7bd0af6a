/* The machine's device table: every device of the machine, described once. Bindings
 * followed (Linux Documentation/devicetree/bindings/): serial/pl011.yaml for the UART,
 * virtio/mmio.yaml for the virtio-mmio slots (node name as QEMU virt's); the exit device
 * and the MSI source are this project's own ("vmm,exit", "vmm,msi-source";
 * docs/memory-map.md), the latter with msi-parent as interrupt-controller/msi.txt. */
#include <platform/memmap.h>

#include "devices.h"
#include "dev/exit.h"
#include "dev/msi_source.h"
#include "dev/pl011.h"
#include "dev/virtio/blk.h"
#include "dev/virtio/mmio.h"

const struct platform_device machine_devices[] = {
	{
		.name = "pl011", DT_COMPATIBLE("arm,pl011\0arm,primecell"),
		.base = PL011_BASE, .size = PL011_SIZE, .spi = PL011_SPI,
		.stdout_path = true,
		/* Linux's AMBA bus will not probe a primecell without apb_pclk. */
		DT_PROPS(DT_CELLS("clocks", DT_PHANDLE_APB_PCLK, DT_PHANDLE_APB_PCLK),
			 DT_STRINGS("clock-names", "uartclk\0apb_pclk")),
		.ops = &pl011_ops, .create = pl011__create, .reset = pl011__reset,
		.destroy = pl011__destroy,
	},
	{
		.name = "exit", DT_COMPATIBLE("vmm,exit"),
		.base = EXIT_DEV_BASE, .size = EXIT_DEV_SIZE, .spi = DEV_NO_IRQ,
		.ops = &exit_dev_ops, .create = exit_dev__create, .reset = exit_dev__reset,
	},
	{
		/* with --its only: MSIs on the guest's request, DeviceID MSI_SOURCE_DEVID */
		.name = "msi-source", DT_COMPATIBLE("vmm,msi-source"),
		.base = MSI_SOURCE_BASE, .size = MSI_SOURCE_SIZE, .spi = DEV_NO_IRQ,
		.max_instances = 1, .stride = MSI_SOURCE_SIZE,
		DT_PROPS(DT_CELLS("msi-parent", DT_PHANDLE_ITS, MSI_SOURCE_DEVID)),
		.ops = &msi_source_ops, .create = msi_source__create, .reset = msi_source__reset,
		.destroy = msi_source__destroy, .instances = msi_source__instances,
	},
	{
		/* one per --disk, in virtio-mmio slots 0.. (docs/virtio.md) */
		.name = "virtio_mmio", DT_COMPATIBLE("virtio,mmio"),
		.base = VIRTIO_MMIO_BASE, .size = VIRTIO_MMIO_STRIDE, .spi = VIRTIO_MMIO_SPI,
		.max_instances = MACHINE_MAX_DISKS, .stride = VIRTIO_MMIO_STRIDE,
		DT_PROPS(DT_EMPTY("dma-coherent")),
		.ops = &virtio_mmio_ops, .create = virtio_blk__create, .reset = virtio_mmio__reset,
		.destroy = virtio_blk__destroy, .instances = virtio_blk__instances,
	},
};
const unsigned machine_ndevices = sizeof(machine_devices) / sizeof(machine_devices[0]);
/* every entry once and the disks: what may be placed */
_Static_assert(sizeof(machine_devices) / sizeof(machine_devices[0]) - 1 + MACHINE_MAX_DISKS <=
	       MACHINE_MAX_DEVICES, "raise MACHINE_MAX_DEVICES");
_Static_assert(MACHINE_MAX_DISKS <= VIRTIO_MMIO_SLOTS, "more disks than virtio-mmio slots");
