/* The hand-over itself (docs/handover.md): the engine's run() has returned with every
 * vCPU stopped between instructions and its state read (save_state); the machine's
 * RAM, bus and devices stay as they are and the new engine is created over them from
 * that state. accel_lock is held from the save to the new engine's creation, so that
 * a device's interrupt in between reaches one engine or the other, never neither. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "accel.h"
#include "handover.h"
#include "machine.h"
#include "vm_state.h"

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Back to running on the new engine, unless a real stop came meanwhile. */
static int claim_running(struct machine *m)
{
	uint64_t n;
	int won;

	if (m->wake_fd >= 0 && read(m->wake_fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing to drain */
	}
	pthread_mutex_lock(&m->stop_lock);
	won = atomic_load(&m->stop_reason) == VM_STOP_HANDOVER;
	if (won)
		atomic_store(&m->stop_reason, VM_RUNNING);
	pthread_mutex_unlock(&m->stop_lock);
	return won;
}

/* The switch's line, kept for the end of the run (main.c prints it before the last
 * line): printed now, it would land inside whatever line the guest was printing. */
static void record_switch(struct machine *m, const struct vm_state *st, const char *to)
{
	unsigned on = 0, k;

	for (k = 0; k < st->ncpus; k++)
		on += st->cpu[k].on;
	snprintf(m->handover_report, sizeof(m->handover_report), "switched from %s to %s (%s): "
		 "vCPU 0 at PC 0x%llx, %u of %u vCPUs on, after %llu %s exits, in %.1f ms",
		 st->from, to, m->handover_trigger, (unsigned long long)st->cpu[0].pc, on,
		 st->ncpus, (unsigned long long)st->exits, st->from,
		 (double)(now_ns() - m->handover_t0_ns) / 1e6);
}

int handover__switch(struct machine *m, int *err)
{
	struct vm_state *st = calloc(1, sizeof(*st));
	const struct accel_ops *to = m->handover_to;
	int rc;

	*err = 0;
	if (!st) {
		machine__error(m, "hand-over: out of memory");
		return 1;
	}
	pthread_mutex_lock(&m->accel_lock);
	st->from = m->accel->name;
	rc = m->accel->save_state(m, st);
	if (!rc) {
		m->accel->destroy(m);
		m->accel = to;
		m->switched = true;
		rc = to->create_from_state(m, st);
	}
	pthread_mutex_unlock(&m->accel_lock);
	/* outside accel_lock: the monitor's commands may wait for it */
	if (!rc && m->on_switch)
		m->on_switch(m);
	if (rc || !claim_running(m)) { /* an error (machine__error), or a stop meanwhile */
		free(st);
		return 1;
	}
	record_switch(m, st, to->name);
	free(st);
	return 0;
}
