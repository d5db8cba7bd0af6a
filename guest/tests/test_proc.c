/*
 * KTAP suite "proc": the process machinery from the kernel side, no initrd needed. The
 * test borrows an address space (use_mm, as Linux's kthread_use_mm) built with the
 * kernel's own mmap/brk functions, then checks PAN (a plain kernel load from a user page
 * is a permission fault, the LDTR copy is not), the exception-table fixups (-EFAULT for
 * unmapped, kernel and wrapping addresses), VMA split and merge by mprotect and munmap
 * with page tables freed, the VMA red-black tree (mm->mm_rb: red-black properties,
 * rb_subtree_gap) against the vm_next list and list walks for find_vma and
 * get_unmapped_area after random mmap/munmap/mprotect/fork, and the ASID allocator's
 * rollover with a tiny ASID space.
 */
#include <kernel.h>
#include <ktest.h>
#include <string.h>
#include <asm/esr.h>
#include <asm/irqflags.h>
#include <asm/mmu.h>
#include <asm/mmu_context.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <random.h>
#include <linux/errno.h>
#include <linux/rbtree.h>
#include <linux/mm_types.h>
#include <linux/mm_user.h>
#include <linux/sched.h>

bool pan_enabled(void);
#define UBASE 0x10000000UL

static struct mm_struct *use_new_mm(void)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	u64 f = local_irq_save();
	current->mm = mm;
	switch_mm(NULL, mm);
	local_irq_restore(f);
	return mm;
}

static void unuse_mm(struct mm_struct *mm)
{
	u64 f = local_irq_save();
	current->mm = NULL;
	cpu_set_reserved_ttbr0();
	local_irq_restore(f);
	mmput(mm);
}

static enum ktest_result pan_blocks_plain_kernel_access(void)
{
	if (!pan_enabled()) {
		ktest_skip_reason("the CPU has no PAN (ID_AA64MMFR1_EL1.PAN = 0)");
		return KTEST_SKIP;
	}
	struct mm_struct *mm = use_new_mm();
	KTEST_EXPECT(mm);
	KTEST_EXPECT(!do_brk_flags(mm, UBASE, 4 * PAGE_SIZE, 0));
	u64 v = 0x1234;
	KTEST_EXPECT(!copy_to_user((void *)UBASE, &v, 8));	/* STTR: faults the page in */
	v = 0;
	KTEST_EXPECT(!copy_from_user(&v, (void *)UBASE, 8));
	KTEST_EXPECT_EQ(v, 0x1234);
	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	v = *(volatile u64 *)UBASE;				/* plain LDR: PAN says no */
	struct fault_expect *fe = fault_expect_get();
	bool hit = fe->hit;
	u64 esr = fe->esr;
	fe->armed = false;
	unuse_mm(mm);
	KTEST_EXPECT(hit);
	KTEST_EXPECT_EQ(ESR_ELx_FSC_TYPE(esr), ESR_ELx_FSC_PERM);
	return KTEST_PASS;
}

static enum ktest_result uaccess_fixups_return_efault(void)
{
	struct mm_struct *mm = use_new_mm();
	char buf[32];
	unsigned long fix0 = uaccess_fixups_taken();

	KTEST_EXPECT(mm);
	KTEST_EXPECT(!do_brk_flags(mm, UBASE, PAGE_SIZE, VM_READ));	/* read-only */
	unsigned long r1 = copy_from_user(buf, (void *)(UBASE + 2 * PAGE_SIZE), 16); /* no VMA */
	unsigned long r2 = copy_to_user((void *)UBASE, buf, 16);	/* read-only VMA */
	unsigned long r3 = copy_from_user(buf, (void *)UBASE, 16);	/* fine: zero page */
	long r4 = strncpy_from_user(buf, (void *)0xffff000000001000UL, 16);	/* kernel */
	unsigned long r5 = copy_from_user(buf, (void *)(TASK_SIZE - 8), 16);	/* wraps out */
	/* a string that runs off the end of its VMA into nothing */
	unsigned long s = UBASE + 16 * PAGE_SIZE;
	KTEST_EXPECT(!do_brk_flags(mm, s, PAGE_SIZE, 0));
	KTEST_EXPECT(!copy_to_user((void *)(s + PAGE_SIZE - 4), "abcd", 4));
	long r6 = strncpy_from_user(buf, (void *)(s + PAGE_SIZE - 4), 16);
	unsigned long fixups = uaccess_fixups_taken() - fix0;
	unuse_mm(mm);
	ktest_diag("fixups taken: %lu", fixups);
	KTEST_EXPECT_EQ(r1, 16);
	KTEST_EXPECT_EQ(r2, 16);
	KTEST_EXPECT_EQ(r3, 0);
	KTEST_EXPECT_EQ(r4, -14);
	KTEST_EXPECT_EQ(r5, 16);
	KTEST_EXPECT_EQ(r6, -14);
	KTEST_EXPECT(fixups >= 3);
	return KTEST_PASS;
}

