/*
 * Program entry (Linux's crt1.o _start for a static program): the kernel enters with
 * SP at argc, argv[], NULL, envp[], NULL, auxv (fs/exec.c). Clear the frame chain and
 * call __start_c(sp), which calls main() and exit()s with its result.
 */
	.text
	.global	_start
_start:
	mov	x29, #0
	mov	x30, #0
	mov	x0, sp
	bl	__start_c
	b	.
