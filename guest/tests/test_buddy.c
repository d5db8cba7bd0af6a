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
	struct page *p = alloc_pages(0, 5);
	KTEST_EXPECT(p);
	KTEST_EXPECT(IS_ALIGNED(page_to_pfn(p), 32));
	drain_all_pages();
	KTEST_EXPECT_EQ(nr_free_pages(), base.free - 32);
	__free_pages(p, 5);
	KTEST_EXPECT(same_as(&base));
	return KTEST_PASS;
}

/* __GFP_COMP makes a compound page (head, tails pointing at it, the order in the first
 * tail); without it the pages of a high-order block are independent (no flags). */
static enum ktest_result compound_pages_only_with_gfp_comp(void)
{
	struct page *c = alloc_pages(__GFP_COMP, 3), *n = alloc_pages(0, 3);

	KTEST_EXPECT(c && n);
	KTEST_EXPECT(PageFlag(c, PG_head) && !PageFlag(c, PG_tail));
	KTEST_EXPECT_EQ(compound_order(c), 3);
	for (int i = 1; i < 8; i++) {
		KTEST_EXPECT(PageFlag(c + i, PG_tail) && compound_head(c + i) == c);
		KTEST_EXPECT(!PageFlag(n + i, PG_tail) && !PageFlag(n + i, PG_head));
	}
	KTEST_EXPECT(!PageFlag(n, PG_head) && compound_order(n) == 0);
	__free_pages(c, 3);
	__free_pages(n, 3);
	for (int i = 0; i < 8; i++)	/* freed: no compound flags left behind */
		KTEST_EXPECT(!PageFlag(c + i, PG_head) && !PageFlag(c + i, PG_tail));
	return KTEST_PASS;
}

static struct zone *preferred_populated_zone(void)
{
	struct zone *z = &zones[ZONE_NORMAL];
	return populated_zone(z) ? z : &zones[ZONE_DMA32];
}

/* The pcp lists hold orders 0..3: a refill takes max(batch >> order, 2) blocks to the
 * tail of the list, a free puts the block back at its head. */
static enum ktest_result pcp_lists_hold_orders_0_to_3(void)
{
	for (unsigned int order = 0; order <= PAGE_ALLOC_COSTLY_ORDER + 1; order++) {
		drain_all_pages();
		struct zone *z = preferred_populated_zone();
		struct per_cpu_pages *pcp = &z->pcp[smp_processor_id()];
		unsigned long before = z->free_pages;
		int blocks = pcp->batch > 1 ? max(pcp->batch >> order, 2) : 1;

		struct page *p = alloc_pages(__GFP_MOVABLE, order);
		KTEST_EXPECT(p);
		KTEST_EXPECT_EQ(page_zonenum(p), z - zones);
		if (order > PAGE_ALLOC_COSTLY_ORDER) {	/* straight from the buddy lists */
			KTEST_EXPECT_EQ(pcp->count, 0);
			KTEST_EXPECT_EQ(z->free_pages, before - (1UL << order));
			__free_pages(p, order);
			KTEST_EXPECT_EQ(pcp->count, 0);
			continue;
		}
		struct list_head *list = &pcp->lists[order * MIGRATE_PCPTYPES + MIGRATE_MOVABLE];
		KTEST_EXPECT_EQ(pcp->count, (blocks - 1) << order);	/* refilled by one batch */
		KTEST_EXPECT_EQ(z->free_pages, before - ((unsigned long)blocks << order));
		__free_pages(p, order);
		KTEST_EXPECT_EQ(pcp->count, blocks << order);		/* back on the pcp list */
		KTEST_EXPECT(PageFlag(p, PG_pcp) && !PageBuddy(p));
		KTEST_EXPECT(list->next == &p->lru);			/* at the head: hot */
		drain_all_pages();
		KTEST_EXPECT_EQ(z->free_pages, before);
	}
	return KTEST_PASS;
}

/* 6.1's zone_batchsize and zone_highsize: high = max(low / CPUs online, 4 * batch). */
static enum ktest_result pcp_batch_and_high_follow_linux(void)
{
	struct zone *z;

