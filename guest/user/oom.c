/* The OOM killer picks the largest process, and the others keep running: two small
 * children hold 64 pages each; a hog allocates until memory (and swap) run out. The hog
 * must die by SIGKILL, the small ones must find their data intact and exit 0. */
#include "ulib.h"
#include "../include/uapi/vmm_vmstat.h"
#define SMALL_PAGES 64

struct shared {
	volatile int ready, go, bad;
};
static struct shared *sh;

static void small(int id)
{
	volatile char *p = mmap(NULL, SMALL_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(2);
	for (unsigned long i = 0; i < SMALL_PAGES * PAGE_SIZE; i += 256)
		p[i] = (char)(i / 256 + id);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (!sh->go)
		sched_yield();
	for (unsigned long i = 0; i < SMALL_PAGES * PAGE_SIZE; i += 256)
		if (p[i] != (char)(i / 256 + id))
			exit(1);
	exit(0);
}

static void hog(void)
{
	for (unsigned long n = 0;; n++) {
		char *p = mmap(NULL, 1UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			exit(3);
		for (unsigned long i = 0; i < (1UL << 20); i += PAGE_SIZE)
			p[i] = (char)n;
	}
}

int main(void)
{
	unsigned long a[NR_VMM_VMSTAT], b[NR_VMM_VMSTAT];
	long pids[2], hog_pid;
	int status;

	sh = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ktap_plan(3);
	syscall2(__NR_vmm_vmstat, a, NR_VMM_VMSTAT);
	for (int c = 0; c < 2; c++)
		if (!(pids[c] = fork()))
			small(c);
	while (sh->ready < 2)
		sched_yield();
	if (!(hog_pid = fork()))
		hog();
	long r = wait4(hog_pid, &status, 0);
	syscall2(__NR_vmm_vmstat, b, NR_VMM_VMSTAT);
	diag("hog %ld: wait status %x; oom_kill +%lu", hog_pid, status, b[OOM_KILL] - a[OOM_KILL]);
	ktap_ok(r == hog_pid && WIFSIGNALED(status) && WTERMSIG(status) == 9 &&
		b[OOM_KILL] - a[OOM_KILL] == 1, "the_largest_process_was_killed_by_the_oom_killer");
	sh->go = 1;
	int bad = 0;
	for (int c = 0; c < 2; c++)
		bad += wait4(pids[c], &status, 0) != pids[c] || status != 0;
	ktap_ok(!bad, "the_small_processes_kept_running_with_their_data");
	/* the system goes on: memory can be had again */
	char *p = mmap(NULL, 1UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (unsigned long i = 0; p != MAP_FAILED && i < (1UL << 20); i += PAGE_SIZE)
		p[i] = 1;
	ktap_ok(p != MAP_FAILED, "memory_can_be_allocated_again");
	return ktap_failures();
}
