/*
 * The Contiguous Memory Allocator (Linux: mm/cma.c, alloc_contig_range from
 * mm/page_alloc.c, mm/page_isolation.c). A CMA area is memory set aside at boot - a
 * /reserved-memory node compatible with "shared-dma-pool" and marked "reusable", or
 * cma=SIZE on the command line - whose pageblocks get MIGRATE_CMA and whose pages are
 * then given to the buddy allocator: movable allocations may use them (first, when
 * more than half of the zone's free pages are CMA's, as 6.1), nothing else may. The
 * CMA free pages do not count for other allocations' watermarks.
 * cma_alloc finds a free range in the area's bitmap and takes it with
 * alloc_contig_range: the range's pageblocks (widened to MAX_ORDER blocks) are
 * isolated (MIGRATE_ISOLATE: their free pages leave the free lists in use, pages freed
 * there stay), the per-CPU lists drained, every page in use in the range migrated out
 * (mm/migrate.c), and once every page is free the range is taken out of the buddy
 * lists; the rest of the widened range is freed back and the pageblocks return to CMA.
 * Counted as cma_alloc_success / cma_alloc_fail.
 * Areas are aligned to and sized in MAX_ORDER blocks (4 MiB), as Linux's
 * CMA_MIN_ALIGNMENT before 5.18.
 * Left out from Linux: the default area for DMA (dma_alloc_* and device assignment of
 * areas), debugfs, cma_alloc's retries at other positions after a busy range (one
 * try per free range here), swap-cache pages in the range (they are not migrated: the
 * allocation fails), node-specific areas.
 */
#include <kernel.h>
#include <string.h>
#include <cmdline.h>
#include <linux/cma.h>
#include <linux/compaction.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mm_user.h>
#include <linux/mmzone.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

#define MAX_ORDER_NR_PAGES (1UL << MAX_PAGE_ORDER)
#define CMA_ALIGN (MAX_ORDER_NR_PAGES << PAGE_SHIFT)

struct cma cma_areas[MAX_CMA_AREAS];
unsigned int cma_area_count;
static DEFINE_SPINLOCK(cma_lock);
static DEFINE_SPINLOCK(contig_lock);	/* one alloc_contig_range at a time */

int cma_init_reserved_mem(phys_addr_t base, u64 size, const char *name)
{
	if (cma_area_count == MAX_CMA_AREAS)
		return -ENOSPC;
	if (!size || (base | size) & (CMA_ALIGN - 1)) {
		printk("cma: %s [%#lx+%#lx] is not aligned to %lu MiB: not used\n", name, base, size,
		       CMA_ALIGN >> 20);
		return -EINVAL;
	}
	struct cma *c = &cma_areas[cma_area_count];
	unsigned long words = DIV_ROUND_UP(size >> PAGE_SHIFT, 64);
	phys_addr_t bm = memblock_phys_alloc(words * 8, 8);
	if (!bm)
		return -ENOMEM;
	c->bitmap_pa = bm;	/* cleared once the linear map exists */
	c->base_pfn = PHYS_PFN(base);
	c->count = size >> PAGE_SHIFT;
	snprintf(c->name, sizeof(c->name), "%s", name);
	cma_area_count++;
	printk("cma: Reserved %lu MiB at %#lx (%s)\n", (unsigned long)(size >> 20), base, name);
	return 0;
}

static u64 memparse(const char *s)
{
	u64 v = simple_strtoul(s, &s, 0);
	switch (*s) {
	case 'G': case 'g': v <<= 10; /* fallthrough */
	case 'M': case 'm': v <<= 10; /* fallthrough */
	case 'K': case 'k': v <<= 10;
	}
	return v;
}

void cma_early_cmdline(void)
{
	char arg[32];

	if (!cmdline_get("cma", arg, sizeof(arg)))
		return;
	u64 size = ALIGN(memparse(arg), CMA_ALIGN);
	phys_addr_t base = size ? memblock_phys_alloc(size, CMA_ALIGN) : 0;
	if (!base) {
		printk("cma: cma=%s: no room\n", arg);
		return;
	}
	cma_init_reserved_mem(base, size, "reserved");
}

/* cma_activate_area: pageblocks to MIGRATE_CMA, pages to the buddy allocator. */
void cma_init_reserved_areas(void)
{
	for (unsigned int i = 0; i < cma_area_count; i++) {
		struct cma *c = &cma_areas[i];
		c->bitmap = __va(c->bitmap_pa);
		memset(c->bitmap, 0, DIV_ROUND_UP(c->count, 64) * 8);
		for (unsigned long pfn = c->base_pfn; pfn < c->base_pfn + c->count;
		     pfn += MAX_ORDER_NR_PAGES) {
			for (unsigned long b = 0; b < MAX_ORDER_NR_PAGES; b += pageblock_nr_pages)
				set_pageblock_migratetype(pfn_to_page(pfn + b), MIGRATE_CMA);
			__free_pages_core(pfn_to_page(pfn), MAX_PAGE_ORDER);
		}
	}
}

