/*
 * Setting up struct pages and zones (Linux: mm/mm_init.c, mm/sparse-vmemmap.c and
 * __setup_per_zone_wmarks/zone_batchsize from mm/page_alloc.c).
 *  - vmemmap: the struct page array at VMEMMAP_START - memstart_addr's pfn (arm64's
 *    vmemmap), backed section by section (128 MiB of RAM, 2 MiB of struct pages) with
 *    2 MiB blocks from memblock, 4 KiB pages where no block is left;
 *  - zones DMA32 and NORMAL split at dma32_phys_limit (default 4 GiB as Linux; the
 *    command line "dma32_limit=<phys addr>" moves it, to test fallback on small RAM);
 *  - watermarks and lowmem_reserve computed with Linux's formulas.
 *  - the dma32 limit is rounded down to a page when parsed; the zones, the page tags and
 *    memblock's boot-time split all compare page numbers;
 *  - pcp batch (zone_batchsize) and high (zone_highsize, from the low watermark).
 * Left out from Linux: the mem_section array and its bitmaps (sections here only size
 * what vmemmap maps), deferred init, hotplug, ZONE_DMA/MOVABLE/DEVICE, watermark boost,
 * percpu_pagelist_high_fraction.
 */
#include <kernel.h>
#include <string.h>
#include <cmdline.h>
#include <smp.h>
#include <asm/mmu.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

struct page *vmemmap = (struct page *)VMEMMAP_START;	/* set by free_area_init */
unsigned long min_low_pfn, max_pfn;
unsigned long min_free_kbytes;
phys_addr_t dma32_phys_limit = 0x100000000UL;

static const unsigned int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 32 };
static const unsigned int watermark_scale_factor = 10;

bool pfn_valid(unsigned long pfn)
{
	return pfn >= min_low_pfn && pfn < max_pfn && memblock_is_memory(PFN_PHYS(pfn));
}

/*
 * Back the struct pages of [start_pfn, end_pfn) (Linux: sparse-vmemmap and arm64's
 * vmemmap_populate): whole sections at a time, each 2 MiB of the array (the struct
 * pages of one 128 MiB section) with one 2 MiB block from memblock mapped as a level-2
 * block; 4 KiB pages only where no 2 MiB block is left (vmemmap_populate_basepages).
 */
#define SECTION_SIZE_BITS 27
#define PAGES_PER_SECTION (1UL << (SECTION_SIZE_BITS - PAGE_SHIFT))
static void vmemmap_populate(unsigned long start_pfn, unsigned long end_pfn)
{
	u64 start = (u64)pfn_to_page(ALIGN_DOWN(start_pfn, PAGES_PER_SECTION));
	u64 end = (u64)pfn_to_page(ALIGN(end_pfn, PAGES_PER_SECTION));

	for (u64 va = start, next; va < end; va = next) {
		int level;
		next = min(ALIGN_DOWN(va, SZ_2M) + SZ_2M, end);
		if (kernel_walk(va, &level) && level == 2)
			continue;	/* shared with the previous region */
		phys_addr_t pa = next - va == SZ_2M && !kernel_walk(va, &level) ?
				 memblock_phys_alloc(SZ_2M, SZ_2M) : 0;
		if (pa) {
			if (kernel_map_range(va, pa, SZ_2M, PAGE_KERNEL, MAP_BLOCKS))
				panic("vmemmap: no page table for %lx", va);
			memset((void *)va, 0, SZ_2M);
			continue;
		}
		for (u64 v = va; v < next; v += PAGE_SIZE) {
			if (kernel_walk(v, &level))
				continue;
			pa = memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
			if (!pa || kernel_map_range(v, pa, PAGE_SIZE, PAGE_KERNEL, 0))
				panic("vmemmap: out of memory for struct pages at %lx", v);
			memset((void *)v, 0, PAGE_SIZE);
		}
	}
}

static void memmap_init_range(unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long dma32_end_pfn = PHYS_PFN(dma32_phys_limit);

	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *p = pfn_to_page(pfn);
		int zone = pfn < dma32_end_pfn ? ZONE_DMA32 : ZONE_NORMAL;
		memset(p, 0, sizeof(*p));
		p->flags = (1UL << PG_reserved) | ((unsigned long)zone << ZONES_SHIFT);
		INIT_LIST_HEAD(&p->lru);
	}
}

