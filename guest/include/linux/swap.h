/*
 * LRU lists, reclaim, the swap cache and swap devices (Linux: include/linux/swap.h,
 * mm_inline.h, vmstat.h). One node (pglist_data): one lruvec with Linux's four
 * evictable lists; counters named as /proc/vmstat's.
 */
#ifndef LINUX_SWAP_H
#define LINUX_SWAP_H
#include <types.h>
#include <linux/list.h>
#include <linux/mm_user.h>
#include <linux/spinlock.h>
#include <linux/gfp.h>

/* ---- swap (mm/swapfile.c, mm/swap_state.c) ---- */
void swap_duplicate(swp_entry_t entry);		/* one more PTE holds it */
void swap_free(swp_entry_t entry);		/* one PTE fewer */
void free_swap_and_cache(swp_entry_t entry);	/* a PTE zapped: maybe the page too */
int swap_count(swp_entry_t entry);		/* PTEs holding it */
bool try_to_free_swap(struct page *page);	/* locked page out of the swap cache if no
						 * PTE holds its entry */
int add_to_swap(struct page *page);		/* locked page: a slot and the swap cache */
void delete_from_swap_cache(struct page *page);	/* locked, PTE-free: slot kept for PTEs */
bool __delete_from_swap_cache(struct page *page, int expect_refs);
struct page *lookup_swap_cache(swp_entry_t entry);	/* with a reference, or NULL */
/* The page for entry from the cache or read from disk (a reference); NULL if the
 * entry is no longer used or no memory. *major: it was read. */
struct page *read_swap_cache_async(swp_entry_t entry, bool *major);
int swap_writepage(struct page *page);		/* locked page to its slot */
bool swap_active(void);
bool vm_swap_full(void);
const char *swap_status(void);			/* why there is no swap, or the device */
unsigned long nr_swap_pages_free(void);
unsigned long total_swap_pages_nr(void);
unsigned long swap_slots_in_use(void);
unsigned long nr_swapcache_pages(void);
void swap_setup(void);				/* boot: swap= on the command line */

/* ---- LRU (mm/swap.c) ---- */
enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, LRU_INACTIVE_FILE, LRU_ACTIVE_FILE,
		NR_LRU_LISTS };
#define LRU_ACTIVE 1
#define LRU_FILE 2
struct lruvec {
	spinlock_t lru_lock;
	struct list_head lists[NR_LRU_LISTS];
	unsigned long nr_pages[NR_LRU_LISTS];
	unsigned long nr_isolated;
};
struct task_struct;
/* The one node (Linux: struct pglist_data, NODE_DATA(0)). */
struct pglist_data {
	struct lruvec lruvec;
	struct task_struct *kswapd;
	int kswapd_order;		/* the largest order asked for since it slept */
	int kswapd_wake;		/* a wake-up is pending */
	int kswapd_failures;		/* balance runs that reclaimed nothing */
	unsigned long lowest_free;	/* tests: the fewest free pages seen since reset */
};
extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)

static inline enum lru_list page_lru_base_type(struct page *page)
{
	return PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
}
void lru_init(void);
void lru_cache_add(struct page *page);		/* a new page: inactive list (or none) */
void lru_del_freed(struct page *page);		/* its last reference went */
bool isolate_lru_page(struct page *page);	/* off its list with a reference */
void putback_lru_page(struct page *page);	/* back on its list, reference dropped */
void set_page_dirty(struct page *page);
void mark_page_accessed(struct page *page);
unsigned long lru_pages(enum lru_list lru);

/* ---- reclaim (mm/vmscan.c) ---- */
#define SWAP_CLUSTER_MAX 32UL
#define DEF_PRIORITY 12
#define MAX_RECLAIM_RETRIES 16
unsigned long try_to_free_pages(unsigned int order, gfp_t gfp);	/* direct reclaim */
unsigned long shrink_all_memory(unsigned long nr);		/* tests */
void wakeup_kswapd(unsigned int order);
void kswapd_run(void);
unsigned long reclaim_page_list(struct list_head *pages);	/* isolated pages */
#endif
