/*
 * The LRU lists (Linux: mm/swap.c, include/linux/mm_inline.h). One node, one lruvec
 * with Linux's four evictable lists: inactive/active anonymous (swap-backed) and
 * inactive/active file pages. A new page goes to the head of its inactive list
 * (Linux 6.1 does so for anonymous pages too, lru_cache_add_inactive_or_unevictable);
 * reclaim (mm/vmscan.c) takes pages from the tails, promotes those whose PTEs' access
 * flags were set, and demotes active pages when the inactive list is short.
 * The lists hold no reference: a page on a list has PG_lru; isolating it takes a
 * reference (if it is not being freed) and clears PG_lru under the lru_lock; the last
 * put_page of a page still on a list takes it off (__page_cache_release).
 * Unevictable pages are simply kept off the lists (Linux: LRU_UNEVICTABLE): shmem
 * pages (no swap for shmem here) and dirty page-cache pages (the page cache is the
 * file: there is no writeback, as ramfs).
 * Left out from Linux: the per-CPU lru_add pagevecs (pages go to the list at once),
 * memcg lruvecs, MGLRU, workingset refault detection, mlock.
 */
#include <kernel.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

struct pglist_data contig_page_data;

void lru_init(void)
{
	struct lruvec *l = &contig_page_data.lruvec;

	spin_lock_init(&l->lru_lock);
	for (int i = 0; i < NR_LRU_LISTS; i++)
		INIT_LIST_HEAD(&l->lists[i]);
}

static bool page_evictable(struct page *page)
{
	if (PageFlag(page, PG_unevictable))
		return false;
	if (!PageFlag(page, PG_swapbacked)) {
		struct address_space *m = page->mapping;
		if (PageFlag(page, PG_dirty) || (m && m->host->shmem))
			return false;
	}
	return true;
}

static enum lru_list page_lru(struct page *page)
{
	return page_lru_base_type(page) + (PageFlag(page, PG_active) ? LRU_ACTIVE : 0);
}

void lru_cache_add(struct page *page)
{
	struct lruvec *l = &contig_page_data.lruvec;

	if (!page_evictable(page)) {
		SetPageFlag(page, PG_unevictable);
		return;
	}
	spin_lock(&l->lru_lock);
	if (!PageFlag(page, PG_lru)) {
		enum lru_list lru = page_lru(page);
		SetPageFlag(page, PG_lru);
		list_add(&page->lru, &l->lists[lru]);
		l->nr_pages[lru]++;
	}
	spin_unlock(&l->lru_lock);
}

void lru_del_freed(struct page *page)
{
	struct lruvec *l = &contig_page_data.lruvec;

	spin_lock(&l->lru_lock);
	if (TestClearPageFlag(page, PG_lru)) {
		list_del(&page->lru);
		l->nr_pages[page_lru(page)]--;
	}
	spin_unlock(&l->lru_lock);
}

/* Off its list, with a reference (Linux: isolate_lru_page / folio_isolate_lru). */
bool isolate_lru_page(struct page *page)
{
	struct lruvec *l = &contig_page_data.lruvec;
	bool ok = false;

	spin_lock(&l->lru_lock);
	if (PageFlag(page, PG_lru) && get_page_unless_zero(page)) {
		ClearPageFlag(page, PG_lru);
		list_del(&page->lru);
		l->nr_pages[page_lru(page)]--;
		__atomic_add_fetch(&l->nr_isolated, 1, __ATOMIC_RELAXED);
		ok = true;
	}
	spin_unlock(&l->lru_lock);
	return ok;
}

void putback_lru_page(struct page *page)
{
	struct lruvec *l = &contig_page_data.lruvec;

	__atomic_sub_fetch(&l->nr_isolated, 1, __ATOMIC_RELAXED);
	lru_cache_add(page);
	put_page(page);
}

void set_page_dirty(struct page *page)
{
	SetPageFlag(page, PG_dirty);
}

/* read(2) of a page-cache page: inactive,unreferenced -> inactive,referenced ->
 * active (Linux: folio_mark_accessed; the move is done by the next scan here). */
void mark_page_accessed(struct page *page)
{
	SetPageFlag(page, PG_referenced);
}

unsigned long lru_pages(enum lru_list lru)
{
	return READ_ONCE(contig_page_data.lruvec.nr_pages[lru]);
}
