/*
 * The buddy allocator (Linux: mm/page_alloc.c, as of 6.1). Free memory of each zone is
 * kept in blocks of 2^order pages (order 0..10) on free lists per order and migrate
 * type. An allocation takes the smallest block that fits and splits it (expand); a free
 * merges the block with its buddy (pfn ^ 2^order) while the buddy is free with the same
 * order, and puts the result at the tail of its list when the next merge up looks likely
 * (buddy_merge_likely), at the head otherwise; boot frees go to the tail (FPI_TO_TAIL).
 *
 * Per-CPU lists (pcp) hold orders 0..PAGE_ALLOC_COSTLY_ORDER (3), one list per order and
 * migratetype: an empty list is refilled with max(batch >> order, 2) blocks (at its
 * tail), a free goes to the head (hot), and when the list count (in pages) reaches high
 * a batch is returned to the buddy lists from the tails, round robin over the lists.
 * high = max(low watermark / CPUs, 4 * batch) (zone_highsize), recomputed when the
 * secondaries are up.
 *
 * Alloc flags as Linux's: the fast path tries each zone of the zonelist (Normal, then
 * DMA32; GFP_DMA32: DMA32 only) at ALLOC_WMARK_LOW with ALLOC_NOFRAGMENT when the
 * preferred zone is Normal (alloc_flags_nofragment): no pageblock of another migratetype
 * is broken up then - the next zone is tried first, and only when every zone failed is
 * the walk repeated without it. The slow path (gfp_to_alloc_flags) retries at
 * ALLOC_WMARK_MIN, with ALLOC_HIGH for __GFP_HIGH (min/2) and ALLOC_HARDER for
 * __GFP_ATOMIC (a quarter less again): GFP_ATOMIC has both, so it may go down to 3/8 of
 * min (__zone_watermark_ok). Then, for callers that may (__GFP_DIRECT_RECLAIM), direct
 * compaction (order > 0) and direct reclaim, retried while they make progress
 * (__alloc_pages_slowpath); kswapd is woken first (__GFP_KSWAPD_RECLAIM).
 * CMA (mm/cma.c): MIGRATE_CMA pageblocks serve movable allocations only (ALLOC_CMA),
 * first when more than half of the zone's free pages are CMA's; their free pages do not
 * count for other allocations' watermarks (NR_FREE_CMA_PAGES); CMA and isolated
 * pageblocks never merge with other types' and are never stolen by fallback.
 * MIGRATE_ISOLATE pageblocks (alloc_contig_range) keep their free pages off the
 * allocator, and pages freed into them go straight to the isolated lists.
 *
 * Fallback (__rmqueue_fallback): the largest free block of another type, or the smallest
 * for a MOVABLE request that may not claim; can_steal_fallback allows claiming for
 * orders >= pageblock_order/2 and for UNMOVABLE/RECLAIMABLE requests. Claiming moves the
 * free pages of the pageblock to the new type's lists (move_freepages_block) and takes
 * the pageblock only if at least half of it is free or alike (steal_suitable_fallback);
 * a block of pageblock order or more is taken whole.
 *
 * Compound pages: an order > 0 allocation with __GFP_COMP gets PG_head, its tail pages
 * PG_tail with compound_head, and the order in the first tail page (compound_order);
 * without __GFP_COMP the pages are independent, as in Linux, and the order a caller
 * frees with cannot be checked.
 *
 * Deliberate simplifications (Linux in brackets):
 *  - LRU pages are not counted as "alike" for a MOVABLE claim [move_freepages counts
 *    PageLRU/__PageMovable pages];
 *  - no MIGRATE_HIGHATOMIC reserve [ALLOC_HARDER may reserve a highatomic pageblock];
 *  - isolated free pages still count in free_pages [6.1 takes them out of
 *    NR_FREE_PAGES];
 *  - merging at pageblock order and above retypes the buddy's pageblock to the freed
 *    block's type, so that a free block never spans pageblocks of two types [6.9's
 *    "freelist migratetype hygiene"; 6.1 merges the three types freely and leaves the
 *    buddy's pageblock as it was];
 *  - pcp lists do not hold pageblock-order (THP) blocks: there is no THP [6.1 adds one
 *    list for order 9 with CONFIG_TRANSPARENT_HUGEPAGE]; no adaptive free_factor and
 *    no percpu_pagelist_high_fraction sysctl;
 *  - no watermark boost on fallback; the OOM killer is called from the fault path
 *    (pagefault_out_of_memory), not from here.
 * Left out from Linux: shuffling, page_owner,
 * memcg, deferred struct page init, NUMA, page poisoning, refcounted folios.
 */
