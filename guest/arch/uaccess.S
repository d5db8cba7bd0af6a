/*
 * User copies (Linux: arch/arm64/lib/copy_from_user.S, copy_to_user.S, clear_user.S,
 * strncpy_from_user via the generic lib/strncpy_from_user.c). Every access to user
 * memory is an unprivileged LDTR or STTR (any size): checked with EL0's permissions (so a kernel
 * address faults, and a read-only user page refuses a store) and allowed with PAN set.
 * Each has an entry in __ex_table: a fault that cannot be resolved (arch/extable.c)
 * resumes at the fixup, which returns what was not copied. Doublewords when the user
 * address is 8-byte aligned, bytes otherwise.
 */
	.macro	_asm_extable, insn, fixup
	.pushsection __ex_table, "a"
	.balign	8
	.quad	\insn, \fixup
	.popsection
	.endm

	.text
/* unsigned long __arch_copy_from_user(void *to, const void __user *from, unsigned long n) */
	.global	__arch_copy_from_user
__arch_copy_from_user:
1:	cbz	x2, 9f
	tst	x1, #7
	b.ne	3f
	cmp	x2, #8
	b.lo	3f
2:	ldtr	x3, [x1]
	_asm_extable 2b, 9f
	str	x3, [x0], #8
	add	x1, x1, #8
	sub	x2, x2, #8
	b	1b
3:	ldtrb	w3, [x1]
	_asm_extable 3b, 9f
	strb	w3, [x0], #1
	add	x1, x1, #1
	sub	x2, x2, #1
	b	1b
9:	mov	x0, x2			/* bytes not copied */
	ret

/* unsigned long __arch_copy_to_user(void __user *to, const void *from, unsigned long n) */
	.global	__arch_copy_to_user
__arch_copy_to_user:
1:	cbz	x2, 9f
	tst	x0, #7
	b.ne	3f
	cmp	x2, #8
	b.lo	3f
	ldr	x3, [x1], #8
2:	sttr	x3, [x0]
	_asm_extable 2b, 8f
	add	x0, x0, #8
	sub	x2, x2, #8
	b	1b
3:	ldrb	w3, [x1], #1
4:	sttrb	w3, [x0]
	_asm_extable 4b, 9f
	add	x0, x0, #1
	sub	x2, x2, #1
	b	1b
8:	sub	x1, x1, #8		/* the doubleword was not stored */
9:	mov	x0, x2
	ret

/* unsigned long __arch_clear_user(void __user *to, unsigned long n) */
	.global	__arch_clear_user
__arch_clear_user:
1:	cbz	x1, 9f
2:	sttrb	wzr, [x0]
	_asm_extable 2b, 9f
	add	x0, x0, #1
	sub	x1, x1, #1
	b	1b
9:	mov	x0, x1
	ret

/* long __arch_strncpy_from_user(char *dst, const char __user *src, long n):
 * the length of the string (the NUL copied too), n if no NUL in n bytes, -1 on a fault */
	.global	__arch_strncpy_from_user
__arch_strncpy_from_user:
	mov	x4, #0
1:	cmp	x4, x2
	b.ge	8f
2:	ldtrb	w3, [x1]
	_asm_extable 2b, 9f
	strb	w3, [x0, x4]
	add	x1, x1, #1
	cbz	w3, 7f
	add	x4, x4, #1
	b	1b
7:	mov	x0, x4
	ret
8:	mov	x0, x2
	ret
9:	mov	x0, #-1
	ret
