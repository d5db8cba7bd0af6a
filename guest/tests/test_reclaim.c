/*
 * KTAP suites "rmap", "reclaim" and "cma": reverse mapping, LRU ageing, migration, swap, reclaim (kswapd
 * and direct), compaction, CMA and the OOM killer (docs/guest-reclaim.md). User
 * programs from the initramfs (guest/user/) run the parts that need processes; each
 * case that can leak checks that free pages and swap slots come back.
 */
#include <kernel.h>
#include <ktest.h>
#include <string.h>
#include <linux/cma.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/mmzone.h>
#include <linux/rmap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include <asm/irqflags.h>

static enum ktest_result run_prog2(const char *name, const char *arg, const char *arg2,
				   int *status_out)
{
	char path[64];
	int status = -1;

	if (!initramfs_present()) {
		ktest_skip_reason(initramfs_status());
		return KTEST_SKIP;
	}
	snprintf(path, sizeof(path), "/bin/%s", name);
	if (!initramfs_lookup(path)) {
		ktest_diag("%s is not in the initramfs", path);
		return KTEST_FAIL;
	}
	const char *argv[] = { path, arg, arg2, NULL };
	int pid = kernel_spawn(path, argv);
	KTEST_EXPECT(pid > 0);
	long r = kernel_wait_poll(pid, &status);
	reap_orphans();
	KTEST_EXPECT_EQ(r, pid);
	if (status_out)
		*status_out = status;
	if (status) {
		ktest_diag("%s: wait status %#x", path, status);
		return KTEST_FAIL;
	}
	return KTEST_PASS;
}

static enum ktest_result run_prog(const char *name, const char *arg, int *status_out)
{
	return run_prog2(name, arg, NULL, status_out);
}

/* kswapd asleep and nothing isolated: counts are still */
static void wait_reclaim_idle(void)
{
	struct task_struct *k = NODE_DATA(0)->kswapd;

	for (int i = 0; i < 1000000; i++) {
		if ((!k || READ_ONCE(k->state) != TASK_RUNNING) &&
		    !READ_ONCE(contig_page_data.lruvec.nr_isolated))
			return;
		u64 f = local_irq_save();
		cpu_idle_once();
		local_irq_restore(f);
	}
	ktest_diag("kswapd still running");
}

/* No page, task or swap slot left behind: the free pages (buddy + per-CPU lists) and
 * free swap slots after equal those before, allowing for pages the page cache gained
 * or lost (initramfs pages read again or reclaimed). */
struct leak_check {
	unsigned long free, cache, swap_free, tasks, pgtables;
};

extern struct list_head slab_caches;
static unsigned long slab_pages(void)
{
	struct kmem_cache *s;
	unsigned long n = 0;

	list_for_each_entry(s, &slab_caches, list)
		n += READ_ONCE(s->nr_slabs) << s->order;
	return n;
}

extern unsigned long nr_kernel_pgtables;

/* pages that come and go with caches: the page cache, slabs, and the kernel's own
 * page tables (vmalloc'd stacks at new addresses may need a new table, kept for good) */
static unsigned long page_cache_pages(void)
{
	return lru_pages(LRU_INACTIVE_FILE) + lru_pages(LRU_ACTIVE_FILE) + slab_pages() +
	       READ_ONCE(nr_kernel_pgtables);
}

static void leak_start(struct leak_check *c)
{
	drain_all_pages();
	c->free = nr_free_pages();
	c->cache = page_cache_pages();
	c->swap_free = nr_swap_pages_free();
	c->tasks = nr_tasks_alive;
	c->pgtables = nr_user_pgtables;
}

static bool leak_ok(struct leak_check *c)
{
	wait_reclaim_idle();
	drain_all_pages();
	long free = nr_free_pages(), cache = page_cache_pages();
	long lost = ((long)c->free + (long)c->cache) - (free + cache);
	ktest_diag("free + page cache: %lu + %lu before, %ld + %ld after; swap slots free %lu -> %lu; "
		   "anon LRU %lu, swap cache %lu", c->free, c->cache, free, cache, c->swap_free,
		   nr_swap_pages_free(), lru_pages(LRU_INACTIVE_ANON) + lru_pages(LRU_ACTIVE_ANON),
		   nr_swapcache_pages());
	return lost == 0 && nr_swap_pages_free() == c->swap_free && nr_tasks_alive == c->tasks &&
	       nr_user_pgtables == c->pgtables;
}

static enum ktest_result rmap_migrate_swap_across_fork(void)
{
	struct leak_check c;

