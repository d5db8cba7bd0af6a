/* Raw guests for `vmm run --checks=strict` (loaded at RAM + 0x80000; the MMU set-up of
 * tests/model/checks-guests.S: identity map, 39-bit VA, 4 KiB granule). Each ends by
 * writing a status to the exit device's EXIT register, which says what the guest saw.
 *   KIND 0: code changed without I-cache maintenance. "mov w0, #1; ret" is written,
 *           made coherent (DC CVAU, DSB, IC IVAU, DSB, ISB) and called; then its first
 *           word becomes "mov w0, #2" with no maintenance, is read back as data (it
 *           must read as the new word, else status 99), and called: the result r1;
 *           then IC IVAU and a call again: r2. Status 10 * r1 + r2. The Arm ARM
 *           (B2.2.5 "Concurrent modification and execution of instructions") lets the
 *           second call run either word: strict runs the old (12), the default model
 *           the new (22); after IC IVAU only the new one (r2 = 2).
 *   KIND 1: a mapping changed without TLBI. The page DATA (holding 1) is read, its L3
 *           entry is then pointed at the next page (holding 2) with no TLBI, eight 1 GiB
 *           blocks whose TLB entries share DATA's L2 TLB set (4 ways) are read, and
 *           DATA is read again: the status is the value read. A TLB may keep the old
 *           entry until a TLBI covering it (Arm ARM D8.16.1, "TLB maintenance"):
 *           strict keeps it (1), the default TLB evicted it (2). */
#include <platform/memmap.h>
#include "raw-guest-mmu.h"

#define PAGE_RW 0x703             /* L3 page: AF, SH inner, AP = 00 (EL1 RW), AttrIndx 0 */
#define DATA    0x40200000
#define EXIT    (EXIT_DEV_BASE + EXIT_DEV_EXIT)
	.text
	.global _start
_start:
	raw_guest_mmu_on
	ldr	x1, =DATA
.if KIND == 0
	ldr	x5, =(DATA + 0x2000)
	ldr	w3, =0x52800020		/* mov w0, #1 */
	ldr	w4, =0xd65f03c0		/* ret */
	stp	w3, w4, [x5]
	bl	sync_code
	blr	x5			/* decoded now: returns 1 */
	ldr	w3, =0x52800040		/* mov w0, #2 */
	str	w3, [x5]
	ldr	w6, [x5]		/* the data side sees the new word */
	cmp	w6, w3
	b.ne	bad
	blr	x5
	mov	w7, #10
	mul	w8, w0, w7
	bl	sync_code
	blr	x5
	add	w0, w0, w8
	b	done
bad:	mov	w0, #99
	b	done
sync_code:
	dc	cvau, x5
	dsb	ish
	ic	ivau, x5
	dsb	ish
	isb
	ret
.else
	mov	x0, #1
	str	x0, [x1]
	mov	x0, #2
	str	x0, [x1, #0x1000]
	dsb	ish
	ldr	x0, [x1]		/* the entry for DATA is in the TLB */
	ldr	x2, =l3
	ldr	x3, =(DATA + 0x1000 + PAGE_RW)
	str	x3, [x2]		/* remapped with no break-before-make, no TLBI */
	dsb	ish
	isb
	mov	x4, #2			/* 1 GiB blocks at 2..9 GiB: L2 TLB set 0, as DATA */
1:	lsl	x5, x4, #30
	ldr	x0, [x5]
	add	x4, x4, #1
	cmp	x4, #10
	b.ne	1b
	ldr	x0, [x1]
.endif
done:	ldr	x1, =EXIT
	str	w0, [x1]
	b	.
	.ltorg

	.balign 4096
l1:	.quad	0x0 + 0x60000000000405	/* 0..1 GiB: Device (AttrIndx 1), AF, XN */
	.quad	l2 + 3			/* 1..2 GiB: table */
	.rept	8			/* 2..9 GiB: blocks of RAM, read-only data */
	.quad	0x40000000 + 0x60000000000781
	.endr
	.fill	502, 8, 0
l2:	.quad	0x40000000 + 0x701	/* this image: 2 MiB block, EL1 RWX */
	.quad	l3 + 3
	.fill	510, 8, 0
l3:	.set	i, 0
	.rept	16
	.quad	DATA + i * 0x1000 + PAGE_RW
	.set	i, i + 1
	.endr
	.fill	496, 8, 0
	.skip	4096
stack_top:
