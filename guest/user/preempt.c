/* Timer preemption: more busy processes than CPUs, none of which ever yields; each must
 * still get to run (the tick switches between the tasks of a CPU). */
#include "ulib.h"
#define BUSY 9

struct shared { volatile unsigned long count[BUSY]; volatile int stop; };

int main(void)
{
	struct shared *sh = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	long pids[BUSY];
	int all = 0;

	ktap_plan(1);
	for (int i = 0; i < BUSY; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			while (!sh->stop)
				sh->count[i]++;
			exit(0);
		}
	}
	/* the parent shares a CPU with busy children too: it runs only when preempting */
	for (long spin = 0; spin < 2000000000L && !all; spin++) {
		all = 1;
		for (int i = 0; i < BUSY; i++)
			all &= sh->count[i] > 1000;
	}
	sh->stop = 1;
	for (int i = 0; i < BUSY; i++)
		wait4(pids[i], NULL, 0);
	ktap_ok(all, "busy_processes_all_run");
	return ktap_failures();
}
