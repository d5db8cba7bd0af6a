/*
 * Kernel page tables after boot (Linux: arch/arm64/mm/mmu.c, pageattr.c, tlbflush.h):
 * mapping and unmapping ranges of swapper_pg_dir, break-before-make, TLB maintenance,
 * the linear map of all RAM (paging_init) and the removal of the identity map.
 *
 * Break-before-make (Arm ARM D8.16.1): a valid entry is replaced by another valid one
 * only through pte_break() then pte_make(), unless only permission bits change, which
 * the architecture allows in place (followed by a TLBI).
 * Table pages come from a static pool while the linear map is being built, then from
 * memblock, then from the buddy allocator (pgtable_alloc()).
 * Left out from Linux: contiguous-bit mappings, splitting blocks on permission changes
 * (set_memory_*), rodata=full for the linear alias of the image, KPTI, hotplug,
 * freeing empty intermediate tables on unmap, ASIDs (kernel entries are global).
 */
#include <kernel.h>
#include <string.h>
#include <asm/sysreg.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <linux/memblock.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

u64 kimage_voffset;
u64 memstart_addr;
phys_addr_t kimage_phys_base;

#define EARLY_PGTABLE_PAGES 32
static pte_t early_pgtable_pool[EARLY_PGTABLE_PAGES][PTRS_PER_TABLE] __aligned(4096);
static unsigned int early_pgtable_used;
static enum { PGALLOC_STATIC, PGALLOC_MEMBLOCK, PGALLOC_BUDDY } pgalloc_phase;
unsigned long nr_kernel_pgtables;	/* table pages taken from the buddy allocator */

void pte_break(pte_t *ptep, u64 va, int level)
{
	u64 op = (va >> PAGE_SHIFT) & ((1UL << 44) - 1);

	WRITE_ONCE(*ptep, 0);
	dsb(ishst);
	if (level == 3)
		__asm__ volatile("tlbi vaale1is, %0" ::"r"(op));
	else	/* a block or table: invalidate cached walks too */
		__asm__ volatile("tlbi vaae1is, %0" ::"r"(op));
	dsb(ish);
	isb();
}

void pte_make(pte_t *ptep, pte_t new)
{
	WRITE_ONCE(*ptep, new);
	dsb(ishst);
	isb();
}

