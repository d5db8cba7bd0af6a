/*
 * Reverse mapping: from a page to the PTEs that map it (Linux: include/linux/rmap.h,
 * mm/rmap.c). See mm/rmap.c.
 */
#ifndef LINUX_RMAP_H
#define LINUX_RMAP_H
#include <types.h>
#include <linux/mm_types.h>

struct page;
struct anon_vma *anon_vma_alloc(void);
void get_anon_vma(struct anon_vma *av);
void put_anon_vma(struct anon_vma *av);
int anon_vma_prepare(struct vm_area_struct *vma);	/* 0 or -ENOMEM */
/* a VMA joins/leaves its anon_vma's and its file's lists (mm/mmap.c calls these) */
void vma_link_rmap(struct vm_area_struct *vma);
void vma_unlink_rmap(struct vm_area_struct *vma);
/* around a change of vm_start/vm_end/vm_pgoff of a linked VMA (split, merge, growth) */
void vma_lock_rmap(struct vm_area_struct *vma);
void vma_unlock_rmap(struct vm_area_struct *vma);

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
unsigned long linear_page_index(struct vm_area_struct *vma, unsigned long addr);
unsigned long vma_address(struct page *page, struct vm_area_struct *vma);	/* -1UL: none */

/* rmap_one is called with the mm's page_table_lock held and ptep the level-3 entry of
 * addr (whatever it holds); returning false stops the walk. */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			 pte_t *ptep, void *arg);
};
void rmap_walk(struct page *page, struct rmap_walk_control *rwc);

/* The page is locked by the caller and a reference held. */
int page_referenced(struct page *page, unsigned long *vm_flags);	/* young PTEs, cleared */
int page_mapped_ptes(struct page *page);	/* PTEs found by rmap (tests) */
bool try_to_unmap(struct page *page);		/* anon: must be in the swap cache */
bool try_to_migrate(struct page *page);		/* PTEs become migration entries */
void remove_migration_ptes(struct page *old, struct page *new);
#endif
