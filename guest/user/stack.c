/* The stack grows down on demand (beyond the 128 KiB execve maps), not past its 8 MiB
 * limit, and not into the 1 MiB guard gap above a mapping below it. */
#include "ulib.h"

static noinline unsigned long recurse(unsigned long depth_bytes)
{
	volatile char frame[4000];

	frame[0] = (char)depth_bytes;
	frame[3999] = 1;
	if (depth_bytes <= sizeof(frame))
		return frame[0] + frame[3999];
	return recurse(depth_bytes - sizeof(frame)) + frame[3999];
}

static unsigned long sp_now(void)
{
	unsigned long sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

static void deep(void *arg) { recurse((unsigned long)arg); }

static void below_mapping(void *arg)
{
	unsigned long gap = (unsigned long)arg;
	unsigned long at = ((sp_now() - 2 * 1024 * 1024) & ~(PAGE_SIZE - 1)) - PAGE_SIZE;
	/* a mapping 2 MiB below the stack; the stack then grows by 2 MiB - gap */
	if (mmap((void *)at, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0) != (void *)at)
		exit(3);
	recurse(2 * 1024 * 1024 - gap);
}

static int t_grows(void)
{
	struct vmm_memstat a, b;
	memstat_self(&a);
	recurse(1024 * 1024);
	memstat_self(&b);
	diag("1 MiB of stack: %lu stack-growth faults, rss_anon %lu -> %lu",
	     b.stack_grows - a.stack_grows, a.rss_anon, b.rss_anon);
	CHECK(b.stack_grows > a.stack_grows);
	CHECK(b.rss_anon - a.rss_anon >= 200);
	return 1;
}

int main(void)
{
	ktap_plan(4);
	ktap_ok(t_grows(), "stack_grows_on_demand");
	ktap_ok(expect_signal(deep, (void *)(9UL << 20), 11, "9 MiB of stack"),
		"stack_limit_8MiB_faults");
	int st = run_child(below_mapping, (void *)(1536UL * 1024));	/* stays 1.5 MiB away */
	ktap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "growth_outside_guard_gap_works");
	ktap_ok(expect_signal(below_mapping, (void *)(512UL * 1024), 11, "into the guard gap"),
		"growth_into_guard_gap_faults");
	return ktap_failures();
}
