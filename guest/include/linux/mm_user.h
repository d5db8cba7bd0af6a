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
 *   - PG_dcache_clean: its instructions were made visible to fetches (bit 21);
 *   - PG_locked .. PG_swapbacked: reclaim and migration state, as Linux's flags of the
 *     same names (PG_locked is a bit spinlock here: nothing sleeps on it);
 *   - a swap PTE (valid bit and PTE_PROT_NONE clear, not zero): the swap type in bits
 *     [7:2], the offset in bits [57:8], as arm64's __SWP_TYPE/__SWP_OFFSET; the types
 *     SWP_MIGRATION_READ/WRITE hold a pfn (a page being migrated).
 * Page fields for user pages: mapping (anon_vma or address_space), index (offset in
 * it, in pages: for anonymous pages linear_page_index of the VMA), private (the swap
 * entry while PG_swapcache).
 */
#ifndef LINUX_MM_USER_H
#define LINUX_MM_USER_H
#include <types.h>
#include <asm/pgtable.h>
#include <linux/mm.h>

#define PTE_PROT_NONE (1UL << 58)
#define PG_anon 20
#define PG_dcache_clean 21	/* D-cache cleaned to PoU, I-cache invalidated */
#define PG_locked 22		/* reclaim, migration or swap I/O owns the page */
#define PG_lru 23		/* on an LRU list (lruvec) */
#define PG_active 24		/* on an active list */
#define PG_referenced 25	/* seen referenced once on the inactive list */
#define PG_dirty 26		/* content not in its backing store */
#define PG_swapcache 27		/* in the swap cache; private = swap entry */
#define PG_swapbacked 28	/* anonymous (swap-backed) rather than file */
#define PG_unevictable 29	/* shmem and dirty ramfs pages: never reclaimed */
#define PAGE_USER_FLAGS (1UL << PG_anon | 1UL << PG_dcache_clean | 1UL << PG_locked | \
	1UL << PG_lru | 1UL << PG_active | 1UL << PG_referenced | 1UL << PG_dirty | \
	1UL << PG_swapcache | 1UL << PG_swapbacked | 1UL << PG_unevictable)
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
static inline bool pte_none(pte_t p) { return !p; }
static inline bool is_swap_pte(pte_t p) { return !pte_none(p) && !pte_present(p); }
static inline bool PageAnon(const struct page *p) { return PageFlag(p, PG_anon); }
static inline bool PageLocked(const struct page *p) { return PageFlag(p, PG_locked); }
static inline bool trylock_page(struct page *p) { return !TestSetPageFlag(p, PG_locked); }
static inline void unlock_page(struct page *p)
{
	__atomic_and_fetch(&p->flags, ~(1UL << PG_locked), __ATOMIC_RELEASE);
}
static inline void lock_page(struct page *p)
{
	while (!trylock_page(p))
		while (PageLocked(p))
			__asm__ volatile("yield");
}
static inline void wait_on_page_locked(struct page *p)
{
	while (PageLocked(p))
		__asm__ volatile("yield");
}

/* swap entries (Linux: include/linux/swapops.h, arm64 pgtable.h) */
typedef struct { unsigned long val; } swp_entry_t;
#define SWP_TYPE_SHIFT 50
#define MAX_SWAPFILES 8
#define SWP_MIGRATION_READ 62
#define SWP_MIGRATION_WRITE 63
static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	return (swp_entry_t){ type << SWP_TYPE_SHIFT | offset };
}
static inline unsigned long swp_type(swp_entry_t e) { return e.val >> SWP_TYPE_SHIFT; }
static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & ((1UL << SWP_TYPE_SHIFT) - 1);
}
static inline swp_entry_t pte_to_swp_entry(pte_t p)
{
	return swp_entry((p >> 2) & 0x3f, (p >> 8) & ((1UL << 50) - 1));
}
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return swp_type(e) << 2 | swp_offset(e) << 8;
}
static inline bool is_migration_entry(swp_entry_t e)
{
	return swp_type(e) == SWP_MIGRATION_READ || swp_type(e) == SWP_MIGRATION_WRITE;
}
#endif
