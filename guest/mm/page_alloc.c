/*
 * The buddy allocator (Linux: mm/page_alloc.c). Free memory of each zone is kept in
 * blocks of 2^order pages (order 0..10) on free lists per order and migrate type. An
 * allocation takes the smallest block that fits and splits it (expand); a free merges
 * the block with its buddy (pfn ^ 2^order) while the buddy is free with the same order.
 * Order-0 pages go through per-CPU lists (pcp), refilled and drained in batches.
 * Zones are tried in fallback order NORMAL -> DMA32 (GFP_DMA32: DMA32 only), each
 * against its watermark plus lowmem_reserve; a failed first pass retries at the min
 * watermark (and below it for __GFP_HIGH), as Linux's slow path without reclaim.
 * Left out from Linux: reclaim, kswapd, compaction, OOM killer, page isolation and
 * CMA, moving free pages when a pageblock is stolen, shuffling, page_owner, memcg,
 * dynamic pcp high, deferred struct page init, NUMA.
 */
#include <kernel.h>
#include <string.h>
#include <asm/sysreg.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

struct zone zones[MAX_NR_ZONES] = {
	[ZONE_DMA32] = { .name = "DMA32" },
	[ZONE_NORMAL] = { .name = "Normal" },
};

#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_MASK 3u
#define ALLOC_HIGH 0x20u	/* __GFP_HIGH: may use half of the min reserve */

static const int fallbacks[MIGRATE_TYPES][MIGRATE_TYPES - 1] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

static unsigned long pageblock_index(const struct zone *z, unsigned long pfn)
{
	return (pfn >> pageblock_order) - (z->zone_start_pfn >> pageblock_order);
}

int get_pageblock_migratetype(const struct page *page)
{
	struct zone *z = page_zone(page);
	return z->pageblock_mt[pageblock_index(z, page_to_pfn(page))];
}

static void set_pageblock_migratetype(struct page *page, int mt)
{
	struct zone *z = page_zone(page);
	z->pageblock_mt[pageblock_index(z, page_to_pfn(page))] = mt;
}

static int gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	return (gfp & __GFP_RECLAIMABLE) ? MIGRATE_RECLAIMABLE : MIGRATE_UNMOVABLE;
}

/* ---- the buddy lists (zone->lock held) ---- */

static void add_to_free_list(struct page *page, struct zone *z, unsigned int order, int mt)
{
	SetPageFlag(page, PG_buddy);
	page->private = order;
	page->migratetype = mt;
	list_add(&page->lru, &z->free_area[order].free_list[mt]);
	z->free_area[order].nr_free++;
}

static void del_page_from_free_list(struct page *page, struct zone *z, unsigned int order)
{
	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	page->private = 0;
	z->free_area[order].nr_free--;
}

static struct page *find_free_buddy(struct page *page, unsigned long pfn, unsigned int order)
{
	unsigned long buddy_pfn = pfn ^ (1UL << order);

	if (!pfn_valid(buddy_pfn))
		return NULL;
	struct page *buddy = pfn_to_page(buddy_pfn);
	if (!PageBuddy(buddy) || buddy->private != order ||
	    page_zonenum(buddy) != page_zonenum(page))
		return NULL;
	return buddy;
}

static void __free_one_page(struct page *page, unsigned long pfn, struct zone *z,
			    unsigned int order)
{
	struct page *buddy;

	z->free_pages += 1UL << order;
	while (order < MAX_PAGE_ORDER && (buddy = find_free_buddy(page, pfn, order))) {
		del_page_from_free_list(buddy, z, order);
		pfn &= ~(1UL << order);
		page = pfn_to_page(pfn);
		order++;
	}
	add_to_free_list(page, z, order, get_pageblock_migratetype(page));
}

/* Split a block of order high down to order low, freeing the upper halves. */
static void expand(struct zone *z, struct page *page, unsigned int low, unsigned int high, int mt)
{
	while (high > low) {
		high--;
		add_to_free_list(page + (1UL << high), z, high, mt);
	}
}

static struct page *__rmqueue_smallest(struct zone *z, unsigned int order, int mt)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		struct list_head *list = &z->free_area[o].free_list[mt];
		if (list_empty(list))
			continue;
		struct page *page = list_first_entry(list, struct page, lru);
		del_page_from_free_list(page, z, o);
		expand(z, page, order, o, mt);
		return page;
	}
	return NULL;
}

