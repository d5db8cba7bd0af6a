/* Raw guests for `vmm run --checks` (loaded at RAM + 0x80000). Each turns the MMU on
 * with an identity map (4 KiB granule, 39-bit VA: L1 block for the devices, an L2 block
 * for this image, an L3 table for the data pages at 0x4020_0000), does one memory-
 * management sequence, and writes 0 to the exit device's EXIT register.
 *   BUG 1 / 0: break-before-make. A valid L3 entry that a walk used gets another output
 *              address: straight over the old value (1), or invalid entry, DSB, TLBI,
 *              DSB, then the new value (0) (Arm ARM D8.16.1 "Using break-before-make
 *              when updating translation table entries").
 *   BUG 3 / 2: stale translation. The entry becomes read-only and is used again: with
 *              no TLBI (3), the TLB still holds the old entry; with DSB, TLBI VAE1IS,
 *              DSB, ISB (2) it does not (D8.13 "TLB maintenance").
 *   BUG 5 / 4: I-cache coherence. A RET is stored to a data page and called: without
 *              maintenance (5); with DC CVAU, DSB, IC IVAU, DSB, ISB (4) (B2.4.4
 *              "Concurrent modification and execution of instructions").
 *   BUG 6:     not a bug: AT S1E1R of the data page as the first access that walks
 *              its L3 table; with --stage2 lazy that table's page is not mapped at
 *              stage 2 yet (a stage-2 fault on the walk, which the VMM resolves): the
 *              exit status is PAR_EL1.F and FST (0: translated), 1 if the PA is wrong
 *              (docs/stage2.md).
 *   BUG 7:     break-before-make by an exclusive store: the L3 entry gets another
 *              output address through LDXR/STXR, after a plain store to the table's
 *              page made the VMM's micro-TLB map that page for checked stores (the
 *              read-modify-write path must still check the store: D8.16.1).
 *   BUG 8:     I-cache coherence by an exclusive store: a plain store maps the data page
 *              (as in 7), then LDXR/STXR stores a RET there, which is called without
 *              maintenance (B2.4.4: the check must see the exclusive store).
 *   BUG 9:     break-before-make through a mapping made before the page was a table:
 *              a page of this image is written as data (T[0] = a valid L3 entry; the
 *              VMM's micro-TLB may map the page for writing, unchecked), L2[2] then
 *              points at it, a load walks T[0], and a store through the same mapping
 *              gives T[0] another output address (D8.16.1: must be reported, so the
 *              page's write mappings must be gone once a walk read it).
 *   BUG 10:    I-cache coherence, a RET stored by a plain store to a page the micro-TLB
 *              already maps for writing (a store to it first), called without
 *              maintenance (B2.4.4: stores that take no slow path are seen too). */
#include <platform/memmap.h>
#include "raw-guest-mmu.h"

#define PAGE_RW 0x703             /* L3 page: AF, SH inner, AP = 00 (EL1 RW), AttrIndx 0 */
#define PAGE_RO 0x783             /* the same with AP = 10 (EL1 read-only) */
#define DATA    0x40200000
	.text
	.global _start
_start:
	raw_guest_mmu_on
	ldr	x1, =DATA		/* the page under test */
	lsr	x4, x1, #12		/* TLBI operand: VA[55:12], ASID 0 */
	ldr	x2, =l3			/* its L3 entry */
.if BUG == 6
	at	s1e1r, x1
	isb
	mrs	x0, par_el1
	and	x3, x0, #0x7f		/* F, FST */
	ubfx	x0, x0, #12, #36
	lsl	x0, x0, #12
	cmp	x0, x1
	mov	x0, #1
	csel	x0, x3, x0, eq
	tst	x3, #1
	csel	x0, x3, x0, ne
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	w0, [x1]
	b	.
.endif
	ldr	x0, [x1]		/* walk: the entry is now in the TLB */
.if BUG == 1
	ldr	x3, =(DATA + 0x1000 + PAGE_RW)
	str	x3, [x2]		/* valid -> valid, another output address */
	dsb	ish
	tlbi	vae1is, x4
	dsb	ish
	isb
.elseif BUG == 0
	str	xzr, [x2]		/* break */
	dsb	ish
	tlbi	vae1is, x4
	dsb	ish
	ldr	x3, =(DATA + 0x1000 + PAGE_RW)
	str	x3, [x2]		/* make */
	dsb	ish
	isb
.elseif BUG == 3
	ldr	x3, =(DATA + PAGE_RO)
	str	x3, [x2]
.elseif BUG == 2
	ldr	x3, =(DATA + PAGE_RO)
	str	x3, [x2]
	dsb	ish
	tlbi	vae1is, x4
	dsb	ish
	isb
.elseif BUG == 5 || BUG == 4
	ldr	x5, =(DATA + 0x2000)
	ldr	w3, =0xd65f03c0		/* RET */
	str	w3, [x5]
.if BUG == 4
	dc	cvau, x5
	dsb	ish
	ic	ivau, x5
	dsb	ish
	isb
.endif
	blr	x5
.elseif BUG == 7
	str	xzr, [x2, #0x800]	/* an unused entry: the table's page is now mapped */
	ldr	x3, =(DATA + 0x1000 + PAGE_RW)
1:	ldxr	x6, [x2]
	stxr	w6, x3, [x2]		/* valid -> valid, another output address */
	cbnz	w6, 1b
	dsb	ish
	tlbi	vae1is, x4
	dsb	ish
	isb
.elseif BUG == 8
	ldr	x5, =(DATA + 0x2000)
	str	xzr, [x5, #0x800]	/* the data page is now mapped */
	ldr	w3, =0xd65f03c0		/* RET */
1:	ldxr	w6, [x5]
	stxr	w6, w3, [x5]
	cbnz	w6, 1b
	blr	x5
.elseif BUG == 9
	ldr	x7, =t3
	ldr	x3, =(DATA + PAGE_RW)
	str	x3, [x7]		/* T[0]: data for now */
	ldr	x8, =l2
	ldr	x3, =t3 + 3
	str	x3, [x8, #16]		/* L2[2] (invalid until now) -> T */
	dsb	ish
	isb
	ldr	x9, =0x40400000
	ldr	x0, [x9]		/* the walk reads T[0] */
	ldr	x3, =(DATA + 0x1000 + PAGE_RW)
	str	x3, [x7]		/* valid -> valid, another output address */
	dsb	ish
	lsr	x9, x9, #12
	tlbi	vae1is, x9
	dsb	ish
	isb
.elseif BUG == 10
	ldr	x5, =(DATA + 0x2000)
	str	xzr, [x5, #0x800]	/* the data page is now mapped */
	ldr	w3, =0xd65f03c0		/* RET */
	str	w3, [x5]
	blr	x5
.endif
	ldr	x0, [x1]		/* use the translation */
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT		/* exit device EXIT register */
	str	wzr, [x1]
	b	.
	.ltorg

	.balign 4096
l1:	.quad	0x0 + 0x60000000000405	/* 0..1 GiB: Device (AttrIndx 1), AF, XN */
	.quad	l2 + 3			/* 1..2 GiB: table */
	.fill	510, 8, 0
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
	.balign 4096
t3:	.fill	512, 8, 0		/* BUG 9's table */
