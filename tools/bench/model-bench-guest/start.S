/* model-bench guest: entered at EL1 with the MMU off (Linux boot protocol), runs one
 * benchmark kernel chosen at build time, then PSCI SYSTEM_OFF over HVC. */
	.section .text.start
	.global _start
_start:
	ldr	x1, =stack_top
	mov	sp, x1
	bl	bench_main
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16	/* PSCI SYSTEM_OFF */
	hvc	#0
1:	wfi
	b	1b

/* A plain integer loop: 4 instructions per iteration, x0 iterations. */
	.global int_loop
int_loop:
	mov	x1, #0
	mov	x2, #1
1:	add	x1, x1, x0
	eor	x2, x2, x1
	sub	x0, x0, #1
	cbnz	x0, 1b
	mov	x0, x2
	ret
