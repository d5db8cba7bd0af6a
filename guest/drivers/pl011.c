/*
 * PL011 UART console, transmit only (ARM PrimeCell UART TRM DDI 0183). The firmware (or
 * vmm/QEMU) leaves the UART enabled, as for Linux's earlycon, so no baud set-up here.
 * Mapped at a fixmap slot as Device-nGnRE; 32-bit accesses only.
 */
#include <types.h>
#include <console.h>

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1 << 5)
#define UARTFR_BUSY (1 << 3)

static volatile u32 *uart;

void pl011__init(void *base)
{
	uart = base;
}

bool console_ready(void)
{
	return uart != NULL;
}

void pl011__putc(char c)
{
	while (uart[UARTFR / 4] & UARTFR_TXFF)
		;
	uart[UARTDR / 4] = (u8)c;
}

void console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011__putc('\r');
		pl011__putc(s[i]);
	}
}
