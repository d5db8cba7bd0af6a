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

static enum ktest_result run_prog(const char *name, const char *arg, int *status_out)
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
	const char *argv[] = { path, arg, NULL };
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

static const struct ktest_case reclaim_cases[] = {
	{ "rmap_migrate_swap_across_fork", rmap_migrate_swap_across_fork },
};
KTEST_SUITE(reclaim, reclaim_cases);