#include <kernel.h>
#include <string.h>
#include <smp.h>
#include <asm/sysreg.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/compaction.h>
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/swap.h>

struct zone zones[MAX_NR_ZONES] = {
	[ZONE_DMA32] = { .name = "DMA32" },
	[ZONE_NORMAL] = { .name = "Normal" },
};

/* The fallback order of each migratetype (Linux's fallbacks[]). */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < z->zone_start_pfn + z->spanned_pages;
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

void set_pageblock_migratetype(struct page *page, int mt)
{
	struct zone *z = page_zone(page);
	z->pageblock_mt[pageblock_index(z, page_to_pfn(page))] = mt;
}

static void change_pageblock_range(struct page *page, unsigned int order, int mt)
{
	for (unsigned long p = 0; p < (1UL << order); p += pageblock_nr_pages)
		set_pageblock_migratetype(page + p, mt);
}

int gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	return (gfp & __GFP_RECLAIMABLE) ? MIGRATE_RECLAIMABLE : MIGRATE_UNMOVABLE;
}

/* ---- the buddy lists (zone->lock held) ---- */

static void set_buddy(struct page *page, struct zone *z, unsigned int order, int mt)
{
	SetPageFlag(page, PG_buddy);
	page->private = order;
	page->migratetype = mt;
	z->free_area[order].nr_free++;
}

static void add_to_free_list(struct page *page, struct zone *z, unsigned int order, int mt)
{
	set_buddy(page, z, order, mt);
	list_add(&page->lru, &z->free_area[order].free_list[mt]);
}

static void add_to_free_list_tail(struct page *page, struct zone *z, unsigned int order, int mt)
{
	set_buddy(page, z, order, mt);
	list_add_tail(&page->lru, &z->free_area[order].free_list[mt]);
}

