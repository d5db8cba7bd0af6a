/* Allocation flags and the page allocator's interface (mm/page_alloc.c). */
#ifndef LINUX_GFP_H
#define LINUX_GFP_H
#include <types.h>

typedef unsigned int gfp_t;
#define __GFP_DMA32 0x01u	/* only ZONE_DMA32 */
#define __GFP_MOVABLE 0x02u	/* MIGRATE_MOVABLE free lists */
#define __GFP_RECLAIMABLE 0x04u
#define __GFP_HIGH 0x08u	/* may dip below the min watermark (ALLOC_HIGH) */
#define __GFP_ZERO 0x10u
#define __GFP_NOWARN 0x20u
#define __GFP_COMP 0x40u	/* order > 0: a compound page (head, tails, order) */
#define __GFP_ATOMIC 0x80u	/* cannot sleep or reclaim: ALLOC_HARDER */
#define __GFP_DIRECT_RECLAIM 0x100u	/* may reclaim and compact itself (no locks held) */
#define __GFP_KSWAPD_RECLAIM 0x200u	/* wakes kswapd below the low watermark */
#define __GFP_NORETRY 0x400u		/* one reclaim pass, no OOM */
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
/* Linux's GFP_KERNEL has __GFP_RECLAIM: here kernel allocations are made with locks
 * held in places that reclaim would take too (slab list locks, page-table locks in
 * fork), so only the allocations that are made without locks reclaim: user pages,
 * page-cache pages and user page tables. */
#define GFP_KERNEL 0u
/* Linux 6.1: __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM */
#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC)
#define GFP_DMA32 (__GFP_DMA32)
#define GFP_HIGHUSER_MOVABLE (__GFP_MOVABLE | __GFP_RECLAIM)
#define GFP_PGTABLE_USER (__GFP_RECLAIM)

struct page;
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(p) __free_pages(p, 0)
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
#endif
