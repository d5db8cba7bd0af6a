/*
 * User page tables and the page-fault path (Linux: mm/memory.c, arch/arm64/include/
 * asm/pgtable.h, asm/tlb.h). handle_mm_fault -> handle_pte_fault (missing table levels
 * allocated on the way) -> one of:
 *   do_anonymous_page  read: the shared zero page, read-only; write: a new zeroed page
 *   do_fault           a file page: read, or shared: the page-cache page itself
 *                      (shared, writable if the VMA is); private write: a copy of it
 *   do_wp_page         write to a read-only PTE of a writable VMA: shared mapping ->
 *                      made writable; anonymous page with one reference and one mapping
 *                      -> reused; otherwise (zero page, page-cache page, page shared
 *                      with another process after fork) -> copied
 * Every change of a valid entry is break-before-make: the entry is cleared, the TLB
 * entry invalidated by ASID and VA on every CPU (TLBI VALE1IS; VAE1IS when a table is
 * freed, for walk caches), then the new entry written. Freed pages go back only after
 * the invalidation completed (zap batches them, as mmu_gather).
 * Page references: each PTE mapping a page holds one reference and one mapcount; the
 * page cache holds one reference on its pages; the zero page is never counted.
 * A non-present PTE that is not zero is a swap entry (do_swap_page: from the swap
 * cache or the disk) or a migration entry (migration_entry_wait); a valid PTE whose
 * access flag reclaim cleared (software AF: TCR_EL1.HA off) takes an access-flag fault
 * that sets it again. Leaf PTEs change under mm->page_table_lock; a handler allocates
 * before taking it and installs only if the entry did not change meanwhile.
 * Left out from Linux: huge pages, the dirty software bit (a writable anonymous PTE
 * counts as dirty when reclaim unmaps it), fault-around, userfaultfd, NUMA, split PTE
 * locks.
 */
#include <kernel.h>
#include <string.h>
#include <asm/mmu_context.h>
#include <asm/sysreg.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/rmap.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#include "internal.h"

unsigned long vm_events[NR_MM_EVENTS];
unsigned long nr_user_pgtables;
static struct page *zero_page;
#define PTE_USER_BASE (PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_ATTRINDX(MT_NORMAL) | \
		       PTE_NG | PTE_PXN)

struct page *empty_zero_page(void)
{
	return zero_page;
}

void user_mm_init(void)
{
	zero_page = alloc_page(__GFP_ZERO);
	BUG_ON(!zero_page);
}

void get_page(struct page *page)
{
	__atomic_add_fetch(&page->_refcount, 1, __ATOMIC_RELAXED);
}

/* A reference only if the page is not being freed (Linux: get_page_unless_zero). */
bool get_page_unless_zero(struct page *page)
{
	int c = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	while (c > 0)
		if (__atomic_compare_exchange_n(&page->_refcount, &c, c + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/* The last reference to a user page: off the LRU, its anon_vma released, freed. */
void put_page(struct page *page)
{
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		if (PageFlag(page, PG_lru))
			lru_del_freed(page);
		if (PageAnon(page) && page->mapping)
			put_anon_vma(page->mapping);
		page->mapping = NULL;
		page->index = 0;
		page->private = 0;
		page->_refcount = 1;		/* __free_pages() frees the last reference */
		page->_mapcount = 0;
		__atomic_and_fetch(&page->flags, ~PAGE_USER_FLAGS, __ATOMIC_RELAXED);
		__free_page(page);
	}
}

int page_count(struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_ACQUIRE);
}

int page_mapcount(struct page *page)
{
	return __atomic_load_n(&page->_mapcount, __ATOMIC_ACQUIRE);
}

void page_add_map(struct page *page)
{
	__atomic_add_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);
}

void page_remove_map(struct page *page)
{
	__atomic_sub_fetch(&page->_mapcount, 1, __ATOMIC_RELAXED);
}

void mm_inc_event(struct mm_struct *mm, enum mm_event e)
{
	mm->events[e]++;
	__atomic_add_fetch(&vm_events[e], 1, __ATOMIC_RELAXED);
}