/* The block stays free; it only changes lists (to the tail, as Linux's). */
static void move_to_free_list(struct page *page, struct zone *z, unsigned int order, int mt)
{
	list_del(&page->lru);
	list_add_tail(&page->lru, &z->free_area[order].free_list[mt]);
	page->migratetype = mt;
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

/* Will the block at pfn of this order probably merge further once its buddy is freed? */
static bool buddy_merge_likely(unsigned long pfn, unsigned int order)
{
	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	unsigned long higher = pfn & ~(1UL << order);	/* the merged block's first pfn */
	return find_free_buddy(pfn_to_page(higher), higher, order + 1) != NULL;
}

#define FPI_NONE 0
#define FPI_TO_TAIL 1

static void __free_one_page(struct page *page, unsigned long pfn, struct zone *z,
			    unsigned int order, int mt, int fpi)
{
	struct page *buddy;

	z->free_pages += 1UL << order;
	if (is_migrate_cma(mt))
		z->nr_free_cma += 1UL << order;
	while (order < MAX_PAGE_ORDER && (buddy = find_free_buddy(page, pfn, order))) {
		if (order >= pageblock_order && get_pageblock_migratetype(buddy) != mt) {
			/* CMA and isolated pageblocks merge only with their own kind (6.1) */
			int bmt = get_pageblock_migratetype(buddy);
			if (mt >= MIGRATE_PCPTYPES || bmt >= MIGRATE_PCPTYPES)
				break;
			change_pageblock_range(buddy, order, mt);	/* see the header */
		}
		del_page_from_free_list(buddy, z, order);
		pfn &= ~(1UL << order);
		page = pfn_to_page(pfn);
		order++;
	}
	if (fpi == FPI_TO_TAIL || buddy_merge_likely(pfn, order))
		add_to_free_list_tail(page, z, order, mt);
	else
		add_to_free_list(page, z, order, mt);
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

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

/* The first fallback type with a free block of this order, or -1 (only_stealable false). */
static int find_suitable_fallback(struct free_area *area, unsigned int order, int mt,
				  bool *can_steal)
{
	if (!area->nr_free)
		return -1;
	*can_steal = false;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[mt][i];
		if (list_empty(&area->free_list[fmt]))
			continue;
		*can_steal = can_steal_fallback(order, mt);
		return fmt;
	}
	return -1;
}

/* Move every free block of page's pageblock to mt's lists; returns the pages moved, or 0
 * if the pageblock is not wholly in the zone. */
static unsigned long move_freepages_block(struct zone *z, struct page *page, int mt)
{
	unsigned long start = ALIGN_DOWN(page_to_pfn(page), pageblock_nr_pages);
	unsigned long end = start + pageblock_nr_pages, moved = 0;

	if (!zone_spans_pfn(z, start) || !zone_spans_pfn(z, end - 1))
		return 0;
	for (unsigned long pfn = start; pfn < end;) {
		struct page *p = pfn_to_page(pfn);
		if (!pfn_valid(pfn) || !PageBuddy(p)) {
			pfn++;
			continue;
		}
		unsigned int o = p->private;
		move_to_free_list(p, z, o, mt);
		pfn += 1UL << o;
		moved += 1UL << o;
	}
	return moved;
}

static void steal_suitable_fallback(struct zone *z, struct page *page, int start_mt,
				    bool whole_block)
{
	unsigned int order = page->private;
	int old_mt = get_pageblock_migratetype(page);

	if (order >= pageblock_order) {	/* take ownership of whole pageblocks */
		change_pageblock_range(page, order, start_mt);
		goto single_page;
	}
	if (!whole_block)
		goto single_page;
	unsigned long free = move_freepages_block(z, page, start_mt);
	if (!free)
		goto single_page;
	/* "alike": for MOVABLE the movable pages in use (none here); for the others,
	 * the pages in use of a MOVABLE block, which are not movable */
	unsigned long alike = (start_mt != MIGRATE_MOVABLE && old_mt == MIGRATE_MOVABLE) ?
			      pageblock_nr_pages - free : 0;
	if (free + alike >= pageblock_nr_pages / 2)
		set_pageblock_migratetype(page, start_mt);
	return;
single_page:
	move_to_free_list(page, z, order, start_mt);
}

/* Put a block of another type on start_mt's lists (stealing its pageblock if it may);
 * false if there is none. The caller then takes it with __rmqueue_smallest. */
static bool __rmqueue_fallback(struct zone *z, int order, int start_mt, unsigned int alloc_flags)
{
	int min_order = order, o, fmt = -1;
	bool can_steal;

	/* no breaking up of another type's pageblocks while another zone may serve */
	if (alloc_flags & ALLOC_NOFRAGMENT)
		min_order = pageblock_order;
	for (o = MAX_PAGE_ORDER; o >= min_order; o--) {
		fmt = find_suitable_fallback(&z->free_area[o], o, start_mt, &can_steal);
		if (fmt == -1)
			continue;
		/* a MOVABLE request that cannot claim the block splits the smallest one */
		if (!can_steal && start_mt == MIGRATE_MOVABLE && o > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;
find_smallest:
	for (o = order; o < NR_PAGE_ORDERS; o++) {
		fmt = find_suitable_fallback(&z->free_area[o], o, start_mt, &can_steal);
		if (fmt != -1)
			break;
	}
do_steal:;
	struct page *page = list_first_entry(&z->free_area[o].free_list[fmt], struct page, lru);
	steal_suitable_fallback(z, page, start_mt, can_steal);
	return true;
}

static struct page *__rmqueue(struct zone *z, unsigned int order, int mt,
			      unsigned int alloc_flags)
{
	struct page *page;

	/* Linux 6.1: movable allocations use CMA first when more than half of the
	 * zone's free pages are CMA's, and as a fallback otherwise */
	if ((alloc_flags & ALLOC_CMA) && z->nr_free_cma > z->free_pages / 2) {
		page = __rmqueue_smallest(z, order, MIGRATE_CMA);
		if (page)
			goto out;
	}
	for (;;) {
		page = __rmqueue_smallest(z, order, mt);
		if (!page && (alloc_flags & ALLOC_CMA))
			page = __rmqueue_smallest(z, order, MIGRATE_CMA);
		if (page || !__rmqueue_fallback(z, order, mt, alloc_flags))
			break;
	}
out:
	if (page) {
		z->free_pages -= 1UL << order;
		if (is_migrate_cma(page->migratetype))
			z->nr_free_cma -= 1UL << order;
	}
	return page;
}

/* ---- per-CPU lists ---- */

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER;
}

static inline int order_to_pindex(int mt, unsigned int order)
{
	return order * MIGRATE_PCPTYPES + mt;
}

/* Return count pages from the tails of the lists, round robin, starting with pindex. */
static void free_pcppages_bulk(struct zone *z, int count, struct per_cpu_pages *pcp, int pindex)
{
	int min_pindex = 0, max_pindex = NR_PCP_LISTS - 1;

	count = min(pcp->count, count);
	pindex--;
	spin_lock(&z->lock);
	while (count > 0) {
		struct list_head *list;
		for (;;) {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		}
		unsigned int order = pindex / MIGRATE_PCPTYPES;
		do {
			struct page *page = list_entry(list->prev, struct page, lru);
			list_del(&page->lru);
			ClearPageFlag(page, PG_pcp);
			count -= 1 << order;
			pcp->count -= 1 << order;
			int mt = page->migratetype;
			/* a pageblock isolated since the page was freed takes it (6.1) */
			if (is_migrate_isolate(get_pageblock_migratetype(page)))
				mt = MIGRATE_ISOLATE;
			__free_one_page(page, page_to_pfn(page), z, order, mt, FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&z->lock);
}

static struct page *rmqueue_pcplist(struct zone *z, unsigned int order, int mt,
				    unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	struct list_head *list = &pcp->lists[order_to_pindex(mt, order)];
	struct page *page = NULL;

	spin_lock(&pcp->lock);
	if (list_empty(list)) {	/* rmqueue_bulk */
		int batch = pcp->batch > 1 ? max(pcp->batch >> order, 2) : pcp->batch;
		spin_lock(&z->lock);
		for (int i = 0; i < batch; i++) {
			struct page *p = __rmqueue(z, order, mt, alloc_flags);
			if (!p)
				break;
			p->private = order;	/* p->migratetype: the list it came from */
			SetPageFlag(p, PG_pcp);
			list_add_tail(&p->lru, list);
			pcp->count += 1 << order;
		}
		spin_unlock(&z->lock);
	}
	if (!list_empty(list)) {
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		page->private = 0;
		pcp->count -= 1 << order;
	}
	spin_unlock(&pcp->lock);
	return page;
}

static void free_unref_page(struct page *page, unsigned int order)
{
	struct zone *z = page_zone(page);
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	int mt = get_pageblock_migratetype(page);

	if (mt >= MIGRATE_PCPTYPES) {
		if (is_migrate_isolate(mt)) {	/* straight to the isolated lists */
			spin_lock(&z->lock);
			__free_one_page(page, page_to_pfn(page), z, order, mt, FPI_NONE);
			spin_unlock(&z->lock);
			return;
		}
	}
	/* CMA pages go on the movable list, keeping their type for the buddy lists */
	int pindex = order_to_pindex(mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt, order);

	spin_lock(&pcp->lock);
	page->migratetype = mt;
	page->private = order;
	SetPageFlag(page, PG_pcp);
	list_add(&page->lru, &pcp->lists[pindex]);	/* hot: the head */
	pcp->count += 1 << order;
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(z, pcp->batch, pcp, pindex);
	spin_unlock(&pcp->lock);
}

void drain_all_pages(void)
{
	struct zone *z;

	for_each_populated_zone(z)
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			struct per_cpu_pages *pcp = &z->pcp[cpu];
			spin_lock(&pcp->lock);
			if (pcp->count)
				free_pcppages_bulk(z, pcp->count, pcp, 0);
			spin_unlock(&pcp->lock);
		}
}

/* ---- watermarks and the zone walk ---- */

/* __zone_watermark_ok: free pages above mark (lowered by ALLOC_HIGH, then ALLOC_HARDER)
 * plus the lowmem reserve kept from allocations that could have used a higher zone,
 * and for order > 0 a free block of that order or more of a type that can be used. */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	long free = (long)READ_ONCE(z->free_pages) - ((1L << order) - 1);
	long min = mark;

	if (!(alloc_flags & ALLOC_CMA))
		free -= READ_ONCE(z->nr_free_cma);

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free <= min + (long)z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		if (!READ_ONCE(z->free_area[o].nr_free))
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&z->free_area[o].free_list[mt]))
				return true;
		if ((alloc_flags & ALLOC_CMA) && !list_empty(&z->free_area[o].free_list[MIGRATE_CMA]))
			return true;
	}
	return false;
}

