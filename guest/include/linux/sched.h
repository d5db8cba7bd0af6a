/* Tasks and the scheduler (kernel/sched/). */
#ifndef LINUX_SCHED_H
#define LINUX_SCHED_H
#include <types.h>
void cpu_do_idle(void);
void cpu_idle_once(void);
#endif