static enum ktest_result vmas_split_merge_and_free_tables(void)
{
	struct mm_struct *mm = use_new_mm();
	char c = 1;

	KTEST_EXPECT(mm);
	KTEST_EXPECT(!do_brk_flags(mm, UBASE, 8 * PAGE_SIZE, 0));
	KTEST_EXPECT_EQ(mm->map_count, 1);
	for (int i = 0; i < 8; i++)
		KTEST_EXPECT(!copy_to_user((void *)(UBASE + i * PAGE_SIZE), &c, 1));
	KTEST_EXPECT_EQ(mm->rss_stat[MM_ANONPAGES], 8);
	unsigned long tables = mm->pgtables;			/* pgd + pud + pmd + pte */
	KTEST_EXPECT(!mprotect_fixup(mm, UBASE + 2 * PAGE_SIZE, UBASE + 4 * PAGE_SIZE, PROT_READ));
	KTEST_EXPECT_EQ(mm->map_count, 3);
	KTEST_EXPECT(copy_to_user((void *)(UBASE + 3 * PAGE_SIZE), &c, 1) == 1);	/* RO now */
	KTEST_EXPECT(!mprotect_fixup(mm, UBASE + 2 * PAGE_SIZE, UBASE + 4 * PAGE_SIZE,
				     PROT_READ | PROT_WRITE));
	KTEST_EXPECT_EQ(mm->map_count, 1);				/* merged back */
	KTEST_EXPECT(!do_munmap(mm, UBASE + PAGE_SIZE, PAGE_SIZE));
	KTEST_EXPECT_EQ(mm->map_count, 2);
	KTEST_EXPECT_EQ(mm->rss_stat[MM_ANONPAGES], 7);
	KTEST_EXPECT(!do_munmap(mm, UBASE, 8 * PAGE_SIZE));
	KTEST_EXPECT_EQ(mm->map_count, 0);
	KTEST_EXPECT_EQ(mm->rss_stat[MM_ANONPAGES], 0);
	ktest_diag("page tables: %lu with the mapping, %lu after munmap", tables, mm->pgtables);
	KTEST_EXPECT_EQ(tables, 4);
	KTEST_EXPECT_EQ(mm->pgtables, 1);				/* only the pgd left */
	unuse_mm(mm);
	return KTEST_PASS;
}

int rbtree_verify(const struct rb_root *root, int *height, const char **why);	/* test_rbtree.c */

/* find_vma by walking the list: the reference answer */
static struct vm_area_struct *find_vma_linear(struct mm_struct *mm, unsigned long addr,
					      struct vm_area_struct **pprev)
{
	struct vm_area_struct *prev = NULL, *v;

	for (v = mm->mmap; v && v->vm_end <= addr; v = v->vm_next)
		prev = v;
	*pprev = prev;
	return v;
}

static const char *check_find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *lprev, *prev = (void *)1;
	struct vm_area_struct *want = find_vma_linear(mm, addr, &lprev);

	if (find_vma(mm, addr) != want)
		return "find_vma differs from the list walk";
	if (find_vma_prev(mm, addr, &prev) != want || prev != lprev)
		return "find_vma_prev differs from the list walk";
	return NULL;
}

/*
 * Linux's CONFIG_DEBUG_VM_RB validate_mm, and more: the tree is a red-black tree, its
 * in-order walk is the list (both ways), VMAs are sorted, non-empty, page-aligned and
 * disjoint, map_count counts them, no two neighbours are left mergeable, and find_vma
 * agrees with a list walk at random addresses (and at every VMA's edges if edges).
 */
