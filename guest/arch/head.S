/*
 * Kernel entry, Linux arm64 boot protocol (Documentation/arch/arm64/booting.rst):
 * entered at EL2 or EL1 with the MMU off, x0 = physical address of the device tree.
 *
 * The image is linked at KIMAGE_VADDR (TTBR1 range) but runs here at the physical
 * address the loader chose, so everything up to the jump to __primary_switched uses
 * PC-relative addressing only (adrp/adr). Steps, as Linux's head.S:
 *   1. drop from EL2 to EL1 if needed (el2_setup)
 *   2. clear BSS, set an early stack
 *   3. build the boot page tables (mm/pi_map.c): identity map of the kernel text in
 *      TTBR0, the kernel image at its link address and the fixmap in TTBR1
 *   4. invalidate the D-cache over the image (the tables and BSS were written with the
 *      MMU off, straight to memory; stale clean lines must not shadow them)
 *   5. MAIR/TCR, MMU and caches on, branch to the high (link) address.
 * Left out from Linux: KASLR, relocation, 52-bit VA, pointer auth/BTI/MTE set-up, SVE,
 * VHE (the kernel always runs at EL1), the EL2 stub for kexec/KVM.
 */
#define CurrentEL_EL2 (2 << 2)
#define SCTLR_EL1_MMU_OFF 0x30d00800	/* RES1 bits only: MMU, caches, alignment off */
#define SCTLR_EL1_MMU_ON 0x30d0180d	/* + M, C, SA, I */
#define HCR_EL2_RW (1 << 31)
#define SPSR_EL1h_DAIF 0x3c5
#define MAIR_EL1_VALUE 0x000000040044ffff	/* see asm/pgtable.h */
#define INIT_STACK_SIZE 16384

	.macro mov_q, reg, val
	movz	\reg, :abs_g3:\val
	movk	\reg, :abs_g2_nc:\val
	movk	\reg, :abs_g1_nc:\val
	movk	\reg, :abs_g0_nc:\val
	.endm

	.macro adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .head.text, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: load at a 2 MiB aligned base */
	.quad	_kernel_size		/* image_size, BSS included */
	.quad	0xa			/* flags: little endian, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* reserved */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* no PE/COFF header */

	.section .idmap.text, "ax"
	.global primary_entry
primary_entry:
	mov	x19, x0			/* DTB physical address */
	mrs	x20, CurrentEL
	lsr	x20, x20, #2		/* boot EL, reported later */
	bl	el2_setup		/* returns at EL1 */
	msr	spsel, #1
	adrp	x21, _text		/* physical base of the image */

	adrp	x0, __bss_start
	adrp	x1, __bss_stop
1:	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	1b

	adr_l	x0, init_stack
	add	sp, x0, #INIT_STACK_SIZE
	mov	x0, x21
	mov	x1, x19
	bl	__pi_create_init_page_tables

	adrp	x0, _text
	adrp	x1, _end
	bl	dcache_inval_poc

	bl	__cpu_setup
	adrp	x0, idmap_pg_dir
	adrp	x1, swapper_pg_dir
	bl	__enable_mmu
	ldr	x8, =__primary_switched
	br	x8

/*
 * Secondary CPUs, started by PSCI CPU_ON at this physical address with x0 = their
 * logical CPU number. The primary's tables are already complete; the identity map is
 * kept for this (as Linux's idmap_pg_dir) and dropped again once running high.
 */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	el2_setup
	msr	spsel, #1
	bl	__cpu_setup
	adrp	x0, idmap_pg_dir
	adrp	x1, swapper_pg_dir
	bl	__enable_mmu
	ldr	x8, =__secondary_switched
	br	x8

/* Leave EL2 for EL1 with the EL1 and timer configuration Linux's init_el2 sets up. */
el2_setup:
	mrs	x0, CurrentEL
	cmp	x0, #CurrentEL_EL2
	b.eq	1f
	mov_q	x0, SCTLR_EL1_MMU_OFF
	msr	sctlr_el1, x0
	isb
	ret
