/*
 * Memory compaction (Linux: mm/compaction.c). Two scanners walk a zone towards each
 * other a pageblock at a time: the migration scanner from the bottom isolates in-use
 * LRU pages of MOVABLE (and CMA) pageblocks, the free scanner from the top takes free
 * blocks of MOVABLE (and CMA) pageblocks, split into order-0 pages (the zone must stay
 * above min: __isolate_free_page); the isolated pages are migrated (mm/migrate.c) into
 * the free ones, so that free memory gathers at the bottom... of the migration scanner's
 * side. Unmovable and reclaimable pageblocks are never scanned nor used as targets
 * (migratetypes are respected: compaction does not mix them). After each batch the zone
 * is checked for a free block of the requested order (compact_finished); compaction ends
 * with success then, or when the scanners meet. Counted as compact_stall, _success,
 * _fail, _migrate_scanned, _free_scanned, _isolated.
 * try_to_compact_pages is direct compaction: __alloc_pages_slowpath calls it for
 * order > 0 before reclaim.
 * Left out from Linux: kcompactd and proactive compaction, async vs sync modes (every
 * run is synchronous), the deferred-compaction backoff and the pageblock skip bits,
 * the fast free/migrate scanners, capture control, compaction of non-LRU movable pages.
 */
#include <kernel.h>
#include <linux/compaction.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/mmzone.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

#define COMPACT_CLUSTER_MAX SWAP_CLUSTER_MAX

struct compact_control {
	struct zone *zone;
	unsigned int order;
	int migratetype;
	unsigned long migrate_pfn, free_pfn;	/* the scanners */
	struct list_head migratepages, freepages;
	unsigned long nr_migratepages, nr_freepages;
};

static bool suitable_block(struct page *page)
{
	int mt = get_pageblock_migratetype(page);
	return mt == MIGRATE_MOVABLE || is_migrate_cma(mt);
}

/* isolate_migratepages: LRU pages of the next suitable pageblock from migrate_pfn. */
static void isolate_migratepages(struct compact_control *cc)
{
	struct zone *z = cc->zone;

	while (cc->migrate_pfn < cc->free_pfn && cc->nr_migratepages < COMPACT_CLUSTER_MAX) {
		unsigned long pfn = cc->migrate_pfn;
		unsigned long block_end = ALIGN(pfn + 1, pageblock_nr_pages);
		if (!pfn_valid(pfn) || !suitable_block(pfn_to_page(pfn))) {
			cc->migrate_pfn = block_end;
			continue;
		}
		for (; pfn < block_end && cc->nr_migratepages < COMPACT_CLUSTER_MAX; pfn++) {
			struct page *page = pfn_to_page(pfn);
			count_vm_event(COMPACT_MIGRATE_SCANNED);
			if (PageBuddy(page)) {
				unsigned long o = READ_ONCE(page->private);
				if (o <= MAX_PAGE_ORDER)
					pfn += (1UL << o) - 1;
				continue;
			}
			if (!PageFlag(page, PG_lru) || PageFlag(page, PG_swapcache))
				continue;
			if (!isolate_lru_page(page))
				continue;
			list_add_tail(&page->lru, &cc->migratepages);
			cc->nr_migratepages++;
			count_vm_event(COMPACT_ISOLATED);
		}
		cc->migrate_pfn = pfn;
	}
	(void)z;
}

/* isolate_freepages: free blocks of suitable pageblocks, from the top down. */
static void isolate_freepages(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	unsigned long low = ALIGN(cc->migrate_pfn, pageblock_nr_pages);

	while (cc->nr_freepages < cc->nr_migratepages && cc->free_pfn > low) {
		unsigned long start = ALIGN_DOWN(cc->free_pfn - 1, pageblock_nr_pages);
		if (start < z->zone_start_pfn)
			start = z->zone_start_pfn;
		if (pfn_valid(start) && suitable_block(pfn_to_page(start))) {
			for (unsigned long pfn = start; pfn < cc->free_pfn; pfn++) {
				struct page *page = pfn_to_page(pfn);
				count_vm_event(COMPACT_FREE_SCANNED);
				if (!PageBuddy(page))
					continue;
				int o = isolate_free_block(page, &cc->freepages);
				if (o < 0)
					continue;
				cc->nr_freepages += 1UL << o;
				pfn += (1UL << o) - 1;
			}
		}
		cc->free_pfn = start;
	}
}

