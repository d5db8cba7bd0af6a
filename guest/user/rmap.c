/* Reverse mapping, migration and swap seen from four processes (a parent and three
 * forked children) sharing a file page and an anonymous page. The parent reclaims or
 * migrates the page with vmm_page (include/uapi/vmm_page.h): every process's PTE must
 * follow, through rmap, and every process must keep seeing its data. A MAP_SHARED
 * anonymous page carries the phases. */
#include "ulib.h"
#include "../include/uapi/vmm_page.h"
#include "../include/uapi/vmm_vmstat.h"
#define CHILDREN 3

struct shared {
	volatile int phase;
	volatile int done[8];
	volatile int bad;
	volatile unsigned long pfn;
	volatile int swap;
};
static struct shared *sh;
static volatile char *file, *anon;
static char copy[256];	/* the start of the mapped file, as read(2) gave it */

static long page_op(volatile void *a, int op, struct vmm_page_info *i)
{
	return syscall3(__NR_vmm_page, a, op, i);
}

static unsigned long vmstat(int item)
{
	unsigned long v[NR_VMM_VMSTAT];
	syscall2(__NR_vmm_vmstat, v, NR_VMM_VMSTAT);
	return v[item];
}

static int file_ok(void)
{
	return !memcmp((const void *)file, copy, sizeof(copy));
}

static int anon_ok(void)
{
	for (int i = 0; i < 4096; i += 512)
		if (anon[i] != (char)(i / 512 + 'A'))
			return 0;
	return 1;
}

static void wait_phase(int p)
{
	while (sh->phase < p)
		sched_yield();
}

static void done(int p, int ok)
{
	if (!ok)
		__atomic_add_fetch(&sh->bad, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sh->done[p], 1, __ATOMIC_SEQ_CST);
}

static void child(int id)
{
	struct vmm_page_info i;

	wait_phase(1);		/* map both pages */
	done(1, file_ok() && anon_ok());
	wait_phase(2);		/* the file page was reclaimed: not mapped here either */
	done(2, page_op(file, VMM_PAGE_INFO, &i) == -EFAULT && i.pfn == -1UL && file_ok());
	wait_phase(3);		/* the anonymous page moved: here too */
	done(3, page_op(anon, VMM_PAGE_INFO, &i) == 0 && i.pfn == sh->pfn && anon_ok());
	wait_phase(4);		/* the file page moved */
	done(4, page_op(file, VMM_PAGE_INFO, &i) == 0 && i.pfn == sh->pfn && file_ok());
	wait_phase(5);		/* the anonymous page is in swap: read it back, then write */
	long r = page_op(anon, VMM_PAGE_INFO, &i);
	int ok = (sh->swap ? r == -EFAULT && i.swap_entry != 0 : r == 0) && anon_ok();
	anon[8] = (char)('0' + id);
	done(5, ok);
	wait_phase(6);		/* everyone wrote: each sees its own copy */
	done(6, anon[8] == (char)('0' + id) && anon[0] == 'A');
	exit(0);
}

static int all_done(int p)
{
	while (sh->done[p] < CHILDREN)
		sched_yield();
	return sh->bad == 0;
}