	leak_start(&c);
	enum ktest_result r = run_prog("rmap", swap_status(), NULL);
	if (r != KTEST_PASS)
		return r;
	KTEST_EXPECT(leak_ok(&c));
	return KTEST_PASS;
}

static unsigned long totalram_pages(void)
{
	struct zone *z;
	unsigned long n = 0;

	for_each_populated_zone(z)
		n += z->managed_pages;
	return n;
}

static unsigned long min_free_pages(void)
{
	struct zone *z;
	unsigned long n = 0;

	for_each_populated_zone(z)
		n += min_wmark_pages(z);
	return n;
}

#define NEEDS_SWAP() do { if (!swap_active()) { ktest_skip_reason(swap_status()); \
	return KTEST_SKIP; } } while (0)

static unsigned long ev(enum vmm_vmstat_item i)
{
	return global_vm_stat(i);
}

/* A working set of twice the RAM, written then read twice: every page goes to swap and
 * comes back with its data (the program checks every page). */
static enum ktest_result working_set_twice_ram_through_swap(void)
{
	struct leak_check c;
	char n[24];

	NEEDS_SWAP();
	snprintf(n, sizeof(n), "%lu", 2 * totalram_pages());
	leak_start(&c);
	unsigned long out = ev(PSWPOUT), in = ev(PSWPIN);
	enum ktest_result r = run_prog2("thrash", "seq", n, NULL);
	ktest_diag("%s pages: pswpout +%lu, pswpin +%lu", n, ev(PSWPOUT) - out, ev(PSWPIN) - in);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT(ev(PSWPOUT) - out >= totalram_pages());
	KTEST_EXPECT(ev(PSWPIN) > in);
	KTEST_EXPECT(leak_ok(&c));
	return KTEST_PASS;
}

/* Parent and child share RAM's worth of pages, then both rewrite them: each side must
 * keep its own data through swap-out, swap-in and copy-on-write. */
static enum ktest_result swap_in_after_fork_keeps_each_sides_data(void)
{
	struct leak_check c;
	char n[24];

	NEEDS_SWAP();
	snprintf(n, sizeof(n), "%lu", totalram_pages());
	leak_start(&c);
	enum ktest_result r = run_prog2("thrash", "fork", n, NULL);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT(leak_ok(&c));
	return KTEST_PASS;
}

/* Under steady pressure kswapd, woken below the low watermark, reclaims most pages,
 * and free memory never goes below min (less one pcp batch: a refill checks the
 * watermark once for the whole batch). */
static enum ktest_result kswapd_does_most_of_the_work(void)
{
	struct leak_check c;
	char n[24];

	NEEDS_SWAP();
	snprintf(n, sizeof(n), "%lu", totalram_pages() * 3 / 2);
	leak_start(&c);
	unsigned long k = ev(PGSTEAL_KSWAPD), d = ev(PGSTEAL_DIRECT), w = ev(KSWAPD_WAKE);
	WRITE_ONCE(contig_page_data.lowest_free, -1UL);
	enum ktest_result r = run_prog2("thrash", "seq", n, NULL);
	unsigned long lowest = contig_page_data.lowest_free, min = min_free_pages();
	k = ev(PGSTEAL_KSWAPD) - k;
	d = ev(PGSTEAL_DIRECT) - d;
	ktest_diag("pgsteal_kswapd %lu, pgsteal_direct %lu, kswapd woken %lu times; fewest free "
		   "pages %lu, min watermark %lu", k, d, ev(KSWAPD_WAKE) - w, lowest, min);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT(k > d);
	KTEST_EXPECT(lowest + zones[ZONE_DMA32].pcp[0].batch + zones[ZONE_NORMAL].pcp[0].batch >= min);
	KTEST_EXPECT(leak_ok(&c));
	return KTEST_PASS;
}

/* Compaction (program frag): memory filled with anonymous pages, every other one freed;
 * a pageblock-order block fails without compaction and succeeds with it. */
static enum ktest_result high_order_allocation_succeeds_after_compaction(void)
{
	struct leak_check c;
	char n[24], o[8];
	unsigned long high = 0;
	struct zone *z;

