/*
 * Address spaces and VMAs (Linux: mm/mmap.c, mm/vma.c, kernel/fork.c dup_mmap,
 * fs/exec.c's stack, mm/util.c's mmap layout). VMAs are kept as Linux 2.6.x-6.0 kept
 * them (before the maple tree): in a red-black tree ordered by address (mm->mm_rb of
 * vma->vm_rb, lib/rbtree.c) and, in the same order, a doubly linked list (mm->mmap,
 * vm_next/vm_prev). find_vma() and find_vma_links() descend the tree; neighbours come
 * from the list. Every change links or unlinks a VMA in both at once (__vma_link,
 * __vma_unlink); a VMA whose vm_start moves (split, merge, stack growth) stays in place
 * in the tree, since its neighbours bound the move. The tree is augmented as Linux 5.x's:
 * each VMA's rb_subtree_gap is the largest free gap below any VMA of its subtree, kept
 * by the rotate/propagate callbacks and by vma_gap_update() wherever a vm_start, a
 * vm_end or a vm_prev changes; get_unmapped_area descends by it (unmapped_area_topdown).
 * mmap() places mappings top-down below mmap_base (STACK_TOP - 128 MiB, under the
 * stack's rlimit and guard gap: Linux's mmap_base() without randomisation); brk grows
 * the heap VMA after the program's bss; the stack VMA grows down on faults below it, up
 * to RLIMIT_STACK, and never closer than stack_guard_gap (1 MiB) to the VMA below.
 * munmap/mprotect split VMAs at the range's ends (split_vma) and merge neighbours that
 * became compatible (same flags, same file at contiguous offsets, or both anonymous).
 * Unmapping a range zaps its PTEs and frees the page tables left empty.
 * Every VMA in an mm's list is also on its rmap lists (its anon_vma's, its file's
 * i_mmap: mm/rmap.c); anonymous VMAs get vm_pgoff = vm_start >> PAGE_SHIFT, as Linux,
 * so that an anonymous page's index is its linear_page_index; VMAs merge only with
 * the same anon_vma (or none) at contiguous offsets.
 * Left out from Linux: the maple tree (6.1) and its RCU walks; from the 5.x rbtree design,
 * the stack guard gap inside rb_subtree_gap (gaps here are between raw vm_end and
 * vm_start, an upper bound of Linux's, so the search prunes a little less and applies
 * vm_start_gap at each candidate: exec may set VM_GROWSDOWN after linking the stack),
 * mm->highest_vm_end (rb_last gives it), unmapped_area (bottom-up) and alignment
 * masks, the per-thread vmacache in front of find_vma, vma_adjust's general
 * case (here split_vma and merge_into each do their one kind of change), and
 * CONFIG_DEBUG_VM_RB's validate_mm (the 'proc' suite checks the same invariants);
 * mmap_lock, address randomisation, MAP_GROWSDOWN, MAP_POPULATE/LOCKED/NORESERVE,
 * overcommit accounting, mremap, VM_DONTCOPY and friends.
 */
#include <kernel.h>
#include <string.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/rbtree_augmented.h>
#include <linux/rmap.h>
#include <linux/sched.h>
#include <linux/slab.h>

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	if (pgd_alloc(mm)) {
		kfree(mm);
		return NULL;
	}
	mm->mm_users = 1;
	mm->mm_rb = RB_ROOT;
	mm->mmap_base = STACK_TOP - MMAP_MIN_GAP;
	return mm;
}

void mmput(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_users, 1, __ATOMIC_ACQ_REL))
		return;
	exit_mmap(mm);
	pgd_free(mm);
	kfree(mm);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (v)
		v->vm_mm = mm;
	return v;
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		fput(vma->vm_file);
	kfree(vma);
}

/*
 * The lowest VMA with vm_end > addr (it contains addr or is the first above it), or
 * NULL. Descend from the root: a VMA ending above addr is a candidate and any better
 * (lower) one is in its left subtree; if it also starts at or below addr it contains
 * addr, and no other VMA can: done. A VMA ending at or below addr, and its whole left
 * subtree, lie below addr: go right.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *rb_node = mm->mm_rb.rb_node;
	struct vm_area_struct *vma = NULL;

	while (rb_node) {
		struct vm_area_struct *tmp = rb_entry(rb_node, struct vm_area_struct, vm_rb);

		if (tmp->vm_end > addr) {
			vma = tmp;
			if (tmp->vm_start <= addr)
				break;
			rb_node = rb_node->rb_left;
		} else {
			rb_node = rb_node->rb_right;
		}
	}
	return vma;
}

/* find_vma, and in *pprev the VMA before it (the last one if there is none above). */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (vma) {
		*pprev = vma->vm_prev;
	} else {
		struct rb_node *rb_node = rb_last(&mm->mm_rb);
		*pprev = rb_entry_safe(rb_node, struct vm_area_struct, vm_rb);
	}
	return vma;
}

struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, unsigned long start,
					     unsigned long end)
{
	struct vm_area_struct *v = find_vma(mm, start);
	return v && v->vm_start < end ? v : NULL;
}

/*
 * Where a VMA for [addr, end) goes: the empty child slot (*rb_link, under *rb_parent)
 * of the tree descent by address, and the VMA that will precede it in the list
 * (*pprev: the last node the descent left by its right side). -ENOMEM if some VMA
 * overlaps the range (callers unmap first).
 */
static int find_vma_links(struct mm_struct *mm, unsigned long addr, unsigned long end,
			  struct vm_area_struct **pprev, struct rb_node ***rb_link,
			  struct rb_node **rb_parent)
{
	struct rb_node **__rb_link = &mm->mm_rb.rb_node, *__rb_parent = NULL, *rb_prev = NULL;

	while (*__rb_link) {
		struct vm_area_struct *vma_tmp;

		__rb_parent = *__rb_link;
		vma_tmp = rb_entry(__rb_parent, struct vm_area_struct, vm_rb);
		if (vma_tmp->vm_end > addr) {
			if (vma_tmp->vm_start < end)
				return -ENOMEM;
			__rb_link = &__rb_parent->rb_left;
		} else {
			rb_prev = __rb_parent;
			__rb_link = &__rb_parent->rb_right;
		}
	}
	*pprev = rb_entry_safe(rb_prev, struct vm_area_struct, vm_rb);
	*rb_link = __rb_link;
	*rb_parent = __rb_parent;
	return 0;
}

static void __vma_link_list(struct mm_struct *mm, struct vm_area_struct *vma,
			    struct vm_area_struct *prev)
{
	struct vm_area_struct *next = prev ? prev->vm_next : mm->mmap;

	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
}

/*
 * rb_subtree_gap (Linux 5.x's vma_compute_subtree_gap): the free space just below vma
 * (from its list predecessor's end, or from 0), or a larger gap found in a child's
 * subtree. It depends on vm_start, vm_prev->vm_end and the children.
 */
unsigned long vma_compute_subtree_gap(struct vm_area_struct *vma)
{
	unsigned long prev_end = vma->vm_prev ? vma->vm_prev->vm_end : 0;
	/* 0 if they touch, or overlap for a moment (merge_into extends keep first) */
	unsigned long max = vma->vm_start > prev_end ? vma->vm_start - prev_end : 0;

	if (vma->vm_rb.rb_left) {
		unsigned long g = rb_entry(vma->vm_rb.rb_left, struct vm_area_struct,
					   vm_rb)->rb_subtree_gap;
		max = g > max ? g : max;
	}
	if (vma->vm_rb.rb_right) {
		unsigned long g = rb_entry(vma->vm_rb.rb_right, struct vm_area_struct,
					   vm_rb)->rb_subtree_gap;
		max = g > max ? g : max;
	}
	return max;
}

/* recompute from rb up to stop; never stops early (see rbtree_augmented.h) */
static void vma_gap_propagate(struct rb_node *rb, struct rb_node *stop)
{
	for (; rb != stop; rb = rb_parent(rb)) {
		struct vm_area_struct *vma = rb_entry(rb, struct vm_area_struct, vm_rb);
		vma->rb_subtree_gap = vma_compute_subtree_gap(vma);
	}
}

static void vma_gap_rotate(struct rb_node *old, struct rb_node *new)
{
	struct vm_area_struct *o = rb_entry(old, struct vm_area_struct, vm_rb);

	rb_entry(new, struct vm_area_struct, vm_rb)->rb_subtree_gap = o->rb_subtree_gap;
	o->rb_subtree_gap = vma_compute_subtree_gap(o);
}

static const struct rb_augment_callbacks vma_gap_callbacks = {
	.propagate = vma_gap_propagate, .rotate = vma_gap_rotate,
};

