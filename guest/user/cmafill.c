/* CMA: anonymous pages fill memory (movable allocations use CMA pageblocks too), then
 * the kernel's cma_alloc takes part of the CMA area while those pages sit in it: they
 * must be migrated out and keep their data.   cmafill PAGES CMA_PAGES */
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
	unsigned long pages = argc > 2 ? atoul(argv[1]) : 0, cma = argc > 2 ? atoul(argv[2]) : 0;
	unsigned long a[NR_VMM_VMSTAT], b[NR_VMM_VMSTAT];
	char *mem = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	if (!pages || mem == MAP_FAILED) {
		printf("Bail out! usage: cmafill PAGES CMA_PAGES\n");
		return 1;
	}
	ktap_plan(3);
	for (unsigned long p = 0; p < pages; p++)
		*(unsigned long *)(mem + p * PAGE_SIZE) = p * 13 + 5;
	syscall2(__NR_vmm_vmstat, a, NR_VMM_VMSTAT);
	long r = syscall3(__NR_vmm_page, cma, VMM_PAGE_CMA, 0);
	syscall2(__NR_vmm_vmstat, b, NR_VMM_VMSTAT);
	diag("cma_alloc of %lu pages: %ld of them were in use; cma_alloc_success +%lu, "
	     "pgmigrate_success +%lu, free CMA pages now %lu", cma, r,
	     b[CMA_ALLOC_SUCCESS] - a[CMA_ALLOC_SUCCESS], b[PGMIGRATE_SUCCESS] - a[PGMIGRATE_SUCCESS],
	     b[NR_FREE_CMA_PAGES]);
	ktap_ok(r > 0, "movable_pages_occupied_the_cma_range");
	ktap_ok(r >= 0 && b[CMA_ALLOC_SUCCESS] == a[CMA_ALLOC_SUCCESS] + 1 &&
		b[PGMIGRATE_SUCCESS] - a[PGMIGRATE_SUCCESS] >= (unsigned long)r,
		"cma_alloc_succeeded_by_migrating_them");
	unsigned long bad = 0;
	for (unsigned long p = 0; p < pages; p++)
		bad += *(unsigned long *)(mem + p * PAGE_SIZE) != p * 13 + 5;
	ktap_ok(!bad, "the_migrated_pages_kept_their_data (%lu bad)", bad);
	return ktap_failures();
}
