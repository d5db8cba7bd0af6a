/* PL011 register model. Transmission is immediate: each byte written to DR goes to
 * the host's output (console.c's queue, which waits only while the VM runs), so the
 * transmit FIFO always reads as empty (FR.TXFE) and the transmit interrupt is always
 * pending. Reception: a 32-byte FIFO; RXIS is raised
 * while it holds data (a trigger level of one byte, as QEMU does), cleared when the
 * guest has read it empty. The interrupt line is (RIS & IMSC) != 0. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <platform/device.h>
#include <platform/memmap.h>

#include "pl011.h"
#include "../bus.h"
#include "../machine.h"

enum {
	UART_DR = 0x000, UART_RSR = 0x004, UART_FR = 0x018, UART_ILPR = 0x020,
	UART_IBRD = 0x024, UART_FBRD = 0x028, UART_LCR_H = 0x02c, UART_CR = 0x030,
	UART_IFLS = 0x034, UART_IMSC = 0x038, UART_RIS = 0x03c, UART_MIS = 0x040,
	UART_ICR = 0x044, UART_DMACR = 0x048, UART_ID = 0xfe0,
};
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define CR_RESET 0x300 /* TXE | RXE */
#define RX_FIFO 32

/* PeriphID0..3 (part 0x011, designer ARM, revision r1p5) and PrimeCell CellID0..3:
 * what the AMBA bus reads to match the "arm,pl011" driver. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011 {
	struct machine *m;
	pl011_output_fn *output; /* NULL: straight to stdout (the unit tests) */
	void *output_arg;
	pthread_mutex_t lock;
	pthread_cond_t room;   /* signalled when the guest reads from the RX FIFO */
	uint8_t rx[RX_FIFO];
	unsigned rx_head, rx_count;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	unsigned intid;        /* the interrupt line: SPI from the device table */
	int line;              /* last level given to the interrupt controller */
	int cancelled;
};

/* With the lock held: recompute RIS and drive the interrupt line when it changes. */
static void update_irq(struct pl011 *u)
{
	int level;

	u->ris = (u->ris & ~INT_RX) | INT_TX | (u->rx_count ? INT_RX : 0);
	level = (u->ris & u->imsc) != 0;
	if (level != u->line) {
		u->line = level;
		machine__set_irq(u->m, u->intid, level);
	}
}

static uint32_t read_dr(struct pl011 *u)
{
	uint32_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RX_FIFO;
	u->rx_count--;
	pthread_cond_broadcast(&u->room);
	return c;
}

static uint32_t read_reg(struct pl011 *u, uint64_t off)
{
	switch (off) {
	case UART_DR: return read_dr(u);
	case UART_FR:
		return FR_TXFE | (u->rx_count ? 0 : FR_RXFE) | (u->rx_count == RX_FIFO ? FR_RXFF : 0);
	case UART_IBRD: return u->ibrd;
	case UART_FBRD: return u->fbrd;
	case UART_LCR_H: return u->lcr_h;
	case UART_CR: return u->cr;
	case UART_IFLS: return u->ifls;
	case UART_IMSC: return u->imsc;
	case UART_RIS: return u->ris;
	case UART_MIS: return u->ris & u->imsc;
	case UART_DMACR: return u->dmacr;
	}
	if (off >= UART_ID && off < UART_ID + 0x20 && off % 4 == 0)
		return pl011_id[(off - UART_ID) / 4];
	return 0; /* RSR (no errors), ILPR, reserved */
}

static void transmit(struct pl011 *u, uint8_t c)
{
	if (u->output) {
		u->output(u->output_arg, c);
		return;
	}
	if (write(STDOUT_FILENO, &c, 1) < 0) {
		/* a closed stdout must not stop the guest: output is dropped */
	}
}

static void write_reg(struct pl011 *u, uint64_t off, uint32_t v)
{
	switch (off) {
	case UART_DR: transmit(u, (uint8_t)v); break;
	case UART_IBRD: u->ibrd = v & 0xffff; break;
	case UART_FBRD: u->fbrd = v & 0x3f; break;
	case UART_LCR_H: u->lcr_h = v & 0xff; break;
	case UART_CR: u->cr = v & 0xffff; break;
	case UART_IFLS: u->ifls = v & 0x3f; break;
	case UART_IMSC: u->imsc = v & 0x7ff; break;
	case UART_ICR: u->ris &= ~v; break; /* RX/TX come back at once while their cause holds */
	case UART_DMACR: u->dmacr = v & 0x7; break;
	}
}

static int pl011_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct pl011 *u = dev;

	(void)len, (void)cpu;
	pthread_mutex_lock(&u->lock);
	*val = read_reg(u, off);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static int pl011_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct pl011 *u = dev;

	(void)len, (void)cpu;
	pthread_mutex_lock(&u->lock);
	write_reg(u, off, (uint32_t)val);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

const struct mmio_ops pl011_ops = { .read = pl011_read, .write = pl011_write };

void pl011__reset(void *dev)
{
	struct pl011 *u = dev;

	pthread_mutex_lock(&u->lock);
	u->ibrd = u->fbrd = u->lcr_h = u->ifls = u->imsc = u->ris = u->dmacr = 0;
	u->cr = CR_RESET;
	u->ifls = 0x12;
	u->line = 0;
	pthread_mutex_unlock(&u->lock);
}

int pl011__receive(struct pl011 *u, uint8_t c)
{
	int err = 0;

	pthread_mutex_lock(&u->lock);
	while (u->rx_count == RX_FIFO && !u->cancelled)
		pthread_cond_wait(&u->room, &u->lock);
	if (u->cancelled) {
		err = -ECANCELED;
	} else {
		u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = c;
		u->rx_count++;
		update_irq(u);
	}
	pthread_mutex_unlock(&u->lock);
	return err;
}

void pl011__set_output(struct pl011 *u, pl011_output_fn *fn, void *arg)
{
	pthread_mutex_lock(&u->lock);
	u->output = fn;
	u->output_arg = arg;
	pthread_mutex_unlock(&u->lock);
}

void pl011__cancel(struct pl011 *u)
{
	pthread_mutex_lock(&u->lock);
	u->cancelled = 1;
	pthread_cond_broadcast(&u->room);
	pthread_mutex_unlock(&u->lock);
}

void *pl011__create(struct machine *m, const struct platform_device *d)
{
	struct pl011 *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->m = m;
	u->intid = GIC_SPI_BASE + (unsigned)d->spi;
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->room, NULL);
	pl011__reset(u);
	m->uart = u;
	return u;
}

void pl011__destroy(void *dev)
{
	struct pl011 *u = dev;

	pthread_cond_destroy(&u->room);
	pthread_mutex_destroy(&u->lock);
	if (u->m->uart == u)
		u->m->uart = NULL;
	free(u);
}