/* Atomic: reclaim changes the counters of other processes' mms. */
void mm_add_rss(struct mm_struct *mm, int member, long n)
{
	__atomic_add_fetch(&mm->rss_stat[member], n, __ATOMIC_RELAXED);
}

static struct page *alloc_user_page(bool zero)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0));

	if (page)
		page->_mapcount = 0;
	return page;
}

int rss_kind(struct vm_area_struct *vma, struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return vma->vm_file && vma->vm_file->f_inode->shmem ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* The PTE for page in vma (Linux: mk_pte + vm_get_page_prot). */
pte_t mk_user_pte(struct page *page, unsigned long vm_flags, bool writable)
{
	pte_t e = page_to_phys(page) | PTE_USER_BASE;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return (e & ~PTE_VALID) | PTE_PROT_NONE;	/* present, no access */
	e |= PTE_USER;
	if (!writable || !(vm_flags & VM_WRITE))
		e |= PTE_RDONLY;
	if (!(vm_flags & VM_EXEC))
		e |= PTE_UXN;
	return e;
}

/*
 * Instructions written as data (a page-cache page filled by memcpy, a copied page) must
 * reach the point of unification before they are fetched: clean the D-cache lines to
 * PoU and invalidate the I-cache lines of the page, once per page (PG_dcache_clean),
 * when it is first mapped executable (Linux: __sync_icache_dcache from set_pte_at).
 */
static void sync_icache_dcache(struct page *page)
{
	u64 ctr = read_sysreg(ctr_el0);
	unsigned long dline = 4UL << ((ctr >> 16) & 0xf), iline = 4UL << (ctr & 0xf);
	unsigned long va = (unsigned long)page_address(page);

	if (PageFlag(page, PG_dcache_clean))
		return;
#ifdef PLANT_BUG_SKIP_ICACHE	/* guest-bug-skip-icache.img: no maintenance at all */
	(void)dline, (void)iline;
	__atomic_or_fetch(&page->flags, 1UL << PG_dcache_clean, __ATOMIC_RELAXED);
	return;
#endif
	for (unsigned long a = va; a < va + PAGE_SIZE; a += dline)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	dsb(ish);
	for (unsigned long a = va; a < va + PAGE_SIZE; a += iline)
		__asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
	dsb(ish);
	isb();
	__atomic_or_fetch(&page->flags, 1UL << PG_dcache_clean, __ATOMIC_RELAXED);
}

/* Break-before-make: a valid entry is cleared and invalidated before the new one. */
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t e)
{
	pte_t old = READ_ONCE(*ptep);

	if ((e & PTE_VALID) && (e & PTE_USER) && !(e & PTE_UXN))
		sync_icache_dcache(pte_page(e));

	if (old & PTE_VALID) {
		WRITE_ONCE(*ptep, 0);
		flush_tlb_page(mm, addr);
	}
	dsb(ishst);		/* the page's contents before the entry that maps it */
	WRITE_ONCE(*ptep, e);
	dsb(ishst);
	isb();
}

/* Walk to addr's level-3 entry, allocating missing tables if alloc (with gfp). Tables
 * are added by the mm's owner without the page_table_lock: a zeroed table becomes
 * visible by one store to an invalid entry, which a concurrent walker may or may not
 * see; tables are freed only under the lock. */
static pte_t *pte_offset(struct mm_struct *mm, unsigned long addr, bool alloc, gfp_t gfp)
{
	pte_t *table = mm->pgd;

	for (int level = 0; level < 3; level++) {
		pte_t *e = &table[LEVEL_INDEX(addr, level)];
		pte_t v = READ_ONCE(*e);
		if (!(v & PTE_VALID)) {
			if (!alloc)
				return NULL;
			struct page *pg = alloc_page(gfp | __GFP_ZERO);
			if (!pg)
				return NULL;
			mm->pgtables++;
			__atomic_add_fetch(&nr_user_pgtables, 1, __ATOMIC_RELAXED);
			v = page_to_phys(pg) | PTE_TYPE_TABLE;
			dsb(ishst);	/* zeroed table before it is linked (invalid -> valid) */
			WRITE_ONCE(*e, v);
		}
		table = __va(v & PTE_ADDR_MASK);
	}
	return &table[LEVEL_INDEX(addr, 3)];
}

pte_t *user_pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	return pte_offset(mm, addr, false, 0);
}

int pgd_alloc(struct mm_struct *mm)
{
	struct page *pg = alloc_page(GFP_PGTABLE_USER | __GFP_ZERO);

	if (!pg)
		return -12;
	mm->pgd = page_address(pg);
	mm->pgtables = 1;
	spin_lock_init(&mm->page_table_lock);
	__atomic_add_fetch(&nr_user_pgtables, 1, __ATOMIC_RELAXED);
	return 0;
}

void pgd_free(struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	__free_page(virt_to_page(mm->pgd));
	mm->pgd = NULL;
	mm->pgtables--;
	__atomic_sub_fetch(&nr_user_pgtables, 1, __ATOMIC_RELAXED);
}

/* ---- faults ----
 * Each handler reads the entry, allocates what it needs without the page_table_lock
 * (an allocation may reclaim, which takes other mms' locks), then takes the lock and
 * installs its result only if the entry is still what it read (pte_same); otherwise
 * it undoes its work and returns, and the access faults again if it must. */

static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
			     unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!(flags & FAULT_FLAG_WRITE)) {
		spin_lock(&mm->page_table_lock);
		if (pte_none(READ_ONCE(*ptep))) {
			set_pte_at(mm, addr, ptep, mk_user_pte(zero_page, vma->vm_flags, false));
			mm_inc_event(mm, MM_ZERO_PAGE_MAPS);
		}
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	struct page *page = alloc_user_page(true);
	if (!page)
		return VM_FAULT_OOM;
	spin_lock(&mm->page_table_lock);
	if (!pte_none(READ_ONCE(*ptep))) {
		spin_unlock(&mm->page_table_lock);
		put_page(page);
		return 0;
	}
	page_add_new_anon_rmap(page, vma, addr);
	page->_mapcount = 1;
	mm_add_rss(mm, MM_ANONPAGES, 1);
	mm_inc_event(mm, MM_ANON_FAULTS);
	set_pte_at(mm, addr, ptep, mk_user_pte(page, vma->vm_flags, true));
	lru_cache_add(page);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

static int do_fault(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
		    unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long pgoff = linear_page_index(vma, addr);
	struct page *page = filemap_get_page(inode, pgoff);

	if (!page)
		return pgoff >= inode->i_mapping.nr_slots ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
	if ((vma->vm_flags & VM_SHARED) || !(flags & FAULT_FLAG_WRITE)) {
		/* the page-cache page itself: writable only through a shared mapping */
		bool writable = vma->vm_flags & VM_SHARED;
		spin_lock(&mm->page_table_lock);
		if (!pte_none(READ_ONCE(*ptep))) {
			spin_unlock(&mm->page_table_lock);
			put_page(page);
			return 0;
		}
		mm_inc_event(mm, MM_FILE_FAULTS);
		page_add_map(page);	/* the reference from filemap_get_page is the PTE's */
		mm_add_rss(mm, rss_kind(vma, page), 1);
		if (writable && (vma->vm_flags & VM_WRITE))
			set_page_dirty(page);
		set_pte_at(mm, addr, ptep, mk_user_pte(page, vma->vm_flags, writable));
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/* do_cow_fault: a private copy of the file page */
	if (anon_vma_prepare(vma)) {
		put_page(page);
		return VM_FAULT_OOM;
	}
	struct page *new = alloc_user_page(false);
	if (!new) {
		put_page(page);
		return VM_FAULT_OOM;
	}
	memcpy(page_address(new), page_address(page), PAGE_SIZE);
	put_page(page);
	spin_lock(&mm->page_table_lock);
	if (!pte_none(READ_ONCE(*ptep))) {
		spin_unlock(&mm->page_table_lock);
		put_page(new);
		return 0;
	}
	mm_inc_event(mm, MM_FILE_FAULTS);
	page_add_new_anon_rmap(new, vma, addr);
	new->_mapcount = 1;
	mm_add_rss(mm, MM_ANONPAGES, 1);
	mm_inc_event(mm, MM_COW_COPIES);
	set_pte_at(mm, addr, ptep, mk_user_pte(new, vma->vm_flags, true));
	lru_cache_add(new);
	spin_unlock(&mm->page_table_lock);
	return 0;
}

/* Called with the page_table_lock held; returns with it released. */
static int do_wp_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, pte_t orig)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = pte_page(orig), *new;

	if (vma->vm_flags & VM_SHARED) {	/* wp_page_shared: just allow the write */
		set_page_dirty(old);
		set_pte_at(mm, addr, ptep, mk_user_pte(old, vma->vm_flags, true));
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	if (old != zero_page && PageAnon(old) && page_mapcount(old) == 1) {
		/* a swap-cache page that only this PTE uses leaves the swap cache first
		 * (Linux: reuse_swap_page/try_to_free_swap); the lock is only tried */
		if (PageFlag(old, PG_swapcache) && trylock_page(old)) {
			try_to_free_swap(old);
			unlock_page(old);
		}
		if (page_count(old) == 1) {
			/* wp_page_reuse: nobody else has it (any more) */
			mm_inc_event(mm, MM_COW_REUSES);
			SetPageFlag(old, PG_dirty);
			set_pte_at(mm, addr, ptep, mk_user_pte(old, vma->vm_flags, true));
			spin_unlock(&mm->page_table_lock);
			return 0;
		}
	}
	/* wp_page_copy (a new zeroed page for the zero page) */
	if (old != zero_page)
		get_page(old);
	spin_unlock(&mm->page_table_lock);
	int ret = 0;
	if (anon_vma_prepare(vma) || !(new = alloc_user_page(old == zero_page))) {
		ret = VM_FAULT_OOM;
		goto out;
	}
	if (old != zero_page)
		memcpy(page_address(new), page_address(old), PAGE_SIZE);
	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*ptep) != orig) {
		spin_unlock(&mm->page_table_lock);
		put_page(new);
		goto out;
	}
	page_add_new_anon_rmap(new, vma, addr);
	new->_mapcount = 1;
	if (old == zero_page) {
		mm_add_rss(mm, MM_ANONPAGES, 1);
		mm_inc_event(mm, MM_ANON_FAULTS);
	} else {
		if (!PageAnon(old)) {
			mm_add_rss(mm, rss_kind(vma, old), -1);
			mm_add_rss(mm, MM_ANONPAGES, 1);
		}
		mm_inc_event(mm, MM_COW_COPIES);
	}
	set_pte_at(mm, addr, ptep, mk_user_pte(new, vma->vm_flags, true));	/* + TLBI */
	lru_cache_add(new);
	if (old != zero_page) {
		page_remove_map(old);
		put_page(old);		/* the PTE's reference */
	}
	spin_unlock(&mm->page_table_lock);