static struct page *rmqueue(struct zone *z, unsigned int order, int mt, unsigned int alloc_flags)
{
	if (pcp_allowed_order(order))
		return rmqueue_pcplist(z, order, mt, alloc_flags);
	spin_lock(&z->lock);
	struct page *page = __rmqueue(z, order, mt, alloc_flags);
	spin_unlock(&z->lock);
	return page;
}

static inline int gfp_zone(gfp_t gfp)
{
	return (gfp & __GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
}

/* The first populated zone of the zonelist for this request (preferred_zoneref). */
static struct zone *preferred_zone(gfp_t gfp)
{
	for (int zi = gfp_zone(gfp); zi >= 0; zi--)
		if (populated_zone(&zones[zi]))
			return &zones[zi];
	return NULL;
}

/* alloc_flags_nofragment: when the preferred zone is Normal, DMA32 (populated, or not:
 * Linux assumes so on UMA) comes next, so avoid fragmenting Normal first. */
static unsigned int alloc_flags_nofragment(struct zone *preferred)
{
	return preferred == &zones[ZONE_NORMAL] ? ALLOC_NOFRAGMENT : 0;
}

/* gfp_to_alloc_flags: the slow path's flags. */
unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_HIGH;
	if (gfp & __GFP_ATOMIC)
		alloc_flags |= ALLOC_HARDER;
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;	/* gfp_to_alloc_flags_cma */
	return alloc_flags;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags)
{
	int highest = gfp_zone(gfp);

retry:
	for (int zi = highest; zi >= 0; zi--) {	/* the zonelist: Normal, then DMA32 */
		struct zone *z = &zones[zi];
		if (!populated_zone(z))
			continue;
		unsigned long mark = z->_watermark[alloc_flags & ALLOC_WMARK_MASK];
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_ok(z, order, mark, highest, alloc_flags))
			continue;
		struct page *page = rmqueue(z, order, gfp_migratetype(gfp), alloc_flags);
		if (page)
			return page;
	}
	/* every zone would have had to fragment: allow it now */
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

