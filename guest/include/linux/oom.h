/* The OOM killer (mm/oom_kill.c). */
#ifndef LINUX_OOM_H
#define LINUX_OOM_H
#include <types.h>

struct task_struct;
/* A fault could not get memory even after reclaim: kill the task with the most RSS +
 * swap entries + page tables (unless a victim is still on its way out), then let the
 * fault be retried (Linux: pagefault_out_of_memory -> out_of_memory). */
void pagefault_out_of_memory(void);
/* Killed tasks (task->sigkill_pending) die on their way back to user space; a victim
 * blocked in wait4 is woken for it. */
extern int oom_victims;		/* killed, not yet exited */
void exit_oom_victim(struct task_struct *p);
#endif