	for_each_populated_zone(z) {
		unsigned long batch = min(z->managed_pages >> 10, 256UL) / 4, p2 = 1;
		batch = max(batch, 1UL);
		batch += batch / 2;
		while (p2 * 2 <= batch)
			p2 *= 2;
		batch = p2 > 1 ? p2 - 1 : 1;
		unsigned long high = max(low_wmark_pages(z) / nr_cpus_online, batch * 4);
		ktest_diag("zone %s: batch %d high %d (low %lu, %u CPUs)", z->name, z->pcp[0].batch,
			   z->pcp[0].high, low_wmark_pages(z), nr_cpus_online);
		for (int cpu = 0; cpu < NR_CPUS; cpu++) {
			KTEST_EXPECT_EQ(z->pcp[cpu].batch, batch);
			KTEST_EXPECT_EQ(z->pcp[cpu].high, high);
		}
	}
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

/* pages a refill may take into pcp lists past the check: one batch of each order */
static unsigned long pcp_slack(void)
{
	unsigned long n = 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		for (unsigned int o = 0; o <= PAGE_ALLOC_COSTLY_ORDER; o++)
			n += (unsigned long)max(zones[zi].pcp[0].batch >> o, 2) << o;
	return n;
}

/* Each allocation context stops at its own level (__zone_watermark_ok): GFP_KERNEL at
 * min, __GFP_HIGH at min/2, GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC: ALLOC_HARDER too) at
 * 3/8 of min; plus the lowmem reserve, and what pcp refills took past the check. */
static enum ktest_result allocation_stops_at_min_watermark(void)
{
	static const struct { gfp_t gfp; const char *name; unsigned long num, den; } steps[] = {
		{ GFP_KERNEL, "GFP_KERNEL", 1, 1 },
		{ __GFP_HIGH, "__GFP_HIGH", 1, 2 },
		{ GFP_ATOMIC, "GFP_ATOMIC", 3, 8 },
	};
	struct snapshot base;
	void *chain[3];
	bool ok = true;

	take_snapshot(&base);
	for (int i = 0; i < 3; i++) {
		unsigned long got = 0;
		struct zone *z;
		chain[i] = exhaust(steps[i].gfp, &got);
		drain_all_pages();
		for_each_populated_zone(z) {
			unsigned long m = min_wmark_pages(z);
			/* min - min/2 - (min - min/2)/4, as the kernel computes it */
			unsigned long level = i == 0 ? m : i == 1 ? m - m / 2 : (m - m / 2) - (m - m / 2) / 4;
			unsigned long limit = level + z->lowmem_reserve[ZONE_NORMAL];
			ktest_diag("%s got %lu pages; zone %s: %lu free, stops at %lu (%lu/%lu of min %lu, "
				   "+reserve %lu)", steps[i].name, got, z->name, z->free_pages, level,
				   steps[i].num, steps[i].den, m, z->lowmem_reserve[ZONE_NORMAL]);
			ok &= z->free_pages <= limit + pcp_slack() && z->free_pages + 2 >= level;
		}
		ok &= got > 0;
	}
	for (int i = 2; i >= 0; i--)
		release(chain[i]);
	KTEST_EXPECT(ok);
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

	/* Movable allocations take Normal until its low watermark, then fall back to DMA32.
	 * (Movable: Normal's pageblocks all are, so ALLOC_NOFRAGMENT never sends them to
	 * DMA32 early, as it does an unmovable request that would have to steal a block.) */
	while ((p = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 0)) && page_zonenum(p) == ZONE_NORMAL) {
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
	/* Normal was at its low watermark, or (ALLOC_NOFRAGMENT) what it had left was only
	 * in small blocks of other types, which Linux would rather not mix with movable */
	struct zone *nz = &zones[ZONE_NORMAL];
	unsigned long movable = 0, big_other = 0;
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct page *b;
			list_for_each_entry(b, &nz->free_area[o].free_list[mt], lru) {
				if (mt == MIGRATE_MOVABLE)
					movable += 1UL << o;
				else if (o >= pageblock_order)
					big_other += 1UL << o;
			}
		}
	ktest_diag("Normal then: %lu free movable pages, %lu in other types' blocks of pageblock "
		   "order or more", movable, big_other);
	KTEST_EXPECT(nz->free_pages <= low_wmark_pages(nz) + 1 || (!movable && !big_other));
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
	{ "compound_pages_only_with_gfp_comp", compound_pages_only_with_gfp_comp },
	{ "pcp_lists_hold_orders_0_to_3", pcp_lists_hold_orders_0_to_3 },
	{ "pcp_batch_and_high_follow_linux", pcp_batch_and_high_follow_linux },
	{ "migratetypes_have_their_own_lists", migratetypes_have_their_own_lists },
	{ "page_zones_match_zone_spans", page_zones_match_zone_spans },
	{ "gfp_dma32_stays_below_limit", gfp_dma32_stays_below_limit },
	{ "zone_fallback_normal_then_dma32", zone_fallback_normal_then_dma32 },
	{ "allocation_stops_at_min_watermark", allocation_stops_at_min_watermark },
	{ "random_storm_all_orders", random_storm_all_orders },
	{ "random_storm_on_two_cpus", random_storm_on_two_cpus },
};
KTEST_SUITE(buddy, buddy_cases);
