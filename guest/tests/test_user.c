/*
 * KTAP suite "user": programs from the initramfs (guest/user/), each started by
 * kernel_spawn() and waited for; a program prints its own KTAP subtest (nested under
 * the case) and exits with its number of failures. The case passes when it exited 0.
 * Around two of them the kernel side adds its own checks: "asid_rollover" runs with the
 * ASID allocator limited to 7 ASIDs; "fork_exit_storm" runs twice and the free-page
 * count (buddy + per-CPU lists + slab pages) after the second run must equal the count
 * before it, with no task, user page table or page left over.
 * Without an initrd every case skips, saying so.
 */
#include <kernel.h>
#include <ktest.h>
#include <string.h>
#include <asm/mmu_context.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/slab.h>

enum ktest_result ktest_user_program(const char *name, int *status_out)
{
	char path[64];
	int status = -1;

	if (!initramfs_present()) {
		ktest_skip_reason(initramfs_status());
		return KTEST_SKIP;
	}
	snprintf(path, sizeof(path), "/bin/%s", name);
	if (!initramfs_lookup(path)) {
		ktest_diag("%s is not in the initramfs", path);
		return KTEST_FAIL;
	}
	const char *argv[] = { path, NULL };
	int pid = kernel_spawn(path, argv);
	KTEST_EXPECT(pid > 0);
	long r = kernel_wait_poll(pid, &status);
	reap_orphans();
	KTEST_EXPECT_EQ(r, pid);
	if (status_out)
		*status_out = status;
	if (status) {
		ktest_diag("%s: wait status %#x (%s %d)", path, status,
			   status & 0x7f ? "killed by signal" : "exit code",
			   status & 0x7f ? status & 0x7f : (status >> 8) & 0xff);
		return KTEST_FAIL;
	}
	return KTEST_PASS;
}

#define PROGRAM_CASE(name) \
	static enum ktest_result user_##name(void) { return ktest_user_program(#name, NULL); }
PROGRAM_CASE(basic)
PROGRAM_CASE(zero_page)
PROGRAM_CASE(cow)
PROGRAM_CASE(mprotect)
PROGRAM_CASE(stack)
PROGRAM_CASE(file_mmap)
PROGRAM_CASE(efault)
PROGRAM_CASE(preempt)
PROGRAM_CASE(fpsimd)

static enum ktest_result user_asid_rollover(void)
{
	unsigned long gen = asid_generation_count();

	if (!initramfs_present())
		return ktest_user_program("asid", NULL);
	asid_set_limit_bits(3);		/* ASIDs 1..7 for 25 processes */
	enum ktest_result r = ktest_user_program("asid", NULL);
	asid_set_limit_bits(0);
	ktest_diag("ASID generations: %lu -> %lu", gen, asid_generation_count());
	return r;
}

extern struct list_head slab_caches;
static unsigned long slab_pages(void)
{
	struct kmem_cache *s;
	unsigned long n = 0;

	list_for_each_entry(s, &slab_caches, list)
		n += READ_ONCE(s->nr_slabs) << s->order;
	return n;
}

static unsigned long free_and_slab_pages(void)
{
	return nr_free_pages() + nr_free_pages_pcp() + slab_pages();
}

static enum ktest_result user_fork_exit_storm(void)
{
	enum ktest_result r = ktest_user_program("storm", NULL);	/* warm-up: caches, tables */

	if (r != KTEST_PASS)
		return r;
	unsigned long before = free_and_slab_pages(), pgt = nr_user_pgtables;
	r = ktest_user_program("storm", NULL);
	unsigned long after = free_and_slab_pages();
	ktest_diag("free + slab pages: %lu before, %lu after; tasks alive %lu, user page tables %lu",
		   before, after, nr_tasks_alive, nr_user_pgtables);
	KTEST_EXPECT(r == KTEST_PASS);
	KTEST_EXPECT_EQ(nr_tasks_alive, 0);
	KTEST_EXPECT_EQ(nr_user_pgtables, pgt);
	KTEST_EXPECT_EQ(after, before);
	return KTEST_PASS;
}

static const struct ktest_case user_cases[] = {
	{ "basic", user_basic },
	{ "zero_page", user_zero_page },
	{ "cow", user_cow },
	{ "mprotect", user_mprotect },
	{ "stack", user_stack },
	{ "file_mmap", user_file_mmap },
	{ "efault", user_efault },
	{ "asid_rollover", user_asid_rollover },
	{ "preempt", user_preempt },
	{ "fpsimd", user_fpsimd },
	{ "fork_exit_storm", user_fork_exit_storm },
};
KTEST_SUITE(user, user_cases);
