/*
 * Bringing the memory-management stack up, in Linux's order (init/main.c mm_core_init,
 * arch/arm64/mm/init.c mem_init): struct pages and zones, memblock handing its free
 * pages to the buddy allocator, watermarks, then slab and vmalloc; and the boot-time
 * summary of memory and of the virtual layout, in the format of Linux's mem_init.
 */
#include <kernel.h>
#include <asm/fixmap.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <linux/memblock.h>
#include <linux/cma.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

void mmu_buddy_ready(void);

#define MLK(b, t) (b), (t), (((t) - (b)) >> 10)
#define MLM(b, t) (b), (t), (((t) - (b)) >> 20)
#define MLG(b, t) (b), (t), (((t) - (b)) >> 30)

static void mem_init_print_info(unsigned long physpages)
{
	u64 codesize = _etext - _stext, rosize = __end_rodata - __start_rodata;
	u64 datasize = _edata - _sdata, bss = __bss_stop - __bss_start;
	unsigned long managed = 0;
	struct zone *z;

	for_each_populated_zone(z)
		managed += z->managed_pages;
	printk("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, "
	       "%luK bss, %luK reserved)\n", managed << (PAGE_SHIFT - 10),
	       physpages << (PAGE_SHIFT - 10), codesize >> 10, datasize >> 10, rosize >> 10,
	       bss >> 10, (physpages - managed) << (PAGE_SHIFT - 10));
	printk("Virtual kernel memory layout:\n");
	printk("    vmalloc : 0x%016lx - 0x%016lx   (%6lu GB)\n", MLG(VMALLOC_START, VMALLOC_END));
	printk("    fixed   : 0x%016lx - 0x%016lx   (%6lu KB)\n", MLK(FIXADDR_START, FIXADDR_TOP));
	printk("    vmemmap : 0x%016lx - 0x%016lx   (%6lu GB maximum)\n",
	       MLG(VMEMMAP_START, VMEMMAP_END));
	printk("              0x%016lx - 0x%016lx   (%6lu MB actual)\n",
	       MLM((u64)pfn_to_page(min_low_pfn), (u64)pfn_to_page(max_pfn)));
	printk("    memory  : 0x%016lx - 0x%016lx   (%6lu MB)\n",
	       MLM((u64)__va(PFN_PHYS(min_low_pfn)), (u64)__va(PFN_PHYS(max_pfn))));
	printk("    modules : (none: no loadable modules)\n");
	printk("    .text   : 0x%016lx - 0x%016lx   (%6lu KB)\n", MLK((u64)_stext, (u64)_etext));
	printk("    .rodata : 0x%016lx - 0x%016lx   (%6lu KB)\n",
	       MLK((u64)__start_rodata, (u64)__end_rodata));
	printk("    .data   : 0x%016lx - 0x%016lx   (%6lu KB)\n", MLK((u64)_sdata, (u64)_edata));
	printk("    .bss    : 0x%016lx - 0x%016lx   (%6lu KB)\n",
	       MLK((u64)__bss_start, (u64)__bss_stop));
}

static void print_zones(void)
{
	struct zone *z;

	printk("Zone ranges (dma32 limit %#lx):\n", dma32_phys_limit);
	for (z = zones; z < zones + MAX_NR_ZONES; z++) {
		if (!z->spanned_pages) {
			printk("  %-6s   empty\n", z->name);
			continue;
		}
		printk("  %-6s   [mem %#014lx-%#014lx] managed %lu pages, watermarks min %lu low %lu "
		       "high %lu, lowmem_reserve %lu/%lu, pcp batch %d high %d\n", z->name,
		       PFN_PHYS(z->zone_start_pfn), PFN_PHYS(z->zone_start_pfn + z->spanned_pages) - 1,
		       z->managed_pages, min_wmark_pages(z), low_wmark_pages(z), high_wmark_pages(z),
		       z->lowmem_reserve[0], z->lowmem_reserve[1], z->pcp[0].batch, z->pcp[0].high);
	}
	printk("min_free_kbytes %lu\n", min_free_kbytes);
}

void mm_core_init(void)
{
	u64 physpages = memblock_phys_mem_size() >> PAGE_SHIFT;

	free_area_init();
	memblock_free_all();
	cma_init_reserved_areas();
	mmu_buddy_ready();
	setup_per_zone_wmarks();
	mem_init_print_info(physpages);
	print_zones();
	show_buddyinfo();
	kmem_cache_init();
	vmalloc_init();
}