/* Take the largest block of another type; claim its pageblock if it is big. */
static struct page *__rmqueue_fallback(struct zone *z, unsigned int order, int mt)
{
	for (int o = MAX_PAGE_ORDER; o >= (int)order; o--)
		for (int i = 0; i < MIGRATE_TYPES - 1; i++) {
			struct list_head *list = &z->free_area[o].free_list[fallbacks[mt][i]];
			if (list_empty(list))
				continue;
			struct page *page = list_first_entry(list, struct page, lru);
			del_page_from_free_list(page, z, o);
			if (o >= pageblock_order / 2)
				for (unsigned long p = 0; p < (1UL << o); p += pageblock_nr_pages)
					set_pageblock_migratetype(page + p, mt);
			expand(z, page, order, o, mt);
			return page;
		}
	return NULL;
}

static struct page *__rmqueue(struct zone *z, unsigned int order, int mt)
{
	struct page *page = __rmqueue_smallest(z, order, mt);
	if (!page)
		page = __rmqueue_fallback(z, order, mt);
	if (page)
		z->free_pages -= 1UL << order;
	return page;
}

/* ---- per-CPU lists ---- */

static void free_pcppages_bulk(struct zone *z, int count, struct per_cpu_pages *pcp)
{
	spin_lock(&z->lock);
	for (int mt = 0; count > 0 && pcp->count > 0; mt = (mt + 1) % MIGRATE_TYPES) {
		struct list_head *list = &pcp->lists[mt];
		if (list_empty(list))
			continue;
		struct page *page = list_entry(list->prev, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		pcp->count--;
		count--;
		__free_one_page(page, page_to_pfn(page), z, 0);
	}
	spin_unlock(&z->lock);
}

static struct page *rmqueue_pcplist(struct zone *z, int mt)
{
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	struct list_head *list = &pcp->lists[mt];
	struct page *page = NULL;

	spin_lock(&pcp->lock);
	if (list_empty(list)) {
		spin_lock(&z->lock);
		for (int i = 0; i < pcp->batch; i++) {
			struct page *p = __rmqueue(z, 0, mt);
			if (!p)
				break;
			p->migratetype = mt;
			SetPageFlag(p, PG_pcp);
			list_add_tail(&p->lru, list);
			pcp->count++;
		}
		spin_unlock(&z->lock);
	}
	if (!list_empty(list)) {
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		pcp->count--;
	}
	spin_unlock(&pcp->lock);
	return page;
}

static void free_unref_page(struct page *page)
{
	struct zone *z = page_zone(page);
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	int mt = get_pageblock_migratetype(page);

	spin_lock(&pcp->lock);
	page->migratetype = mt;
	SetPageFlag(page, PG_pcp);
	list_add(&page->lru, &pcp->lists[mt]);
	pcp->count++;
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(z, pcp->batch, pcp);
	spin_unlock(&pcp->lock);
}

void drain_all_pages(void)
{
	struct zone *z;

	for_each_populated_zone(z)
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			struct per_cpu_pages *pcp = &z->pcp[cpu];
			spin_lock(&pcp->lock);
			free_pcppages_bulk(z, pcp->count, pcp);
			spin_unlock(&pcp->lock);
		}
}

/* ---- watermarks and the zone walk ---- */

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	long free = (long)READ_ONCE(z->free_pages) - ((1L << order) - 1);
	long min = mark;

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (free <= min + (long)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++)
		if (READ_ONCE(z->free_area[o].nr_free))
			return true;
	return false;
}

static struct page *rmqueue(struct zone *z, unsigned int order, int mt)
{
	if (order == 0)
		return rmqueue_pcplist(z, mt);
	spin_lock(&z->lock);
	struct page *page = __rmqueue(z, order, mt);
	spin_unlock(&z->lock);
	return page;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags)
{
	int highest = (gfp & __GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;

	for (int zi = highest; zi >= 0; zi--) {	/* the zonelist: Normal, then DMA32 */
		struct zone *z = &zones[zi];
		if (!populated_zone(z))
			continue;
		unsigned long mark = z->_watermark[alloc_flags & ALLOC_WMARK_MASK];
		if (!zone_watermark_ok(z, order, mark, highest, alloc_flags))
			continue;
		struct page *page = rmqueue(z, order, gfp_migratetype(gfp));
		if (page)
			return page;
	}
	return NULL;
}

static void bad_page(struct page *page, const char *reason)
{
	panic("BUG: Bad page state: pfn %#lx flags %#lx refcount %d: %s", page_to_pfn(page),
	      page->flags, page->_refcount, reason);
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;
		if (p->flags & ((1UL << PG_buddy) | (1UL << PG_pcp) | (1UL << PG_slab) |
				(1UL << PG_reserved)) || p->_refcount)
			bad_page(p, "allocating a page that is not free");
	}
	page->_refcount = 1;
	page->private = order;
	if (order)
		SetPageFlag(page, PG_head);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order > MAX_PAGE_ORDER) {
		printk("alloc_pages: order %u > MAX_PAGE_ORDER %d\n", order, MAX_PAGE_ORDER);
		return NULL;
	}
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW);
	if (!page)	/* slow path; no reclaim or compaction to try first */
		page = get_page_from_freelist(gfp, order,
					      ALLOC_WMARK_MIN | ((gfp & __GFP_HIGH) ? ALLOC_HIGH : 0));
	if (!page) {
		if (!(gfp & __GFP_NOWARN))
			printk("page allocation failure: order:%u, mode:%#x, free:%lu\n", order, gfp,
			       nr_free_pages());
		return NULL;
	}
	prep_new_page(page, order, gfp);
	return page;
}

