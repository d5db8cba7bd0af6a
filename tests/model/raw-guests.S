/* Small raw guests for the model's exit and error paths (loaded at RAM + 0x80000):
 *   KIND 1: semihosting SYS_EXIT (HLT #0xF000) with ADP_Stopped_ApplicationExit, 7
 *   KIND 2: branch to 0 (nothing there) with VBAR_EL1 = 0: vmm must stop, not hang
 *   KIND 3: PSCI CPU_ON of vCPU 1, which writes 42 to the exit device's EXIT register
 *   KIND 4: load from an address no device claims: the guest takes a synchronous
 *           external abort (ESR_EL1.DFSC = 0x10) and exits with the DFSC as status
 *   KIND 5: WFI with no timer armed and no input: nothing can ever wake it, so vmm
 *           must report a guest deadlock rather than wait forever
 *   KIND 6: WFI with the virtual timer armed and its PPI enabled in the GIC: the
 *           timer wakes it (CNTV_CTL_EL0.ISTATUS set), then it exits with 9
 *   KIND 7: MMIO through stage-2 faults (docs/stage2.md): an LDR of the PL011's FR
 *           (a valid syndrome, ISV 1), an LDP of IBRD/FBRD (no valid syndrome, ISV 0:
 *           emulated, and reported with --stage2), then exit 11 */
#include <platform/memmap.h>

	.text
	.global _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0
.if KIND == 1
	adr	x1, block
	mov	x0, #0x18		/* SYS_EXIT */
	hlt	#0xf000
	b	.
	.balign 8
block:	.quad	0x20026, 7
.elseif KIND == 2
	mov	x0, #0
	br	x0
.elseif KIND == 3
	ldr	x0, =0xc4000003		/* CPU_ON */
	mov	x1, #1			/* MPIDR of vCPU 1 */
	adr	x2, secondary
	mov	x3, #0
	hvc	#0
1:	wfi
	b	1b
secondary:
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT		/* exit device EXIT register */
	mov	w0, #42
	str	w0, [x1]
	b	.
.elseif KIND == 4
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	ldr	x1, =0x0c000000		/* nothing on the bus there */
	ldr	x0, [x1]
	b	.
	.balign 2048
vectors:
	.skip	0x200
	mrs	x0, esr_el1		/* current EL, SP_ELx, synchronous */
	and	w0, w0, #0x3f
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	w0, [x1]
	b	.
.elseif KIND == 5
1:	wfi
	b	1b
.elseif KIND == 6
	ldr	x1, =GIC_DIST_BASE		/* GICD_CTLR: ARE, EnableGrp1 */
	mov	w0, #0x12
	str	w0, [x1]
	ldr	x1, =GIC_REDIST_BASE + 0x14		/* GICR_WAKER of vCPU 0: clear ProcessorSleep */
	str	wzr, [x1]
	ldr	x1, =GIC_REDIST_BASE + GIC_REDIST_SGI_OFF + 0x80		/* GICR_IGROUPR0: PPI 27 in group 1 */
	mov	w0, #(1 << 27)
	str	w0, [x1]
	ldr	x1, =GIC_REDIST_BASE + GIC_REDIST_SGI_OFF + 0x100		/* GICR_ISENABLER0: enable PPI 27 */
	str	w0, [x1]
	mov	x0, #1
	msr	S3_0_C12_C12_5, x0	/* ICC_SRE_EL1.SRE */
	isb
	mov	x0, #0xff
	msr	S3_0_C4_C6_0, x0	/* ICC_PMR_EL1: let every priority through */
	mov	x0, #1
	msr	S3_0_C12_C12_7, x0	/* ICC_IGRPEN1_EL1 */
	mov	x0, #1000
	msr	cntv_tval_el0, x0
	mov	x0, #1			/* ENABLE, not IMASK */
	msr	cntv_ctl_el0, x0
	isb
1:	wfi				/* PSTATE.I stays set: the IRQ wakes WFI, no vector */
	mrs	x0, cntv_ctl_el0
	tbz	x0, #2, 1b		/* ISTATUS: the timer condition is met */
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	mov	w0, #9
	str	w0, [x1]
	b	.
.elseif KIND == 7
	ldr	x1, =PL011_BASE
	ldr	w2, [x1, #0x18]		/* FR: ISV 1 */
	ldp	w2, w3, [x1, #0x24]	/* IBRD, FBRD: ISV 0 */
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	mov	w0, #11
	str	w0, [x1]
	b	.
.endif
	.ltorg
	.balign 16
	.skip 4096
stack_top:
