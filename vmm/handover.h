/* Handing a running VM over from one engine to another (docs/handover.md). */
#ifndef VMM_HANDOVER_H
#define VMM_HANDOVER_H

struct machine;

/* machine__run, after the engine's run() returned with stop_reason VM_STOP_HANDOVER:
 * save the state, destroy the engine, create m->handover_to from the state. Returns
 * 0 to run on (m->accel is the new engine), or 1 when the VM stopped meanwhile or
 * the switch failed (m->error, stop_reason VM_STOP_ERROR); *err stays 0 unless
 * memory ran out. */
int handover__switch(struct machine *m, int *err);

#endif
