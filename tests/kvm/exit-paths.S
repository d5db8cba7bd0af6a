/* Small raw guests (loaded at RAM + 0x80000, MMU off) for the exit paths of vmm under
 * KVM. Each prints one line on the PL011, then ends in one way, chosen at build time
 * by EXIT_KIND:
 *   1 EXIT register of the exit device with 7        -> vmm status 7
 *   2 STATUS = 5, then PSCI SYSTEM_OFF              -> vmm status 5
 *   3 a load from 0x20000000, where nothing is mapped: the guest takes a synchronous
 *     external abort, and its vector EXITs with ESR_EL1.DFSC -> vmm status 16 (0x10)
 *   4 PSCI SYSTEM_RESET                             -> status 3 (--reboot=exit); with
 *     --reboot=restart it resets in a loop
 *   5 console echo: polls the PL011 and echoes each byte received (a-z as A-Z, so
 *     that a terminal's own echo cannot pass for it), until 'q', then EXIT with 9
 *                                                    -> vmm status 9
 *   6 prints a line for ever                        -> stopped from outside only
 *   7 200 loads from 0x20000000 and 200 16-bit stores to the exit device's STATUS
 *     (which takes 32-bit accesses only), each an external abort the vector steps
 *     over; then EXIT with the last DFSC if all 400 aborted, else 99 -> status 16
 *   8 WFI for ever (nothing armed: an idle VM)      -> stopped from outside only
 *   9 prints the line of kind 6 10000 times (170 000 bytes), then EXIT with 0
 * Addresses as in vmm/memmap.h (a raw test binary has no device tree parser). */
#define PL011_BASE    0x09000000
#define EXIT_DEV_BASE 0x09100000
#define PSCI_SYSTEM_OFF   0x84000008
#define PSCI_SYSTEM_RESET 0x84000009
#define UART_FR 0x18
#define FR_RXFE (1 << 4)

	.text
	.global _start
_start:
	ldr	x1, =PL011_BASE
	adr	x2, msg
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	strb	w3, [x1]
	b	1b
2:	ldr	x1, =EXIT_DEV_BASE
#if EXIT_KIND == 1
	mov	w2, #7
	str	w2, [x1, #4]
#elif EXIT_KIND == 2
	mov	w2, #5
	str	w2, [x1, #0]
	ldr	x0, =PSCI_SYSTEM_OFF
	hvc	#0
#elif EXIT_KIND == 3
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	ldr	x1, =0x20000000
	ldr	w2, [x1]
#elif EXIT_KIND == 4
	ldr	x0, =PSCI_SYSTEM_RESET
	hvc	#0
#elif EXIT_KIND == 5
	ldr	x3, =PL011_BASE
4:	ldr	w2, [x3, #UART_FR]
	tbnz	w2, #4, 4b		/* FR.RXFE: nothing received yet */
	ldr	w2, [x3]		/* DR */
	and	w2, w2, #0xff
	cmp	w2, #'q'
	b.eq	5f
	sub	w4, w2, #'a'		/* a-z echoed as A-Z: the guest's echo, not a */
	cmp	w4, #'z' - 'a'		/* terminal's (a pty echoes what is typed) */
	b.hi	6f
	sub	w2, w2, #'a' - 'A'
6:	str	w2, [x3]
	b	4b
5:	mov	w2, #9
	str	w2, [x1, #4]
#elif EXIT_KIND == 6 || EXIT_KIND == 9
	ldr	x3, =PL011_BASE
	mov	x6, #10000
7:	adr	x2, tick
8:	ldrb	w4, [x2], #1
	cbz	w4, 11f
	strb	w4, [x3]
	b	8b
11:
# if EXIT_KIND == 9
	subs	x6, x6, #1
	b.ne	7b
	str	wzr, [x1, #4]
# else
	b	7b
# endif
#elif EXIT_KIND == 7
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	mov	x10, #0			/* aborts taken (the vector counts) */
	mov	x11, #0			/* the last one's ESR */
	ldr	x5, =0x20000000
	mov	x6, #200
9:	ldr	w2, [x5]
	subs	x6, x6, #1
	b.ne	9b
	mov	x6, #200
10:	strh	w2, [x1]		/* STATUS, 16 bits: refused */
	subs	x6, x6, #1
	b.ne	10b
	and	w2, w11, #0x3f
	mov	w3, #99
	cmp	x10, #400
	csel	w2, w2, w3, eq
	str	w2, [x1, #4]
#endif
3:	wfi
	b	3b

msg:	.asciz	"exit-paths: guest running\n"
tick:	.asciz	"exit-paths: tick\n"
	.balign	8
	.ltorg

#if EXIT_KIND == 3 || EXIT_KIND == 7
	.balign	2048
vectors:
	.skip	0x200			/* current EL with SP_ELx, synchronous: */
# if EXIT_KIND == 3
	mrs	x0, esr_el1		/* EXIT with the DFSC */
	and	w0, w0, #0x3f
	ldr	x1, =EXIT_DEV_BASE
	str	w0, [x1, #4]
	b	.
# else
	add	x10, x10, #1		/* count it and step over the access */
	mrs	x11, esr_el1
	mrs	x9, elr_el1
	add	x9, x9, #4
	msr	elr_el1, x9
	eret
# endif
	.ltorg
#endif
