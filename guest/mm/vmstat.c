/*
 * Memory counters with /proc/vmstat's names (Linux: mm/vmstat.c), and the system calls
 * that hand them and page details to user programs: vmm_vmstat (1025,
 * include/uapi/vmm_vmstat.h) and vmm_page (1026, include/uapi/vmm_page.h).
 */
#include <kernel.h>
#include <string.h>
#include <asm/uaccess.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/compaction.h>
#include <linux/cma.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/mmzone.h>
#include <linux/rmap.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include <uapi/vmm_page.h>
#include "internal.h"

unsigned long vm_event_states[NR_VMM_VMSTAT];
#define VMSTAT_NAME(e, n) n,
const char *const vmstat_text[NR_VMM_VMSTAT] = { VMM_VMSTAT_ITEMS(VMSTAT_NAME) };

/* The counters as /proc/vmstat would show them, as KTAP diagnostic lines (what
 * `make run` ends with): every page count, and the events that happened. */
void show_vmstat(void)
{
	char line[160];
	size_t n = 0;

	for (int i = 0; i < NR_VMM_VMSTAT; i++) {
		unsigned long v = global_vm_stat((enum vmm_vmstat_item)i);
		int w;

		if (i >= VMM_VMSTAT_FIRST_EVENT && !v)
			continue;
		w = snprintf(line + n, sizeof(line) - n, "%s%s %lu", n ? " " : "", vmstat_text[i], v);
		if (w < 0 || n + (size_t)w >= 100) { /* full: print, start again with this one */
			line[n] = 0;
			printk("# vmstat: %s\n", line);
			n = 0;
			w = snprintf(line, sizeof(line), "%s %lu", vmstat_text[i], v);
		}
		n += (size_t)w;
	}
	if (n)
		printk("# vmstat: %s\n", line);
}

unsigned long global_vm_stat(enum vmm_vmstat_item item)
{
	struct zone *z;
	unsigned long n = 0;

	switch (item) {
	case NR_FREE_PAGES:
		return nr_free_pages() + nr_free_pages_pcp();
	case NR_INACTIVE_ANON:
		return lru_pages(LRU_INACTIVE_ANON);
	case NR_ACTIVE_ANON:
		return lru_pages(LRU_ACTIVE_ANON);
	case NR_INACTIVE_FILE:
		return lru_pages(LRU_INACTIVE_FILE);
	case NR_ACTIVE_FILE:
		return lru_pages(LRU_ACTIVE_FILE);
	case NR_ISOLATED:
		return READ_ONCE(contig_page_data.lruvec.nr_isolated);
	case NR_SWAPCACHE:
		return nr_swapcache_pages();
	case NR_FREE_CMA_PAGES:
		for_each_populated_zone(z)
			n += READ_ONCE(z->nr_free_cma);
		return n;
	case NR_SWAP_PAGES:
		return nr_swap_pages_free();
	case TOTAL_SWAP_PAGES:
		return total_swap_pages_nr();
	default:
		return READ_ONCE(vm_event_states[item]);
	}
}

void all_vm_stats(unsigned long *values)
{
	for (int i = 0; i < NR_VMM_VMSTAT; i++)
		values[i] = global_vm_stat(i);
}

long sys_vmm_vmstat(unsigned long __user *uvalues, unsigned long n)
{
	unsigned long v[NR_VMM_VMSTAT];

	all_vm_stats(v);
	if (n > NR_VMM_VMSTAT)
		n = NR_VMM_VMSTAT;
	if (n && copy_to_user(uvalues, v, n * sizeof(v[0])))
		return -EFAULT;
	return NR_VMM_VMSTAT;
}

/* The page at addr in mm with a reference, filling info; NULL if none is present. */
static struct page *page_at(struct mm_struct *mm, unsigned long addr, struct vmm_page_info *info)
{
	struct page *page = NULL;

