/* Small raw guests (loaded at RAM + 0x80000, MMU off) for the exit paths of vmm under
 * KVM. Each prints one line on the PL011, then ends in one way, chosen at build time
 * by EXIT_KIND:
 *   1 EXIT register of the exit device with 7        -> vmm status 7
 *   2 STATUS = 5, then PSCI SYSTEM_OFF              -> vmm status 5
 *   3 a load from 0x20000000, where nothing is mapped -> vmm error, status 1
 *   4 PSCI SYSTEM_RESET                             -> status 3 (--reboot=exit)
 *   5 console echo: polls the PL011 and echoes each byte received (a-z as A-Z, so
 *     that a terminal's own echo cannot pass for it), until 'q', then EXIT with 9
 *                                                    -> vmm status 9
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
#endif
3:	wfi
	b	3b

msg:	.asciz	"exit-paths: guest running\n"
	.balign	8
	.ltorg