static void zone_init(struct zone *z, unsigned long start, unsigned long end)
{
	z->zone_start_pfn = start;
	z->spanned_pages = end > start ? end - start : 0;
	spin_lock_init(&z->lock);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (int i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&z->pcp[cpu].lists[i]);
	if (!z->spanned_pages)
		return;
	unsigned long blocks = ((end - 1) >> pageblock_order) - (start >> pageblock_order) + 1;
	phys_addr_t pa = memblock_phys_alloc(blocks, 8);
	if (!pa)
		panic("free_area_init: no memory for pageblock flags");
	z->pageblock_mt = __va(pa);
	memset(z->pageblock_mt, MIGRATE_MOVABLE, blocks);	/* as memmap_init */
}

void free_area_init(void)
{
	struct memblock_region *r;
	char arg[32];

	/* Rounded down to a page once, here: the zone spans, the page tags and memblock's
	 * split of the boot-time blocks all use its page number (Linux: PFN_DOWN of
	 * max_zone_phys()), so the page that straddles an unaligned limit is Normal's. */
	if (cmdline_get("dma32_limit", arg, sizeof(arg)))
		dma32_phys_limit = ALIGN_DOWN(simple_strtoul(arg, NULL, 0), PAGE_SIZE);
	/* arm64: vmemmap is offset by the start of RAM (memstart_addr, 1 GiB aligned), so
	 * that VMEMMAP_START holds the struct page of the first pfn of RAM's gigabyte */
	vmemmap = (struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT);
	min_low_pfn = PHYS_PFN(memblock_start_of_DRAM());
	max_pfn = PHYS_PFN(memblock_end_of_DRAM());
	for_each_mem_region(r) {
		vmemmap_populate(PHYS_PFN(r->base), PHYS_PFN(r->base + r->size));
		memmap_init_range(PHYS_PFN(r->base), PHYS_PFN(r->base + r->size));
	}
	unsigned long limit = max(min(PHYS_PFN(dma32_phys_limit), max_pfn), min_low_pfn);
	zone_init(&zones[ZONE_DMA32], min_low_pfn, limit);
	zone_init(&zones[ZONE_NORMAL], limit, max_pfn);
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static int zone_batchsize(struct zone *z)
{
	unsigned long batch = min(z->managed_pages >> 10, SZ_1M / PAGE_SIZE) / 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	unsigned long p2 = 1;
	while (p2 * 2 <= batch)
		p2 *= 2;
	return p2 > 1 ? (int)p2 - 1 : 1;
}

/* zone_highsize: the low watermark shared by the CPUs (so that full pcp lists do not
 * push the zone below it), at least 4 batches. */
static int zone_highsize(struct zone *z, int batch, unsigned int cpus)
{
	return max((int)(low_wmark_pages(z) / cpus), batch << 2);
}

/* zone_pcp_update for every zone: batch and high with the CPUs online (Linux recomputes
 * high as each CPU comes online; here at boot and again after smp_init). */
void zone_pcp_update_all(void)
{
	struct zone *z;

	for_each_populated_zone(z) {
		int batch = zone_batchsize(z);
		int high = zone_highsize(z, batch, nr_cpus_online);
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			WRITE_ONCE(z->pcp[cpu].batch, batch);
			WRITE_ONCE(z->pcp[cpu].high, high);
		}
	}
}

/* init_per_zone_wmark_min + __setup_per_zone_wmarks + setup_per_zone_lowmem_reserve */
void setup_per_zone_wmarks(void)
{
	unsigned long lowmem_pages = 0;
	struct zone *z;

	for_each_populated_zone(z)
		lowmem_pages += z->managed_pages;
	min_free_kbytes = int_sqrt(lowmem_pages * (PAGE_SIZE >> 10) * 16);
	min_free_kbytes = min(max(min_free_kbytes, 128UL), 262144UL);
	unsigned long pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);

	for_each_populated_zone(z) {
		unsigned long tmp = pages_min * z->managed_pages / lowmem_pages;
		z->_watermark[WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, z->managed_pages * watermark_scale_factor / 10000);
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + tmp;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_MIN] + tmp * 2;
	}
	zone_pcp_update_all();
	/* a lower zone keeps back managed(higher zones) / ratio from allocations that could
	 * have used a higher zone */
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		unsigned long above = 0;
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			above += zones[j].managed_pages;
			zones[i].lowmem_reserve[j] = populated_zone(&zones[i]) ?
				above / lowmem_reserve_ratio[i] : 0;
		}
	}
}
