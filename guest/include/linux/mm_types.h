/*
 * Process address spaces (Linux: include/linux/mm_types.h, mm.h's VM_* flags,
 * arch/arm64/include/asm/mmu.h's mm_context_t). An mm_struct owns a TTBR0 table tree
 * (pgd), an ASID (context.id: generation | ASID, arch/context.c) and its VMAs, kept as
 * Linux 2.6.x-6.0 did: in a red-black tree ordered by address (mm->mm_rb of vma->vm_rb:
 * find_vma in O(log n)) and, in the same order, a doubly linked list (mm->mmap,
 * vm_next/vm_prev: neighbours in O(1)). Linux 6.1 replaced both with a maple tree.
 * Reverse mapping (mm/rmap.c): an anonymous VMA that has pages has an anon_vma, on
 * whose list it is; a file VMA is on its address_space's i_mmap list. Leaf PTEs of an
 * mm are changed under mm->page_table_lock (reclaim and migration change other
 * processes' PTEs); tables are added by the owner only, freed under the lock.
 * Left out from Linux: mmap_lock (a process is one thread: only its own task changes its
 * VMAs, and fork's parent reads them while current), mm_users vs mm_count, hugepages,
 * userfaultfd, NUMA policy.
 */
#ifndef LINUX_MM_TYPES_H
#define LINUX_MM_TYPES_H
#include <types.h>
#include <asm/pgtable.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <uapi/vmm_memstat.h>

#define TASK_SIZE (1UL << 48)		/* TTBR0: 0 .. 2^48 (T0SZ 16) */
#define STACK_TOP TASK_SIZE
#define STACK_INIT_SIZE (128 * 1024)	/* the stack VMA execve sets up */
#define STACK_RLIMIT (8 * 1024 * 1024)	/* RLIMIT_STACK: how far it may grow */
#define STACK_GUARD_GAP (256UL << 12)	/* stack_guard_gap: 1 MiB */
#define MMAP_MIN_GAP (128UL << 20)	/* mmap_base = STACK_TOP - 128 MiB */
#define MMAP_MIN_ADDR 0x10000UL		/* mmap_min_addr */
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

/* vm_flags */
#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_MAYREAD 0x10UL
#define VM_MAYWRITE 0x20UL
#define VM_MAYEXEC 0x40UL
#define VM_MAYSHARE 0x80UL
#define VM_GROWSDOWN 0x100UL
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct file;
struct mm_struct;

struct vm_area_struct {
	unsigned long vm_start, vm_end;		/* [vm_start, vm_end) */
	struct vm_area_struct *vm_next, *vm_prev;	/* address order */
	struct rb_node vm_rb;			/* in mm->mm_rb, keyed by vm_start */
	/* the largest free gap below a VMA of this subtree: vm_start - vm_prev->vm_end
	 * (0 for the lowest VMA's prev), max over the subtree; raw addresses, the stack
	 * guard gap is applied by the search (Linux 5.x subtracts it here) */
	unsigned long rb_subtree_gap;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	unsigned long vm_pgoff;			/* in the file, in pages */
	struct file *vm_file;			/* NULL: anonymous */
	struct anon_vma *anon_vma;		/* its anonymous pages' rmap, or NULL */
	struct list_head anon_vma_node;		/* on anon_vma->vmas */
	struct list_head shared;		/* on vm_file's i_mmap */
};

/*
 * Linux 2.6.9-2.6.33's anon_vma (one per VMA family): a VMA and its copies in forked
 * children share one anon_vma, on whose list they all are; an anonymous page points at
 * it (page->mapping) and rmap visits every VMA on the list. Linux 6.1 gives each child
 * its own anon_vma chained to the parent's (anon_vma_chain) so that walks visit fewer
 * VMAs; the pages found are the same. refcount: VMAs on the list + pages pointing here.
 */
struct anon_vma {
	spinlock_t lock;
	int refcount;
	struct list_head vmas;
};

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };
enum mm_event {
	MM_PGFAULT, MM_ZERO_PAGE_MAPS, MM_ANON_FAULTS, MM_COW_COPIES, MM_COW_REUSES,
	MM_FILE_FAULTS, MM_STACK_GROWS, MM_MAJFAULTS, NR_MM_EVENTS
};

typedef struct {
	u64 id;		/* generation << asid_bits | ASID, 0 before the first switch */
} mm_context_t;

struct mm_struct {
	pte_t *pgd;				/* level-0 table (linear-map address) */
	spinlock_t page_table_lock;		/* leaf PTEs; freeing tables */
	mm_context_t context;
	int mm_users;
	struct vm_area_struct *mmap;		/* lowest VMA: the list's head */
	struct rb_root mm_rb;			/* the same VMAs, by address */
	int map_count;
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack, mmap_base;
	long rss_stat[NR_MM_COUNTERS];
	unsigned long events[NR_MM_EVENTS];
	unsigned long pgtables;			/* table pages, pgd included */
};

/* mm/mmap.c */
struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end);
void vma_gap_update(struct vm_area_struct *vma);
unsigned long vma_compute_subtree_gap(struct vm_area_struct *vma);
unsigned long unmapped_area_topdown(struct mm_struct *mm, unsigned long length,
				    unsigned long low_limit, unsigned long high_limit);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
void vm_area_free(struct vm_area_struct *vma);
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr, int new_below);
struct vm_area_struct *vma_merge_around(struct mm_struct *mm, struct vm_area_struct *vma);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff);
int do_brk_flags(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long flags);
int expand_stack(struct vm_area_struct *vma, unsigned long addr);
int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm);
void exit_mmap(struct mm_struct *mm);
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len,
				unsigned long flags);
int mprotect_fixup(struct mm_struct *mm, unsigned long start, unsigned long end,
		   unsigned long prot);
void dump_vmas(struct mm_struct *mm);
static inline bool vma_is_anonymous(const struct vm_area_struct *v) { return !v->vm_file; }

/* mm/memory.c */
#define FAULT_FLAG_WRITE 0x1
#define FAULT_FLAG_INSTRUCTION 0x2
#define FAULT_FLAG_USER 0x4
#define VM_FAULT_OOM 0x1
#define VM_FAULT_SIGSEGV 0x2
#define VM_FAULT_SIGBUS 0x4
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS)
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);
int pgd_alloc(struct mm_struct *mm);
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end);
void pgd_free(struct mm_struct *mm);
int copy_page_range(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma);
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);
pte_t *user_pte_lookup(struct mm_struct *mm, unsigned long addr);	/* NULL if no table */
void mm_inc_event(struct mm_struct *mm, enum mm_event e);
void mm_add_rss(struct mm_struct *mm, int member, long n);
struct page *empty_zero_page(void);
void user_mm_init(void);
extern unsigned long vm_events[NR_MM_EVENTS];	/* system-wide */
extern unsigned long nr_user_pgtables, nr_segv;

/* page reference counts (struct page's _refcount / _mapcount), atomically */
struct page;
void get_page(struct page *page);
void put_page(struct page *page);
bool get_page_unless_zero(struct page *page);
int page_count(struct page *page);
int page_mapcount(struct page *page);
#endif
