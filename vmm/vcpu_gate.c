/* Stopping an engine's vCPUs for the monitor: see vcpu_gate.h. */
#include <errno.h>
#include <time.h>

#include "accel.h"
#include "machine.h"
#include "vcpu_gate.h"

void vcpu_gate__init(struct vcpu_gate *g, bool paused)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &ca);
	pthread_condattr_destroy(&ca);
	g->paused = paused;
	g->held = 0;
	g->parked = 0;
	atomic_init(&g->want, paused);
}

void vcpu_gate__destroy(struct vcpu_gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

/* Under the lock. */
static void update(struct vcpu_gate *g)
{
	atomic_store(&g->want, g->paused || g->held);
	pthread_cond_broadcast(&g->cond);
}

static void timed_wait(struct vcpu_gate *g)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += VCPU_GATE_POLL_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&g->cond, &g->lock, &ts);
}

void vcpu_gate__park(struct vcpu_gate *g, struct machine *m, vcpu_gate_serve_fn *serve,
		     void *arg)
{
	pthread_mutex_lock(&g->lock);
	g->parked++;
	pthread_cond_broadcast(&g->cond);
	for (;;) {
		if (serve)
			serve(arg);
		if (!atomic_load(&g->want) || machine__stopping(m))
			break;
		timed_wait(g);
	}
	g->parked--;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* The engine's kick, as machine__stop gives it (under accel_lock: the engine cannot
 * be destroyed under it), without stopping anything. */
static void kick(struct machine *m)
{
	pthread_mutex_lock(&m->accel_lock);
	if (m->accel && m->accel->kick && m->accel_data)
		m->accel->kick(m);
	pthread_mutex_unlock(&m->accel_lock);
}

/* Under the lock: until nthreads are parked, kicking them every poll interval (a kick
 * can come before the thread exists, e.g. at a restart). */
static int wait_parked(struct vcpu_gate *g, struct machine *m, unsigned nthreads)
{
	while (g->parked < nthreads) {
		if (machine__stopping(m))
			return -ECANCELED;
		pthread_mutex_unlock(&g->lock);
		kick(m);
		pthread_mutex_lock(&g->lock);
		if (g->parked < nthreads)
			timed_wait(g);
	}
	return 0;
}

int vcpu_gate__pause(struct vcpu_gate *g, struct machine *m, unsigned nthreads)
{
	int rc;

	pthread_mutex_lock(&g->lock);
	g->paused = true;
	update(g);
	rc = wait_parked(g, m, nthreads);
	if (rc) {
		g->paused = false; /* a pause that did not happen */
		update(g);
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

void vcpu_gate__resume(struct vcpu_gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->paused = false;
	update(g);
	pthread_mutex_unlock(&g->lock);
}

bool vcpu_gate__paused(struct vcpu_gate *g)
{
	bool p;

	pthread_mutex_lock(&g->lock);
	p = g->paused;
	pthread_mutex_unlock(&g->lock);
	return p;
}

int vcpu_gate__hold(struct vcpu_gate *g, struct machine *m, unsigned nthreads)
{
	int rc;

	pthread_mutex_lock(&g->lock);
	g->held++;
	update(g);
	rc = wait_parked(g, m, nthreads);
	if (rc) {
		g->held--;
		update(g);
		pthread_mutex_unlock(&g->lock);
	}
	return rc;
}

void vcpu_gate__release(struct vcpu_gate *g)
{
	g->held--;
	update(g);
	pthread_mutex_unlock(&g->lock);
}

int vcpu_gate__request(struct vcpu_gate *g, struct machine *m, bool (*done)(void *arg),
		       void *arg)
{
	pthread_cond_broadcast(&g->cond);
	while (!done(arg)) {
		if (machine__stopping(m))
			return -ECANCELED;
		timed_wait(g);
	}
	return 0;
}
