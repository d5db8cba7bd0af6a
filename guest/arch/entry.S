/*
 * Exception vector table (VBAR_EL1). Every entry saves a struct pt_regs on the current
 * stack and calls do_exception(regs, vector index); the handler may change regs->pc
 * (to skip an instruction) before the registers are restored and ERET returns.
 * Layout of struct pt_regs: x0..x30, sp, pc, pstate, esr, far (include/asm/ptrace.h).
 * Left out from Linux: separate EL0 entry/exit work, IRQ stacks, overflow stacks
 * (a kernel stack overflow recurses into a second fault), SError handling.
 */
#define PT_REGS_SIZE (36 * 8)

	.macro ventry kind
	.balign	0x80
	sub	sp, sp, #PT_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mov	x1, #\kind
	b	el1_entry_common
	.endm

	.text
	.balign	2048
	.global vectors
vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1	/* irq */
	ventry	2	/* fiq */
	ventry	3	/* serror */
	ventry	4	/* current EL, SP_ELx: sync */
	ventry	5
	ventry	6
	ventry	7
	ventry	8	/* lower EL, AArch64: sync */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

el1_entry_common:
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x21, sp, #PT_REGS_SIZE
	stp	x30, x21, [sp, #8 * 30]
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x22, x23, [sp, #8 * 32]
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #8 * 34]
	mov	x0, sp
	bl	do_exception
	ldp	x22, x23, [sp, #8 * 32]
	msr	elr_el1, x22
	msr	spsr_el1, x23
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #8 * 30]
	add	sp, sp, #PT_REGS_SIZE
	eret
