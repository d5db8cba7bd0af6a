/* The generic timer of the model: counters and the EL1 physical and virtual timers,
 * driven by virtual time (instructions), so that runs repeat exactly. */
#ifndef MODEL_TIMER_H
#define MODEL_TIMER_H

#include <stdint.h>

struct cpu;

/* Counter frequency the guest sees: one tick per instruction retired (sched.c). */
#define MODEL_CNTFRQ 100000000ull

/* The timer's system registers; their encodings and EL0 access rules are in the CPU's
 * system-register table (cpu/sysregs.c). */
enum timer_reg {
	CNTFRQ, CNTPCT, CNTVCT,
	CNTP_TVAL, CNTP_CTL, CNTP_CVAL,
	CNTV_TVAL, CNTV_CTL, CNTV_CVAL,
};

uint64_t timer__now(const struct cpu *c);
uint64_t timer__read(struct cpu *c, enum timer_reg reg);
/* A write to CNTP_* or CNTV_* (the counters and CNTFRQ are read-only): an exec_r. */
int timer__write(struct cpu *c, enum timer_reg reg, uint64_t val);
/* Drive the timers' PPIs from the current time. */
void timer__update(struct cpu *c);
/* Earliest time at which a timer of c asserts its interrupt, or UINT64_MAX. */
uint64_t timer__deadline(const struct cpu *c);

#endif