static void bad_page(struct page *page, const char *reason)
{
	panic("BUG: Bad page state: pfn %#lx flags %#lx refcount %d: %s", page_to_pfn(page),
	      page->flags, page->_refcount, reason);
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	SetPageFlag(page, PG_head);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		SetPageFlag(page + i, PG_tail);
		page[i].compound_head = (unsigned long)page;
	}
	page[1].private = order;	/* compound_order() */
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;
		if (p->flags & ((1UL << PG_buddy) | (1UL << PG_pcp) | (1UL << PG_slab) |
				(1UL << PG_reserved) | (1UL << PG_head) | (1UL << PG_tail)) ||
		    p->_refcount)
			bad_page(p, "allocating a page that is not free");
	}
	page->_refcount = 1;
	page->private = 0;
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/*
 * The slow path (Linux: __alloc_pages_slowpath): wake kswapd, retry at min (reclaimers,
 * with PF_MEMALLOC, ignore the watermarks); then, if the caller may, compact (order > 0)
 * and reclaim directly, retrying while reclaim makes progress (MAX_RECLAIM_RETRIES
 * rounds without progress end it). The OOM killer is not called from here: the page
 * fault path calls it when a fault fails for memory (pagefault_out_of_memory).
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order)
{
	struct task_struct *tsk = current;
	bool memalloc = tsk && (tsk->flags & PF_MEMALLOC);
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp);
	struct page *page;

	if (gfp & __GFP_KSWAPD_RECLAIM)
		wakeup_kswapd(order);
	if (memalloc)
		alloc_flags |= ALLOC_NO_WATERMARKS;
	page = get_page_from_freelist(gfp, order, alloc_flags);
	if (page || !(gfp & __GFP_DIRECT_RECLAIM) || memalloc)
		return page;
	for (int no_progress = 0; no_progress < MAX_RECLAIM_RETRIES;) {
		if (order) {
			page = try_to_compact_pages(gfp, order);
			if (page)
				return page;
		}
		unsigned long progress = try_to_free_pages(order, gfp);
		page = get_page_from_freelist(gfp, order, alloc_flags);
		if (page || (gfp & __GFP_NORETRY))
			return page;
		no_progress = progress ? 0 : no_progress + 1;
		if (order > PAGE_ALLOC_COSTLY_ORDER && progress)
			no_progress++;		/* costly orders give up sooner, as Linux */
	}
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;
	struct zone *preferred = preferred_zone(gfp);

	if (order > MAX_PAGE_ORDER) {
		printk("alloc_pages: order %u > MAX_PAGE_ORDER %d\n", order, MAX_PAGE_ORDER);
		return NULL;
	}
	if (!preferred) {	/* GFP_DMA32 with DMA32 empty */
		page = NULL;
		goto fail;
	}
	/* the fast path */
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW | alloc_flags_nofragment(preferred) |
				      (gfp_migratetype(gfp) == MIGRATE_MOVABLE ? ALLOC_CMA : 0));
	if (!page)
		page = __alloc_pages_slowpath(gfp, order);