	memset(info, 0, sizeof(*info));
	info->pfn = -1UL;
	spin_lock(&mm->page_table_lock);
	pte_t *ptep = user_pte_lookup(mm, addr);
	pte_t e = ptep ? READ_ONCE(*ptep) : 0;
	if (is_swap_pte(e)) {
		info->swap_entry = pte_to_swp_entry(e).val;
	} else if (pte_present(e)) {
		page = pte_page(e);
		if (page == empty_zero_page() || !get_page_unless_zero(page))
			page = NULL;
		info->young = !!(e & PTE_AF);
	}
	spin_unlock(&mm->page_table_lock);
	if (!page)
		return NULL;
	info->pfn = page_to_pfn(page);
	info->refcount = page_count(page) - 1;
	info->mapcount = page_mapcount(page);
	info->rmap_ptes = page_mapped_ptes(page);
	info->anon = PageAnon(page);
	info->lru = PageFlag(page, PG_lru);
	info->active = PageFlag(page, PG_active);
	info->swapcache = PageFlag(page, PG_swapcache);
	info->dirty = PageFlag(page, PG_dirty);
	if (info->swapcache)
		info->swap_entry = page->private;
	return page;
}

static unsigned long pageblock_types_hash(void)
{
	struct zone *z;
	unsigned long h = 0;

	for_each_populated_zone(z)
		for (unsigned long pfn = ALIGN(z->zone_start_pfn, pageblock_nr_pages);
		     pfn < z->zone_start_pfn + z->spanned_pages; pfn += pageblock_nr_pages)
			if (pfn_valid(pfn))
				h = h * 31 + get_pageblock_migratetype(pfn_to_page(pfn)) + 1;
	return h;
}

static long compact_test(unsigned int order)
{
	long ret = 0;

	if (order > MAX_PAGE_ORDER)
		return -EINVAL;
	drain_all_pages();
	struct page *page = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, order);
	if (page) {
		ret |= VMM_COMPACT_WITHOUT;
		__free_pages(page, order);
	}
	unsigned long types = pageblock_types_hash();
	struct zone *z;
	for_each_populated_zone(z)
		compact_zone(z, order, MIGRATE_MOVABLE);
	if (pageblock_types_hash() == types)
		ret |= VMM_COMPACT_TYPES_KEPT;
	page = try_to_compact_pages(__GFP_MOVABLE, order);
	if (page) {
		ret |= VMM_COMPACT_WITH;
		__free_pages(page, order);
	}
	return ret;
}

static long cma_test(unsigned long n)
{
	struct cma *c = cma_area_count ? &cma_areas[0] : NULL;
	long in_use = 0;

	if (!c)
		return -ENODEV;
	if (!n || n > c->count)
		return -EINVAL;
	for (unsigned long pfn = c->base_pfn; pfn < c->base_pfn + n; pfn++)
		in_use += PageFlag(pfn_to_page(pfn), PG_lru);
	struct page *page = cma_alloc(c, n, 0);
	if (!page)
		return -EBUSY;
	for (unsigned long i = 0; i < n; i++) {
		if (page_count(page + i) != 1 || PageBuddy(page + i))
			in_use = -EIO;
		memset(page_address(page + i), 0x5a, PAGE_SIZE);
	}
	cma_release(c, page, n);
	return in_use;
}

long sys_vmm_page(unsigned long addr, int op, struct vmm_page_info __user *uinfo)
{
	struct mm_struct *mm = current->mm;
	struct vmm_page_info info;
	long ret = 0;

	if (op == VMM_PAGE_COMPACT)
		return compact_test(addr);
	if (op == VMM_PAGE_CMA)
		return cma_test(addr);
	if (op < VMM_PAGE_INFO || (op > VMM_PAGE_MIGRATE && op != VMM_PAGE_AGE))
		return -EINVAL;
	if (!mm || addr >= TASK_SIZE)
		return -EFAULT;
	struct page *page = page_at(mm, addr & PAGE_MASK, &info);
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info))) {
		if (page)
			put_page(page);
		return -EFAULT;
	}
	if (!page)
		return -EFAULT;
	if (op == VMM_PAGE_INFO) {
		put_page(page);
		return 0;
	}
	if (op == VMM_PAGE_AGE) {
		unsigned long vm_flags;
		lock_page(page);
		ret = page_referenced(page, &vm_flags);
		unlock_page(page);
		put_page(page);
		return ret;
	}
	/* isolated (a reference of its own), the lookup's reference goes: the page is then
	 * held only by its cache, its PTEs and the isolation, as reclaim expects */
	bool isolated = isolate_lru_page(page);
	put_page(page);
	if (!isolated)
		return op == VMM_PAGE_RECLAIM ? 0 : -EBUSY;
	if (op == VMM_PAGE_RECLAIM) {
		LIST_HEAD(list);
		list_add(&page->lru, &list);
		ret = reclaim_page_list(&list);
	} else {
		ret = migrate_isolated_page(page);
	}
	return ret;
}
