/*
 * Kernel page-table operations (mm/mmu.c). All changes to a live entry go through
 * pte_break() (invalid entry, DSB, broadcast TLBI, DSB) and pte_make() (write the new
 * entry, DSB, ISB): nowhere else writes a valid entry over a valid one.
 */
#ifndef ASM_MMU_H
#define ASM_MMU_H
#include <types.h>
#include <asm/pgtable.h>

extern pte_t idmap_pg_dir[], swapper_pg_dir[], reserved_pg_dir[];

void pte_break(pte_t *ptep, u64 va, int level);
void pte_make(pte_t *ptep, pte_t new);
void flush_tlb_kernel_range(u64 start, u64 end);
void flush_tlb_all(void);

#define MAP_BLOCKS 1	/* allow 1 GiB / 2 MiB block entries */
int kernel_map_range(u64 va, phys_addr_t pa, u64 size, u64 prot, unsigned int flags);
void kernel_unmap_range(u64 va, u64 size);
/* The last valid entry on the walk of va, its level in *level; NULL if none. */
pte_t *kernel_walk(u64 va, int *level);
pte_t *table_va(phys_addr_t pa);
void cpu_uninstall_idmap(void);
void paging_init(void);
void mm_core_init(void);

#endif
