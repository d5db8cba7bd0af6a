/* `vmm run --monitor PATH`: the machine's side of the monitor (vmm/monitor/monitor.h).
 * The engine gives its target operations (accel_ops.monitor_ops); this starts and
 * stops the server around machine__run and reads guest RAM for the engines. */
#ifndef VMM_MONITOR_GLUE_H
#define VMM_MONITOR_GLUE_H

#include <stddef.h>
#include <stdint.h>

struct machine;

/* Serve m->cfg.monitor (nothing when NULL) with the engine's ops; with m->cfg.paused
 * every vCPU stops before its first instruction. After the engine is chosen, before
 * machine__run(). 0, or -errno with one line in err. */
int monitor_glue__start(struct machine *m, char *err, size_t errlen);
/* After machine__run(): a `stopped` event with the last line's reason and status,
 * then the socket is closed and removed. Safe when not started. */
void monitor_glue__stop(struct machine *m, const char *reason, int status);

/* machine->on_switch: the VM went on on another engine (docs/handover.md); the
 * monitor serves it through that engine's target from now on. */
void monitor_glue__switched(struct machine *m);

/* read_phys over guest RAM (no side effect; MMIO is never read): 0 or -EFAULT. */
int machine__read_ram(struct machine *m, uint64_t pa, void *buf, size_t len);

#endif
