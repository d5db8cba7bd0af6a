/*
 * KTAP suite "proc": the process machinery from the kernel side, no initrd needed. The
 * test borrows an address space (use_mm, as Linux's kthread_use_mm) built with the
 * kernel's own mmap/brk functions, then checks PAN (a plain kernel load from a user page
 * is a permission fault, the LDTR copy is not), the exception-table fixups (-EFAULT for
 * unmapped, kernel and wrapping addresses), VMA split and merge by mprotect and munmap
 * with page tables freed, and the ASID allocator's rollover with a tiny ASID space.
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
	{ "asid_rollover_keeps_running_asid", asid_rollover_keeps_running_asid },
};
KTEST_SUITE(proc, proc_cases);
