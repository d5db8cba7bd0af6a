/*
 * KTAP suite "sanitizer" (explicit: ktest=sanitizer): the four memory-management
 * sequences that the planted-bug images (guest-bug-*.img, docs/sanitizer.md) get
 * wrong, each checked for the result a correct kernel gives. With `vmm run
 * --checks=strict` a planted bug makes the matching case fail visibly; with --checks
 * it is reported where it is.
 *   unmapped_page_is_not_reachable: munmap then mmap at the same address reads zeros
 *     (zap_page_range's TLBI; user/remap.c).
 *   kernel_remap_reads_the_new_page: a vmap address remapped to another page reads
 *     that page (set_leaf's break-before-make).
 *   loaded_code_runs_as_written: code loaded from a file runs as the file says
 *     (sync_icache_dcache's DC CVAU + IC IVAU; user/codeload.c).
 *   asid_reuse_keeps_processes_apart: more processes than ASIDs each see their own
 *     memory (the rollover's TLB flush in check_and_switch_context; user/asid.c).
 */
#include <kernel.h>
#include <ktest.h>
#include <asm/mmu.h>
#include <asm/mmu_context.h>
#include <asm/pgtable.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#define MARK_A 0xaaaa0000aaaa0001UL
#define MARK_B 0xbbbb0000bbbb0002UL

static enum ktest_result unmapped_page_is_not_reachable(void)
{
	return ktest_user_program("remap", NULL);
}

static enum ktest_result kernel_remap_reads_the_new_page(void)
{
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);
	enum ktest_result r = KTEST_FAIL;
	volatile u64 *va = NULL;

	if (!a || !b)
		goto out;
	*(u64 *)page_address(a) = MARK_A;
	*(u64 *)page_address(b) = MARK_B;
	va = vmap(&a, 1, 0, PAGE_KERNEL);
	if (!va)
		goto out;
	if (*va != MARK_A) {	/* the walk: the TLB now holds the translation to a */
		ktest_diag("vmap address reads %#lx, expected page A's %#lx", *va, MARK_A);
		goto out;
	}
	if (kernel_map_range((u64)va, page_to_phys(b), PAGE_SIZE, PAGE_KERNEL, 0))
		goto out;
	u64 v = *va;
	if (v != MARK_B)
		ktest_diag("remapped vmap address reads %#lx (%s), expected page B's %#lx", v,
			   v == MARK_A ? "the old page: stale translation" : "?", MARK_B);
	else
		r = KTEST_PASS;
out:
	if (va)
		vunmap((void *)va);
	if (a)
		__free_page(a);
	if (b)
		__free_page(b);
	return r;
}

static enum ktest_result loaded_code_runs_as_written(void)
{
	return ktest_user_program("codeload", NULL);
}

static enum ktest_result asid_reuse_keeps_processes_apart(void)
{
	unsigned long gen = asid_generation_count();
	enum ktest_result r;

	asid_set_limit_bits(3);		/* ASIDs 1..7 for 25 processes: rollovers */
	r = ktest_user_program("asid", NULL);
	asid_set_limit_bits(0);
	ktest_diag("ASID generations: %lu -> %lu", gen, asid_generation_count());
	return r;
}

static const struct ktest_case sanitizer_cases[] = {
	{ "unmapped_page_is_not_reachable", unmapped_page_is_not_reachable },
	{ "kernel_remap_reads_the_new_page", kernel_remap_reads_the_new_page },
	{ "loaded_code_runs_as_written", loaded_code_runs_as_written },
	{ "asid_reuse_keeps_processes_apart", asid_reuse_keeps_processes_apart },
};
KTEST_SUITE_EXPLICIT(sanitizer, sanitizer_cases);