fail:
	if (!page) {
		if (!(gfp & __GFP_NOWARN))
			printk("page allocation failure: order:%u, mode:%#x, free:%lu\n", order, gfp,
			       nr_free_pages());
		return NULL;
	}
	prep_new_page(page, order, gfp);
	unsigned long free = nr_free_pages();
	if (free < READ_ONCE(contig_page_data.lowest_free))
		WRITE_ONCE(contig_page_data.lowest_free, free);
	return page;
}

/* free_pages_prepare: a compound page must be freed whole, with its order. */
static void free_pages_prepare(struct page *page, unsigned int order)
{
	if (PageBuddy(page) || PageFlag(page, PG_pcp) || page->_refcount != 1)
		bad_page(page, "freeing a page that is free (double free?) or not allocated");
	if (PageSlab(page) || PageReserved(page))
		bad_page(page, "freeing a slab or reserved page");
	if (PageFlag(page, PG_tail))
		bad_page(page, "freeing a tail page of a compound page");
	if (PageFlag(page, PG_head)) {
		if (order != compound_order(page))
			bad_page(page, "freeing a compound page with a different order");
		for (unsigned long i = 1; i < (1UL << order); i++) {
			if (!PageFlag(page + i, PG_tail) || page[i].compound_head != (unsigned long)page)
				bad_page(page + i, "corrupted tail page");
			ClearPageFlag(page + i, PG_tail);
			page[i].compound_head = 0;
		}
		page[1].private = 0;
		ClearPageFlag(page, PG_head);
	}
	page->_refcount = 0;
	page->private = 0;
}

void __free_pages(struct page *page, unsigned int order)
{
	free_pages_prepare(page, order);
	if (pcp_allowed_order(order)) {
		free_unref_page(page, order);
		return;
	}
	struct zone *z = page_zone(page);
	spin_lock(&z->lock);
	__free_one_page(page, page_to_pfn(page), z, order, get_pageblock_migratetype(page),
			FPI_NONE);
	spin_unlock(&z->lock);
}

