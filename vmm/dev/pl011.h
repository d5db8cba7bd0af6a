/* ARM PrimeCell PL011 UART (ARM DDI 0183), enough of it for Linux's amba-pl011
 * driver and for simple polling guests. Output goes to the console (pl011__set_output);
 * input comes from the console (vmm/console.c) through a receive FIFO and raises the
 * RX interrupt (its SPI in the device table) through the accelerator's interrupt controller. */
#ifndef VMM_DEV_PL011_H
#define VMM_DEV_PL011_H

#include <stdint.h>

struct machine;
struct pl011;
struct platform_device;

/* Its entry in the device table (vmm/devices.c): */
extern const struct mmio_ops pl011_ops;
/* Creates the UART of device-table entry d and sets m->uart; NULL if out of memory. */
void *pl011__create(struct machine *m, const struct platform_device *d);
void pl011__destroy(void *dev);
/* Back to the reset state (a guest reset); queued input is kept. */
void pl011__reset(void *dev);
/* Queue one received byte; waits while the FIFO is full. Returns 0, or -ECANCELED
 * once pl011__cancel() was called. */
int pl011__receive(struct pl011 *u, uint8_t c);
/* Where transmitted bytes go, one at a time, in the writing vCPU's thread with the
 * UART's lock held; it may wait, but must return once the VM is stopping. Default:
 * write(2) to stdout. */
typedef void pl011_output_fn(void *arg, uint8_t byte);
void pl011__set_output(struct pl011 *u, pl011_output_fn *fn, void *arg);
/* Release a pl011__receive() waiting for room (the VM is going away). */
void pl011__cancel(struct pl011 *u);

#endif
