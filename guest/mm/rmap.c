/*
 * Reverse mapping (Linux: mm/rmap.c): from a page to every PTE that maps it.
 *  - anonymous pages: page->mapping is the anon_vma of the VMA they were faulted in,
 *    page->index their linear_page_index there; the walk visits each VMA on the
 *    anon_vma's list. One anon_vma serves a VMA and all its copies made by fork, as
 *    Linux 2.6.9-2.6.33's did (6.1 chains a child's own anon_vma to its parent's with
 *    anon_vma_chain, visiting fewer VMAs; the PTEs found are the same);
 *  - file pages: page->mapping is the address_space, index the file offset; the walk
 *    visits the VMAs on its i_mmap list (a list here, an interval tree in Linux) whose
 *    range covers the index.
 * Each VMA found gives one address (vma_address); the walker takes that mm's
 * page_table_lock and looks at the PTE. Changing a valid PTE is break-before-make:
 * the entry is cleared, then TLBI VALE1IS by the mm's ASID and the VA (inner
 * shareable: every CPU), DSB ISH, then the new entry (a swap or migration entry, or
 * the new page) is written.
 * Lock order (Linux's, with bit spinlocks for page locks): page lock -> anon_vma lock or
 * i_mmap lock -> page_table_lock -> lru_lock / swap lock / page-cache lock -> zone
 * lock. A task never allocates with direct reclaim, nor waits for a page lock, while it
 * holds a page_table_lock, so a walker may spin on one.
 * Left out from Linux: the anon_vma_chain hierarchy and anon_vma reuse, the interval
 * trees, KSM and device-private pages, huge pages (no PMD mappings), mlock, batched TLB
 * flushes (try_to_unmap_flush: one TLBI per PTE here).
 */
#include <kernel.h>
#include <string.h>
#include <asm/mmu_context.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/rmap.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include "internal.h"

struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *av = kzalloc(sizeof(*av), GFP_KERNEL);

	if (av) {
		spin_lock_init(&av->lock);
		INIT_LIST_HEAD(&av->vmas);
		av->refcount = 1;
	}
	return av;
}

void get_anon_vma(struct anon_vma *av)
{
	__atomic_add_fetch(&av->refcount, 1, __ATOMIC_RELAXED);
}

void put_anon_vma(struct anon_vma *av)
{
	if (!__atomic_sub_fetch(&av->refcount, 1, __ATOMIC_ACQ_REL))
		kfree(av);
}

/* The VMA's anon_vma, made on its first anonymous page (Linux: __anon_vma_prepare;
 * a neighbour's is not reused). Called without the page_table_lock. */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	if (READ_ONCE(vma->anon_vma))
		return 0;
	struct anon_vma *av = anon_vma_alloc();	/* its reference: the VMA's */
	if (!av)
		return -ENOMEM;
	spin_lock(&av->lock);
	vma->anon_vma = av;
	list_add_tail(&vma->anon_vma_node, &av->vmas);
	spin_unlock(&av->lock);
	return 0;
}

void vma_link_rmap(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (av) {
		get_anon_vma(av);
		spin_lock(&av->lock);
		list_add_tail(&vma->anon_vma_node, &av->vmas);
		spin_unlock(&av->lock);
	}
	if (vma->vm_file) {
		struct address_space *m = &vma->vm_file->f_inode->i_mapping;
		spin_lock(&m->i_mmap_lock);
		list_add_tail(&vma->shared, &m->i_mmap);
		spin_unlock(&m->i_mmap_lock);
	}
}

void vma_unlink_rmap(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (av) {
		spin_lock(&av->lock);
		list_del(&vma->anon_vma_node);
		spin_unlock(&av->lock);
		vma->anon_vma = NULL;
		put_anon_vma(av);
	}
	if (vma->vm_file) {
		struct address_space *m = &vma->vm_file->f_inode->i_mapping;
		spin_lock(&m->i_mmap_lock);
		list_del(&vma->shared);
		spin_unlock(&m->i_mmap_lock);
	}
}

