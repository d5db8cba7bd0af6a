/* More processes than ASIDs (the kernel test limits the allocator to 7 first): each
 * child writes its own value at the same addresses, yields many times while the others
 * run and ASIDs roll over, and must always read back its own values. */
#include "ulib.h"
#define CHILDREN 24

static volatile long value;			/* .bss: same VA in every child */

static void child(int i)
{
	char *page = malloc(64);		/* brk: same VA in every child too */
	value = 1000 + i;
	page[0] = (char)i;
	for (int round = 0; round < 300; round++) {
		sched_yield();
		if (value != 1000 + i || page[0] != (char)i)
			exit(1);
		value = 1000 + i;
	}
	struct vmm_memstat st;
	memstat_self(&st);
	exit(st.asid == 0 ? 2 : 0);
}

int main(void)
{
	struct vmm_memstat a, b;
	long pids[CHILDREN];
	int bad = 0;

	ktap_plan(2);
	memstat(VMM_MEMSTAT_SYSTEM, &a);
	for (int i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			child(i);
	}
	for (int i = 0; i < CHILDREN; i++) {
		int st;
		if (wait4(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	memstat(VMM_MEMSTAT_SYSTEM, &b);
	diag("%d children, %lu ASID rollovers", CHILDREN, b.asid_generation - a.asid_generation);
	ktap_ok(bad == 0, "each_process_sees_only_its_own_memory");
	ktap_ok(b.asid_generation - a.asid_generation >= 2, "asid_rollovers_happened");
	return ktap_failures();
}
