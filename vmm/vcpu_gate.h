/* The gate that stops an engine's vCPUs for the monitor (vmm/monitor/monitor.h): the
 * user's pause (`vmm-inspect pause`, `vmm run --paused`), and brief stops while the
 * monitor reads what only a stopped vCPU may give (the model's registers between
 * quanta, KVM_GET_ONE_REG on a vCPU's own thread).
 *
 * The vCPU side tests vcpu_gate__wanted() where it may stop (the model's scheduler
 * between quanta, a KVM vCPU thread before KVM_RUN) and then calls vcpu_gate__park(),
 * which returns when nothing wants it stopped any more, or when the VM stops. The
 * monitor side calls vcpu_gate__pause()/__hold(), which kick the engine
 * (accel_ops.kick) and wait until every vCPU thread of the engine is parked.
 *
 * A parked thread looks at the machine's stop state every VCPU_GATE_POLL_MS: a stop
 * (a signal, Ctrl-A x, `quit`, --timeout) ends a pause at once. */
#ifndef VMM_VCPU_GATE_H
#define VMM_VCPU_GATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct machine;

#define VCPU_GATE_POLL_MS 20

struct vcpu_gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;   /* parked, served, released: any change */
	atomic_bool want;      /* paused || held: the vCPU threads should park */
	bool paused;           /* the user's pause */
	unsigned held;         /* monitor operations that need the vCPUs stopped */
	unsigned parked;       /* vCPU threads parked now */
};

void vcpu_gate__init(struct vcpu_gate *g, bool paused);
void vcpu_gate__destroy(struct vcpu_gate *g);

static inline bool vcpu_gate__wanted(struct vcpu_gate *g)
{
	return atomic_load_explicit(&g->want, memory_order_relaxed);
}

/* vCPU side: park until released or the VM stops. serve (may be NULL) runs under the
 * gate's lock each time the thread wakes while parked (requests meant for it). */
typedef void vcpu_gate_serve_fn(void *arg);
void vcpu_gate__park(struct vcpu_gate *g, struct machine *m, vcpu_gate_serve_fn *serve,
		     void *arg);

/* Monitor side. nthreads: how many vCPU threads must be parked. 0, or -ECANCELED when
 * the VM stops (or is being rebuilt after a reset) before they all parked. */
int vcpu_gate__pause(struct vcpu_gate *g, struct machine *m, unsigned nthreads);
void vcpu_gate__resume(struct vcpu_gate *g);
bool vcpu_gate__paused(struct vcpu_gate *g);
/* A brief stop: hold, read, release. On success the gate's lock is held (parked
 * threads cannot leave) until vcpu_gate__release(). */
int vcpu_gate__hold(struct vcpu_gate *g, struct machine *m, unsigned nthreads);
void vcpu_gate__release(struct vcpu_gate *g);
/* With the lock held (between hold and release): wake the parked threads so that
 * their serve callbacks run, and wait until done(arg) says the request is served or
 * the VM stops (-ECANCELED). */
int vcpu_gate__request(struct vcpu_gate *g, struct machine *m, bool (*done)(void *arg),
		       void *arg);

#endif