void vma_lock_rmap(struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		spin_lock(&vma->anon_vma->lock);
	if (vma->vm_file)
		spin_lock(&vma->vm_file->f_inode->i_mapping.i_mmap_lock);
}

void vma_unlock_rmap(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		spin_unlock(&vma->vm_file->f_inode->i_mapping.i_mmap_lock);
	if (vma->anon_vma)
		spin_unlock(&vma->anon_vma->lock);
}

unsigned long linear_page_index(struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

unsigned long vma_address(struct page *page, struct vm_area_struct *vma)
{
	unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

	if (page->index < vma->vm_pgoff || page->index - vma->vm_pgoff >= pages)
		return -1UL;
	return vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT);
}

/* A new anonymous page mapped at addr: it joins the VMA's anon_vma (which it pins). */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	get_anon_vma(vma->anon_vma);
	page->mapping = vma->anon_vma;
	page->index = linear_page_index(vma, addr);
	SetPageFlag(page, PG_anon);
	SetPageFlag(page, PG_swapbacked);
}

static void rmap_one_vma(struct page *page, struct vm_area_struct *vma,
			 struct rmap_walk_control *rwc, bool *stop)
{
	unsigned long addr = vma_address(page, vma);

	if (addr == -1UL)
		return;
	struct mm_struct *mm = vma->vm_mm;
	spin_lock(&mm->page_table_lock);
	pte_t *ptep = user_pte_lookup(mm, addr);
	if (ptep && !rwc->rmap_one(page, vma, addr, ptep, rwc->arg))
		*stop = true;
	spin_unlock(&mm->page_table_lock);
}

void rmap_walk(struct page *page, struct rmap_walk_control *rwc)
{
	struct vm_area_struct *vma;
	bool stop = false;

	if (!page->mapping)
		return;
	if (PageAnon(page)) {
		struct anon_vma *av = page->mapping;
		spin_lock(&av->lock);
		list_for_each_entry(vma, &av->vmas, anon_vma_node) {
			rmap_one_vma(page, vma, rwc, &stop);
			if (stop)
				break;
		}
		spin_unlock(&av->lock);
		return;
	}
	struct address_space *m = page->mapping;
	spin_lock(&m->i_mmap_lock);
	list_for_each_entry(vma, &m->i_mmap, shared) {
		rmap_one_vma(page, vma, rwc, &stop);
		if (stop)
			break;
	}
	spin_unlock(&m->i_mmap_lock);
}

static bool maps_page(struct page *page, pte_t e)
{
	return pte_present(e) && pte_page(e) == page;
}

/* ---- counting and ageing ---- */

static bool count_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *ptep, void *arg)
{
	if (maps_page(page, READ_ONCE(*ptep)))
		(*(int *)arg)++;
	return true;
}

int page_mapped_ptes(struct page *page)
{
	int n = 0;
	struct rmap_walk_control rwc = { .arg = &n, .rmap_one = count_one };

	rmap_walk(page, &rwc);
	return n;
}

struct referenced_arg {
	int referenced;
	unsigned long vm_flags;
};

/*
 * ptep_clear_flush_young: a PTE whose access flag is set was used since the last look;
 * the flag is cleared (no break-before-make is needed to clear AF) and the TLB entry
 * invalidated, so that the next access faults (software AF: TCR_EL1.HA is off) and
 * sets it again.
 */
static bool referenced_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			   pte_t *ptep, void *arg)
{
	struct referenced_arg *ra = arg;
	pte_t e = READ_ONCE(*ptep);

	if (!maps_page(page, e))
		return true;
	if (e & PTE_AF) {
		WRITE_ONCE(*ptep, e & ~PTE_AF);
		if (e & PTE_VALID)
			flush_tlb_page(vma->vm_mm, addr);
		ra->referenced++;
		ra->vm_flags |= vma->vm_flags;
	}
	return true;
}

int page_referenced(struct page *page, unsigned long *vm_flags)
{
	struct referenced_arg ra = { 0, 0 };
	struct rmap_walk_control rwc = { .arg = &ra, .rmap_one = referenced_one };

	if (page_mapcount(page))
		rmap_walk(page, &rwc);
	*vm_flags = ra.vm_flags;
	return ra.referenced;
}

