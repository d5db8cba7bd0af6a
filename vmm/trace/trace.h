/* `vmm run --trace EVENTS --trace-file FILE`: what the engines did, as Chrome/Perfetto
 * trace-event JSON (docs/trace.md). Events go to a ring of TRACE_RING_EVENTS records
 * in memory (the oldest are overwritten: a long run keeps its last ones and cannot
 * exhaust host memory) and are written to FILE when the VM stops.
 *
 * Kinds (EVENTS: a comma list of these names, or "all"):
 *   fault  the model: each synchronous abort the guest takes (instant, its VA, ESR, EL)
 *   walk   the model: page-table walks (counter: stage 1 and 2 per period)
 *   tlb    the model: TLB lookups (counter: micro-TLB and mmu/ TLB hits and misses)
 *   tlbi   the model: TLB invalidations executed (counter)
 *   cache  the model: cache maintenance instructions executed (counter: IC, DC)
 *   exit   KVM: each exit of KVM_RUN (instant: reason, MMIO address); the model:
 *          MMIO accesses emulated on the bus (counter)
 * Timestamps: the model's virtual time in instructions; KVM: microseconds of wall time.
 * Counters are deltas over a period of TRACE_PERIOD instructions of each vCPU. */
#ifndef VMM_TRACE_H
#define VMM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_kind {
	TRACE_FAULT = 1u << 0,
	TRACE_WALK = 1u << 1,
	TRACE_TLB = 1u << 2,
	TRACE_TLBI = 1u << 3,
	TRACE_CACHE = 1u << 4,
	TRACE_EXIT = 1u << 5,
};
#define TRACE_ALL 0x3fu
#define TRACE_RING_EVENTS (1u << 18)  /* 262144 records of 64 bytes: 16 MiB */
#define TRACE_PERIOD 100000u          /* instructions between counter samples (model) */
#define TRACE_MAX_ARGS 6

/* The kinds being recorded (0: tracing off). */
extern unsigned trace_mask;
static inline bool trace__on(unsigned kind)
{
	return __builtin_expect(trace_mask & kind, 0);
}

/* EVENTS -> mask; 0, or -1 with a message in why. */
int trace__parse(const char *events, unsigned *mask, char *why, size_t n);
/* Start recording (nothing when events is NULL); file is where trace__finish writes. */
int trace__start(const char *events, const char *file, const char *engine, char *err,
		 size_t errlen);
/* An instant event (ph "i") or a counter (ph "C"): name and the args' names are
 * string constants; nargs <= TRACE_MAX_ARGS. Any thread. */
void trace__instant(unsigned kind, const char *name, unsigned cpu, uint64_t ts,
		    const char *const *argn, const uint64_t *argv, unsigned nargs);
void trace__counter(unsigned kind, const char *name, unsigned cpu, uint64_t ts,
		    const char *const *argn, const uint64_t *argv, unsigned nargs);
/* Microseconds since trace__start (KVM's timestamps). */
uint64_t trace__wall_us(void);
/* Write the file (the last TRACE_RING_EVENTS events, in order) and stop: 0 or -errno
 * with err. Safe when not started. */
int trace__finish(char *err, size_t errlen);

#endif
