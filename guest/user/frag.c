/* Compaction: fill most of free memory with anonymous pages, free every other one
 * (MADV_DONTNEED) so that free memory is all single pages, then ask for a block of
 * order ORDER: it must fail without compaction and succeed with it, without any
 * pageblock changing type; the pages left must keep their data (migrated).
 *   frag PAGES ORDER */
#include "ulib.h"
#include "../include/uapi/vmm_page.h"
#include "../include/uapi/vmm_vmstat.h"

static unsigned long atoul(const char *s)
{
	unsigned long n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

int main(int argc, char **argv)
{
	unsigned long pages = argc > 2 ? atoul(argv[1]) : 0, order = argc > 2 ? atoul(argv[2]) : 0;
	unsigned long a[NR_VMM_VMSTAT], b[NR_VMM_VMSTAT];
	char *mem = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	if (!pages || mem == MAP_FAILED) {
		printf("Bail out! usage: frag PAGES ORDER\n");
		return 1;
	}
	ktap_plan(3);
	for (unsigned long p = 0; p < pages; p++)
		*(unsigned long *)(mem + p * PAGE_SIZE) = p * 7 + 1;
	for (unsigned long p = 1; p < pages; p += 2)
		madvise(mem + p * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED);
	syscall2(__NR_vmm_vmstat, a, NR_VMM_VMSTAT);
	long r = syscall3(__NR_vmm_page, order, VMM_PAGE_COMPACT, 0);
	syscall2(__NR_vmm_vmstat, b, NR_VMM_VMSTAT);
	diag("order %lu: result %ld; compact_stall +%lu compact_success +%lu compact_fail +%lu "
	     "migrated +%lu, migrate_scanned +%lu free_scanned +%lu", order, r,
	     b[COMPACT_STALL] - a[COMPACT_STALL], b[COMPACT_SUCCESS] - a[COMPACT_SUCCESS],
	     b[COMPACT_FAIL] - a[COMPACT_FAIL], b[PGMIGRATE_SUCCESS] - a[PGMIGRATE_SUCCESS],
	     b[COMPACT_MIGRATE_SCANNED] - a[COMPACT_MIGRATE_SCANNED],
	     b[COMPACT_FREE_SCANNED] - a[COMPACT_FREE_SCANNED]);
	ktap_ok(r >= 0 && !(r & VMM_COMPACT_WITHOUT) && (r & VMM_COMPACT_WITH) &&
		b[COMPACT_SUCCESS] > a[COMPACT_SUCCESS] && b[PGMIGRATE_SUCCESS] > a[PGMIGRATE_SUCCESS],
		"order_%lu_fails_on_fragmented_memory_and_succeeds_after_compaction", order);
	ktap_ok(r >= 0 && (r & VMM_COMPACT_TYPES_KEPT), "compaction_changed_no_pageblock_type");
	unsigned long bad = 0;
	for (unsigned long p = 0; p < pages; p += 2)
		bad += *(unsigned long *)(mem + p * PAGE_SIZE) != p * 7 + 1;
	ktap_ok(!bad, "migrated_pages_kept_their_data (%lu bad)", bad);
	return ktap_failures();
}
