/*
 * KTAP suite "reclaim": reverse mapping, LRU ageing, migration, swap, reclaim (kswapd
 * and direct), compaction, CMA and the OOM killer (docs/guest-reclaim.md). User
 * programs from the initramfs (guest/user/) run the parts that need processes; each
 * case that can leak checks that free pages and swap slots come back.
 */
#include <kernel.h>
#include <ktest.h>
#include <string.h>
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

/* pages that come and go with caches: the page cache, slabs */
static unsigned long page_cache_pages(void)
{
	return lru_pages(LRU_INACTIVE_FILE) + lru_pages(LRU_ACTIVE_FILE) + slab_pages();
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

static const struct ktest_case reclaim_cases[] = {
	{ "rmap_migrate_swap_across_fork", rmap_migrate_swap_across_fork },
	{ "working_set_twice_ram_through_swap", working_set_twice_ram_through_swap },
	{ "swap_in_after_fork_keeps_each_sides_data", swap_in_after_fork_keeps_each_sides_data },
	{ "kswapd_does_most_of_the_work", kswapd_does_most_of_the_work },
	{ "oom_kills_the_largest_process", oom_kills_the_largest_process },
};
KTEST_SUITE(reclaim, reclaim_cases);
