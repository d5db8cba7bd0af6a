/* Helpers shared by mm/ files only (Linux: mm/internal.h). */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H
#include <types.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>

/* mm/memory.c */
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t e);
pte_t mk_user_pte(struct page *page, unsigned long vm_flags, bool writable);
static inline struct page *pte_page(pte_t e) { return phys_to_page(e & PTE_ADDR_MASK); }
void page_add_map(struct page *page);
void page_remove_map(struct page *page);
int rss_kind(struct vm_area_struct *vma, struct page *page);
#endif
