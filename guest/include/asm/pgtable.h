/*
 * Stage-1 translation table descriptors, 4 KiB granule, 48-bit VA, levels 0..3
 * (Linux: pgd/pud/pmd/pte). Bit positions: Arm ARM D8.3 (VMSAv8-64 descriptors).
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H
#include <types.h>

#define PTRS_PER_TABLE 512
#define LEVEL_SHIFT(l) (12 + 9 * (3 - (l)))	/* 39, 30, 21, 12 */
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))
#define LEVEL_INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & 511)
#define PMD_SIZE LEVEL_SIZE(2)
#define PUD_SIZE LEVEL_SIZE(1)

#define PTE_VALID (1UL << 0)
#define PTE_TABLE (1UL << 1)	/* table (levels 0..2) or page (level 3) */
#define PTE_TYPE_MASK 3UL
#define PTE_TYPE_BLOCK 1UL
#define PTE_TYPE_TABLE 3UL
#define PTE_TYPE_PAGE 3UL
#define PTE_ATTRINDX(i) ((u64)(i) << 2)
#define PTE_ATTRINDX_MASK (7UL << 2)
#define PTE_USER (1UL << 6)	/* AP[1]: EL0 access */
#define PTE_RDONLY (1UL << 7)	/* AP[2]: read only */
#define PTE_SHARED (3UL << 8)	/* SH: inner shareable */
#define PTE_AF (1UL << 10)
#define PTE_NG (1UL << 11)
#define PTE_DBM (1UL << 51)
#define PTE_CONT (1UL << 52)
#define PTE_PXN (1UL << 53)
#define PTE_UXN (1UL << 54)
#define PTE_ADDR_MASK 0x0000fffffffff000UL

/* MAIR_EL1 indexes, as Linux's MT_* */
#define MT_NORMAL 0
#define MT_NORMAL_TAGGED 1
#define MT_NORMAL_NC 2
#define MT_DEVICE_nGnRnE 3
#define MT_DEVICE_nGnRE 4
#define MAIR_EL1_VALUE (0xffUL << (8 * MT_NORMAL) | 0xffUL << (8 * MT_NORMAL_TAGGED) | \
	0x44UL << (8 * MT_NORMAL_NC) | 0x00UL << (8 * MT_DEVICE_nGnRnE) | \
	0x04UL << (8 * MT_DEVICE_nGnRE))

/* Page protections, after Linux's PAGE_KERNEL* */
#define PROT_NORMAL_BASE (PTE_VALID | PTE_AF | PTE_SHARED | PTE_ATTRINDX(MT_NORMAL))
#define PAGE_KERNEL (PROT_NORMAL_BASE | PTE_PXN | PTE_UXN)
#define PAGE_KERNEL_RO (PROT_NORMAL_BASE | PTE_RDONLY | PTE_PXN | PTE_UXN)
#define PAGE_KERNEL_ROX (PROT_NORMAL_BASE | PTE_RDONLY | PTE_UXN)
#define PAGE_KERNEL_EXEC (PROT_NORMAL_BASE | PTE_UXN)
#define PROT_DEVICE_nGnRE (PTE_VALID | PTE_AF | PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_PXN | PTE_UXN)

/* TCR_EL1: T0SZ=T1SZ=16, 4K granules, WBWA inner shareable walks; IPS set at run time. */
#define TCR_T0SZ(n) ((u64)(64 - (n)) << 0)
#define TCR_T1SZ(n) ((u64)(64 - (n)) << 16)
#define TCR_EPD0 (1UL << 7)
#define TCR_IRGN0_WBWA (1UL << 8)
#define TCR_ORGN0_WBWA (1UL << 10)
#define TCR_SH0_INNER (3UL << 12)
#define TCR_TG0_4K (0UL << 14)
#define TCR_IRGN1_WBWA (1UL << 24)
#define TCR_ORGN1_WBWA (1UL << 26)
#define TCR_SH1_INNER (3UL << 28)
#define TCR_TG1_4K (2UL << 30)
#define TCR_IPS_SHIFT 32
#define TCR_EL1_BASE (TCR_T0SZ(48) | TCR_T1SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | \
	TCR_SH0_INNER | TCR_TG0_4K | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K)

typedef u64 pte_t;	/* one descriptor at any level */
#endif
