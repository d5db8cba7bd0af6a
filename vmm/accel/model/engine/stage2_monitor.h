/* The VMM's stage 2 (mem/stage2.c) seen from the monitor: the stage-2 faults the VMM
 * resolves go into the fault events, and the dirty log is read and reset
 * (docs/stage2.md, docs/monitor.md). */
#ifndef MODEL_STAGE2_MONITOR_H
#define MODEL_STAGE2_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct model_vm;

/* model_env.stage2_event: a monitor fault event with "stage2": kind. */
void model_stage2__event(void *opaque, struct cpu *c, unsigned kind, uint64_t va,
			 uint64_t ipa, bool write);
/* The ISS bits 24:14 (ISV, SAS, SSE, SRT, SF, AR) of a data abort by insn; 0 when
 * the architecture gives no valid syndrome for it (ISV = 0). */
uint32_t model_stage2__iss(uint32_t insn);
/* The dirty log as runs of pages, then (reset) write-protect and clear; the VM must
 * be held. 0, or -ENODATA without --dirty-log. */
int model_stage2__dirty_log(struct model_vm *vm, bool reset,
			    void (*put)(void *arg, uint64_t ipa, uint64_t pages), void *arg);

#endif
