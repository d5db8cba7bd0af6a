/*
 * struct page and the pfn/page/address helpers (Linux: include/linux/mm_types.h, mm.h,
 * arch/arm64/include/asm/memory.h). The struct page array lives at VMEMMAP_START and
 * is indexed by pfn from the start of RAM's gigabyte, as arm64's: vmemmap =
 * VMEMMAP_START - (memstart_addr >> PAGE_SHIFT), so that pfn_to_page(pfn) is
 * vmemmap + pfn. It is mapped (mm/mm_init.c) for the 128 MiB sections that hold RAM.
 */
#ifndef LINUX_MM_H
#define LINUX_MM_H
#include <types.h>
#include <asm/memory.h>
#include <asm/ptrace.h>
#include <linux/list.h>

struct kmem_cache;

/* page->flags: low bits are PG_* flags, the zone index is in the top byte. */
enum pageflags {
	PG_reserved,	/* not for the allocator (memblock reserved, holes) */
	PG_buddy,	/* on a buddy free list; private = order */
	PG_slab,	/* used by slub; slab_cache valid */
	PG_pcp,		/* on a per-CPU list */
	PG_head,	/* first page of a compound page (__GFP_COMP, order > 0) */
	PG_tail,	/* its other pages; compound_head = head */
};
#define ZONES_SHIFT 56

struct page {
	unsigned long flags;
	struct list_head lru;		/* free list, pcp list or slab partial list */
	union {
		unsigned long private;	/* buddy: order */
		struct kmem_cache *slab_cache;
	};
	union {
		void *freelist;		/* slab: first free object */
		void *mapping;		/* user page: its anon_vma (PG_anon) or address_space */
	};
	union {
		unsigned long index;	/* user page: offset in its mapping, in pages */
		struct {
			u16 inuse;	/* slab: objects in use */
			u16 objects;	/* slab: objects in this slab */
			u8 frozen;	/* slab: owned by a CPU's active slab */
			u8 migratetype;	/* buddy: free list it is on */
			u8 order;	/* slab: order of the slab */
			u8 on_partial;	/* slab: on the cache's partial list */
		};
		u64 counters;
	};
	int _refcount;
	int _mapcount;
	unsigned long compound_head;	/* tail pages: the head page (Linux: | 1) */
};

/* vmemmap maps 2 MiB of struct pages per 128 MiB section: 64 bytes each */
_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");

extern struct page *vmemmap;	/* struct page of pfn n is vmemmap[n]; not itself mapped
				 * below VMEMMAP_START */
extern unsigned long min_low_pfn, max_pfn;

#define PAGE_ALIGN(x) ALIGN((u64)(x), PAGE_SIZE)
#define PHYS_PFN(pa) ((unsigned long)((pa) >> PAGE_SHIFT))
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)
#define pfn_to_page(pfn) (vmemmap + (pfn))
#define page_to_pfn(page) ((unsigned long)((page) - vmemmap))
#define page_to_phys(page) PFN_PHYS(page_to_pfn(page))
#define phys_to_page(pa) pfn_to_page(PHYS_PFN(pa))
#define page_address(page) __va(page_to_phys(page))
#define virt_to_page(va) pfn_to_page(PHYS_PFN(__pa(va)))
#define virt_to_pfn(va) PHYS_PFN(__pa(va))
bool pfn_valid(unsigned long pfn);

/* Atomic: reclaim, migration and the fault path change flags of pages in use on
 * several CPUs at once (PG_locked, PG_lru, PG_referenced...), as Linux's set_bit. */
static inline bool PageFlag(const struct page *p, int f)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED) & (1UL << f);
}
static inline void SetPageFlag(struct page *p, int f)
{
	__atomic_or_fetch(&p->flags, 1UL << f, __ATOMIC_RELAXED);
}
static inline void ClearPageFlag(struct page *p, int f)
{
	__atomic_and_fetch(&p->flags, ~(1UL << f), __ATOMIC_RELAXED);
}
static inline bool TestSetPageFlag(struct page *p, int f)
{
	return __atomic_fetch_or(&p->flags, 1UL << f, __ATOMIC_ACQUIRE) & (1UL << f);
}
static inline bool TestClearPageFlag(struct page *p, int f)
{
	return __atomic_fetch_and(&p->flags, ~(1UL << f), __ATOMIC_RELAXED) & (1UL << f);
}
#define PageBuddy(p) PageFlag(p, PG_buddy)
#define PageSlab(p) PageFlag(p, PG_slab)
#define PageReserved(p) PageFlag(p, PG_reserved)
/* The order of a compound page is kept in its first tail page, as Linux's. */
static inline unsigned int compound_order(const struct page *p)
{
	return PageFlag(p, PG_head) ? p[1].private : 0;
}
static inline struct page *compound_head(const struct page *p)
{
	return PageFlag(p, PG_tail) ? (struct page *)p->compound_head : (struct page *)p;
}
static inline unsigned int page_zonenum(const struct page *p) { return p->flags >> ZONES_SHIFT; }

/* mm/fault.c */
void do_mem_abort(u64 far, u64 esr, struct pt_regs *regs);
void show_pte(u64 addr);
#endif
