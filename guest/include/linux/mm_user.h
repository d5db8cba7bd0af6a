/*
 * User page-table entries and page state for user memory (Linux: arch/arm64/include/
 * asm/pgtable.h's pte helpers and PAGE_* user protections, include/linux/page-flags.h's
 * PageAnon). Kept apart from linux/mm.h, whose struct page is shared with the page
 * allocator: user memory only adds a page flag and uses _refcount/_mapcount.
 *   - a user PTE: valid page, AF, inner shareable, Normal memory, nG (tagged with the
 *     ASID), PXN (the kernel never executes user memory), AP[1] = EL0 access,
 *     AP[2] = read-only (also: copy-on-write pending), UXN unless VM_EXEC;
 *   - PTE_PROT_NONE (software bit 58, valid bit clear): a page that is present but
 *     mapped with no access (mprotect PROT_NONE), as Linux's;
 *   - PG_anon: the page is anonymous memory (not a page-cache page), bit 20 of flags;
 *   - PG_dcache_clean: its instructions were made visible to fetches (bit 21).
 */
#ifndef LINUX_MM_USER_H
#define LINUX_MM_USER_H
#include <types.h>
#include <asm/pgtable.h>
#include <linux/mm.h>

#define PTE_PROT_NONE (1UL << 58)
#define PG_anon 20
#define PG_dcache_clean 21	/* D-cache cleaned to PoU, I-cache invalidated */
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4

static inline bool pte_present(pte_t p) { return p & (PTE_VALID | PTE_PROT_NONE); }
static inline bool PageAnon(const struct page *p) { return PageFlag(p, PG_anon); }
#endif