1:	mov_q	x0, HCR_EL2_RW		/* EL1 is AArch64; no traps, no stage 2 */
	msr	hcr_el2, x0
	mrs	x0, cnthctl_el2
	orr	x0, x0, #3		/* EL1PCTEN, EL1PCEN: EL1 may use the physical timer */
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mov	x0, #0x33ff		/* CPTR_EL2: no FP/SIMD traps */
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #24, #4		/* GIC system registers implemented? */
	cbz	x1, 5f
	mrs	x0, S3_4_C12_C9_5	/* ICC_SRE_EL2 */
	mov	x1, #9
	orr	x0, x0, x1		/* SRE, Enable: EL1 may use ICC_SRE_EL1 */
	msr	S3_4_C12_C9_5, x0
	isb
	msr	S3_4_C12_C11_0, xzr	/* ICH_HCR_EL2: no virtual CPU interface */
5:
	mrs	x1, id_aa64mmfr0_el1
	ubfx	x1, x1, #56, #4		/* FEAT_FGT: clear the fine-grained traps */
	cbz	x1, 2f
	msr	S3_4_C1_C1_4, xzr	/* HFGRTR_EL2 */
	msr	S3_4_C1_C1_5, xzr	/* HFGWTR_EL2 */
	msr	S3_4_C1_C1_6, xzr	/* HFGITR_EL2 */
	msr	S3_4_C3_C1_4, xzr	/* HDFGRTR_EL2 */
	msr	S3_4_C3_C1_5, xzr	/* HDFGWTR_EL2 */
2:	mrs	x1, id_aa64mmfr1_el1
	ubfx	x1, x1, #40, #4		/* FEAT_HCX */
	cbz	x1, 3f
	msr	S3_4_C1_C2_2, xzr	/* HCRX_EL2 */
3:	mov_q	x0, SCTLR_EL1_MMU_OFF
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1h_DAIF
	msr	spsr_el2, x0
	adr	x0, 4f
	msr	elr_el2, x0
	isb
	eret
4:	ret

/* MAIR, TCR (IPS from the CPU's PA range, at most 48 bits), FP/SIMD access. */
__cpu_setup:
	tlbi	vmalle1
	dsb	nsh
	mov	x0, #(3 << 20)		/* CPACR_EL1.FPEN */
	msr	cpacr_el1, x0
	msr	mdscr_el1, xzr
	mov_q	x0, MAIR_EL1_VALUE
	msr	mair_el1, x0
	mov_q	x0, 0xb5103510		/* TCR_EL1_BASE in asm/pgtable.h */
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #7
	mov	x2, #5
	cmp	x1, x2
	csel	x1, x2, x1, hi
	bfi	x0, x1, #32, #3
	msr	tcr_el1, x0
	isb
	ret

/* x0 = TTBR0 (identity map), x1 = TTBR1 (swapper). Returns with the MMU on. */
__enable_mmu:
	msr	ttbr0_el1, x0
	msr	ttbr1_el1, x1
	isb
	mov_q	x0, SCTLR_EL1_MMU_ON
	msr	sctlr_el1, x0
	isb
	ic	iallu			/* discard instructions fetched with the MMU off */
	dsb	nsh
	isb
	ret

/* Invalidate data cache lines to the point of coherency over [x0, x1). */
	.global dcache_inval_poc
dcache_inval_poc:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret
	.ltorg

	.text
__primary_switched:
	adr_l	x0, init_stack
	add	sp, x0, #INIT_STACK_SIZE
	mov	x29, xzr
	msr	tpidr_el1, xzr
	adr_l	x0, vectors
	msr	vbar_el1, x0
	isb
	mov	x0, x19			/* dtb_pa */
	mov	x1, x21			/* phys_base */
	mov	x2, x20			/* boot EL */
	bl	start_kernel
	b	.

__secondary_switched:
	adr_l	x0, vectors
	msr	vbar_el1, x0
	isb
	msr	tpidr_el1, x19
	adr_l	x1, secondary_stack_top
	ldr	x1, [x1, x19, lsl #3]
	mov	sp, x1
	mov	x29, xzr
	mov	x0, x19
	bl	secondary_start_kernel
	b	.

	.bss
	.balign	4096
	.global init_stack
init_stack:
	.skip	INIT_STACK_SIZE
