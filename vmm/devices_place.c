/* The device table (devices.c) expanded for one configuration: what the machine
 * registers on its bus and fdt/ describes. An entry with max_instances 0 is placed
 * once as it is; one with max_instances N is placed instances() times (0 to N), copy n
 * at base + n * stride with SPI spi + n and instance n (platform/device.h). */
#include <errno.h>
#include <stdio.h>

#include "devices.h"

int devices__place(const struct machine *m, struct platform_device *out, unsigned max,
		   unsigned *count, char *why, size_t whylen)
{
	unsigned i, k, n = 0;

	for (i = 0; i < machine_ndevices; i++) {
		const struct platform_device *d = &machine_devices[i];
		unsigned want = !d->max_instances ? 1 : d->instances ? d->instances(m) : 0;

		if (d->max_instances && want > d->max_instances) {
			snprintf(why, whylen, "%u %s devices asked for: at most %u", want, d->name,
				 d->max_instances);
			return -EINVAL;
		}
		for (k = 0; k < want; k++) {
			if (n == max) {
				snprintf(why, whylen, "more than %u devices", max);
				return -ENOSPC;
			}
			out[n] = *d;
			out[n].base = d->base + k * d->stride;
			if (d->spi != DEV_NO_IRQ)
				out[n].spi = d->spi + (int)k;
			out[n].instance = k;
			out[n].max_instances = 0;
			n++;
		}
	}
	*count = n;
	return 0;
}
