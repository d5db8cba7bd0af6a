/*
 * The project-specific system call vmm_page (number 1026): look at, reclaim or migrate
 * the page mapped at an address of the caller, for the tests of reverse mapping,
 * swap and migration (Linux has no such call: its tests use /proc/PID/pagemap,
 * /proc/kpageflags, madvise(MADV_PAGEOUT) and move_pages(2)).
 *   long vmm_page(unsigned long addr, int op, struct vmm_page_info *info);
 * VMM_PAGE_INFO fills info (also with the other ops, before acting; info may be NULL
 * then); VMM_PAGE_RECLAIM reclaims the page as reclaim would but at once and whatever
 * its age (every PTE of every process unmapped through rmap; anonymous pages written
 * to swap), returning 1 if it was freed, 0 if it was kept; VMM_PAGE_MIGRATE moves it
 * to another physical page (every PTE remapped), returning 0 or -errno.
 * -EFAULT: no page mapped there (none, or swapped out: info then says so).
 * VMM_PAGE_COMPACT (addr = an order): a movable block of that order is asked for
 * without compaction (no reclaim either), then with direct compaction; returns the bits
 * VMM_COMPACT_* (each block got is freed again).
 */
#ifndef UAPI_VMM_PAGE_H
#define UAPI_VMM_PAGE_H

#define __NR_vmm_page 1026
#define VMM_PAGE_INFO 0
#define VMM_PAGE_RECLAIM 1
#define VMM_PAGE_MIGRATE 2
#define VMM_PAGE_COMPACT 3
#define VMM_COMPACT_WITHOUT 1		/* the block was free without compaction */
#define VMM_COMPACT_WITH 2		/* compaction made it */
#define VMM_COMPACT_TYPES_KEPT 4	/* no pageblock changed type during compaction */
/* VMM_PAGE_CMA (addr = a number of pages): cma_alloc of that many pages at the start
 * of the first CMA area, written, then released; returns how many pages of the range
 * were in use (on the LRU) before, or -errno (-ENODEV: no CMA area, -EBUSY: failed). */
#define VMM_PAGE_CMA 4
/* VMM_PAGE_AGE: what reclaim does to age a page (page_referenced): the number of its
 * PTEs whose access flag was set, each cleared (the next access faults and sets it). */
#define VMM_PAGE_AGE 5

struct vmm_page_info {
	unsigned long pfn;		/* -1 when not present */
	unsigned long swap_entry;	/* the PTE's swap entry, or the page's if cached; 0 */
	unsigned long refcount, mapcount;
	unsigned long rmap_ptes;	/* PTEs mapping it found through rmap */
	unsigned long anon, lru, active, swapcache, dirty;	/* 0 or 1 */
	unsigned long young;		/* the caller's PTE has its access flag set */
};
#endif