static const char *check_mm_tree(struct mm_struct *mm, unsigned long lo, unsigned long hi,
				 bool edges, int *height)
{
	const char *why = NULL;
	struct vm_area_struct *prev = NULL, *v;
	struct rb_node *rb = rb_first(&mm->mm_rb);
	int n = 0;

	if (rbtree_verify(&mm->mm_rb, height, &why) < 0)
		return why;
	for (v = mm->mmap; v; prev = v, v = v->vm_next, rb = rb_next(rb)) {
		if (rb != &v->vm_rb)
			return "in-order tree walk differs from the vm_next list";
		if (v->vm_prev != prev)
			return "vm_prev is not the previous VMA";
		if (v->vm_start >= v->vm_end || ((v->vm_start | v->vm_end) & ~PAGE_MASK))
			return "empty or unaligned VMA";
		if (prev && prev->vm_end > v->vm_start)
			return "VMAs overlap or are out of order";
		if (v->rb_subtree_gap != vma_compute_subtree_gap(v))
			return "rb_subtree_gap is stale";
		if (prev && prev->vm_end == v->vm_start && prev->vm_flags == v->vm_flags &&
		    !prev->vm_file && !v->vm_file &&
		    (!prev->anon_vma || !v->anon_vma || prev->anon_vma == v->anon_vma))
			return "two mergeable neighbours left unmerged";
		n++;
	}
	if (rb)
		return "the tree has more nodes than the list";
	rb = rb_last(&mm->mm_rb);
	if (rb_entry_safe(rb, struct vm_area_struct, vm_rb) != prev)
		return "rb_last is not the list's tail";
	if (n != mm->map_count)
		return "map_count is not the number of VMAs";
	for (int i = 0; i < 16; i++) {
		unsigned long a = lo + prandom_u64() % (hi - lo + 2 * PAGE_SIZE) - PAGE_SIZE;
		if ((why = check_find_vma(mm, a)))
			return why;
	}
	if ((why = check_find_vma(mm, 0)) || (why = check_find_vma(mm, TASK_SIZE - 1)))
		return why;
	for (v = edges ? mm->mmap : NULL; v; v = v->vm_next) {
		unsigned long e[] = { v->vm_start - 1, v->vm_start, v->vm_end - 1, v->vm_end };
		for (int i = 0; i < 4; i++)
			if ((why = check_find_vma(mm, e[i])))
				return why;
	}
	return NULL;
}

/*
 * The reference for get_unmapped_area: the gaps between neighbours, from the top down,
 * by a list walk. As Linux 5.x, a stack's guard gap shortens only the gap just below
 * it (the stack cannot grow past the VMA below it anyway).
 */
static unsigned long unmapped_area_linear(struct mm_struct *mm, unsigned long len)
{
	unsigned long base = mm->mmap_base;
	struct vm_area_struct *v = mm->mmap;

	if (len > base - MMAP_MIN_ADDR)
		return -ENOMEM;
	while (v && v->vm_next)
		v = v->vm_next;
	if (!v || v->vm_end + len <= base)
		return base - len;			/* above the last VMA */
	for (; v; v = v->vm_prev) {
		unsigned long gs = v->vm_prev ? v->vm_prev->vm_end : 0, ge = v->vm_start;
		if (v->vm_flags & VM_GROWSDOWN)
			ge = ge > STACK_GUARD_GAP ? ge - STACK_GUARD_GAP : 0;
		if (ge < MMAP_MIN_ADDR + len)
			return -ENOMEM;
		ge = min(ge, base);
		if (ge > gs && ge - gs >= len)
			return ge - len;
	}
	return -ENOMEM;
}

static unsigned long uarea_in_window, uarea_below, uarea_enomem;

static const char *check_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long a = get_unmapped_area(mm, 0, len, 0);

	if (IS_ERR_VALUE(a))
		uarea_enomem++;
	else if (a >= UBASE)
		uarea_in_window++;
	else
		uarea_below++;
	if (a != unmapped_area_linear(mm, len)) {
		ktest_diag("len %#lx: tree search %#lx, list walk %#lx", len, a,
			   unmapped_area_linear(mm, len));
		return "get_unmapped_area differs from the list walk";
	}
	if (!IS_ERR_VALUE(a) && find_vma_intersection(mm, a, a + len))
		return "get_unmapped_area gave a mapped range";
	return NULL;
}