/* vma's own gap changed (its vm_start or its predecessor's vm_end moved): up to the root */
void vma_gap_update(struct vm_area_struct *vma)
{
	vma_gap_propagate(&vma->vm_rb, NULL);
}

/* The list is linked already: vma->vm_prev and vm_next are its neighbours. */
static void __vma_link_rb(struct mm_struct *mm, struct vm_area_struct *vma,
			  struct rb_node **rb_link, struct rb_node *rb_parent)
{
	if (vma->vm_next)
		vma_gap_update(vma->vm_next);	/* its predecessor is now vma */
	rb_link_node(&vma->vm_rb, rb_parent, rb_link);
	vma->rb_subtree_gap = 0;
	vma_gap_update(vma);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
}

static void __vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		       struct vm_area_struct *prev, struct rb_node **rb_link,
		       struct rb_node *rb_parent)
{
	__vma_link_list(mm, vma, prev);
	__vma_link_rb(mm, vma, rb_link, rb_parent);
}

/* Into the tree and list (where find_vma_links said) and onto the rmap lists. */
static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma,
		     struct vm_area_struct *prev, struct rb_node **rb_link,
		     struct rb_node *rb_parent)
{
	__vma_link(mm, vma, prev, rb_link, rb_parent);
	mm->map_count++;
	vma_link_rmap(vma);
}

/* Out of the tree and the list (Linux 5.x's __vma_unlink_common). */
static void __vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next;

	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, &vma_gap_callbacks);
	RB_CLEAR_NODE(&vma->vm_rb);
	if (vma->vm_prev)
		vma->vm_prev->vm_next = next;
	else
		mm->mmap = next;
	if (next) {
		next->vm_prev = vma->vm_prev;
		vma_gap_update(next);	/* its gap now reaches down to vma's predecessor */
	}
	vma->vm_next = vma->vm_prev = NULL;
}

static void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	__vma_unlink(mm, vma);
	mm->map_count--;
	vma_unlink_rmap(vma);
}

/* Tree and list only: for split_vma, whose new VMA is already on the rmap lists. */
static void __insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev;
	struct rb_node **rb_link, *rb_parent;

	if (find_vma_links(mm, vma->vm_start, vma->vm_end, &prev, &rb_link, &rb_parent))
		panic("__insert_vm_struct: %lx-%lx overlaps a VMA", vma->vm_start, vma->vm_end);
	__vma_link(mm, vma, prev, rb_link, rb_parent);
	mm->map_count++;
}

int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev;
	struct rb_node **rb_link, *rb_parent;

	if (find_vma_links(mm, vma->vm_start, vma->vm_end, &prev, &rb_link, &rb_parent))
		return -ENOMEM;		/* overlaps: callers unmap first */
	vma_link(mm, vma, prev, rb_link, rb_parent);
	return 0;
}

int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr, int new_below)
{
	struct vm_area_struct *new = vm_area_alloc(mm);

	if (!new)
		return -ENOMEM;
	*new = *vma;		/* vm_rb, vm_next, vm_prev are set when it is linked */
	if (new->vm_file)
		get_file(new->vm_file);
	/*
	 * As Linux's __split_vma + vma_adjust: new joins the rmap lists covering its range,
	 * then vma shrinks under the rmap locks (a walker sees every page's PTE through one
	 * or the other), and only then does new go into the tree and list, where its range
	 * is now free. vma keeps its tree position: its key (vm_start) may move up to addr,
	 * still below its successor's.
	 */
	if (new_below) {	/* new = [vm_start, addr), vma = [addr, vm_end) */
		new->vm_end = addr;
		vma_link_rmap(new);
		vma_lock_rmap(vma);
		vma->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_start = addr;
		vma_unlock_rmap(vma);
		vma_gap_update(vma);	/* again once new is its vm_prev (__vma_link_rb) */
	} else {		/* vma = [vm_start, addr), new = [addr, vm_end) */
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma_link_rmap(new);
		vma_lock_rmap(vma);
		vma->vm_end = addr;
		vma_unlock_rmap(vma);
	}
	__insert_vm_struct(mm, new);
	return 0;
}

/* is_mergeable_anon_vma: the same anon_vma, or one side has none (no pages). */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
		return false;
	if (a->vm_flags & VM_GROWSDOWN)
		return false;
	if (a->anon_vma && b->anon_vma && a->anon_vma != b->anon_vma)
		return false;
	return a->vm_pgoff + ((a->vm_end - a->vm_start) >> PAGE_SHIFT) == b->vm_pgoff;
}

