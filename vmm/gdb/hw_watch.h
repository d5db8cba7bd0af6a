/* A watched range [addr, addr + len) as AArch64 hardware watchpoints: the DBGWVR/DBGWCR
 * pairs that match exactly its bytes (Arm ARM D2.10 "Watchpoint exceptions",
 * DBGWCR<n>_EL1). A pair watches either some bytes of one aligned doubleword (BAS, a
 * byte mask) or, with MASK = m (3..31), the 2^m bytes of a 2^m-aligned block (BAS then
 * all ones). Used by the KVM engine's gdb stub, which gives the pairs to
 * KVM_SET_GUEST_DEBUG; kept free of KVM so that it is tested on any host. */
#ifndef VMM_GDB_HW_WATCH_H
#define VMM_GDB_HW_WATCH_H

#include <stdint.h>

struct hw_watch_piece {
	uint64_t wvr;   /* DBGWVR: the doubleword (BAS) or block (MASK) address */
	uint8_t bas;    /* DBGWCR.BAS: the bytes of that doubleword */
	uint8_t mask;   /* DBGWCR.MASK: 0, or log2 of the block's size (>= 3) */
};

/* The fewest pieces covering exactly [addr, addr + len), in address order: byte masks
 * at an unaligned start and end, and between them the largest aligned blocks that fit.
 * Their number (at most max written), -1 if more than max are needed, -2 if len is 0
 * or the range wraps. */
int hw_watch__pieces(uint64_t addr, uint64_t len, struct hw_watch_piece *out, int max);

/* DBGWCR<n>_EL1 of a piece: E, PAC = 0b11 (EL1 and EL0), LSC (1 load, 2 store, 3 both),
 * BAS [12:5], MASK [28:24]. */
static inline uint64_t hw_watch__wcr(const struct hw_watch_piece *p, unsigned lsc)
{
	return 1u | 3u << 1 | (uint64_t)lsc << 3 | (uint64_t)p->bas << 5 | (uint64_t)p->mask << 24;
}

#endif