void flush_tlb_kernel_range(u64 start, u64 end)
{
	dsb(ishst);
	if ((end - start) >> PAGE_SHIFT > 512) {
		flush_tlb_all();
		return;
	}
	for (u64 va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		__asm__ volatile("tlbi vaale1is, %0" ::"r"((va >> PAGE_SHIFT) & ((1UL << 44) - 1)));
	dsb(ish);
	isb();
}

void flush_tlb_all(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}

pte_t *table_va(phys_addr_t pa)
{
	if (pa >= kimage_phys_base && pa < kimage_phys_base + (u64)(_end - _text))
		return (pte_t *)(pa + kimage_voffset);
	return (pte_t *)__va(pa);
}

static phys_addr_t pgtable_alloc(void)
{
	phys_addr_t pa = 0;

	switch (pgalloc_phase) {
	case PGALLOC_STATIC:
		if (early_pgtable_used >= EARLY_PGTABLE_PAGES)
			panic("mmu: early page-table pool exhausted (%d pages)", EARLY_PGTABLE_PAGES);
		return __pa_symbol(early_pgtable_pool[early_pgtable_used++]);
	case PGALLOC_MEMBLOCK:
		pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
		break;
	case PGALLOC_BUDDY: {
		struct page *page = alloc_page(GFP_KERNEL);
		pa = page ? page_to_phys(page) : 0;
		if (page)	/* kept for good (vmalloc, ioremap): counted for leak checks */
			__atomic_add_fetch(&nr_kernel_pgtables, 1, __ATOMIC_RELAXED);
		break;
	}
	}
	if (pa)
		memset(__va(pa), 0, PAGE_SIZE);
	return pa;
}

/* Install a leaf entry: in place if only permissions change, else break-before-make.
 * Not inlined, so that the sanitizer's reports name it. */
static __attribute__((noinline)) void set_leaf(pte_t *ptep, u64 va, int level, pte_t new)
{
	pte_t old = READ_ONCE(*ptep);
	const u64 perm = PTE_RDONLY | PTE_PXN | PTE_UXN | PTE_USER | PTE_DBM;

	if (old == new)
		return;
	if ((old & PTE_VALID) && ((old ^ new) & ~perm) == 0) {
		WRITE_ONCE(*ptep, new);
		flush_tlb_kernel_range(va, va + PAGE_SIZE);
		return;
	}
#ifndef PLANT_BUG_SKIP_BBM_KERNEL	/* guest-bug-skip-bbm-kernel.img: new over old, no TLBI */
	if (old & PTE_VALID)
		pte_break(ptep, va, level);
#endif
	pte_make(ptep, new);
}

static int map_level(pte_t *table, int level, u64 va, u64 end, phys_addr_t pa, u64 prot,
		     unsigned int flags)
{
	while (va < end) {
		u64 size = LEVEL_SIZE(level);
		u64 next = min(ALIGN_DOWN(va, size) + size, end);
		pte_t *ptep = &table[LEVEL_INDEX(va, level)];
		pte_t e = READ_ONCE(*ptep);
		bool block_ok = (flags & MAP_BLOCKS) && (level == 1 || level == 2) &&
				next - va == size && IS_ALIGNED(pa, size);

		if (level == 3 || (block_ok && (e & PTE_TYPE_MASK) != PTE_TYPE_TABLE)) {
			u64 type = level == 3 ? PTE_TYPE_PAGE : PTE_TYPE_BLOCK;
			set_leaf(ptep, va, level, (pa & PTE_ADDR_MASK) | prot | type);
		} else {
			if (!(e & PTE_VALID)) {
				phys_addr_t t = pgtable_alloc();
				if (!t)
					return -12; /* -ENOMEM: the range is partly mapped */
				pte_make(ptep, t | PTE_TYPE_TABLE);
				e = t | PTE_TYPE_TABLE;
			} else if ((e & PTE_TYPE_MASK) != PTE_TYPE_TABLE) {
				panic("mmu: mapping %lx would split a block at level %d", va, level);
			}
			int ret = map_level(table_va(e & PTE_ADDR_MASK), level + 1, va, next, pa,
					    prot, flags);
			if (ret)
				return ret;
		}
		pa += next - va;
		va = next;
	}
	return 0;
}

/* init_mm.page_table_lock: serialises changes to swapper_pg_dir between CPUs */
static DEFINE_SPINLOCK(kernel_pgtable_lock);

int kernel_map_range(u64 va, phys_addr_t pa, u64 size, u64 prot, unsigned int flags)
{
	BUG_ON(!IS_ALIGNED(va | pa | size, PAGE_SIZE));
	spin_lock(&kernel_pgtable_lock);
	int ret = map_level(swapper_pg_dir, 0, va, va + size, pa, prot, flags);
	spin_unlock(&kernel_pgtable_lock);
	return ret;
}

void kernel_unmap_range(u64 va, u64 size)
{
	spin_lock(&kernel_pgtable_lock);
	for (u64 end = va + size; va < end; va += PAGE_SIZE) {
		int level;
		pte_t *ptep = kernel_walk(va, &level);
		if (!ptep)
			continue;
		BUG_ON(level != 3);	/* unmapping part of a block is not supported */
		WRITE_ONCE(*ptep, 0);
	}
	flush_tlb_kernel_range(va - size, va);
	spin_unlock(&kernel_pgtable_lock);
}

pte_t *kernel_walk(u64 va, int *level)
{
	pte_t *table = swapper_pg_dir;

	for (int l = 0; l <= 3; l++) {
		pte_t *ptep = &table[LEVEL_INDEX(va, l)];
		pte_t e = READ_ONCE(*ptep);
		if (!(e & PTE_VALID))
			return NULL;
		if (l == 3 || (e & PTE_TYPE_MASK) == PTE_TYPE_BLOCK) {
			*level = l;
			return ptep;
		}
		table = table_va(e & PTE_ADDR_MASK);
	}
	return NULL;
}

/* Point TTBR0 at an empty table: nothing below the TTBR1 range is mapped any more. */
void cpu_uninstall_idmap(void)
{
	write_sysreg(__pa_symbol(reserved_pg_dir), ttbr0_el1);
	isb();
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
}

/* The linear map: every memblock memory region at PAGE_OFFSET + (pa - memstart_addr). */
void paging_init(void)
{
	struct memblock_region *r;

	memstart_addr = ALIGN_DOWN(memblock_start_of_DRAM(), SZ_1G);
	for_each_mem_region(r) {
		if (r->flags & MEMBLOCK_NOMAP)
			continue;
		u64 va = (u64)__va(r->base);
		int ret = kernel_map_range(va, r->base, r->size, PAGE_KERNEL, MAP_BLOCKS);
		if (ret)
			panic("paging_init: cannot map RAM %lx-%lx (%d)", r->base,
			      r->base + r->size, ret);
	}
	pgalloc_phase = PGALLOC_MEMBLOCK;
	cpu_uninstall_idmap();
}

void mmu_buddy_ready(void)
{
	pgalloc_phase = PGALLOC_BUDDY;
}