	if (!initramfs_present()) {
		ktest_skip_reason(initramfs_status());
		return KTEST_SKIP;
	}
	if (cma_area_count) {
		/* free CMA pageblocks serve movable blocks without compaction */
		ktest_skip_reason("a CMA area is present: its free pageblocks defeat the setup");
		return KTEST_SKIP;
	}
	if (totalram_pages() < (32UL << 20) / PAGE_SIZE - 1024) {
		ktest_skip_reason("needs 32 MiB of RAM: below, every pageblock holds unmovable pages");
		return KTEST_SKIP;
	}
	for_each_populated_zone(z)
		high += high_wmark_pages(z);
	leak_start(&c);
	/* all but a little above the high watermark: no free block of pageblock order left */
	snprintf(n, sizeof(n), "%lu", nr_free_pages() - high - 64);
	snprintf(o, sizeof(o), "%d", pageblock_order);
	unsigned long ok = ev(COMPACT_SUCCESS);
	enum ktest_result r = run_prog2("frag", n, o, NULL);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT(ev(COMPACT_SUCCESS) > ok);
	KTEST_EXPECT(leak_ok(&c));
	KTEST_EXPECT_EQ(check_free_areas(), 0);
	return KTEST_PASS;
}

/* CMA (program cmafill): anonymous pages fill memory, CMA pageblocks included; then
 * cma_alloc takes the first half of the area, migrating them out. */
static enum ktest_result cma_alloc_migrates_movable_pages_out(void)
{
	struct leak_check c;
	char n[24], m[24];
	unsigned long high = 0;
	struct zone *z;

	if (!cma_area_count) {
		ktest_skip_reason("no CMA area (cma=SIZE, or a reusable shared-dma-pool)");
		return KTEST_SKIP;
	}
	for_each_populated_zone(z)
		high += high_wmark_pages(z);
	/* leave room for the half to be migrated into non-CMA memory */
	unsigned long half = cma_areas[0].count / 2;
	leak_start(&c);
	snprintf(n, sizeof(n), "%lu", nr_free_pages() - high - half - 64);
	snprintf(m, sizeof(m), "%lu", half);
	unsigned long ok = ev(CMA_ALLOC_SUCCESS);
	ktest_diag("CMA area %s: %lu pages at pfn %#lx; %lu free CMA pages", cma_areas[0].name,
		   cma_areas[0].count, cma_areas[0].base_pfn, ev(NR_FREE_CMA_PAGES));
	enum ktest_result r = run_prog2("cmafill", n, m, NULL);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT_EQ(ev(CMA_ALLOC_SUCCESS) - ok, 1);
	KTEST_EXPECT(leak_ok(&c));
	KTEST_EXPECT_EQ(check_free_areas(), 0);
	return KTEST_PASS;
}

/* Memory and swap run out: the OOM killer must choose the largest process (program
 * oom: a hog among two small children); the others finish normally and nothing leaks. */
static enum ktest_result oom_kills_the_largest_process(void)
{
	struct leak_check c;

	if (swap_active() && total_swap_pages_nr() > 4 * totalram_pages()) {
		ktest_skip_reason("swap too large for the OOM case (more than 4 times RAM)");
		return KTEST_SKIP;
	}
	leak_start(&c);
	unsigned long kills = ev(OOM_KILL);
	enum ktest_result r = run_prog("oom", NULL, NULL);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT_EQ(ev(OOM_KILL) - kills, 1);
	KTEST_EXPECT(leak_ok(&c));
	return KTEST_PASS;
}

/* Suite "rmap", part of "all": quick, needs only the initramfs (swap if any). */
static const struct ktest_case rmap_cases[] = {
	{ "rmap_migrate_swap_across_fork", rmap_migrate_swap_across_fork },
};
KTEST_SUITE(rmap, rmap_cases);

/* Suite "reclaim", only when named (ktest=reclaim): memory pressure for seconds, OOM;
 * booted by tests/guest/CMakeLists.txt with small RAM, a swap disk or none. */
static const struct ktest_case reclaim_cases[] = {
	{ "working_set_twice_ram_through_swap", working_set_twice_ram_through_swap },
	{ "swap_in_after_fork_keeps_each_sides_data", swap_in_after_fork_keeps_each_sides_data },
	{ "kswapd_does_most_of_the_work", kswapd_does_most_of_the_work },
	{ "high_order_allocation_succeeds_after_compaction",
	  high_order_allocation_succeeds_after_compaction },
	{ "oom_kills_the_largest_process", oom_kills_the_largest_process },
};
KTEST_SUITE_EXPLICIT(reclaim, reclaim_cases);

/* Suite "cma", only when named: needs a CMA area (cma=SIZE or a reusable
 * shared-dma-pool in /reserved-memory). */
static const struct ktest_case cma_cases[] = {
	{ "cma_alloc_migrates_movable_pages_out", cma_alloc_migrates_movable_pages_out },
};
KTEST_SUITE_EXPLICIT(cma, cma_cases);
