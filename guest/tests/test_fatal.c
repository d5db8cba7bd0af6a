/*
 * Suite "fatal" (only when named: ktest=fatal): a kernel load from an unmapped address
 * with no expectation armed. The run must stop with the fault report (ESR decoded, FAR,
 * page-table walk, registers) and the fatal status, not hang and not continue.
 */
#include <ktest.h>

static enum ktest_result unexpected_abort_stops_the_run(void)
{
	volatile u64 *bad = (volatile u64 *)0xffff7f0000000000UL;
	(void)*bad;
	ktest_diag("the load from %p did not fault", (void *)bad);
	return KTEST_FAIL;
}

static const struct ktest_case fatal_cases[] = {
	{ "unexpected_abort_stops_the_run", unexpected_abort_stops_the_run },
};
KTEST_SUITE_EXPLICIT(fatal, fatal_cases);