static unsigned long prot_vm(unsigned long prot)
{
	return prot & PROT_WRITE ? VM_READ | VM_WRITE | (prot & PROT_EXEC ? VM_EXEC : 0) :
	       prot & PROT_EXEC ? VM_READ | VM_EXEC : prot & PROT_READ ? VM_READ : 0;
}

/* is [start, end) mapped without a hole (mprotect's precondition)? */
static bool fully_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long covered = start;

	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start <= covered &&
	     covered < end; v = v->vm_next)
		covered = v->vm_end;
	return covered >= end;
}

#define VMA_WINDOW_PAGES 384
#define VMA_OPS 1500

static enum ktest_result vma_rbtree_random_mmap_munmap_mprotect(void)
{
	static const unsigned long prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_EXEC, 0 /* PROT_NONE */ };
	const unsigned long lo = UBASE, hi = UBASE + VMA_WINDOW_PAGES * PAGE_SIZE;
	unsigned long mmaps = 0, munmaps = 0, mprotects = 0, enomem = 0, touches = 0, forks = 0;
	unsigned long splits = 0, merges = 0;
	int maxvmas = 0, maxh = 0, h = 0;
	struct mm_struct *mm = use_new_mm();
	const char *why = NULL;
	char c = 0x5a;

	KTEST_EXPECT(mm);
	/*
	 * A stack above the window whose 1 MiB guard gap reaches down into it, and
	 * mmap_base at its top: get_unmapped_area searches the window (and below it).
	 */
	const unsigned long stk = hi + 16 * PAGE_SIZE, stk_end = stk + 16 * PAGE_SIZE;
	KTEST_EXPECT(!do_brk_flags(mm, stk, stk_end - stk, VM_READ | VM_WRITE | VM_GROWSDOWN));
	mm->mmap_base = stk_end;
	for (int op = 0; op < VMA_OPS && !why; op++) {
		unsigned long pages = 1 + prandom_below(24);
		unsigned long start = lo + prandom_below(VMA_WINDOW_PAGES - pages) * PAGE_SIZE;
		unsigned long end = start + pages * PAGE_SIZE;
		unsigned long prot = prots[prandom_below(ARRAY_SIZE(prots))];
		int before = mm->map_count;
		u32 kind = prandom_below(100);

		if (kind < 40) {
			unsigned long r = do_mmap(NULL, start, end - start, prot,
						  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
			struct vm_area_struct *v = find_vma(mm, start);
			if (r != start)
				why = "do_mmap(MAP_FIXED) failed";
			else if (!v || v->vm_start > start || v->vm_end < end ||
				 (v->vm_flags & VM_ACCESS_FLAGS) != prot_vm(prot))
				why = "the new mapping is not one VMA with its protection";
			mmaps++;
		} else if (kind < 60) {
			if (do_munmap(mm, start, end - start))
				why = "do_munmap failed";
			else if (find_vma_intersection(mm, start, end))
				why = "a VMA is left in the unmapped range";
			munmaps++;
		} else if (kind < 86) {
			bool whole = fully_mapped(mm, start, end);
			int r = mprotect_fixup(mm, start, end, prot);
			if (r != (whole ? 0 : -ENOMEM))
				why = "mprotect_fixup's answer does not match the range's holes";
			for (struct vm_area_struct *v = find_vma(mm, start);
			     !why && whole && v && v->vm_start < end; v = v->vm_next)
				if ((v->vm_flags & VM_ACCESS_FLAGS) != prot_vm(prot))
					why = "mprotect left a VMA in the range unchanged";
			mprotects++;
			enomem += !whole;
		} else if (kind < 98) {
			/* a written page gives its VMA an anon_vma: merges then need the same one */
			struct vm_area_struct *v = find_vma(mm, start);
			if (v && v->vm_start <= start && (v->vm_flags & VM_WRITE)) {
				if (copy_to_user((void *)start, &c, 1))
					why = "write to a writable VMA faulted";
				touches++;
			}
		} else {
			/* fork's copy: dup_mmap appends each VMA at the tree's right edge */
			struct mm_struct *child = mm_alloc();
			if (!child || dup_mmap(child, mm))
				why = "dup_mmap failed";
			else if ((why = check_mm_tree(child, lo, hi, true, &h)))
				;
			else if (child->map_count != mm->map_count)
				why = "the child has another number of VMAs";
			if (child)
				mmput(child);
			forks++;
		}
		splits += mm->map_count > before;
		merges += mm->map_count < before;
		if (mm->map_count > maxvmas)
			maxvmas = mm->map_count;
		if (!why)
			why = check_mm_tree(mm, lo, hi, op % 25 == 0, &h);
		for (int i = 0; i < 4 && !why; i++)
			why = check_unmapped_area(mm, (1 + prandom_below(i == 3 ? 512 : 48)) * PAGE_SIZE);
		if (!why && op % 100 == 0)	/* more than fits below mmap_base: -ENOMEM */
			why = check_unmapped_area(mm, stk_end);
		if (h > maxh)
			maxh = h;
	}
	if (!why && do_munmap(mm, lo, stk_end - lo))
		why = "final munmap failed";
	if (!why && (mm->map_count || mm->mmap || !RB_EMPTY_ROOT(&mm->mm_rb)))
		why = "VMAs left after unmapping everything";
	if (!why)
		why = check_mm_tree(mm, lo, hi, true, &h);
	unuse_mm(mm);
	ktest_diag("%lu mmap, %lu munmap, %lu mprotect (%lu with holes), %lu writes, %lu forks",
		   mmaps, munmaps, mprotects, enomem, touches, forks);
	ktest_diag("%lu ops added VMAs, %lu removed some; up to %d VMAs, tree height %d",
		   splits, merges, maxvmas, maxh);
	ktest_diag("get_unmapped_area: %lu in the window, %lu below it, %lu -ENOMEM",
		   uarea_in_window, uarea_below, uarea_enomem);
	if (why)
		ktest_diag("broken: %s", why);
	KTEST_EXPECT(!why);
	return KTEST_PASS;
}

