/* A working set larger than RAM, through swap (docs/guest-reclaim.md).
 *   thrash seq PAGES    fill PAGES anonymous pages with a pattern of their own, then
 *                       check every page twice, in order then in reverse; the data must survive
 *                       being swapped out and in.
 *   thrash fork PAGES   fill, fork; the child checks the parent's data, then both
 *                       rewrite it with patterns of their own (copy-on-write under
 *                       pressure) and check their own, twice.
 * Prints the reclaim counters (vmm_vmstat) it caused. Exit status: failures. */
#include "ulib.h"
#include "../include/uapi/vmm_vmstat.h"

static unsigned long *mem;
static unsigned long pages;

static unsigned long atoul(const char *s)
{
	unsigned long n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

static void vmstat(unsigned long *v)
{
	syscall2(__NR_vmm_vmstat, v, NR_VMM_VMSTAT);
}

static unsigned long word(unsigned long seed, unsigned long page, unsigned long i)
{
	return (page * 0x9e3779b97f4a7c15UL) ^ (i * 0xbf58476d1ce4e5b9UL) ^ seed;
}

/* eight words per page: enough to tell pages and seeds apart */
static void fill(unsigned long seed, unsigned long from, unsigned long to)
{
	for (unsigned long p = from; p < to; p++)
		for (unsigned long i = 0; i < 8; i++)
			mem[p * 512 + i * 64] = word(seed, p, i);
}

static unsigned long check(unsigned long seed, unsigned long from, unsigned long to, int reverse)
{
	unsigned long bad = 0;

	for (unsigned long k = from; k < to; k++) {
		unsigned long p = reverse ? to - 1 - (k - from) : k;
		for (unsigned long i = 0; i < 8; i++)
			if (mem[p * 512 + i * 64] != word(seed, p, i)) {
				if (!bad)
					diag("page %lu word %lu: %lx, expected %lx", p, i,
					     mem[p * 512 + i * 64], word(seed, p, i));
				bad++;
			}
	}
	return bad;
}

static void report(const char *who, unsigned long *a, unsigned long *b)
{
	diag("%s: pswpout %lu pswpin %lu pgmajfault %lu pgsteal_kswapd %lu pgsteal_direct %lu "
	     "allocstall %lu kswapd_wake %lu", who, b[PSWPOUT] - a[PSWPOUT], b[PSWPIN] - a[PSWPIN],
	     b[PGMAJFAULT] - a[PGMAJFAULT], b[PGSTEAL_KSWAPD] - a[PGSTEAL_KSWAPD],
	     b[PGSTEAL_DIRECT] - a[PGSTEAL_DIRECT], b[ALLOCSTALL] - a[ALLOCSTALL],
	     b[KSWAPD_WAKE] - a[KSWAPD_WAKE]);
}

int main(int argc, char **argv)
{
	unsigned long a[NR_VMM_VMSTAT], b[NR_VMM_VMSTAT];
	int fork_mode = argc > 1 && !strcmp(argv[1], "fork");

	pages = argc > 2 ? atoul(argv[2]) : 0;
	mem = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!pages || mem == MAP_FAILED) {
		printf("Bail out! usage: thrash seq|fork PAGES (mmap: %lx)\n", (unsigned long)mem);
		return 1;
	}
	vmstat(a);
	ktap_plan(fork_mode ? 3 : 2);
	fill(1, 0, pages);
	if (!fork_mode) {
		unsigned long bad = check(1, 0, pages, 0);
		ktap_ok(!bad, "%lu_pages_written_then_read_in_order (%lu bad)", pages, bad);
		bad = check(1, 0, pages, 1);
		vmstat(b);
		report("thrash", a, b);
		ktap_ok(!bad, "read_again_in_reverse (%lu bad)", bad);
		return ktap_failures();
	}
	long pid = fork();
	if (!pid) {
		/* the child: the parent's data, then its own over all of it */
		unsigned long bad = check(1, 0, pages, 1);
		fill(2, 0, pages);
		bad += check(2, 0, pages, 1);
		if (bad)
			diag("child: %lu bad words", bad);
		exit(bad ? 1 : 0);
	}
	/* the parent rewrites the second half while the child runs */
	fill(3, pages / 2, pages);
	unsigned long bad = check(1, 0, pages / 2, 0) + check(3, pages / 2, pages, 1);
	int status = -1;
	wait4(pid, &status, 0);
	ktap_ok(status == 0, "child_saw_the_parents_data_then_kept_its_own (status %x)", status);
	bad += check(3, pages / 2, pages, 0);
	ktap_ok(!bad, "parent_kept_its_own_data (%lu bad)", bad);
	vmstat(b);
	report("thrash fork", a, b);
	ktap_ok(b[PSWPIN] > a[PSWPIN], "pages_were_swapped_in");
	return ktap_failures();
}
