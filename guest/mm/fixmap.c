/*
 * Fixmap slots (Linux: arch/arm64/mm/fixmap.c). The tables are static and were linked
 * into swapper_pg_dir by mm/pi_map.c, so a slot is set by writing one level-3 entry.
 * Changing a valid slot goes through break-before-make (mm/mmu.c).
 * Left out from Linux: early_ioremap slots, the text-poke and entry-trampoline slots.
 */
#include <kernel.h>
#include <asm/fixmap.h>
#include <asm/mmu.h>

pte_t fixmap_pud[PTRS_PER_TABLE] __aligned(4096);
pte_t fixmap_pmd[PTRS_PER_TABLE] __aligned(4096);
pte_t fixmap_pte[FIXMAP_PTE_TABLES][PTRS_PER_TABLE] __aligned(4096);

static pte_t *fixmap_ptep(enum fixed_addresses idx)
{
	u64 slot = (__fix_to_virt(idx) - FIXADDR_START) >> PAGE_SHIFT;
	BUG_ON(idx >= __end_of_fixed_addresses);
	return &fixmap_pte[slot / PTRS_PER_TABLE][slot % PTRS_PER_TABLE];
}

void __set_fixmap(enum fixed_addresses idx, phys_addr_t pa, u64 prot)
{
	u64 va = __fix_to_virt(idx);
	pte_t *ptep = fixmap_ptep(idx);

	if (*ptep & PTE_VALID)
		pte_break(ptep, va, 3);
	if (prot)
		pte_make(ptep, (pa & PTE_ADDR_MASK) | prot | PTE_TYPE_PAGE);
}

void *set_fixmap_offset(enum fixed_addresses idx, phys_addr_t pa, u64 prot)
{
	__set_fixmap(idx, pa, prot);
	return (void *)(__fix_to_virt(idx) + (pa & ~PAGE_MASK));
}

void clear_fixmap(enum fixed_addresses idx)
{
	__set_fixmap(idx, 0, 0);
}

void *fixmap_fdt(phys_addr_t dtb_pa)
{
	return (void *)(__fix_to_virt(FIX_FDT) + (dtb_pa & ~PAGE_MASK));
}
