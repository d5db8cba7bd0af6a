/*
 * Exception vector table (VBAR_EL1). Every entry saves a struct pt_regs on the current
 * stack and calls do_exception(regs, vector index); the handler may change regs->pc
 * (to skip an instruction) before the registers are restored and ERET returns.
 * Layout of struct pt_regs: x0..x30, sp, pc, pstate, esr, far (include/asm/ptrace.h).
 * From EL0 (vectors 8-15) the stack is the task's kernel stack (SP_EL1, left at its top
 * when the task went to user space) and regs->sp is SP_EL0; kernel_exit writes regs->sp
 * back to SP_EL0 when it returns to EL0 (SPSR.M = EL0t). do_exception() does the work
 * before returning to user space (exit_to_user_mode: reschedule).
 * cpu_switch_to() and ret_from_fork are the context-switch half (Linux's entry.S too).
 * Left out from Linux: IRQ stacks, overflow stacks (a kernel stack overflow hits the
 * guard page below the vmalloc'd stack and recurses into a second fault), SError
 * handling, KPTI trampolines, SP_EL0 as the current pointer (per-CPU array here).
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
	cmp	x1, #8
	b.lo	1f
	mrs	x21, sp_el0		/* from EL0: the user stack pointer */
	b	2f
1:	add	x21, sp, #PT_REGS_SIZE	/* from EL1: the stack before the exception */
2:	stp	x30, x21, [sp, #8 * 30]
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	x22, x23, [sp, #8 * 32]
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #8 * 34]
	mov	x0, sp
	bl	do_exception
	.global	kernel_exit
kernel_exit:
	ldp	x22, x23, [sp, #8 * 32]
	msr	elr_el1, x22
	msr	spsr_el1, x23
	tst	x23, #0xf		/* SPSR.M = EL0t: back to user space */
	b.ne	3f
	ldr	x21, [sp, #8 * 31]
	msr	sp_el0, x21
3:
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

/*
 * struct task_struct *cpu_switch_to(prev, next): save the callee-saved registers, SP
 * and the return address in prev->cpu_context (offset 0), load next's, return prev
 * (now running on next's stack).
 */
	.global	cpu_switch_to
cpu_switch_to:
	mov	x9, sp
	stp	x19, x20, [x0, #16 * 0]
	stp	x21, x22, [x0, #16 * 1]
	stp	x23, x24, [x0, #16 * 2]
	stp	x25, x26, [x0, #16 * 3]
	stp	x27, x28, [x0, #16 * 4]
	stp	x29, x9, [x0, #16 * 5]
	str	x30, [x0, #16 * 6]
	ldp	x19, x20, [x1, #16 * 0]
	ldp	x21, x22, [x1, #16 * 1]
	ldp	x23, x24, [x1, #16 * 2]
	ldp	x25, x26, [x1, #16 * 3]
	ldp	x27, x28, [x1, #16 * 4]
	ldp	x29, x9, [x1, #16 * 5]
	ldr	x30, [x1, #16 * 6]
	mov	sp, x9
	ret

/*
 * A new task's first run: its cpu_context.pc. x19 = a kernel function to call first
 * with x20 (kernel_spawn's execve), 0 for a fork child; then to user space through
 * the pt_regs at the top of its stack (SP).
 */
	.global	ret_from_fork
ret_from_fork:
	bl	schedule_tail		/* x0 = prev */
	cbz	x19, 1f
	mov	x0, x20
	blr	x19
1:	mov	x0, sp
	bl	exit_to_user_mode
	b	kernel_exit
