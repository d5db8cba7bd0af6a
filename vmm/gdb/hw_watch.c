/* Hardware watchpoint pieces of a watched range (hw_watch.h). */
#include "gdb/hw_watch.h"

#define MAX_MASK 31 /* DBGWCR.MASK: blocks of up to 2 GiB */

int hw_watch__pieces(uint64_t addr, uint64_t len, struct hw_watch_piece *out, int max)
{
	uint64_t end = addr + len;
	int n = 0;

	if (!len || end < addr)
		return -2;
	while (addr < end) {
		struct hw_watch_piece p;

		if ((addr & 7) || end - addr < 8) {
			/* the bytes of this doubleword that are in the range */
			uint64_t dw = addr & ~7ull, stop = end - dw < 8 ? end : dw + 8;

			p = (struct hw_watch_piece){ dw, (uint8_t)(((1u << (stop - addr)) - 1) << (addr & 7)), 0 };
			addr = stop;
		} else {
			/* the largest aligned power-of-two block from addr inside the range */
			unsigned m = 3;

			while (m < MAX_MASK && !(addr & ((2ull << m) - 1)) && end - addr >= 2ull << m)
				m++;
			/* a lone doubleword is a plain byte mask (MASK 0b00011 would do too) */
			p = (struct hw_watch_piece){ addr, 0xff, (uint8_t)(m == 3 ? 0 : m) };
			addr += 1ull << m;
		}
		if (n == max)
			return -1;
		out[n++] = p;
	}
	return n;
}
