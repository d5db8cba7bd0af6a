/* The model engine's monitor target (vmm/monitor/monitor.h): pause and resume between
 * scheduling quanta, registers from struct cpu with the stage 2 the model applies,
 * its stage-2 tables, TLBs, caches and counters; guest aborts as fault events. */
#ifndef MODEL_MONITOR_TARGET_H
#define MODEL_MONITOR_TARGET_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct model;
struct cpu;
struct monitor_target_ops;

/* accel_ops.monitor_ops: the ops and their target for m (one per process). */
const struct monitor_target_ops *model_monitor__ops(struct machine *m, void **target);
/* The scheduler, between quanta: parks there while the monitor wants the vCPUs
 * stopped (a pause, --paused, or a read of their state). */
bool model_monitor__poll(struct model *md); /* true: it parked */
/* model_env.fault: the guest takes a synchronous abort (posted when a monitor
 * listens). */
void model_monitor__fault(void *opaque, struct cpu *c, uint32_t esr, uint64_t far,
			  uint64_t ret);
/* For the gdb stub (engine/gdb_target.c): stop the scheduler between quanta and get
 * its model (NULL and *rc = -errno when the VM stops first); release lets it go. */
struct model *model_monitor__hold(int *rc);
void model_monitor__release(void);

#endif