static struct page *alloc_contig_target(struct page *page, unsigned long private)
{
	return alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
}

static void free_contig_target(struct page *page, unsigned long private)
{
	__free_page(page);
}

/* Migrate every in-use page of [start, end) out; true if none is left. */
static void migrate_range(unsigned long start, unsigned long end)
{
	LIST_HEAD(list);

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);
		if (PageBuddy(page)) {
			unsigned long o = READ_ONCE(page->private);
			if (o <= MAX_PAGE_ORDER)
				pfn += (1UL << o) - 1;
			continue;
		}
		if (PageFlag(page, PG_lru) && isolate_lru_page(page))
			list_add_tail(&page->lru, &list);
	}
	migrate_pages(&list, alloc_contig_target, free_contig_target, 0);
	while (!list_empty(&list)) {
		struct page *page = list_first_entry(&list, struct page, lru);
		list_del(&page->lru);
		putback_lru_page(page);
	}
}

int alloc_contig_range(unsigned long start, unsigned long end)
{
	unsigned long outer_start = ALIGN_DOWN(start, MAX_ORDER_NR_PAGES);
	unsigned long outer_end = ALIGN(end, MAX_ORDER_NR_PAGES);
	bool ok = false;

	spin_lock(&contig_lock);
	if (start_isolate_page_range(outer_start, outer_end)) {
		spin_unlock(&contig_lock);
		return -EBUSY;
	}
	drain_all_pages();
	for (int tries = 0; tries < 5 && !ok; tries++) {
		migrate_range(start, end);
		drain_all_pages();
		/* the rest of the widened range must be free too, to be taken whole */
		ok = test_pages_isolated(outer_start, outer_end);
		if (!ok && tries >= 1)
			migrate_range(outer_start, outer_end);
	}
	if (ok)
		ok = isolate_freepages_range(outer_start, outer_end);
	undo_isolate_page_range(outer_start, outer_end, MIGRATE_CMA);
	if (ok) {
		free_contig_range(outer_start, start - outer_start);
		free_contig_range(end, outer_end - end);
	}
	spin_unlock(&contig_lock);
	return ok ? 0 : -EBUSY;
}

struct page *cma_alloc(struct cma *cma, unsigned long count, unsigned int align)
{
	unsigned long mask = (1UL << align) - 1, start;

	if (!cma || !count || count > cma->count)
		return NULL;
	spin_lock(&cma_lock);
	for (start = 0; start + count <= cma->count; start = ((start | mask) + 1)) {
		unsigned long i;
		for (i = 0; i < count; i++)
			if (cma->bitmap[(start + i) / 64] & (1UL << ((start + i) % 64)))
				break;
		if (i == count)
			break;
	}
	if (start + count > cma->count) {
		spin_unlock(&cma_lock);
		count_vm_event(CMA_ALLOC_FAIL);
		return NULL;
	}
	for (unsigned long i = 0; i < count; i++)
		cma->bitmap[(start + i) / 64] |= 1UL << ((start + i) % 64);
	spin_unlock(&cma_lock);
	unsigned long pfn = cma->base_pfn + start;
	if (alloc_contig_range(pfn, pfn + count)) {
		spin_lock(&cma_lock);
		for (unsigned long i = 0; i < count; i++)
			cma->bitmap[(start + i) / 64] &= ~(1UL << ((start + i) % 64));
		spin_unlock(&cma_lock);
		count_vm_event(CMA_ALLOC_FAIL);
		return NULL;
	}
	count_vm_event(CMA_ALLOC_SUCCESS);
	return pfn_to_page(pfn);
}

bool cma_release(struct cma *cma, const struct page *pages, unsigned long count)
{
	unsigned long pfn = page_to_pfn(pages);

	if (!cma || pfn < cma->base_pfn || pfn + count > cma->base_pfn + cma->count)
		return false;
	free_contig_range(pfn, count);
	spin_lock(&cma_lock);
	for (unsigned long i = pfn - cma->base_pfn; i < pfn - cma->base_pfn + count; i++)
		cma->bitmap[i / 64] &= ~(1UL << (i % 64));
	spin_unlock(&cma_lock);
	return true;
}
