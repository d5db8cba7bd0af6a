/*
 * Boot page tables, built with the MMU off (Linux: arch/arm64/kernel/pi/map_kernel.c
 * and map_range.c). This file runs at the physical load address before the MMU is on:
 * every global is reached PC-relatively, so its address here is its physical address,
 * and every access is a Device access (the build gives it -mstrict-align and forbids
 * implicit memset/memcpy calls). Nothing here may call code outside this file.
 *
 * Built here:
 *   idmap_pg_dir (TTBR0): the kernel text at VA == PA, to survive turning the MMU on.
 *   swapper_pg_dir (TTBR1): the kernel image at KIMAGE_VADDR, text RX, rodata R,
 *   data/bss RW+XN; the fixmap tables, with the device tree mapped at FIX_FDT.
 * Intermediate tables come from init_pg_pool in BSS. Only 4 KiB pages are used.
 * Left out from Linux: KASLR, relocation, block and contiguous mappings of the image,
 * LPA2 and 5-level/52-bit layouts, mapping the image twice for KPTI/BTI.
 */
#include <kernel.h>
#include <asm/memory.h>
#include <asm/pgtable.h>
#include <asm/fixmap.h>

#define INIT_PG_POOL_PAGES 24

pte_t idmap_pg_dir[PTRS_PER_TABLE] __aligned(4096);
pte_t swapper_pg_dir[PTRS_PER_TABLE] __aligned(4096);
pte_t reserved_pg_dir[PTRS_PER_TABLE] __aligned(4096);	/* empty TTBR0 after boot */
static pte_t init_pg_pool[INIT_PG_POOL_PAGES][PTRS_PER_TABLE] __aligned(4096);
static unsigned int init_pg_pool_used;

static pte_t *pi_alloc_table(void)
{
	if (init_pg_pool_used >= INIT_PG_POOL_PAGES)
		for (;;)	/* no console yet: hang visibly in a debugger */
			__asm__ volatile("wfe");
	return init_pg_pool[init_pg_pool_used++];
}

/* Map [va, va+size) to pa with 4 KiB pages; tables are addressed physically. */
static void pi_map_range(pte_t *pgd, u64 va, u64 pa, u64 size, u64 prot)
{
	u64 end = va + size;

	for (; va < end; va += PAGE_SIZE, pa += PAGE_SIZE) {
		pte_t *table = pgd;
		for (int level = 0; level < 3; level++) {
			pte_t *entry = &table[LEVEL_INDEX(va, level)];
			if (!(*entry & PTE_VALID)) {
				pte_t *next = pi_alloc_table();
				*entry = (u64)next | PTE_TYPE_TABLE;
			}
			table = (pte_t *)(*entry & PTE_ADDR_MASK);
		}
		table[LEVEL_INDEX(va, 3)] = (pa & PTE_ADDR_MASK) | prot | PTE_TYPE_PAGE;
	}
}

static u32 pi_be32(const void *p)
{
	u32 v = *(const volatile u32 *)p;
	return __builtin_bswap32(v);
}

static void pi_map_fdt(u64 dtb_pa)
{
	u64 base = dtb_pa & PAGE_MASK;
	u64 size = FIX_FDT_SIZE - PAGE_SIZE;

	if (dtb_pa == 0 || (dtb_pa & 7) || pi_be32((void *)dtb_pa) != 0xd00dfeed)
		return;	/* start_kernel reports the bad pointer */
	size = pi_be32((char *)dtb_pa + 4);	/* totalsize */
	if (size > FIX_FDT_SIZE - PAGE_SIZE)
		size = FIX_FDT_SIZE - PAGE_SIZE;
	size = (dtb_pa - base + size + PAGE_SIZE - 1) & PAGE_MASK;
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		u64 va = __fix_to_virt(FIX_FDT) + off;
		u64 slot = (va - FIXADDR_START) >> PAGE_SHIFT;
		fixmap_pte[slot / PTRS_PER_TABLE][slot % PTRS_PER_TABLE] =
			(base + off) | PAGE_KERNEL_RO | PTE_TYPE_PAGE;
	}
}

static void pi_link_fixmap(void)
{
	pte_t *pud = fixmap_pud, *pmd = fixmap_pmd;

	swapper_pg_dir[LEVEL_INDEX(FIXADDR_START, 0)] = (u64)pud | PTE_TYPE_TABLE;
	pud[LEVEL_INDEX(FIXADDR_START, 1)] = (u64)pmd | PTE_TYPE_TABLE;
	for (int i = 0; i < FIXMAP_PTE_TABLES; i++)
		pmd[LEVEL_INDEX(FIXADDR_START, 2) + i] = (u64)fixmap_pte[i] | PTE_TYPE_TABLE;
}

void __pi_create_init_page_tables(u64 phys_base, u64 dtb_pa)
{
	/* Runtime physical addresses; link addresses are KIMAGE_VADDR + (pa - phys_base). */
	u64 text = (u64)_text, etext = (u64)_etext;
	u64 rodata = (u64)__start_rodata, erodata = (u64)__end_rodata;
	u64 data = (u64)_sdata, end = (u64)_end;
#define KVA(pa) (KIMAGE_VADDR + ((pa) - phys_base))

	pi_map_range(idmap_pg_dir, text, text, etext - text, PAGE_KERNEL_ROX);
	pi_map_range(swapper_pg_dir, KVA(text), text, etext - text, PAGE_KERNEL_ROX);
	pi_map_range(swapper_pg_dir, KVA(rodata), rodata, erodata - rodata, PAGE_KERNEL_RO);
	pi_map_range(swapper_pg_dir, KVA(data), data, end - data, PAGE_KERNEL);
	pi_link_fixmap();
	pi_map_fdt(dtb_pa);
}
