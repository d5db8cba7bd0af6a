/*
 * Suite "buddy": the page allocator. Invariants checked after every storm: no block
 * handed out twice (a bitmap of allocated pfns, and tags written into each block), the
 * free page count back to its baseline, and the free lists in the same fully merged
 * shape as before (per-order counts equal, no free block with a free buddy).
 */
#include <kernel.h>
#include <string.h>
#include <ktest.h>
#include <random.h>
#include <smp.h>
#include <cmdline.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

struct snapshot {
	unsigned long free;
	unsigned long nr_free[MAX_NR_ZONES][NR_PAGE_ORDERS];
};

static void take_snapshot(struct snapshot *s)
{
	drain_all_pages();
	s->free = nr_free_pages();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			s->nr_free[z][o] = zones[z].free_area[o].nr_free;
}

static bool same_as(const struct snapshot *base)
{
	struct snapshot now;

	take_snapshot(&now);
	if (now.free != base->free) {
		ktest_diag("free pages %lu, baseline %lu", now.free, base->free);
		return false;
	}
	if (memcmp(now.nr_free, base->nr_free, sizeof(now.nr_free))) {
		ktest_diag("free lists not merged back to the baseline shape:");
		show_buddyinfo();
		return false;
	}
	return check_free_areas() == 0;
}

/* ---- storms ---- */

static u64 *alloc_bitmap;	/* one bit per pfn from min_low_pfn: allocated by a storm */

static bool mark_range(unsigned long pfn, unsigned int order, bool set)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		unsigned long bit = pfn + i - min_low_pfn;
		u64 mask = 1UL << (bit % 64);
		u64 old = set ? __atomic_fetch_or(&alloc_bitmap[bit / 64], mask, __ATOMIC_RELAXED)
			      : __atomic_fetch_and(&alloc_bitmap[bit / 64], ~mask, __ATOMIC_RELAXED);
		if (!!(old & mask) == set) {
			ktest_diag("pfn %#lx %s", pfn + i, set ? "handed out twice" : "freed twice");
			return false;
		}
	}
	return true;
}

#define STORM_SLOTS 256
struct storm {
	u64 seed;
	unsigned int iterations;
	struct page *page[STORM_SLOTS];
	unsigned char order[STORM_SLOTS];
	unsigned long allocs, failures;
	bool ok;
};

static u64 tag_of(struct page *p) { return page_to_pfn(p) ^ 0x5a5a0000deadbeefUL; }

static bool storm_free(struct storm *st, int i)
{
	struct page *p = st->page[i];
	u64 *first = page_address(p), *last = (u64 *)((char *)first + (PAGE_SIZE << st->order[i])) - 1;
	bool ok = *first == tag_of(p) && *last == ~tag_of(p);

	if (!ok)
		ktest_diag("block at pfn %#lx order %u was overwritten (overlap?)", page_to_pfn(p),
			   st->order[i]);
	ok &= mark_range(page_to_pfn(p), st->order[i], false);
	__free_pages(p, st->order[i]);
	st->page[i] = NULL;
	return ok;
}

static void storm_run(void *arg)
{
	struct storm *st = arg;

	st->ok = true;
	for (unsigned int it = 0; it < st->iterations && st->ok; it++) {
		u64 r = prandom_u64_state(&st->seed);
		int i = r % STORM_SLOTS;
		if (st->page[i]) {
			st->ok = storm_free(st, i);
			continue;
		}
		unsigned int order = ((r >> 16) & 15) < 10 ? 0 : (r >> 24) % NR_PAGE_ORDERS;
		gfp_t gfp = __GFP_NOWARN | (((r >> 32) & 1) ? __GFP_MOVABLE : 0);
		struct page *p = alloc_pages(gfp, order);
		if (!p) {
			st->failures++;
			continue;
		}
		st->allocs++;
		st->page[i] = p;
		st->order[i] = order;
		st->ok = mark_range(page_to_pfn(p), order, true);
		u64 *first = page_address(p);
		*first = tag_of(p);
		*((u64 *)((char *)first + (PAGE_SIZE << order)) - 1) = ~tag_of(p);
	}
	for (int i = 0; i < STORM_SLOTS; i++)
		if (st->page[i] && !storm_free(st, i))
			st->ok = false;
}

