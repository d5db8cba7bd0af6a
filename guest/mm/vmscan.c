/*
 * Page reclaim (Linux: mm/vmscan.c). Pages are taken from the tails of the inactive
 * lists (shrink_inactive_list) and, per page (shrink_page_list):
 *   - referenced since the last look (an access flag set in one of its PTEs, found
 *     through rmap and cleared): anonymous pages, pages referenced twice and executable
 *     file pages are activated; other file pages get PG_referenced and another round;
 *   - an anonymous page gets a swap slot and joins the swap cache (add_to_swap), its
 *     PTEs become the swap entry (try_to_unmap), it is written to the slot if dirty
 *     (swap_writepage, pswpout) and leaves the swap cache, then it is freed;
 *   - a clean file page is unmapped and dropped from the page cache (it is read again
 *     from the initramfs on the next fault); a dirty one cannot be written back (the
 *     page cache is the file) and becomes unevictable;
 *   - a page someone else holds a reference to (refcount above the isolation's and the
 *     cache's: __remove_mapping) is kept.
 * The active lists are aged when the inactive list of their kind is shorter
 * (inactive_is_low, ratio 1 below 1 GiB): their pages go to the inactive list, except
 * referenced executable file pages (shrink_active_list).
 * kswapd (one per node) is woken by an allocation that finds a zone below its low
 * watermark and reclaims until every zone is above high (balance_pgdat: each pass aims
 * at the high watermark's worth of pages, as kswapd_shrink_node), then sleeps; it gives
 * the CPU up only between runs (Linux's CFS favours the woken kswapd over the task that
 * keeps its CPU busy; round robin here would give them equal turns);
 * after MAX_RECLAIM_RETRIES runs that reclaimed nothing it stays asleep until a direct
 * reclaim makes progress. An allocation that finds every zone below min reclaims
 * itself (direct reclaim, try_to_free_pages) before it retries, compacts or fails.
 * Reclaimers run with PF_MEMALLOC: they may allocate below min and never recurse.
 * Scan counts: size >> priority, at least SWAP_CLUSTER_MAX, priority 12 down to 0;
 * anonymous and file lists are scanned alike when there is free swap (Linux weighs them
 * by swappiness and the cost of refaults: get_scan_count); without, only file pages.
 * Left out from Linux: memcg, MGLRU, workingset detection, writeback of dirty file
 * pages and the dirty throttling, slab shrinkers, proactive reclaim, kswapd's
 * high-order balancing (kswapd balances order 0; high orders use direct compaction),
 * node reclaim, the per-CPU pagevecs.
 */
#include <kernel.h>
#include <smp.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/mmzone.h>
#include <linux/rmap.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

struct scan_control {
	unsigned long nr_to_reclaim, nr_reclaimed, nr_scanned;
	int priority;
	bool kswapd;
	bool ignore_references;	/* reclaim_pages (MADV_PAGEOUT, vmm_page) */
};

/* __remove_mapping: drop the page from its cache if only the cache and the caller
 * hold it; the page is locked and no PTE maps it. */
static bool remove_mapping(struct page *page)
{
	if (PageFlag(page, PG_dirty))
		return false;
	if (PageFlag(page, PG_swapcache)) {
		return __delete_from_swap_cache(page, 2);
	}
	struct address_space *m = page->mapping;
	if (!m)
		return false;
	bool ok = false;
	spin_lock(&m->lock);
	if (page_count(page) == 2 && m->pages[page->index] == page) {
		m->pages[page->index] = NULL;
		m->nrpages--;
		ok = true;
	}
	spin_unlock(&m->lock);
	if (ok)
		put_page(page);		/* the cache's reference */
	return ok;
}

static void count_steal(struct scan_control *sc, struct page *page)
{
	count_vm_event(sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT);
	count_vm_event(PageFlag(page, PG_swapbacked) ? PGSTEAL_ANON : PGSTEAL_FILE);
}

/* Reclaim what can be of an isolated list; the rest is left on it (Linux:
 * shrink_page_list). */
static unsigned long shrink_page_list(struct list_head *pages, struct list_head *ret,
				      struct scan_control *sc)
{
	unsigned long reclaimed = 0;

