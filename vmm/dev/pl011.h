/* ARM PrimeCell PL011 UART (ARM DDI 0183), enough of it for Linux's amba-pl011
 * driver and for simple polling guests. Output goes straight to the host's stdout;
 * input comes from the console (vmm/console.c) through a receive FIFO and raises the
 * RX interrupt (SPI PL011_SPI) through the accelerator's interrupt controller. */
#ifndef VMM_DEV_PL011_H
#define VMM_DEV_PL011_H

#include <stdint.h>

struct machine;
struct pl011;

/* Creates the UART, registers it on m->bus at PL011_BASE and sets m->uart. */
int pl011__create(struct machine *m, int out_fd);
void pl011__destroy(struct machine *m);
/* Back to the reset state (a guest reset); queued input is kept. */
void pl011__reset(struct pl011 *u);
/* Queue one received byte; waits while the FIFO is full. Returns 0, or -ECANCELED
 * once pl011__cancel() was called. */
int pl011__receive(struct pl011 *u, uint8_t c);
/* Did the guest's output so far end in the middle of a line? */
int pl011__mid_line(struct pl011 *u);
/* Release a pl011__receive() waiting for room (the VM is going away). */
void pl011__cancel(struct pl011 *u);

#endif