out:
	if (old != zero_page)
		put_page(old);		/* ours */
	return ret;
}

/*
 * A swap entry (Linux: do_swap_page): the page from the swap cache, or read from the
 * slot into the swap cache (a major fault), locked, then mapped if the PTE still holds
 * the entry; the PTE's hold on the slot is dropped (swap_free). A write fault by the
 * only user takes the page out of the swap cache (the slot is freed) and maps it
 * writable; otherwise it is mapped read-only and stays cached, so that the other
 * processes holding the entry (fork) find the same page, and a later write copies or
 * reuses it as any COW page.
 */
static int do_swap_page(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep, pte_t orig,
			unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	swp_entry_t entry = pte_to_swp_entry(orig);
	bool major;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	struct page *page = read_swap_cache_async(entry, &major);
	if (!page) {
		/* the entry went (another fault or a zap got there first), or no memory */
		return READ_ONCE(*ptep) == orig ? VM_FAULT_OOM : 0;
	}
	if (major) {
		mm_inc_event(mm, MM_MAJFAULTS);
		count_vm_event(PGMAJFAULT);
	}
	lock_page(page);
	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*ptep) != orig || !PageFlag(page, PG_swapcache) ||
	    page->private != entry.val) {
		spin_unlock(&mm->page_table_lock);
		unlock_page(page);
		put_page(page);
		return 0;
	}
	if (!page->mapping)
		page_add_new_anon_rmap(page, vma, addr);
	page_add_map(page);		/* our reference is the PTE's */
	mm_add_rss(mm, MM_ANONPAGES, 1);
	mm_add_rss(mm, MM_SWAPENTS, -1);
	swap_free(entry);
	bool writable = false;
	/* should_try_to_free_swap: swap more than half full (vm_swap_full), or a write */
	if ((vm_swap_full() || (flags & FAULT_FLAG_WRITE)) && page_mapcount(page) == 1)
		try_to_free_swap(page);
	if ((flags & FAULT_FLAG_WRITE) && !PageFlag(page, PG_swapcache) &&
	    page_count(page) == 1) {
		writable = true;
		SetPageFlag(page, PG_dirty);
	}
	set_pte_at(mm, addr, ptep, mk_user_pte(page, vma->vm_flags, writable));
	spin_unlock(&mm->page_table_lock);
	unlock_page(page);
	return 0;
}