	while (!list_empty(pages)) {
		struct page *page = list_first_entry(pages, struct page, lru);
		unsigned long vm_flags;
		list_del(&page->lru);
		if (!trylock_page(page))
			goto keep;
		bool anon = PageFlag(page, PG_swapbacked);
		int referenced = sc->ignore_references ? 0 : page_referenced(page, &vm_flags);
		bool refpage = TestClearPageFlag(page, PG_referenced);
		if (referenced) {	/* page_check_references */
			if (anon || refpage || referenced > 1 || (vm_flags & VM_EXEC))
				goto activate_locked;
			SetPageFlag(page, PG_referenced);
			goto keep_locked;
		}
		if (anon && !PageFlag(page, PG_swapcache) && add_to_swap(page))
			goto activate_locked;		/* no swap, or it is full */
		if (page_mapcount(page) && !try_to_unmap(page))
			goto activate_locked;
		if (PageFlag(page, PG_dirty)) {
			if (!anon)
				goto keep_locked;	/* no writeback: unevictable on putback */
			if (swap_writepage(page))
				goto activate_locked;
		}
		if (!remove_mapping(page))
			goto keep_locked;
		unlock_page(page);
		count_steal(sc, page);
		__atomic_sub_fetch(&contig_page_data.lruvec.nr_isolated, 1, __ATOMIC_RELAXED);
		put_page(page);		/* the isolation's reference: the last one */
		reclaimed++;
		continue;
activate_locked:
		/* kept in memory: its slot is better used by another page if swap is short */
		if (PageFlag(page, PG_swapcache) && vm_swap_full())
			try_to_free_swap(page);
		if (!PageFlag(page, PG_active)) {
			SetPageFlag(page, PG_active);
			count_vm_event(PGACTIVATE);
		}
keep_locked:
		unlock_page(page);
keep:
		list_add_tail(&page->lru, ret);
	}
	return reclaimed;
}

static void putback_list(struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		putback_lru_page(page);
	}
}

/* Up to nr pages from the tail of list lru, isolated onto dst (isolate_lru_pages). */
static unsigned long isolate_lru_pages(unsigned long nr, enum lru_list lru, struct list_head *dst)
{
	struct lruvec *l = &contig_page_data.lruvec;
	unsigned long taken = 0, scanned = 0;

	spin_lock(&l->lru_lock);
	struct list_head *src = &l->lists[lru];
	while (scanned < nr && !list_empty(src)) {
		struct page *page = list_last_entry(src, struct page, lru);
		scanned++;
		if (!get_page_unless_zero(page)) {	/* being freed: leave it */
			list_move(&page->lru, src);
			continue;
		}
		ClearPageFlag(page, PG_lru);
		list_move(&page->lru, dst);
		l->nr_pages[lru]--;
		taken++;
	}
	__atomic_add_fetch(&l->nr_isolated, taken, __ATOMIC_RELAXED);
	spin_unlock(&l->lru_lock);
	return taken;
}

static void shrink_inactive_list(unsigned long nr, enum lru_list lru, struct scan_control *sc)
{
	LIST_HEAD(pages);
	LIST_HEAD(keep);
	unsigned long n = isolate_lru_pages(nr, lru, &pages);

	sc->nr_scanned += n;
	count_vm_events(sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, n);
	sc->nr_reclaimed += shrink_page_list(&pages, &keep, sc);
	putback_list(&keep);
}

static void shrink_active_list(unsigned long nr, enum lru_list lru, struct scan_control *sc)
{
	LIST_HEAD(pages);
	LIST_HEAD(active);
	LIST_HEAD(inactive);
	unsigned long n = isolate_lru_pages(nr, lru, &pages);

	count_vm_events(PGREFILL, n);
	while (!list_empty(&pages)) {
		struct page *page = list_first_entry(&pages, struct page, lru);
		unsigned long vm_flags = 0;
		list_del(&page->lru);
		if (trylock_page(page)) {
			int referenced = page_referenced(page, &vm_flags);
			unlock_page(page);
			/* referenced executable file pages stay active (Linux does the same) */
			if (referenced && (vm_flags & VM_EXEC) && !PageFlag(page, PG_swapbacked)) {
				list_add(&page->lru, &active);
				continue;
			}
		}
		ClearPageFlag(page, PG_active);
		count_vm_event(PGDEACTIVATE);
		list_add(&page->lru, &inactive);
	}
	putback_list(&active);
	putback_list(&inactive);
}

static bool inactive_is_low(enum lru_list inactive)
{
	return lru_pages(inactive) < lru_pages(inactive + LRU_ACTIVE);
}

