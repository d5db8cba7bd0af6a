/* Two functions at VA 0x600000 for `vmm-inspect disas --symbols` (test_walk.c): only
 * the ELF's symbol table is used; the test writes the same words into the fake RAM. */
	.text
	.global first_fn
	.type first_fn, %function
first_fn:
	nop
	b	second_fn
	.size first_fn, . - first_fn

	.global second_fn
	.type second_fn, %function
second_fn:
	movz	x0, #1
	b.ne	first_fn
	ret
	.size second_fn, . - second_fn