/* A migration entry: wait until the migration is done, then fault again
 * (Linux: migration_entry_wait). */
static int migration_entry_wait(struct mm_struct *mm, pte_t *ptep, pte_t orig)
{
	struct page *page = pfn_to_page(swp_offset(pte_to_swp_entry(orig)));

	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*ptep) != orig || !get_page_unless_zero(page)) {
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	spin_unlock(&mm->page_table_lock);
	wait_on_page_locked(page);
	put_page(page);
	return 0;
}

static int handle_pte_fault(struct vm_area_struct *vma, unsigned long addr, pte_t *ptep,
			    unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t e = READ_ONCE(*ptep);

	if (pte_none(e))
		return vma_is_anonymous(vma) ? do_anonymous_page(vma, addr, ptep, flags)
					     : do_fault(vma, addr, ptep, flags);
	if (is_swap_pte(e)) {
		if (is_migration_entry(pte_to_swp_entry(e)))
			return migration_entry_wait(mm, ptep, e);
		return do_swap_page(vma, addr, ptep, e, flags);
	}
	if (e & PTE_PROT_NONE)
		return VM_FAULT_SIGSEGV;
	spin_lock(&mm->page_table_lock);
	if (READ_ONCE(*ptep) != e) {		/* changed under us: fault again */
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	if ((flags & FAULT_FLAG_WRITE) && (e & PTE_RDONLY))
		return do_wp_page(vma, addr, ptep, e);
	if (!(e & PTE_AF))	/* an access-flag fault: the page is young again */
		WRITE_ONCE(*ptep, e | PTE_AF);	/* no TLB entry can hold an AF=0 entry */
	spin_unlock(&mm->page_table_lock);
	return 0;	/* or spurious: a stale TLB entry was dropped by the fault */
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep;

	addr &= PAGE_MASK;
	mm_inc_event(mm, MM_PGFAULT);
	count_vm_event(PGFAULT);
	ptep = pte_offset(mm, addr, true, GFP_PGTABLE_USER);
	if (!ptep)
		return VM_FAULT_OOM;
	return handle_pte_fault(vma, addr, ptep, flags);
}

/* ---- unmapping, freeing tables, fork, mprotect ---- */

struct zap_batch {
	unsigned int nr;
	struct page *pages[64];
	u8 kind[64];
	struct mm_struct *mm;
};

/* Called with the page_table_lock held. */
static void zap_flush(struct zap_batch *b)
{
	dsb(ish);	/* every TLBI issued so far has completed */
	isb();
	for (unsigned int i = 0; i < b->nr; i++) {
		struct page *page = b->pages[i];
		page_remove_map(page);
		mm_add_rss(b->mm, b->kind[i], -1);
		/* free_swap_cache: an unmapped swap-cache page whose entry no PTE holds
		 * leaves the cache (reclaim does it if it holds the lock) */
		if (PageFlag(page, PG_swapcache) && !page_mapcount(page) && trylock_page(page)) {
			try_to_free_swap(page);
			unlock_page(page);
		}
		put_page(page);
	}
	b->nr = 0;
}

/* The next address after addr at which a table of this level starts. */
static unsigned long level_next(unsigned long addr, int level)
{
	return ALIGN_DOWN(addr, LEVEL_SIZE(level)) + LEVEL_SIZE(level);
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct zap_batch b = { .nr = 0, .mm = mm };

	spin_lock(&mm->page_table_lock);
	for (unsigned long addr = start; addr < end && addr >= start;) {
		pte_t *table = mm->pgd;
		int level;
		for (level = 0; level < 3; level++) {
			pte_t v = READ_ONCE(table[LEVEL_INDEX(addr, level)]);
			if (!(v & PTE_VALID))
				break;
			table = __va(v & PTE_ADDR_MASK);
		}
		if (level < 3) {		/* no table here: skip its whole span */
			addr = level_next(addr, level);
			continue;
		}
		pte_t *ptep = &table[LEVEL_INDEX(addr, 3)];
		pte_t e = READ_ONCE(*ptep);
		if (pte_present(e)) {
			WRITE_ONCE(*ptep, 0);
#ifndef PLANT_BUG_SKIP_TLBI_UNMAP	/* guest-bug-skip-tlbi-unmap.img: the TLBI is missing */
			if (e & PTE_VALID)
				flush_tlb_page_nosync(mm, addr);
#endif
			struct page *page = pte_page(e);
			if (page != zero_page) {
				b.kind[b.nr] = rss_kind(vma, page);
				b.pages[b.nr++] = page;
				if (b.nr == ARRAY_SIZE(b.pages))
					zap_flush(&b);
			}
		} else if (is_swap_pte(e)) {
			swp_entry_t entry = pte_to_swp_entry(e);
			WRITE_ONCE(*ptep, 0);
			if (is_migration_entry(entry)) {
				/* the page holds no reference for it; its RSS is still counted */
				struct page *page = pfn_to_page(swp_offset(entry));
				mm_add_rss(mm, rss_kind(vma, page), -1);
			} else {
				mm_add_rss(mm, MM_SWAPENTS, -1);
				free_swap_and_cache(entry);
			}
		}
		addr += PAGE_SIZE;
	}
	zap_flush(&b);
	spin_unlock(&mm->page_table_lock);
}

static bool table_empty(const pte_t *t)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		if (t[i])
			return false;
	return true;
}