int main(int argc, char **argv)
{
	struct vmm_page_info i;
	/* a file nothing writes: its page-cache pages stay clean */
	int fd = sys_open("/etc/rmap.txt", O_RDONLY);
	long pids[CHILDREN];

	sh = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	file = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	anon = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || sh == MAP_FAILED || file == MAP_FAILED || anon == MAP_FAILED) {
		printf("Bail out! setup failed\n");
		return 1;
	}
	if (sys_read(fd, copy, sizeof(copy)) != sizeof(copy)) {
		printf("Bail out! read failed\n");
		return 1;
	}
	for (int k = 0; k < 4096; k++)
		anon[k] = (char)(k / 512 + 'A');
	int ok0 = file_ok();
	unsigned long swap_free0 = vmstat(NR_SWAP_PAGES);
	ktap_plan(8);
	/* ageing: reclaim clears the access flag; the next access faults and sets it */
	volatile char *young = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	young[0] = 1;
	struct vmm_memstat m0, m1;
	long a1 = page_op(young, VMM_PAGE_AGE, NULL), a2 = page_op(young, VMM_PAGE_AGE, NULL);
	memstat(0, &m0);
	(void)young[0];
	memstat(0, &m1);
	long a3 = page_op(young, VMM_PAGE_AGE, NULL);
	diag("access flag: %ld, then %ld; after a read (%lu fault) %ld", a1, a2,
	     m1.pgfault - m0.pgfault, a3);
	ktap_ok(a1 == 1 && a2 == 0 && a3 == 1 && m1.pgfault - m0.pgfault == 1,
		"access_flag_cleared_by_ageing_and_set_again_by_a_fault");
	munmap((void *)young, PAGE_SIZE);
	for (int c = 0; c < CHILDREN; c++) {
		pids[c] = fork();
		if (!pids[c])
			child(c + 1);
	}
	sh->phase = 1;
	int ok = all_done(1) && ok0;
	ok &= page_op(file, VMM_PAGE_INFO, &i) == 0 && !i.anon;
	diag("file page: mapcount %lu, rmap finds %lu PTEs", i.mapcount, i.rmap_ptes);
	ok &= i.mapcount == 4 && i.rmap_ptes == 4;
	ok &= page_op(anon, VMM_PAGE_INFO, &i) == 0 && i.anon;
	diag("anonymous page: mapcount %lu, rmap finds %lu PTEs", i.mapcount, i.rmap_ptes);
	ok &= i.mapcount == 4 && i.rmap_ptes == 4;
	ktap_ok(ok, "rmap_finds_every_pte_of_shared_pages");

	long r = page_op(file, VMM_PAGE_RECLAIM, &i);
	ok = r == 1 && page_op(file, VMM_PAGE_INFO, &i) == -EFAULT;
	sh->phase = 2;
	ok &= all_done(2) && file_ok();
	ktap_ok(ok, "clean_file_page_reclaimed_from_every_process (vmm_page: %ld)", r);

	unsigned long old = (page_op(anon, VMM_PAGE_INFO, &i), i.pfn);
	r = page_op(anon, VMM_PAGE_MIGRATE, NULL);
	ok = r == 0 && page_op(anon, VMM_PAGE_INFO, &i) == 0 && i.pfn != old && i.mapcount == 4 &&
	     i.rmap_ptes == 4 && anon_ok();
	diag("anonymous page: pfn 0x%lx -> 0x%lx (%ld), mapcount %lu", old, i.pfn, r, i.mapcount);
	sh->pfn = i.pfn;
	sh->phase = 3;
	ok &= all_done(3);
	ktap_ok(ok, "anonymous_page_migrated_in_every_process");

	(void)file_ok();	/* map it again here */
	old = (page_op(file, VMM_PAGE_INFO, &i), i.pfn);
	r = page_op(file, VMM_PAGE_MIGRATE, NULL);
	ok = r == 0 && page_op(file, VMM_PAGE_INFO, &i) == 0 && i.pfn != old && file_ok();
	diag("file page: pfn 0x%lx -> 0x%lx (%ld), mapcount %lu", old, i.pfn, r, i.mapcount);
	sh->pfn = i.pfn;
	sh->phase = 4;
	ok &= all_done(4);
	ktap_ok(ok, "file_page_migrated_in_every_process");

	int swap = sh->swap = vmstat(TOTAL_SWAP_PAGES) != 0;
	r = page_op(anon, VMM_PAGE_RECLAIM, &i);
	unsigned long entry = 0;
	if (swap) {
		ok = r == 1 && page_op(anon, VMM_PAGE_INFO, &i) == -EFAULT && i.swap_entry;
		entry = i.swap_entry;
		diag("anonymous page shared by 4 processes: swap entry 0x%lx", entry);
	} else {
		ok = r == 0 && page_op(anon, VMM_PAGE_INFO, &i) == 0;	/* kept: no swap */
	}
	sh->phase = 5;
	ok &= all_done(5);
	ok &= anon_ok();	/* the parent's read: from the swap cache or the disk */
	if (swap)
		ktap_ok(ok, "shared_anonymous_page_swapped_out_and_in_after_fork");
	else
		ktap_skip(ok, "shared_anonymous_page_swapped_out_and_in_after_fork",
			  argc > 1 ? argv[1] : "no swap device");
	sh->phase = 6;
	ok = all_done(6) && anon[8] == 'A' + 0 && anon_ok();
	ktap_ok(ok, "each_process_keeps_its_own_writes_after_swap_in");

	int status, bad = 0;
	for (int c = 0; c < CHILDREN; c++)
		bad += wait4(pids[c], &status, 0) != pids[c] || status;
	munmap((void *)anon, PAGE_SIZE);
	diag("swap slots free: %lu before, %lu after", swap_free0, vmstat(NR_SWAP_PAGES));
	ktap_ok(!bad && vmstat(NR_SWAP_PAGES) == swap_free0, "children_exit_and_swap_slots_are_freed");
	return ktap_failures();
}