static unsigned int storm_iterations(void)
{
	char arg[16];
	return cmdline_get("ktest_iters", arg, sizeof(arg)) ? simple_strtoul(arg, NULL, 0) : 20000;
}

static unsigned int bitmap_order(void)
{
	unsigned long bytes = (max_pfn - min_low_pfn + 63) / 8, order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static enum ktest_result run_storms(unsigned int ncpus)
{
	static struct storm storms[2];
	struct snapshot base;
	unsigned int bo = bitmap_order();

	alloc_bitmap = (u64 *)__get_free_pages(__GFP_ZERO, bo);
	KTEST_EXPECT(alloc_bitmap);
	take_snapshot(&base);
	for (unsigned int c = 0; c < ncpus; c++) {
		memset(&storms[c], 0, sizeof(storms[c]));
		storms[c].seed = 0x1234567 + c * 0x9e3779b9;
		storms[c].iterations = storm_iterations();
	}
	if (ncpus > 1)
		KTEST_EXPECT_EQ(smp_call_on(1, storm_run, &storms[1]), 0);
	storm_run(&storms[0]);
	if (ncpus > 1)
		smp_wait(1);
	for (unsigned int c = 0; c < ncpus; c++) {
		ktest_diag("cpu%u: %lu allocations, %lu failed (out of memory at that order)", c,
			   storms[c].allocs, storms[c].failures);
		KTEST_EXPECT(storms[c].ok);
	}
	KTEST_EXPECT(same_as(&base));
	free_pages((unsigned long)alloc_bitmap, bo);
	return KTEST_PASS;
}

static enum ktest_result random_storm_all_orders(void)
{
	return run_storms(1);
}

static enum ktest_result random_storm_on_two_cpus(void)
{
	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	return run_storms(2);
}

/* ---- structure ---- */

static enum ktest_result free_lists_consistent_after_boot(void)
{
	KTEST_EXPECT_EQ(check_free_areas(), 0);
	show_buddyinfo();
	return KTEST_PASS;
}

static enum ktest_result split_and_merge_restore_free_lists(void)
{
	struct snapshot base;

	take_snapshot(&base);
	struct page *p = alloc_pages(0, 3);
	KTEST_EXPECT(p);
	KTEST_EXPECT(IS_ALIGNED(page_to_pfn(p), 8));
	KTEST_EXPECT(PageFlag(p, PG_head) && p->private == 3);
	drain_all_pages();
	KTEST_EXPECT_EQ(nr_free_pages(), base.free - 8);
	__free_pages(p, 3);
	KTEST_EXPECT(same_as(&base));
	return KTEST_PASS;
}

static enum ktest_result order0_pages_use_the_pcp_list(void)
{
	drain_all_pages();
	struct zone *z = &zones[ZONE_NORMAL];
	if (!populated_zone(z))
		z = &zones[ZONE_DMA32];
	struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
	unsigned long before = z->free_pages;

	struct page *p = alloc_page(0);
	KTEST_EXPECT(p);
	KTEST_EXPECT_EQ(page_zonenum(p), z - zones);
	KTEST_EXPECT_EQ(pcp->count, pcp->batch - 1);		/* refilled by one batch */
	KTEST_EXPECT_EQ(z->free_pages, before - pcp->batch);
	__free_page(p);
	KTEST_EXPECT_EQ(pcp->count, pcp->batch);		/* back on the pcp list */
	KTEST_EXPECT(PageFlag(p, PG_pcp) && !PageBuddy(p));
	drain_all_pages();
	KTEST_EXPECT_EQ(z->free_pages, before);
	return KTEST_PASS;
}

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static enum ktest_result watermarks_follow_linux_formula(void)
{
	unsigned long managed = 0;
	struct zone *z;

	for_each_populated_zone(z)
		managed += z->managed_pages;
	unsigned long kb = min(max(isqrt(managed * 4 * 16), 128UL), 262144UL);
	KTEST_EXPECT_EQ(min_free_kbytes, kb);
	for_each_populated_zone(z) {
		unsigned long min = (kb / 4) * z->managed_pages / managed;
		unsigned long step = max(min / 4, z->managed_pages * 10 / 10000);
		KTEST_EXPECT_EQ(min_wmark_pages(z), min);
		KTEST_EXPECT_EQ(low_wmark_pages(z), min + step);
		KTEST_EXPECT_EQ(high_wmark_pages(z), min + 2 * step);
		ktest_diag("zone %s: managed %lu min %lu low %lu high %lu", z->name,
			   z->managed_pages, min, min + step, min + 2 * step);
	}
	return KTEST_PASS;
}

/* Allocate with gfp until it fails; the blocks are chained through their first word. */
static void *exhaust(gfp_t gfp, unsigned long *pages)
{
	void *chain = NULL;

	for (int order = MAX_PAGE_ORDER; order >= 0; order--)
		for (;;) {
			struct page *p = alloc_pages(gfp | __GFP_NOWARN, order);
			if (!p)
				break;
			u64 *v = page_address(p);
			v[0] = (u64)chain;
			v[1] = order;
			chain = v;
			*pages += 1UL << order;
		}
	return chain;
}

static void release(void *chain)
{
	while (chain) {
		u64 *v = chain;
		chain = (void *)v[0];
		free_pages((unsigned long)v, v[1]);
	}
}

/* pages a refill may take into pcp lists past the check */
static unsigned long pcp_slack(void)
{
	return zones[ZONE_DMA32].pcp[0].batch + zones[ZONE_NORMAL].pcp[0].batch;
}

static enum ktest_result allocation_stops_at_min_watermark(void)
{
	struct snapshot base;
	unsigned long got = 0, got_atomic = 0;
	struct zone *z;

	take_snapshot(&base);
	void *chain = exhaust(GFP_KERNEL, &got);
	drain_all_pages();
	for_each_populated_zone(z) {
		unsigned long limit = min_wmark_pages(z) + z->lowmem_reserve[ZONE_NORMAL];
		ktest_diag("zone %s: %lu free after GFP_KERNEL exhaustion, min %lu (+reserve %lu)",
			   z->name, z->free_pages, min_wmark_pages(z), z->lowmem_reserve[ZONE_NORMAL]);
		KTEST_EXPECT(z->free_pages <= limit + pcp_slack());
	}
	void *chain2 = exhaust(GFP_ATOMIC, &got_atomic);
	ktest_diag("GFP_KERNEL got %lu pages, then GFP_ATOMIC %lu more", got, got_atomic);
	KTEST_EXPECT(got_atomic > 0);	/* __GFP_HIGH may use half of the min reserve */
	release(chain2);
	release(chain);
	KTEST_EXPECT(same_as(&base));
	return KTEST_PASS;
}

/* The limit as the command line gave it (not as the kernel rounded it): 4 GiB by default. */
static phys_addr_t dma32_limit_arg(void)
{
	char arg[32];
	return cmdline_get("dma32_limit", arg, sizeof(arg)) ? simple_strtoul(arg, NULL, 0)
							    : 0x100000000UL;
}

/* Every page is tagged with the zone whose span holds it, and DMA32 ends at or below
 * the limit (an unaligned limit leaves the page that straddles it to Normal). */
static enum ktest_result page_zones_match_zone_spans(void)
{
	unsigned long bad = 0;
	struct zone *dma32 = &zones[ZONE_DMA32];

	KTEST_EXPECT(PFN_PHYS(dma32->zone_start_pfn + dma32->spanned_pages) <= dma32_limit_arg() ||
		     !dma32->spanned_pages);
	for (unsigned long pfn = min_low_pfn; pfn < max_pfn; pfn++) {
		if (!pfn_valid(pfn))
			continue;
		struct zone *z = &zones[page_zonenum(pfn_to_page(pfn))];
		if (pfn < z->zone_start_pfn || pfn >= z->zone_start_pfn + z->spanned_pages) {
			if (!bad++)
				ktest_diag("pfn %#lx is tagged %s, outside its span [%#lx, %#lx)", pfn,
					   z->name, z->zone_start_pfn,
					   z->zone_start_pfn + z->spanned_pages);
		}
	}
	KTEST_EXPECT_EQ(bad, 0);
	return KTEST_PASS;
}

/* All of DMA32, taken with GFP_DMA32: every page below the limit, in ZONE_DMA32. With
 * DMA32 empty (dma32_limit at the start of RAM) GFP_DMA32 gets nothing, as in Linux. */
static enum ktest_result gfp_dma32_stays_below_limit(void)
{
	phys_addr_t limit = dma32_limit_arg();
	unsigned long got = 0, above = 0, wrong_zone = 0;

	if (!populated_zone(&zones[ZONE_DMA32])) {
		struct page *p = alloc_pages(GFP_DMA32 | __GFP_NOWARN, 0);
		if (p)
			__free_page(p);
		KTEST_EXPECT(!p);
		ktest_skip_reason("DMA32 is empty: dma32_limit at or below the start of RAM");
		return KTEST_SKIP;
	}
	void *chain = exhaust(GFP_DMA32, &got);
	for (u64 *v = chain; v; v = (u64 *)v[0]) {
		struct page *p = virt_to_page(v);
		if (page_to_phys(p) + (PAGE_SIZE << v[1]) > limit && !above++)
			ktest_diag("GFP_DMA32 gave [%#lx, %#lx), above the limit %#lx",
				   page_to_phys(p), page_to_phys(p) + (PAGE_SIZE << v[1]), limit);
		for (unsigned long i = 0; i < (1UL << v[1]); i++)
			wrong_zone += page_zonenum(p + i) != ZONE_DMA32;
	}
	release(chain);
	ktest_diag("GFP_DMA32 got %lu pages below %#lx", got, limit);
	KTEST_EXPECT(got > 0);
	KTEST_EXPECT_EQ(above, 0);
	KTEST_EXPECT_EQ(wrong_zone, 0);
	return KTEST_PASS;
}

static enum ktest_result zone_fallback_normal_then_dma32(void)
{
	if (!populated_zone(&zones[ZONE_NORMAL]) || !populated_zone(&zones[ZONE_DMA32])) {
		ktest_skip_reason("needs both zones: boot with dma32_limit=<address inside RAM>");
		return KTEST_SKIP;
	}
	void *chain = NULL;
	struct page *p;
	unsigned long n = 0;

	/* GFP_KERNEL takes Normal until its low watermark, then falls back to DMA32 */
	while ((p = alloc_pages(__GFP_NOWARN, 0)) && page_zonenum(p) == ZONE_NORMAL) {
		u64 *v = page_address(p);
		v[0] = (u64)chain;
		v[1] = 0;
		chain = v;
		n++;
	}
	KTEST_EXPECT(p);
	KTEST_EXPECT_EQ(page_zonenum(p), ZONE_DMA32);
	ktest_diag("%lu pages from Normal before falling back to DMA32 (Normal free %lu, low %lu)",
		   n, zones[ZONE_NORMAL].free_pages, low_wmark_pages(&zones[ZONE_NORMAL]));
	KTEST_EXPECT(zones[ZONE_NORMAL].free_pages <= low_wmark_pages(&zones[ZONE_NORMAL]) + 1);
	__free_page(p);
	release(chain);
	return KTEST_PASS;
}

static enum ktest_result migratetypes_have_their_own_lists(void)
{
	struct page *m = alloc_pages(__GFP_MOVABLE, 0);
	struct page *u = alloc_pages(0, 4);

	KTEST_EXPECT(m && u);
	KTEST_EXPECT_EQ(get_pageblock_migratetype(m), MIGRATE_MOVABLE);
	/* all pageblocks start MOVABLE: an unmovable order-4 request steals one */
	KTEST_EXPECT_EQ(get_pageblock_migratetype(u), MIGRATE_UNMOVABLE);
	__free_page(m);
	__free_pages(u, 4);
	return KTEST_PASS;
}

static const struct ktest_case buddy_cases[] = {
	{ "free_lists_consistent_after_boot", free_lists_consistent_after_boot },
	{ "watermarks_follow_linux_formula", watermarks_follow_linux_formula },
	{ "split_and_merge_restore_free_lists", split_and_merge_restore_free_lists },
	{ "order0_pages_use_the_pcp_list", order0_pages_use_the_pcp_list },
	{ "migratetypes_have_their_own_lists", migratetypes_have_their_own_lists },
	{ "page_zones_match_zone_spans", page_zones_match_zone_spans },
	{ "gfp_dma32_stays_below_limit", gfp_dma32_stays_below_limit },
	{ "zone_fallback_normal_then_dma32", zone_fallback_normal_then_dma32 },
	{ "allocation_stops_at_min_watermark", allocation_stops_at_min_watermark },
	{ "random_storm_all_orders", random_storm_all_orders },
	{ "random_storm_on_two_cpus", random_storm_on_two_cpus },
};
KTEST_SUITE(buddy, buddy_cases);
