/* Directed hostile device programming (raw guests, loaded at RAM + 0x80000, run with
 * `vmm-asan run --accel model`). Every check has a number (x25); a failed check exits
 * with its number as the status, so the test names it; all passed exits 0.
 *
 * The synchronous vector counts exceptions (x21), keeps the last ESR_EL1 (x20) and
 * returns past the faulting instruction. With the MMU off, data accesses are
 * Device-nGnRnE (Arm ARM D8.2.11): unaligned ones take an Alignment fault (DFSC
 * 0x21); an access no device claims is a synchronous external abort (DFSC 0x10).
 *
 *   KIND 1: GICv3 distributor (IHI 0069 12.9): registers of INTIDs beyond
 *           GICD_TYPER.ITLinesNumber are RAZ/WI; IROUTER to a PE that does not exist
 *           delivers nothing; wrong widths are ignored or faulted, never a crash
 *   KIND 2: redistributors: the frame of a vCPU that does not exist is no device
 *           (external abort); GICR_TYPER.Last on the last one (--cpus 2)
 *   KIND 3: CPU interface: EOIR1/DIR of INTIDs never activated or out of range,
 *           SGI1R to PEs that do not exist, 16 nested SGIs acknowledged and ended in
 *           the wrong order (and twice): the running priority comes back to idle
 *   KIND 4: exit device: 8/16/64-bit accesses are external aborts, other offsets
 *           RAZ/WI, then STATUS = 5 and PSCI SYSTEM_OFF: vmm exits with 5
 *   KIND 5: PL011: every width at every register offset, unaligned offsets (faults),
 *           the ID registers written: nothing crashes, FR still reads TXFE */
#include <platform/memmap.h>
#define GICD_IROUTER 0x6000 /* IHI 0069 12.9.22: 64-bit, one per SPI */

	.text
	.global _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	mov	x25, #9
	b	kind

.macro CHECK
	add	x25, x25, #1
.endm
/* \insn takes exactly one Data Abort with DFSC \dfsc */
.macro FAULTS dfsc, insn:vararg
	CHECK
	mov	x21, #0
	\insn
	cmp	x21, #1
	b.ne	fail
	and	x23, x20, #0x3f
	cmp	x23, #\dfsc
	b.ne	fail
.endm
/* \insn takes no exception */
.macro NOFAULT insn:vararg
	CHECK
	mov	x21, #0
	\insn
	cbnz	x21, fail
.endm
/* either is allowed by the architecture (CONSTRAINED UNPREDICTABLE widths) */
.macro ANY insn:vararg
	CHECK
	\insn
.endm
.macro EXPECT reg, value
	CHECK
	ldr	x24, =\value
	cmp	\reg, x24
	b.ne	fail
.endm

