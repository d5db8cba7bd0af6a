/* A fork/exit storm: rounds of children, each touching memory, forking a grandchild
 * and waiting for it; children land on every CPU. The kernel test around this program
 * checks that the free-page count returns to its baseline. */
#include "ulib.h"
#define ROUNDS 6
#define CHILDREN 8

struct shared { volatile unsigned long cpus_seen; volatile int failures; };
static struct shared *sh;

static void child(int i)
{
	char *p = malloc(20000), *q = malloc(200 * 1024);
	if (!p || !q)
		exit(1);
	memset(p, i, 20000);
	memset(q, i, 200 * 1024);
	__atomic_or_fetch(&sh->cpus_seen, 1UL << getcpu(), __ATOMIC_RELAXED);
	long g = fork();
	if (g == 0) {
		p[5] = 9;		/* COW in the grandchild */
		exit(q[1000] == (char)i ? 0 : 1);
	}
	int st;
	if (wait4(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
		__atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
	exit(p[5] == (char)i ? 0 : 1);
}

int main(int argc, char **argv)
{
	struct vmm_memstat st;
	int bad = 0;

	ktap_plan(2);
	sh = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memstat(VMM_MEMSTAT_SYSTEM, &st);
	for (int r = 0; r < ROUNDS; r++) {
		long pids[CHILDREN];
		for (int i = 0; i < CHILDREN; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				child(i);
		}
		for (int i = 0; i < CHILDREN; i++) {
			int s;
			if (pids[i] < 0 || wait4(pids[i], &s, 0) != pids[i] || !WIFEXITED(s) ||
			    WEXITSTATUS(s))
				bad++;
		}
	}
	unsigned long all = (1UL << st.nr_cpus) - 1;
	diag("%d processes, CPUs used mask 0x%lx of 0x%lx", ROUNDS * CHILDREN * 2, sh->cpus_seen, all);
	ktap_ok(bad == 0 && sh->failures == 0, "every_child_and_grandchild_exited_cleanly");
	ktap_ok((sh->cpus_seen & all) == all, "children_ran_on_every_cpu");
	return ktap_failures();
}