static struct page *compaction_alloc(struct page *page, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;

	if (list_empty(&cc->freepages)) {
		isolate_freepages(cc);
		if (list_empty(&cc->freepages))
			return NULL;
	}
	struct page *free = list_first_entry(&cc->freepages, struct page, lru);
	list_del(&free->lru);
	cc->nr_freepages--;
	return free;
}

static void compaction_free(struct page *page, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;

	list_add(&page->lru, &cc->freepages);
	cc->nr_freepages++;
}

/* __compact_finished: a free block of the order for this migratetype now exists. */
static bool compact_finished(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	bool found = false;

	drain_all_pages();
	spin_lock(&z->lock);
	for (unsigned int o = cc->order; o < NR_PAGE_ORDERS && !found; o++) {
		struct free_area *area = &z->free_area[o];
		found = !list_empty(&area->free_list[cc->migratetype]) ||
			(cc->migratetype == MIGRATE_MOVABLE &&
			 !list_empty(&area->free_list[MIGRATE_CMA])) ||
			/* another type's block of pageblock order may be claimed */
			(o >= pageblock_order && (!list_empty(&area->free_list[MIGRATE_MOVABLE]) ||
						  !list_empty(&area->free_list[MIGRATE_UNMOVABLE]) ||
						  !list_empty(&area->free_list[MIGRATE_RECLAIMABLE])));
	}
	spin_unlock(&z->lock);
	return found;
}

static void release_freepages(struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		__free_page(page);
	}
}

static void putback_movable_pages(struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		putback_lru_page(page);
	}
}

/* compact_zone: true if a block of cc->order became free. */
bool compact_zone(struct zone *z, unsigned int order, int migratetype)
{
	struct compact_control cc = {
		.zone = z, .order = order, .migratetype = migratetype,
		.migrate_pfn = z->zone_start_pfn,
		.free_pfn = ALIGN_DOWN(z->zone_start_pfn + z->spanned_pages, pageblock_nr_pages),
	};
	bool ok = false;

	INIT_LIST_HEAD(&cc.migratepages);
	INIT_LIST_HEAD(&cc.freepages);
	if (compact_finished(&cc))
		return true;
	while (cc.migrate_pfn < cc.free_pfn) {
		isolate_migratepages(&cc);
		if (!cc.nr_migratepages)
			continue;
		migrate_pages(&cc.migratepages, compaction_alloc, compaction_free,
			      (unsigned long)&cc);
		putback_movable_pages(&cc.migratepages);	/* the ones that failed */
		cc.nr_migratepages = 0;
		if (compact_finished(&cc)) {
			ok = true;
			break;
		}
	}
	release_freepages(&cc.freepages);
	return ok || compact_finished(&cc);
}

struct page *try_to_compact_pages(gfp_t gfp, unsigned int order)
{
	struct zone *z;
	int mt = gfp_migratetype(gfp);

	count_vm_event(COMPACT_STALL);
	for_each_populated_zone(z) {
		if ((gfp & __GFP_DMA32) && z != &zones[ZONE_DMA32])
			continue;
		if (!compact_zone(z, order, mt))
			continue;
		struct page *page = alloc_pages((gfp & ~(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)) |
						__GFP_NOWARN, order);
		if (page) {
			count_vm_event(COMPACT_SUCCESS);
			return page;
		}
	}
	count_vm_event(COMPACT_FAIL);
	return NULL;
}