/* ---- unmapping ---- */

/* Break: clear the entry and invalidate its TLB entry on every CPU. */
static pte_t ptep_clear_flush(struct mm_struct *mm, unsigned long addr, pte_t *ptep)
{
	pte_t e = READ_ONCE(*ptep);

	WRITE_ONCE(*ptep, 0);
	if (e & PTE_VALID)
		flush_tlb_page(mm, addr);
	return e;
}

static bool unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		      pte_t *ptep, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!maps_page(page, READ_ONCE(*ptep)))
		return true;
	pte_t e = ptep_clear_flush(mm, addr, ptep);
	if (!(e & PTE_RDONLY))
		SetPageFlag(page, PG_dirty);	/* it was writable: assume written */
	if (PageAnon(page)) {
		swp_entry_t entry = { page->private };
		swap_duplicate(entry);
		WRITE_ONCE(*ptep, swp_entry_to_pte(entry));	/* make: the swap entry */
		mm_add_rss(mm, MM_ANONPAGES, -1);
		mm_add_rss(mm, MM_SWAPENTS, 1);
	} else {
		mm_add_rss(mm, rss_kind(vma, page), -1);
	}
	page_remove_map(page);
	put_page(page);		/* the PTE's reference; the caller holds its own */
	return true;
}

/* Unmap the page from every process (Linux: try_to_unmap); an anonymous page must be
 * in the swap cache: its PTEs become its swap entry. True if no PTE maps it any more. */
bool try_to_unmap(struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = unmap_one };

	if (PageAnon(page) && !PageFlag(page, PG_swapcache))
		return false;
	rmap_walk(page, &rwc);
	return page_mapcount(page) == 0;
}

static bool migrate_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			pte_t *ptep, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;

	if (!maps_page(page, READ_ONCE(*ptep)))
		return true;
	pte_t e = ptep_clear_flush(mm, addr, ptep);
	bool write = !(e & PTE_RDONLY) && (e & PTE_VALID);
	if (write)
		SetPageFlag(page, PG_dirty);
	/* the RSS stays counted, as Linux's: the page is only moving */
	WRITE_ONCE(*ptep, swp_entry_to_pte(swp_entry(write ? SWP_MIGRATION_WRITE :
					SWP_MIGRATION_READ, page_to_pfn(page))));
	page_remove_map(page);
	put_page(page);
	return true;
}

/* Every PTE of the page becomes a migration entry (Linux: try_to_migrate); a fault on
 * one waits until the page is unlocked. */
bool try_to_migrate(struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = migrate_one };

	rmap_walk(page, &rwc);
	return page_mapcount(page) == 0;
}

struct remove_migration_arg {
	struct page *old;
};

static bool remove_migration_one(struct page *new, struct vm_area_struct *vma,
				 unsigned long addr, pte_t *ptep, void *arg)
{
	struct remove_migration_arg *rma = arg;
	pte_t e = READ_ONCE(*ptep);

	if (!is_swap_pte(e))
		return true;
	swp_entry_t entry = pte_to_swp_entry(e);
	if (!is_migration_entry(entry) || swp_offset(entry) != page_to_pfn(rma->old))
		return true;
	get_page(new);
	page_add_map(new);
	/* make: the entry was not valid, so the new one is written directly */
	set_pte_at(vma->vm_mm, addr, ptep,
		   mk_user_pte(new, vma->vm_flags, swp_type(entry) == SWP_MIGRATION_WRITE));
	return true;
}

/* Each migration entry for old becomes a PTE of new (Linux: remove_migration_ptes). The
 * walk uses new's mapping and index, which the caller copied from old. */
void remove_migration_ptes(struct page *old, struct page *new)
{
	struct remove_migration_arg rma = { old };
	struct rmap_walk_control rwc = { .arg = &rma, .rmap_one = remove_migration_one };

	rmap_walk(new, &rwc);
}