static enum ktest_result asid_rollover_keeps_running_asid(void)
{
	struct mm_struct *mms[6];
	u64 f = local_irq_save();
	unsigned long gen = asid_generation_count();

	asid_set_limit_bits(2);		/* ASIDs 1..3 */
	for (int i = 0; i < 6; i++) {
		mms[i] = mm_alloc();
		if (mms[i])
			check_and_switch_context(mms[i]);
	}
	u64 running = mms[5] ? mms[5]->context.id : 0;
	if (mms[5])
		check_and_switch_context(mms[5]);	/* still current generation: same ASID */
	u64 again = mms[5] ? mms[5]->context.id : 1;
	bool in_range = true;
	for (int i = 0; i < 6; i++)
		in_range &= mms[i] && ASID(mms[i]) >= 1 && ASID(mms[i]) <= 3;
	asid_set_limit_bits(0);			/* a rollover: mms[5] is running, reserved */
	if (mms[5])
		check_and_switch_context(mms[5]);
	u64 after = mms[5] ? mms[5]->context.id : 0;
	cpu_set_reserved_ttbr0();
	local_irq_restore(f);
	unsigned long gens = asid_generation_count() - gen;
	for (int i = 0; i < 6; i++)
		if (mms[i])
			mmput(mms[i]);
	ktest_diag("%lu rollovers; running mm ASID %lu kept as %lu", gens, running & 0xffff,
		   after & 0xffff);
	KTEST_EXPECT(in_range);
	KTEST_EXPECT_EQ(running, again);
	KTEST_EXPECT(gens >= 3);
	KTEST_EXPECT_EQ(after & 0xffff, running & 0xffff);	/* reserved across the rollover */
	KTEST_EXPECT(after != running);				/* in the new generation */
	return KTEST_PASS;
}

static const struct ktest_case proc_cases[] = {
	{ "pan_blocks_plain_kernel_access", pan_blocks_plain_kernel_access },
	{ "uaccess_fixups_return_efault", uaccess_fixups_return_efault },
	{ "vmas_split_merge_and_free_tables", vmas_split_merge_and_free_tables },
	{ "vma_rbtree_random_mmap_munmap_mprotect", vma_rbtree_random_mmap_munmap_mprotect },
	{ "asid_rollover_keeps_running_asid", asid_rollover_keeps_running_asid },
};
KTEST_SUITE(proc, proc_cases);
