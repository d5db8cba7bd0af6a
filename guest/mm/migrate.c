/*
 * Page migration (Linux: mm/migrate.c): move a page's contents to another physical
 * page while it stays mapped everywhere.
 *   1. the old page is isolated from the LRU (a reference) and locked, as is the new;
 *   2. every PTE mapping it becomes a migration entry (try_to_migrate through rmap:
 *      break-before-make with TLBI by ASID and VA, inner shareable), so that any access
 *      faults and waits (migration_entry_wait) until the old page is unlocked;
 *   3. if nobody else holds a reference (the isolation's, and the page cache's for a
 *      file page), the contents and state (mapping, index, anon/dirty/active) are
 *      copied and a file page's slot in the page cache is switched to the new page
 *      under the cache lock (migrate_page_move_mapping);
 *   4. each migration entry becomes a PTE of the new page (remove_migration_ptes;
 *      the entry was invalid, so the new PTE is written directly), with the old
 *      write permission; on failure they become PTEs of the old page again.
 * Pages in the swap cache are not migrated (-EBUSY); shmem pages are not on the LRU.
 * Left out from Linux: movable non-LRU pages (balloon, zsmalloc), huge pages, NUMA
 * policies and move_pages(2)/migrate_pages(2), async/sync modes (every migration here
 * is synchronous and never sleeps: a page another CPU holds is retried, then given up).
 */
#include <kernel.h>
#include <string.h>
#include <linux/errno.h>
#include <linux/compaction.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/rmap.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include "internal.h"

#define MIGRATE_FLAGS (1UL << PG_anon | 1UL << PG_swapbacked | 1UL << PG_dirty | \
		       1UL << PG_active | 1UL << PG_referenced)

/* Both pages locked; page isolated (one reference: ours). 0 or -EAGAIN/-EBUSY. */
static int move_to_new_page(struct page *page, struct page *newpage)
{
	struct address_space *m = PageAnon(page) ? NULL : page->mapping;
	int expected = m ? 2 : 1;

	if (PageFlag(page, PG_swapcache) || (!PageAnon(page) && !m))
		return -EBUSY;
	if (page_count(page) != expected + page_mapcount(page))
		return -EAGAIN;		/* someone else holds it: do not even unmap */
	bool was_mapped = page_mapcount(page) > 0;
	if (was_mapped && !try_to_migrate(page))
		goto restore;
	if (page_count(page) != expected)
		goto restore;
	/* the copy: no PTE can write it now */
	memcpy(page_address(newpage), page_address(page), PAGE_SIZE);
	newpage->index = page->index;
	newpage->mapping = page->mapping;
	__atomic_or_fetch(&newpage->flags, page->flags & MIGRATE_FLAGS, __ATOMIC_RELAXED);
	if (m) {	/* migrate_page_move_mapping: the cache's reference moves */
		spin_lock(&m->lock);
		if (page_count(page) != expected || m->pages[page->index] != page) {
			spin_unlock(&m->lock);
			newpage->mapping = NULL;
			__atomic_and_fetch(&newpage->flags, ~MIGRATE_FLAGS, __ATOMIC_RELAXED);
			goto restore;
		}
		get_page(newpage);
		m->pages[page->index] = newpage;
		spin_unlock(&m->lock);
		put_page(page);
	} else {
		get_anon_vma(newpage->mapping);	/* the new page pins it too */
	}
	if (was_mapped)
		remove_migration_ptes(page, newpage);
	return 0;
restore:
	if (was_mapped)
		remove_migration_ptes(page, page);
	return -EAGAIN;
}

static int unmap_and_move(struct page *page, struct page *newpage)
{
	int rc = -EAGAIN;

	if (!trylock_page(page))
		return -EAGAIN;
	if (trylock_page(newpage)) {
		rc = move_to_new_page(page, newpage);
		unlock_page(newpage);
	}
	unlock_page(page);
	return rc;
}

int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private)
{
	int failed = 0;

	for (int pass = 0; pass < 10 && !list_empty(from); pass++) {
		struct page *page, *next;
		failed = 0;
		list_for_each_entry_safe(page, next, from, lru) {
			struct page *newpage = get_new_page(page, private);
			if (!newpage)
				return failed + 1;	/* the rest stay on from */
			newpage->_mapcount = 0;
			int rc = unmap_and_move(page, newpage);
			if (rc) {
				put_new_page(newpage, private);
				failed++;
				if (rc == -EBUSY)
					pass = 10;
				continue;
			}
			list_del(&page->lru);
			count_vm_event(PGMIGRATE_SUCCESS);
			/* the new page: on the LRU, the allocation's reference dropped */
			lru_cache_add(newpage);
			put_page(newpage);
			/* the old page: its last (isolation) reference */
			__atomic_sub_fetch(&contig_page_data.lruvec.nr_isolated, 1, __ATOMIC_RELAXED);
			put_page(page);
		}
	}
	count_vm_events(PGMIGRATE_FAIL, failed);
	return failed;
}

static struct page *alloc_migration_target(struct page *page, unsigned long private)
{
	return alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static void free_migration_target(struct page *page, unsigned long private)
{
	page->_mapcount = 0;
	__free_page(page);
}

int migrate_isolated_page(struct page *page)
{
	LIST_HEAD(list);

	list_add(&page->lru, &list);
	int failed = migrate_pages(&list, alloc_migration_target, free_migration_target, 0);
	if (failed) {
		list_del(&page->lru);
		putback_lru_page(page);
		return -EAGAIN;
	}
	return 0;
}
