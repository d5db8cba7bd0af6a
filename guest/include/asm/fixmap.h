/*
 * Fixmap: compile-time virtual addresses below FIXADDR_TOP for mappings needed before
 * (or outside of) the linear map: the device tree, the console UART, the vmm exit
 * register, and a temporary slot. Slot i is at FIXADDR_TOP - i * PAGE_SIZE; the DTB
 * window (up to 2 MiB + one page) occupies FIX_FDT_END..FIX_FDT, growing upwards.
 * Its page tables (fixmap_pud/pmd/pte) are static, so setting a slot never allocates.
 */
#ifndef ASM_FIXMAP_H
#define ASM_FIXMAP_H
#include <types.h>
#include <asm/memory.h>
#include <asm/pgtable.h>

enum fixed_addresses {
	FIX_HOLE,
	FIX_EARLYCON_MEM_BASE,
	FIX_VMM_EXIT,
	FIX_PTE,		/* temporary mapping of any physical page */
	FIX_FDT_END,
	FIX_FDT = FIX_FDT_END + (0x200000 / 4096) + 1 - 1,
	__end_of_fixed_addresses
};
#define FIX_FDT_SIZE (0x200000UL + 4096)
#define __fix_to_virt(x) (FIXADDR_TOP - ((u64)(x) << PAGE_SHIFT))
#define FIXMAP_PTE_TABLES 2	/* 4 MiB of fixmap */

extern pte_t fixmap_pud[PTRS_PER_TABLE], fixmap_pmd[PTRS_PER_TABLE];
extern pte_t fixmap_pte[FIXMAP_PTE_TABLES][PTRS_PER_TABLE];

void __set_fixmap(enum fixed_addresses idx, phys_addr_t pa, u64 prot);
void *set_fixmap_offset(enum fixed_addresses idx, phys_addr_t pa, u64 prot);
void clear_fixmap(enum fixed_addresses idx);
void *fixmap_fdt(phys_addr_t dtb_pa);
#endif