kind:
.if KIND == 1
	ldr	x1, =GIC_DIST_BASE			/* GICD */
	mov	w2, #2
	NOFAULT	str w2, [x1]			/* CTLR.EnableGrp1 */
	mov	w2, #-1
	NOFAULT	str w2, [x1, #0x17c]		/* ISENABLER31: INTIDs 992..1023, none */
	NOFAULT	ldr w3, [x1, #0x17c]
	EXPECT	x3, 0
	NOFAULT	str w2, [x1, #0x100]		/* ISENABLER0: SGIs/PPIs, RAZ/WI with ARE */
	NOFAULT	ldr w3, [x1, #0x100]
	EXPECT	x3, 0
	mov	x2, #-1
	add	x4, x1, #0x400 + 120		/* IPRIORITYR bytes of INTIDs 120..127 */
	NOFAULT	str x2, [x4]
	NOFAULT	ldr x3, [x4]
	EXPECT	x3, 0xf8f8f8f8f8f8f8f8		/* 5 priority bits */
	NOFAULT	str x2, [x4, #8]		/* INTIDs 128..135: past ITLinesNumber */
	NOFAULT	ldr x3, [x4, #8]
	EXPECT	x3, 0
	add	x4, x1, #0x400 + 1000
	NOFAULT	strb w2, [x4]			/* IPRIORITYR of INTID 1000 */
	NOFAULT	ldrb w3, [x4]
	EXPECT	x3, 0
	add	x4, x1, #0xc00 + 0xfc		/* ICFGR of INTIDs 1008..1023 */
	NOFAULT	str w2, [x4]
	NOFAULT	ldr w3, [x4]
	EXPECT	x3, 0
	ldr	x4, =GIC_DIST_BASE + GICD_IROUTER + 8 * 1000			/* IROUTER of INTID 1000 */
	NOFAULT	str x2, [x4]
	NOFAULT	ldr x3, [x4]
	EXPECT	x3, 0
	/* SPI 40 routed to Aff0 = 200 (no such vCPU), enabled and pending: the CPU
	 * interface of vCPU 0 must not see it */
	ldr	x4, =GIC_DIST_BASE + GICD_IROUTER + 8 * 40
	mov	x2, #200
	NOFAULT	str x2, [x4]
	NOFAULT	ldr x3, [x4]
	EXPECT	x3, 200
	mov	w2, #1 << 8
	NOFAULT	str w2, [x1, #0x084]		/* IGROUPR1: INTID 40 Group 1 */
	NOFAULT	str w2, [x1, #0x104]		/* ISENABLER1 */
	NOFAULT	str w2, [x1, #0x204]		/* ISPENDR1 */
	mov	x2, #0xff
	msr	icc_pmr_el1, x2
	mov	x2, #1
	msr	icc_igrpen1_el1, x2
	isb
	mrs	x3, icc_hppir1_el1
	EXPECT	x3, 1023
	mrs	x3, icc_iar1_el1
	EXPECT	x3, 1023
	/* wrong widths: ignored or faulted */
	ANY	strb w2, [x1, #0x104]
	ANY	ldrh w3, [x1, #0x104]
	ANY	str x2, [x1, #0x100]
	add	x4, x1, #0x100
	ANY	ldp x3, x5, [x4]
	ldr	x4, =GIC_DIST_BASE + GICD_IROUTER + 0x100
	ANY	stp x2, x2, [x4]
	/* unaligned: Alignment fault on Device memory */
	add	x4, x1, #0x100
	FAULTS	0x21, ldur w3, [x4, #1]
	ldr	x4, =GIC_DIST_BASE + GICD_IROUTER + 0x104
	FAULTS	0x21, str x2, [x4]
	/* exclusives and atomics on the GIC: not RAM */
	ANY	ldxr x3, [x1]
	ANY	ldadd x2, x3, [x1]
	ANY	dc zva, x1
	/* the top of the distributor's 64 KiB and just past it */
	ldr	x4, =GIC_DIST_BASE + GIC_DIST_SIZE - 8
	NOFAULT	ldr x3, [x4]
	ldr	x4, =GIC_DIST_BASE + GIC_DIST_SIZE
	FAULTS	0x10, ldr w3, [x4]
	b	pass
.elseif KIND == 2
	ldr	x1, =GIC_REDIST_BASE			/* GICR of vCPU 0; run with --cpus 2 */
	NOFAULT	ldr x3, [x1, #8]		/* TYPER: not the last */
	and	x3, x3, #1 << 4
	EXPECT	x3, 0
	ldr	x1, =GIC_REDIST_BASE + GIC_REDIST_STRIDE			/* vCPU 1 */
	NOFAULT	ldr x3, [x1, #8]
	and	x3, x3, #1 << 4
	EXPECT	x3, 1 << 4
	mov	w2, #-1
	ldr	x4, =GIC_REDIST_BASE + GIC_REDIST_STRIDE + GIC_REDIST_SGI_OFF + 0x400 + 28 /* IPRIORITYR 28..31 */
	NOFAULT	str w2, [x4]
	NOFAULT	ldr w3, [x4]
	EXPECT	x3, 0xf8f8f8f8
	mov	x2, #-1
	NOFAULT	str x2, [x4, #4]		/* INTIDs 32..39: no such private ones */
	NOFAULT	ldr x3, [x4, #4]
	EXPECT	x3, 0
	ldr	x1, =GIC_REDIST_BASE + 2 * GIC_REDIST_STRIDE			/* vCPU 2: no such vCPU */
	FAULTS	0x10, ldr w3, [x1, #8]
	FAULTS	0x10, str w2, [x1, #0x14]
	ldr	x1, =GIC_REDIST_BASE + 2 * GIC_REDIST_STRIDE + GIC_REDIST_SGI_OFF
	FAULTS	0x10, str w2, [x1, #0x100]
	ldr	x1, =PL011_BASE - 0x10000			/* the last frame the memory map allows */
	FAULTS	0x10, ldr w3, [x1]
	b	pass
.elseif KIND == 3
	mov	x2, #0xff
	msr	icc_pmr_el1, x2
	mov	x2, #1
	msr	icc_igrpen1_el1, x2
	ldr	x1, =GIC_DIST_BASE
	mov	w2, #2
	str	w2, [x1]
	ldr	x1, =GIC_REDIST_BASE + GIC_REDIST_SGI_OFF	/* SGI_base of vCPU 0 */
	mov	w2, #0xffff
	str	w2, [x1, #0x080]		/* IGROUPR0: SGIs Group 1 */
	str	w2, [x1, #0x100]		/* ISENABLER0 */
	/* SGI n at priority 0xf0 - 8n: each one preempts the one before */
	mov	x3, #0
1:	mov	x4, #0xf0
	sub	x4, x4, x3, lsl #3
	add	x5, x1, #0x400
	strb	w4, [x5, x3]
	add	x3, x3, #1
	cmp	x3, #16
	b.ne	1b
	/* end interrupts that were never activated, out of range, or special */
	mov	x2, #1023
	NOFAULT	msr icc_eoir1_el1, x2
	mov	x2, #0xffffff
	NOFAULT	msr icc_eoir1_el1, x2
	NOFAULT	msr icc_dir_el1, x2
	mov	x2, #5000
	NOFAULT	msr icc_eoir1_el1, x2
	mrs	x3, icc_rpr_el1
	EXPECT	x3, 0xff
	/* SGI1R to PEs that do not exist: Aff1 = 5, RS = 15, every target bit */
	ldr	x2, =(5 << 16) | (15 << 44) | 0xffff | (3 << 24)
	NOFAULT	msr icc_sgi1r_el1, x2
	mrs	x3, icc_hppir1_el1
	EXPECT	x3, 1023
	/* SGIs 0..15 to self, each acknowledged before the next (of higher priority)
	 * is sent: 16 active at once, nested */
	mov	x3, #0
	mov	x6, #0
2:	lsl	x2, x3, #24
	orr	x2, x2, #1			/* target list: vCPU 0 */
	msr	icc_sgi1r_el1, x2
	isb
	mrs	x4, icc_iar1_el1
	cmp	x4, x3
	cinc	x6, x6, eq
	add	x3, x3, #1
	cmp	x3, #16
	b.ne	2b
	EXPECT	x6, 16
	mrs	x3, icc_rpr_el1
	EXPECT	x3, 0xf0 - 15 * 8
	/* end them oldest first (not the architected order) and twice each */
	mov	x3, #0
5:	msr	icc_eoir1_el1, x3
	msr	icc_eoir1_el1, x3
	add	x3, x3, #1
	cmp	x3, #16
	b.ne	5b
	mrs	x3, icc_rpr_el1
	EXPECT	x3, 0xff
	mrs	x3, icc_iar1_el1
	EXPECT	x3, 1023
	b	pass
.elseif KIND == 4
	ldr	x1, =EXIT_DEV_BASE			/* exit device */
	mov	x2, #77
	FAULTS	0x10, strb w2, [x1]
	FAULTS	0x10, strh w2, [x1]
	FAULTS	0x10, str x2, [x1]
	FAULTS	0x10, ldrb w3, [x1]
	FAULTS	0x10, ldr x3, [x1]
	FAULTS	0x10, stp x2, x2, [x1]
	FAULTS	0x21, str w2, [x1, #1]
	NOFAULT	str w2, [x1, #8]		/* no register: WI */
	NOFAULT	ldr w3, [x1, #0xffc]
	EXPECT	x3, 0
	NOFAULT	ldr w3, [x1]			/* STATUS never written: 0 */
	EXPECT	x3, 0
	ldr	x4, =EXIT_DEV_BASE + EXIT_DEV_SIZE			/* past the device's page */
	FAULTS	0x10, ldr w3, [x4]
	mov	w2, #5
	str	w2, [x1]			/* STATUS = 5 */
	ldr	x0, =0x84000008			/* PSCI SYSTEM_OFF: vmm exits with 5 */
	hvc	#0
	b	fail
.elseif KIND == 5
	ldr	x1, =PL011_BASE			/* PL011 */
	mov	x2, #0x2e			/* '.' */
	mov	x3, #0
1:	add	x4, x1, x3
	ANY	strb w2, [x4]
	ANY	strh w2, [x4]
	ANY	str w2, [x4]
	ANY	str x2, [x4]
	ANY	ldrb w5, [x4]
	ANY	ldr x5, [x4]
	mov	x25, #9
	add	x3, x3, #8
	cmp	x3, #0x1000
	b.ne	1b
	mov	x2, #0
	str	w2, [x1, #0x38]			/* IMSC = 0 */
	str	w2, [x1, #0x30]			/* CR = 0, then put things back */
	mov	w2, #0x301
	str	w2, [x1, #0x30]
	FAULTS	0x21, ldr w3, [x1, #2]
	FAULTS	0x21, str w3, [x1, #0x19]
	NOFAULT	ldr w3, [x1, #0x18]		/* FR: TXFE */
	and	x3, x3, #0x80
	EXPECT	x3, 0x80
	ldr	x4, =PL011_BASE + PL011_SIZE			/* past the UART's page */
	FAULTS	0x10, ldr w3, [x4]
	mov	w2, #0x0a
	str	w2, [x1]
	b	pass
.endif

pass:
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	wzr, [x1]
	b	.
fail:
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	w25, [x1]
	b	.

	.balign 2048
vectors:
	.rept 16
	.balign 128
	b	sync
	.endr
	/* only current EL, SP_ELx, synchronous (entry 4) is expected: anything else ends
	 * the run with 200 + its entry */
sync:
	mrs	x20, esr_el1
	mrs	x22, elr_el1
	adr	x23, vectors + 0x200
	add	x21, x21, #1
	add	x22, x22, #4
	msr	elr_el1, x22
	eret
	.ltorg
	.balign 16
	.skip 4096
stack_top:
