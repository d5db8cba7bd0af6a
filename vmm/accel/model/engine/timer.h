/* The generic timer of the model: counters and the EL1 physical and virtual timers,
 * driven by virtual time (instructions), so that runs repeat exactly. */
#ifndef MODEL_TIMER_H
#define MODEL_TIMER_H

#include <stdint.h>

struct cpu;

/* Counter frequency the guest sees: one tick per instruction retired (sched.c). */
#define MODEL_CNTFRQ 100000000ull

uint64_t timer__now(const struct cpu *c);
int timer__el0_access(struct cpu *c, unsigned enc, int write);
int timer__read(struct cpu *c, unsigned enc, uint64_t *val);   /* 0, or -1 if unknown */
int timer__write(struct cpu *c, unsigned enc, uint64_t val);   /* exec_r, or -1 */
/* Drive the timers' PPIs from the current time. */
void timer__update(struct cpu *c);
/* Earliest time at which a timer of c asserts its interrupt, or UINT64_MAX. */
uint64_t timer__deadline(const struct cpu *c);

#endif
