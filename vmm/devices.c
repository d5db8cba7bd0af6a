/* The machine's device table: every device of the machine, described once. Bindings
 * followed (Linux Documentation/devicetree/bindings/): serial/pl011.yaml for the UART;
 * the exit device is this project's own ("vmm,exit", docs/memory-map.md). */
#include <platform/memmap.h>

#include "devices.h"
#include "dev/exit.h"
#include "dev/pl011.h"

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
};
const unsigned machine_ndevices = sizeof(machine_devices) / sizeof(machine_devices[0]);
_Static_assert(sizeof(machine_devices) / sizeof(machine_devices[0]) <= MACHINE_MAX_DEVICES,
	       "raise MACHINE_MAX_DEVICES");