/*
 * keep (the lower VMA) takes over gone's range and, if it has none, its anon_vma; gone
 * leaves the tree and the list (Linux's vma_merge -> vma_adjust with remove_next =
 * __vma_unlink). keep's key (vm_start) does not change, so it stays where it is.
 */
static void merge_into(struct mm_struct *mm, struct vm_area_struct *keep,
		       struct vm_area_struct *gone)
{
	if (!keep->anon_vma && gone->anon_vma) {
		struct anon_vma *av = gone->anon_vma;
		get_anon_vma(av);
		spin_lock(&av->lock);
		keep->anon_vma = av;
		list_add_tail(&keep->anon_vma_node, &av->vmas);
		spin_unlock(&av->lock);
	}
	vma_lock_rmap(keep);
	keep->vm_end = gone->vm_end;
	vma_unlock_rmap(keep);
	vma_unlink(mm, gone);
	vm_area_free(gone);
}

struct vm_area_struct *vma_merge_around(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma->vm_next, *prev = vma->vm_prev;

	if (next && can_merge(vma, next))
		merge_into(mm, vma, next);
	if (prev && can_merge(prev, vma)) {
		merge_into(mm, prev, vma);
		vma = prev;
	}
	return vma;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	unsigned long end = start + len;
	struct vm_area_struct *vma = find_vma(mm, start), *last;
	if (!vma || vma->vm_start >= end)
		return 0;
	if (vma->vm_start < start) {
		if (split_vma(mm, vma, start, 0))
			return -ENOMEM;
		vma = vma->vm_next;
	}
	last = find_vma(mm, end);
	if (last && last->vm_start < end && split_vma(mm, last, end, 0))
		return -ENOMEM;
	while (vma && vma->vm_start < end) {
		struct vm_area_struct *next = vma->vm_next;
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unlink(mm, vma);
		vm_area_free(vma);
		vma = next;
	}
	free_pgtables(mm, start, end);
	return 0;
}

static unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (vma->vm_flags & VM_GROWSDOWN)
		start = start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
	return start;
}

/*
 * Linux 5.x's unmapped_area_topdown: the highest len-sized range in [low_limit,
 * high_limit) that no VMA (nor a stack's guard gap) covers. The gap above the last VMA
 * first; then a reverse in-order walk of the tree (right subtree, the gap just below
 * the node, left subtree) that skips every subtree whose rb_subtree_gap is smaller than
 * len, so it visits O(log n) nodes when gaps are where the tree says. Since the stored
 * gaps ignore the stack guard (an upper bound), a candidate can still fail the exact
 * check, and the walk then simply goes on to the next one.
 */
unsigned long unmapped_area_topdown(struct mm_struct *mm, unsigned long length,
				    unsigned long low_limit_in, unsigned long high_limit_in)
{
	struct vm_area_struct *vma;
	unsigned long gap_start, gap_end, high_limit, low_limit;

	if (high_limit_in < length)
		return -ENOMEM;
	high_limit = high_limit_in - length;	/* the highest gap_start that can fit */
	if (low_limit_in > high_limit)
		return -ENOMEM;
	low_limit = low_limit_in + length;	/* the lowest gap_end that can fit */

	struct rb_node *last = rb_last(&mm->mm_rb);	/* Linux caches highest_vm_end */
	gap_start = last ? rb_entry(last, struct vm_area_struct, vm_rb)->vm_end : 0;
	if (gap_start <= high_limit)
		return high_limit_in - length;
	if (RB_EMPTY_ROOT(&mm->mm_rb))
		return -ENOMEM;
	vma = rb_entry(mm->mm_rb.rb_node, struct vm_area_struct, vm_rb);
	if (vma->rb_subtree_gap < length)
		return -ENOMEM;
	for (;;) {
		/* higher addresses first: the right subtree, if it may hold a fit */
		gap_start = vma->vm_prev ? vma->vm_prev->vm_end : 0;
		if (gap_start <= high_limit && vma->vm_rb.rb_right) {
			struct vm_area_struct *right = rb_entry(vma->vm_rb.rb_right,
								struct vm_area_struct, vm_rb);
			if (right->rb_subtree_gap >= length) {
				vma = right;
				continue;
			}
		}
check_current:
		/* the gap just below vma: [vm_prev->vm_end, vm_start_gap(vma)) */
		gap_end = vm_start_gap(vma);
		if (gap_end < low_limit)
			return -ENOMEM;		/* it and everything left of it is too low */
		if (gap_start <= high_limit && gap_end > gap_start && gap_end - gap_start >= length)
			break;
		if (vma->vm_rb.rb_left) {
			struct vm_area_struct *left = rb_entry(vma->vm_rb.rb_left,
							       struct vm_area_struct, vm_rb);
			if (left->rb_subtree_gap >= length) {
				vma = left;
				continue;
			}
		}
		/* back up to the first ancestor we are right of: the next lower node */
		for (;;) {
			struct rb_node *prev = &vma->vm_rb;
			if (!rb_parent(prev))
				return -ENOMEM;
			vma = rb_entry(rb_parent(prev), struct vm_area_struct, vm_rb);
			if (prev == vma->vm_rb.rb_right) {
				gap_start = vma->vm_prev ? vma->vm_prev->vm_end : 0;
				goto check_current;
			}
		}
	}
	if (gap_end > high_limit_in)
		gap_end = high_limit_in;	/* a gap reaching above the limit: clip it */
	return gap_end - length;
}

unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long addr, unsigned long len,
				unsigned long flags)
{
	if (len > mm->mmap_base - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return addr;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		if (addr >= MMAP_MIN_ADDR && addr <= TASK_SIZE - len &&
		    !find_vma_intersection(mm, addr, addr + len))
			return addr;
	}
	return unmapped_area_topdown(mm, len, MMAP_MIN_ADDR, mm->mmap_base);
}

static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	unsigned long f = 0;

	if (prot & PROT_READ)
		f |= VM_READ;
	if (prot & PROT_WRITE)
		f |= VM_WRITE | VM_READ;	/* arm64 has no write-only mappings */
	if (prot & PROT_EXEC)
		f |= VM_EXEC | VM_READ;		/* nor execute-only ones, here */
	return f;
}

static unsigned long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
				 unsigned long len, unsigned long vm_flags, unsigned long pgoff)
{
	int ret = do_munmap(mm, addr, len);		/* MAP_FIXED over old mappings */
	if (ret)
		return ret;
	struct vm_area_struct *vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = file ? pgoff : addr >> PAGE_SHIFT;
	vma->vm_file = file;
	if (file)
		get_file(file);
	ret = insert_vm_struct(mm, vma);
	if (ret) {
		vm_area_free(vma);
		return ret;
	}
	vma_merge_around(mm, vma);
	return addr;
}

unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	unsigned long vm_flags, type = flags & MAP_TYPE;

	if (!len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if ((flags & MAP_FIXED) && ((addr & ~PAGE_MASK) || addr < MMAP_MIN_ADDR ||
				    addr > TASK_SIZE - len))
		return -EINVAL;
	vm_flags = calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (type != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (file) {
		unsigned int acc = file->f_flags & O_ACCMODE;
		if (acc == O_WRONLY)
			return -EACCES;
		if ((vm_flags & VM_SHARED) && acc != O_RDWR) {
			if (vm_flags & VM_WRITE)
				return -EACCES;
			vm_flags &= ~VM_MAYWRITE;
		}
	}
	addr = get_unmapped_area(mm, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return -EEXIST;
	struct file *shm = NULL;
	if (!file && (vm_flags & VM_SHARED)) {		/* shared anonymous: shmem */
		shm = file = shmem_file_setup(len);
		if (!file)
			return -ENOMEM;
		pgoff = 0;
	}
	addr = mmap_region(mm, file, addr, len, vm_flags, pgoff);
	if (shm)
		fput(shm);	/* the VMA holds its own reference */
	return addr;
}

unsigned long mmap_region_mm(struct mm_struct *mm, struct file *file, unsigned long addr,
			     unsigned long len, unsigned long prot, unsigned long pgoff)
{
	return mmap_region(mm, file, addr, PAGE_ALIGN(len),
			   calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, pgoff);
}

int do_brk_flags(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long flags)
{
	if (!len)
		return 0;
	if (addr > TASK_SIZE - len || find_vma_intersection(mm, addr, addr + len))
		return -ENOMEM;
	struct vm_area_struct *vma = vm_area_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_pgoff = addr >> PAGE_SHIFT;
	vma->vm_flags = (flags ? flags : VM_READ | VM_WRITE) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (insert_vm_struct(mm, vma)) {
		vm_area_free(vma);
		return -ENOMEM;
	}
	vma_merge_around(mm, vma);
	return 0;
}

long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);

	if (brk < mm->start_brk || brk > TASK_SIZE)
		return mm->brk;
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return brk;
	}
	if (brk <= mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	struct vm_area_struct *next = find_vma(mm, oldbrk);
	if (next && newbrk + ((next->vm_flags & VM_GROWSDOWN) ? STACK_GUARD_GAP : 0) > next->vm_start)
		return mm->brk;
	if (do_brk_flags(mm, oldbrk, newbrk - oldbrk, 0))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

int expand_stack(struct vm_area_struct *vma, unsigned long addr)
{
	addr &= PAGE_MASK;
	if (!(vma->vm_flags & VM_GROWSDOWN) || addr >= vma->vm_start)
		return -EFAULT;
	if (vma->vm_end - addr > STACK_RLIMIT)
		return -ENOMEM;
	if (vma->vm_prev && addr < vma->vm_prev->vm_end + STACK_GUARD_GAP)
		return -ENOMEM;		/* stack_guard_gap */
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;
	/* vm_start moves down, but not past vm_prev: the tree order holds; the gap below
	 * shrinks (Linux's expand_downwards: vma_gap_update) */
	vma_lock_rmap(vma);
	vma->vm_pgoff -= (vma->vm_start - addr) >> PAGE_SHIFT;
	vma->vm_start = addr;
	vma_unlock_rmap(vma);
	vma_gap_update(vma);
	mm_inc_event(vma->vm_mm, MM_STACK_GROWS);
	return 0;
}

/*
 * The copies come in address order, so each is appended as Linux's dup_mmap does: linked
 * as the right child of the previous one (the tree's rightmost node) and rebalanced.
 */
int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *prev = NULL;
	struct rb_node **rb_link = &mm->mm_rb.rb_node, *rb_parent = NULL;

	for (struct vm_area_struct *v = oldmm->mmap; v; v = v->vm_next) {
		struct vm_area_struct *n = vm_area_alloc(mm);
		if (!n)
			return -ENOMEM;
		*n = *v;
		n->vm_mm = mm;
		if (n->vm_file)
			get_file(n->vm_file);
		vma_link(mm, n, prev, rb_link, rb_parent);
		rb_link = &n->vm_rb.rb_right;
		rb_parent = &n->vm_rb;
		prev = n;
		if (copy_page_range(mm, oldmm, v))
			return -ENOMEM;
	}
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->mmap_base = oldmm->mmap_base;
	return 0;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *v = mm->mmap;

	while (v) {
		struct vm_area_struct *next = v->vm_next;
		zap_page_range(v, v->vm_start, v->vm_end);
		v = next;
	}
	free_pgtables(mm, 0, TASK_SIZE);
	/* the whole mm goes: no rebalancing, the tree is simply forgotten (as Linux) */
	for (v = mm->mmap; v; ) {
		struct vm_area_struct *next = v->vm_next;
		vma_unlink_rmap(v);
		vm_area_free(v);
		v = next;
	}
	mm->mmap = NULL;
	mm->mm_rb = RB_ROOT;
	mm->map_count = 0;
}

void dump_vmas(struct mm_struct *mm)
{
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		printk("  %012lx-%012lx %c%c%c%c %08lx %s\n", v->vm_start, v->vm_end,
		       v->vm_flags & VM_READ ? 'r' : '-', v->vm_flags & VM_WRITE ? 'w' : '-',
		       v->vm_flags & VM_EXEC ? 'x' : '-', v->vm_flags & VM_SHARED ? 's' : 'p',
		       v->vm_pgoff << PAGE_SHIFT,
		       v->vm_file ? v->vm_file->f_inode->name :
		       (v->vm_flags & VM_GROWSDOWN) ? "[stack]" :
		       (v->vm_start >= mm->start_brk && v->vm_end <= PAGE_ALIGN(mm->brk) &&
			mm->brk > mm->start_brk) ? "[heap]" : "");
}

/* ---- system calls ---- */

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off)
{
	struct file *file = NULL;

	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (fd >= NR_OPEN || !current->files[fd])
			return -EBADF;
		file = current->files[fd];
	}
	return do_mmap(file, addr, len, prot, flags, off >> PAGE_SHIFT);
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	return do_munmap(current->mm, addr, len);
}
