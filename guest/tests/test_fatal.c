/*
 * Suites that must stop the run (only when named on the command line, one per run):
 *   fatal       a kernel load from an unmapped address with no expectation armed: the
 *               fault report (ESR decoded, FAR, show_pte walk, registers) and status 2;
 *   fatal_undef an undefined instruction: the unexpected-exception report;
 *   fatal_slab  a slab redzone overwrite that no test expected: the slab report, panic.
 * Each returns FAIL if it comes back, which it must not.
 */
#include <ktest.h>
#include <linux/slab.h>

static enum ktest_result unexpected_abort_stops_the_run(void)
{
	volatile u64 *bad = (volatile u64 *)0xffff7f0000000000UL;
	(void)*bad;
	ktest_diag("the load from %p did not fault", (void *)bad);
	return KTEST_FAIL;
}

static enum ktest_result undefined_instruction_stops_the_run(void)
{
	__asm__ volatile(".inst 0x00000000" ::: "memory");	/* permanently undefined */
	ktest_diag("udf did not trap");
	return KTEST_FAIL;
}

static enum ktest_result slab_corruption_stops_the_run(void)
{
	char *p = kmalloc(16, GFP_KERNEL);
	if (!slub_debug_enabled)
		return ktest_skip_reason("slab debug off (GUEST_DEBUG_VM=OFF or slub_debug=-)"), KTEST_SKIP;
	p[16] = 0;	/* past the end, and no test expects it */
	kfree(p);
	ktest_diag("the redzone overwrite went unnoticed");
	return KTEST_FAIL;
}

static const struct ktest_case fatal_cases[] = {
	{ "unexpected_abort_stops_the_run", unexpected_abort_stops_the_run },
};
static const struct ktest_case fatal_undef_cases[] = {
	{ "undefined_instruction_stops_the_run", undefined_instruction_stops_the_run },
};
static const struct ktest_case fatal_slab_cases[] = {
	{ "slab_corruption_stops_the_run", slab_corruption_stops_the_run },
};
KTEST_SUITE_EXPLICIT(fatal, fatal_cases);
KTEST_SUITE_EXPLICIT(fatal_undef, fatal_undef_cases);
KTEST_SUITE_EXPLICIT(fatal_slab, fatal_slab_cases);
