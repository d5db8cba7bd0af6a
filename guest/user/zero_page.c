/* Anonymous memory: reads map the shared zero page (no RSS), a write maps a zeroed page
 * of its own, MADV_DONTNEED drops it again. */
#include "ulib.h"
#define N 64

static int t_reads_share_zero_page(char *m)
{
	struct vmm_memstat a, b;
	unsigned long sum = 0;

	memstat_self(&a);
	for (int i = 0; i < N; i++)
		sum += READ_ONCE(m[i * PAGE_SIZE + 7]);
	memstat_self(&b);
	CHECK(sum == 0);
	diag("zero-page maps %lu, anon rss %lu -> %lu", b.zero_page_maps - a.zero_page_maps,
	     a.rss_anon, b.rss_anon);
	CHECK(b.zero_page_maps - a.zero_page_maps == N);
	CHECK(b.rss_anon == a.rss_anon);
	return 1;
}

static int t_write_gets_own_page(char *m)
{
	struct vmm_memstat a, b;

	memstat_self(&a);
	m[5 * PAGE_SIZE] = 42;
	memstat_self(&b);
	CHECK(b.anon_faults - a.anon_faults == 1);
	CHECK(b.rss_anon - a.rss_anon == 1);
	CHECK(m[5 * PAGE_SIZE] == 42 && m[5 * PAGE_SIZE + 1] == 0);
	CHECK(m[4 * PAGE_SIZE] == 0 && m[6 * PAGE_SIZE] == 0);
	return 1;
}

static int t_dontneed(char *m)
{
	struct vmm_memstat a, b;

	memstat_self(&a);
	CHECK(madvise(m, N * PAGE_SIZE, MADV_DONTNEED) == 0);
	memstat_self(&b);
	CHECK(a.rss_anon - b.rss_anon == 1);
	CHECK(m[5 * PAGE_SIZE] == 0);
	CHECK(madvise(m, PAGE_SIZE, 99) == -EINVAL);
	CHECK(madvise(m + 1, PAGE_SIZE, MADV_DONTNEED) == -EINVAL);
	return 1;
}

int main(void)
{
	char *m = mmap(NULL, N * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ktap_plan(3);
	if (m == MAP_FAILED) {
		diag("mmap failed: %ld", (long)m);
		return 1;
	}
	ktap_ok(t_reads_share_zero_page(m), "reads_map_the_zero_page");
	ktap_ok(t_write_gets_own_page(m), "write_maps_a_zeroed_page");
	ktap_ok(t_dontneed(m), "madv_dontneed_drops_pages");
	return ktap_failures();
}
