/* ARM PrimeCell PL011 UART (ARM DDI 0183), enough of it for Linux's amba-pl011
 * driver and for simple polling guests. Output goes straight to the host's stdout;
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
/* Did the guest's output so far end in the middle of a line? */
int pl011__mid_line(struct pl011 *u);
/* Release a pl011__receive() waiting for room (the VM is going away). */
void pl011__cancel(struct pl011 *u);

#endif