static void shrink_node(struct scan_control *sc)
{
	for (int file = 1; file >= 0; file--) {
		if (!file && !nr_swap_pages_free())
			continue;	/* no swap, or it is full: anonymous pages stay */
		enum lru_list inactive = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
		unsigned long size = lru_pages(inactive) + lru_pages(inactive + LRU_ACTIVE);
		unsigned long nr = max(size >> sc->priority, min(size, SWAP_CLUSTER_MAX));
		if (inactive_is_low(inactive))
			shrink_active_list(nr, inactive + LRU_ACTIVE, sc);
		shrink_inactive_list(nr, inactive, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	if (sc->nr_reclaimed)
		WRITE_ONCE(contig_page_data.kswapd_failures, 0);
}

static void cond_resched(void)
{
	if (need_resched())
		schedule();
}

unsigned long try_to_free_pages(unsigned int order, gfp_t gfp)
{
	struct task_struct *tsk = current;
	struct scan_control sc = { .nr_to_reclaim = SWAP_CLUSTER_MAX };
	unsigned int oflags = tsk->flags;

	if (oflags & PF_MEMALLOC)
		return 0;
	tsk->flags |= PF_MEMALLOC;
	count_vm_event(ALLOCSTALL);
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		shrink_node(&sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	tsk->flags = oflags;
	return sc.nr_reclaimed;
}

/* Tests: reclaim up to nr pages now, as direct reclaim (Linux: shrink_all_memory). */
unsigned long shrink_all_memory(unsigned long nr)
{
	struct task_struct *tsk = current;
	struct scan_control sc = { .nr_to_reclaim = nr };
	unsigned int oflags = tsk->flags;

	tsk->flags |= PF_MEMALLOC;
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		shrink_node(&sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	tsk->flags = oflags;
	return sc.nr_reclaimed;
}

/* Reclaim the pages of an isolated list (MADV_PAGEOUT: reclaim_pages); the rest goes
 * back to the LRU. */
unsigned long reclaim_page_list(struct list_head *pages)
{
	struct scan_control sc = { .nr_to_reclaim = -1UL, .priority = DEF_PRIORITY,
				   .ignore_references = true };
	LIST_HEAD(keep);
	unsigned long n = shrink_page_list(pages, &keep, &sc);
	putback_list(&keep);
	return n;
}

/* ---- kswapd ---- */

static bool pgdat_balanced(int mark)
{
	struct zone *z;

	for_each_populated_zone(z)
		if (!zone_watermark_ok(z, 0, z->_watermark[mark], MAX_NR_ZONES - 1, 0))
			return false;
	return true;
}

static void balance_pgdat(void)
{
	struct scan_control sc = { .kswapd = true };

	count_vm_event(PAGEOUTRUN);
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		if (pgdat_balanced(WMARK_HIGH))
			break;
		/* kswapd_shrink_node: each pass aims at the high watermark's worth of pages
		 * per zone (at least SWAP_CLUSTER_MAX), not just the deficit */
		unsigned long target = 0;
		struct zone *z;
		for_each_populated_zone(z)
			target += max(high_wmark_pages(z), SWAP_CLUSTER_MAX);
		sc.nr_to_reclaim = sc.nr_reclaimed + target;
		unsigned long before = sc.nr_reclaimed;
		shrink_node(&sc);
		if (sc.nr_reclaimed > before && sc.priority < DEF_PRIORITY)
			sc.priority++;		/* progress: stay at this priority */
	}
	if (!sc.nr_reclaimed && !pgdat_balanced(WMARK_HIGH))
		contig_page_data.kswapd_failures++;
}

static int kswapd(void *arg)
{
	struct pglist_data *pgdat = arg;
	struct task_struct *tsk = current;

	tsk->flags |= PF_MEMALLOC | PF_KSWAPD | PF_KTHREAD;
	for (;;) {
		tsk->state = TASK_INTERRUPTIBLE;
		if (!__atomic_exchange_n(&pgdat->kswapd_wake, 0, __ATOMIC_ACQ_REL) &&
		    (pgdat_balanced(WMARK_HIGH) || pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES))
			schedule();
		tsk->state = TASK_RUNNING;
		__atomic_store_n(&pgdat->kswapd_wake, 0, __ATOMIC_RELEASE);
		if (pgdat->kswapd_failures < MAX_RECLAIM_RETRIES)
			balance_pgdat();
		cond_resched();
	}
	return 0;
}

void wakeup_kswapd(unsigned int order)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	struct task_struct *k = pgdat->kswapd;

	if (!k || READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES)
		return;
	if (order > (unsigned int)READ_ONCE(pgdat->kswapd_order))
		WRITE_ONCE(pgdat->kswapd_order, order);
	if (!__atomic_exchange_n(&pgdat->kswapd_wake, 1, __ATOMIC_ACQ_REL)) {
		if (READ_ONCE(k->state) != TASK_RUNNING)
			count_vm_event(KSWAPD_WAKE);
		wake_up_process(k);
	}
}

/* kswapd0 on the last CPU online (the KTAP runner is CPU 0's idle task). */
void kswapd_run(void)
{
	unsigned int saved = sched_force_cpu;

	for (int cpu = NR_CPUS - 1; cpu >= 0; cpu--)
		if (cpu_is_online(cpu)) {
			sched_force_cpu = cpu;
			break;
		}
	struct task_struct *p = kthread_create(kswapd, NODE_DATA(0), "kswapd0");
	sched_force_cpu = saved;
	if (!p) {
		printk("kswapd: could not start\n");
		return;
	}
	NODE_DATA(0)->kswapd = p;
	printk("kswapd0 started on CPU%u\n", p->cpu);
}