void __free_pages(struct page *page, unsigned int order)
{
	if (PageBuddy(page) || PageFlag(page, PG_pcp) || page->_refcount != 1)
		bad_page(page, "freeing a page that is free (double free?) or not allocated");
	if (PageSlab(page) || PageReserved(page))
		bad_page(page, "freeing a slab or reserved page");
	if (order != (PageFlag(page, PG_head) ? page->private : 0))
		bad_page(page, "freeing with a different order than allocated");
	page->_refcount = 0;
	page->private = 0;
	ClearPageFlag(page, PG_head);
	if (order == 0) {
		free_unref_page(page);
		return;
	}
	struct zone *z = page_zone(page);
	spin_lock(&z->lock);
	__free_one_page(page, page_to_pfn(page), z, order);
	spin_unlock(&z->lock);
}

/* Boot: hand a block that memblock found free to the buddy lists. */
void __free_pages_core(struct page *page, unsigned int order)
{
	struct zone *z = page_zone(page);

	for (unsigned long i = 0; i < (1UL << order); i++)
		ClearPageFlag(page + i, PG_reserved);
	z->managed_pages += 1UL << order;
	spin_lock(&z->lock);
	__free_one_page(page, page_to_pfn(page), z, order);
	spin_unlock(&z->lock);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);
	return page ? (unsigned long)page_address(page) : 0;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;
	struct zone *z;
	for_each_populated_zone(z)
		n += READ_ONCE(z->free_pages);
	return n;
}

unsigned long nr_free_pages_pcp(void)
{
	unsigned long n = 0;
	struct zone *z;
	for_each_populated_zone(z)
		for (int cpu = 0; cpu < NR_CPUS; cpu++)
			n += READ_ONCE(z->pcp[cpu].count);
	return n;
}

void show_buddyinfo(void)
{
	struct zone *z;

	for_each_populated_zone(z) {
		char line[160];
		int n = snprintf(line, sizeof(line), "Node 0, zone %8s ", z->name);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			n += snprintf(line + n, sizeof(line) - n, "%6lu ", z->free_area[o].nr_free);
		printk("%s\n", line);
	}
}

/* Every free block: flagged, right order, on the list of its count, buddy not free. */
int check_free_areas(void)
{
	int errors = 0;
	struct zone *z;

	for_each_populated_zone(z) {
		spin_lock(&z->lock);
		unsigned long pages = 0;
		for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long n = 0;
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct page *page;
				list_for_each_entry(page, &z->free_area[o].free_list[mt], lru) {
					unsigned long pfn = page_to_pfn(page);
					n++;
					if (!PageBuddy(page) || page->private != o || (pfn & ((1UL << o) - 1)) ||
					    (o < MAX_PAGE_ORDER && find_free_buddy(page, pfn, o))) {
						printk("check_free_areas: zone %s order %u pfn %#lx: bad block\n",
						       z->name, o, pfn);
						errors++;
					}
				}
			}
			if (n != z->free_area[o].nr_free) {
				printk("check_free_areas: zone %s order %u: %lu on lists, nr_free %lu\n",
				       z->name, o, n, z->free_area[o].nr_free);
				errors++;
			}
			pages += n << o;
		}
		if (pages != z->free_pages) {
			printk("check_free_areas: zone %s: %lu pages on lists, free_pages %lu\n",
			       z->name, pages, z->free_pages);
			errors++;
		}
		spin_unlock(&z->lock);
	}
	return errors;
}