/* Free the tables below table (at level) that cover only [start, end) or became empty. */
static void free_table_range(struct mm_struct *mm, pte_t *table, int level, unsigned long start,
			     unsigned long end)
{
	for (unsigned long addr = start; addr < end && addr >= start;) {
		unsigned long next = min(level_next(addr, level), end);
		pte_t *e = &table[LEVEL_INDEX(addr, level)];
		pte_t v = READ_ONCE(*e);
		if (v & PTE_VALID) {
			pte_t *child = __va(v & PTE_ADDR_MASK);
			if (level < 2)
				free_table_range(mm, child, level + 1, addr, next);
			if (table_empty(child)) {
				WRITE_ONCE(*e, 0);
				flush_tlb_table(mm, addr);	/* walk caches for this VA too */
				__free_page(virt_to_page(child));
				mm->pgtables--;
				__atomic_sub_fetch(&nr_user_pgtables, 1, __ATOMIC_RELAXED);
			}
		}
		addr = next;
	}
}

void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	spin_lock(&mm->page_table_lock);
	free_table_range(mm, mm->pgd, 0, start, end);
	spin_unlock(&mm->page_table_lock);
}

/* fork: a missing table of the child is allocated with both locks dropped (so that
 * the allocation may reclaim), and the parent's entry is read again afterwards. */
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	bool cow = !(vma->vm_flags & VM_SHARED);
	int ret = 0;

	spin_lock(&src->page_table_lock);
	spin_lock(&dst->page_table_lock);
	for (unsigned long addr = vma->vm_start; addr < vma->vm_end;) {
		if (!pte_offset(dst, addr, false, 0) && pte_offset(src, addr, false, 0)) {
			spin_unlock(&dst->page_table_lock);
			spin_unlock(&src->page_table_lock);
			pte_t *t = pte_offset(dst, addr, true, GFP_PGTABLE_USER);
			spin_lock(&src->page_table_lock);
			spin_lock(&dst->page_table_lock);
			if (!t) {
				ret = -12;
				break;
			}
		}
		pte_t *table = src->pgd;
		int level;
		for (level = 0; level < 3; level++) {
			pte_t v = READ_ONCE(table[LEVEL_INDEX(addr, level)]);
			if (!(v & PTE_VALID))
				break;
			table = __va(v & PTE_ADDR_MASK);
		}
		if (level < 3) {
			addr = level_next(addr, level);
			continue;
		}
		pte_t *ptep = &table[LEVEL_INDEX(addr, 3)];
		pte_t e = READ_ONCE(*ptep);
		if (!pte_none(e)) {
			pte_t *dptep = pte_offset(dst, addr, true, 0);
			if (!dptep) {
				ret = -12;
				break;
			}
			if (pte_present(e)) {
				struct page *page = pte_page(e);
				if (page != zero_page) {
					if (cow && (e & PTE_VALID) && !(e & PTE_RDONLY)) {
						/* both sides read-only: the first write copies or reuses */
						SetPageFlag(page, PG_dirty);
						e |= PTE_RDONLY;
						set_pte_at(src, addr, ptep, e);
					}
					get_page(page);
					page_add_map(page);
					mm_add_rss(dst, rss_kind(vma, page), 1);
				}
			} else {
				swp_entry_t entry = pte_to_swp_entry(e);
				if (is_migration_entry(entry)) {
					/* copied as it is (read-only if private), found by
					 * remove_migration_ptes through the child's VMA */
					struct page *page = pfn_to_page(swp_offset(entry));
					if (cow && swp_type(entry) == SWP_MIGRATION_WRITE) {
						e = swp_entry_to_pte(swp_entry(SWP_MIGRATION_READ,
									       swp_offset(entry)));
						WRITE_ONCE(*ptep, e);
					}
					mm_add_rss(dst, rss_kind(vma, page), 1);
				} else {
					swap_duplicate(entry);
					mm_add_rss(dst, MM_SWAPENTS, 1);
				}
			}
			WRITE_ONCE(*dptep, e);
		}
		addr += PAGE_SIZE;
	}
	dsb(ishst);
	spin_unlock(&dst->page_table_lock);
	spin_unlock(&src->page_table_lock);
	return ret;
}

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = pte_offset(mm, addr, false, 0);
		if (!ptep) {
			addr = level_next(addr, 2) - PAGE_SIZE;
			continue;
		}
		pte_t e = READ_ONCE(*ptep);
		if (!pte_present(e))
			continue;	/* none, swap or migration: the VMA's flags apply later */
		struct page *page = pte_page(e);
		/* private pages stay read-only: a write goes through do_wp_page (copy or reuse) */
		bool writable = page != zero_page &&
				((vma->vm_flags & VM_SHARED) ||
				 ((e & PTE_VALID) && !(e & PTE_RDONLY)));
		pte_t n = mk_user_pte(page, vma->vm_flags, writable);
		if (n != e)
			set_pte_at(mm, addr, ptep, n);
	}
	spin_unlock(&mm->page_table_lock);
}
