/* The MMU-on prologue the raw test guests share (assembler only): a stack at the
 * symbol stack_top, MAIR_EL1 Attr0 Normal write-back and Attr1 Device-nGnRnE, TCR_EL1
 * T0SZ 25 (39-bit VA), write-back write-allocate walks, inner shareable, 4K granule,
 * EPD1 (no TTBR1 walks), IPS 48 bits; TTBR0_EL1 = the L1 table at the symbol l1; then
 * SCTLR_EL1 with its RES1 bits, M, C and I. Clobbers x0. */
#ifndef TESTS_RAW_GUEST_MMU_H
#define TESTS_RAW_GUEST_MMU_H

.macro raw_guest_mmu_on
	ldr	x0, =stack_top
	mov	sp, x0
	mov	x0, #0xff
	msr	mair_el1, x0
	ldr	x0, =(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (5 << 32))
	msr	tcr_el1, x0
	ldr	x0, =l1
	msr	ttbr0_el1, x0
	isb
	ldr	x0, =0x30d01805
	msr	sctlr_el1, x0
	isb
.endm

#endif
