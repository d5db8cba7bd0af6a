/*
 * Zones, free areas and per-CPU page lists (Linux: include/linux/mmzone.h).
 * One node; zones DMA32 (below the dma32 limit, 4 GiB unless dma32_limit= says
 * otherwise) and NORMAL (the rest); either may be empty.
 */
#ifndef LINUX_MMZONE_H
#define LINUX_MMZONE_H
#include <types.h>
#include <setup.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define pageblock_order 9
#define pageblock_nr_pages (1UL << pageblock_order)

enum migratetype { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE,
		   MIGRATE_PCPTYPES,		/* the types with pcp lists */
		   MIGRATE_CMA = MIGRATE_PCPTYPES,	/* CMA pageblocks: movable allocations only */
		   MIGRATE_ISOLATE,		/* being taken by alloc_contig_range */
		   MIGRATE_TYPES };
static inline bool is_migrate_cma(int mt) { return mt == MIGRATE_CMA; }
static inline bool is_migrate_isolate(int mt) { return mt == MIGRATE_ISOLATE; }
enum zone_type { ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;		/* blocks of this order, all types */
};

/* pcp lists: orders 0..PAGE_ALLOC_COSTLY_ORDER, one list per order and migratetype */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
struct per_cpu_pages {
	spinlock_t lock;		/* taken by the owner, and by a remote drain */
	int count;			/* pages (not blocks) on the lists */
	int high, batch;
	struct list_head lists[NR_PCP_LISTS];	/* index order * MIGRATE_PCPTYPES + mt */
};

struct zone {
	const char *name;
	unsigned long zone_start_pfn, spanned_pages, present_pages, managed_pages;
	unsigned long _watermark[NR_WMARK];
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	unsigned long free_pages;	/* NR_FREE_PAGES: in the buddy lists, not on pcp */
	unsigned long nr_free_cma;	/* NR_FREE_CMA_PAGES: of those, in CMA pageblocks */
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	struct per_cpu_pages pcp[NR_CPUS];
	u8 *pageblock_mt;		/* migratetype of each pageblock */
};

extern struct zone zones[MAX_NR_ZONES];
extern unsigned long min_free_kbytes;
extern phys_addr_t dma32_phys_limit;

/* Allocation flags (Linux 6.1: mm/internal.h). */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_WMARK_MASK 3u
#define ALLOC_NO_WATERMARKS 0x04u	/* PF_MEMALLOC: reclaimers use the reserves */
#define ALLOC_HARDER 0x10u	/* __GFP_ATOMIC: a quarter below the (lowered) min */
#define ALLOC_HIGH 0x20u	/* __GFP_HIGH: half of min */
#define ALLOC_CMA 0x80u		/* movable: CMA pageblocks may be used */
#define ALLOC_NOFRAGMENT 0x100u	/* do not steal another type's pageblock: next zone first */

#define min_wmark_pages(z) ((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z) ((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z) ((z)->_watermark[WMARK_HIGH])
static inline bool populated_zone(const struct zone *z) { return z->managed_pages != 0; }
#define for_each_populated_zone(z) \
	for (z = zones; z < zones + MAX_NR_ZONES; z++) if (populated_zone(z))

struct page;
void free_area_init(void);
int get_pageblock_migratetype(const struct page *page);
unsigned long nr_free_pages(void);		/* buddy lists only */
unsigned long nr_free_pages_pcp(void);		/* on per-CPU lists */
void drain_all_pages(void);
void setup_per_zone_wmarks(void);
void zone_pcp_update_all(void);	/* pcp high for the CPUs now online */
int gfp_migratetype(unsigned int gfp);
unsigned int gfp_to_alloc_flags(unsigned int gfp);
void show_buddyinfo(void);
void __free_pages_core(struct page *page, unsigned int order);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);
/* Isolation and contiguous ranges (mm/page_alloc.c, Linux: mm/page_isolation.c). */
void set_pageblock_migratetype(struct page *page, int mt);
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn);
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int mt);
bool test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn);
/* The free pages of [start, end) (all free and isolated) become allocated order-0
 * pages; false if one is not free. */
bool isolate_freepages_range(unsigned long start_pfn, unsigned long end_pfn);
/* Compaction's free scanner: a free block of a movable or CMA pageblock, taken out
 * and split into order-0 pages on list if the zone stays above min; its order or -1. */
int isolate_free_block(struct page *page, struct list_head *list);
/* alloc_contig_range: [start, end) migrated out and taken; 0 or -EBUSY. */
int alloc_contig_range(unsigned long start_pfn, unsigned long end_pfn);
void free_contig_range(unsigned long pfn, unsigned long nr_pages);
static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

/* The free-list invariants: counts, flags, orders, no two free buddies unmerged. */
int check_free_areas(void);
#endif
