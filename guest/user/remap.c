/* munmap then mmap at the same address: the new anonymous page reads as zeros, never
 * the old page's data. A kernel that clears the PTE without a TLBI (the planted bug of
 * guest-bug-skip-tlbi-unmap.img) leaves the old translation in the TLB: the read
 * returns the freed page's contents. Two pages are mapped and only the first is
 * unmapped, so that its level-3 table stays (freeing it would invalidate the VA). */
#include "ulib.h"

#define MARK 0x5a5a5a5a5a5a5a5aUL

int main(void)
{
	volatile u64 *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ktap_plan(1);
	if (p == MAP_FAILED) {
		ktap_ok(0, "unmap_then_map_reads_zeros");
		return ktap_failures();
	}
	p[0] = MARK;			/* fault: page A mapped, its translation in the TLB */
	p[PAGE_SIZE / 8] = MARK;	/* the second page keeps the level-3 table */
	munmap((void *)p, PAGE_SIZE);
	volatile u64 *q = mmap((void *)p, PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	u64 v = q == p ? q[0] : ~0UL;
	if (v != 0)
		diag("read 0x%lx at %p after munmap + mmap (%s)", v, (void *)p,
		     v == MARK ? "the unmapped page's data: stale translation" : "?");
	ktap_ok(v == 0, "unmap_then_map_reads_zeros");
	return ktap_failures();
}
