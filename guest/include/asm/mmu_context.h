/*
 * ASIDs and switching TTBR0 (Linux: arch/arm64/include/asm/mmu_context.h,
 * arch/arm64/mm/context.c). User mappings are non-global (nG) and tagged with the
 * mm's ASID; kernel mappings are global. TTBR0_EL1 = ASID << 48 | pgd.
 */
#ifndef ASM_MMU_CONTEXT_H
#define ASM_MMU_CONTEXT_H
#include <types.h>
#include <linux/mm_types.h>

extern unsigned int asid_bits;		/* hardware: 8 or 16 */
#define ASID(mm) ((mm)->context.id & 0xffffUL)
void asids_init(void);
void cpu_asid_init(void);		/* every CPU: TCR_EL1.AS for 16-bit ASIDs */
void check_and_switch_context(struct mm_struct *mm);
void cpu_set_reserved_ttbr0(void);
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
/* Tests: use only 2^bits - 1 ASIDs from now on (rollover forced); 0 restores. */
void asid_set_limit_bits(unsigned int bits);
unsigned long asid_generation_count(void);
unsigned long asid_limit(void);

/* User TLB maintenance by ASID and VA, inner shareable (asm/tlbflush.h). */
void flush_tlb_page(struct mm_struct *mm, unsigned long va);		/* leaf */
void flush_tlb_page_nosync(struct mm_struct *mm, unsigned long va);	/* no DSB after */
void flush_tlb_table(struct mm_struct *mm, unsigned long va);		/* walk caches too */
void flush_tlb_mm(struct mm_struct *mm);
#endif