/* Boot: hand a block that memblock found free to the buddy lists (at the tail). */
void __free_pages_core(struct page *page, unsigned int order)
{
	struct zone *z = page_zone(page);

	for (unsigned long i = 0; i < (1UL << order); i++)
		ClearPageFlag(page + i, PG_reserved);
	z->managed_pages += 1UL << order;
	spin_lock(&z->lock);
	__free_one_page(page, page_to_pfn(page), z, order, get_pageblock_migratetype(page),
			FPI_TO_TAIL);
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

/* ---- isolation, contiguous ranges, compaction's free pages ---- */

/* Move a pageblock's free pages to mt's lists and retype it (zone lock held). */
static void set_pageblock_isolate(struct zone *z, struct page *page, int mt)
{
	int old = get_pageblock_migratetype(page);
	unsigned long moved = move_freepages_block(z, page, mt);

	if (is_migrate_cma(old))
		z->nr_free_cma -= moved;
	if (is_migrate_cma(mt))
		z->nr_free_cma += moved;
	set_pageblock_migratetype(page, mt);
}

/* Linux: start_isolate_page_range. The range is pageblock aligned; free pages of its
 * pageblocks stop being allocatable, pages freed into them later too. */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		struct page *page = pfn_to_page(pfn);
		struct zone *z = page_zone(page);
		spin_lock(&z->lock);
		if (is_migrate_isolate(get_pageblock_migratetype(page))) {
			spin_unlock(&z->lock);
			undo_isolate_page_range(start_pfn, pfn, MIGRATE_CMA);
			return -EBUSY;		/* someone else is isolating it */
		}
		set_pageblock_isolate(z, page, MIGRATE_ISOLATE);
		spin_unlock(&z->lock);
	}
	return 0;
}

void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int mt)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn += pageblock_nr_pages) {
		struct page *page = pfn_to_page(pfn);
		struct zone *z = page_zone(page);
		spin_lock(&z->lock);
		set_pageblock_isolate(z, page, mt);
		spin_unlock(&z->lock);
	}
}

/* Every page of the range free, on isolated lists (Linux: test_pages_isolated). */
bool test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn)
{
	bool ok = true;

	for (unsigned long pfn = start_pfn; pfn < end_pfn && ok;) {
		struct page *page = pfn_to_page(pfn);
		struct zone *z = page_zone(page);
		spin_lock(&z->lock);
		if (PageBuddy(page) && is_migrate_isolate(page->migratetype))
			pfn += 1UL << page->private;
		else
			ok = false;
		spin_unlock(&z->lock);
	}
	return ok;
}

/* A free block out of the buddy lists, as order-0 allocated pages (zone lock held). */
static void take_free_block(struct zone *z, struct page *page, unsigned int order)
{
	del_page_from_free_list(page, z, order);
	z->free_pages -= 1UL << order;
	if (is_migrate_cma(page->migratetype))
		z->nr_free_cma -= 1UL << order;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		page[i]._refcount = 1;
		page[i].private = 0;
	}
}

bool isolate_freepages_range(unsigned long start_pfn, unsigned long end_pfn)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn;) {
		struct page *page = pfn_to_page(pfn);
		struct zone *z = page_zone(page);
		spin_lock(&z->lock);
		if (!PageBuddy(page)) {
			spin_unlock(&z->lock);
			free_contig_range(start_pfn, pfn - start_pfn);
			return false;
		}
		unsigned int order = page->private;
		take_free_block(z, page, order);
		spin_unlock(&z->lock);
		pfn += 1UL << order;
	}
	return true;
}

void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	for (unsigned long i = 0; i < nr_pages; i++)
		__free_page(pfn_to_page(pfn + i));
}

int isolate_free_block(struct page *page, struct list_head *list)
{
	struct zone *z = page_zone(page);
	int order = -1;

	spin_lock(&z->lock);
	int mt = get_pageblock_migratetype(page);
	if (PageBuddy(page) && (mt == MIGRATE_MOVABLE || is_migrate_cma(mt))) {
		order = page->private;
		/* __isolate_free_page: the zone must stay above min with the block gone */
		if (!zone_watermark_ok(z, 0, min_wmark_pages(z) + (1UL << order), 0, ALLOC_CMA)) {
			order = -1;
		} else {
			take_free_block(z, page, order);
			for (unsigned long i = 0; i < (1UL << order); i++)
				list_add_tail(&page[i].lru, list);
		}
	}
	spin_unlock(&z->lock);
	return order;
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
