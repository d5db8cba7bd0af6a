/* The monitor wired to the machine: see monitor_glue.h and docs/monitor.md. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "accel.h"
#include "machine.h"
#include "monitor.h"
#include "monitor_glue.h"
#include "version.h"

static bool started;

int machine__read_ram(struct machine *m, uint64_t pa, void *buf, size_t len)
{
	const void *p = machine__gpa_to_hva(m, pa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int monitor_glue__start(struct machine *m, char *err, size_t errlen)
{
	struct monitor_config mc = { .path = m->cfg.monitor, .version = VMM_VERSION,
				     .engine = m->accel->name };
	const struct monitor_target_ops *ops = NULL;
	void *target = NULL;
	int rc;

	if (!m->cfg.monitor)
		return 0;
	if (m->accel->monitor_ops)
		ops = m->accel->monitor_ops(m, &target);
	if (!ops) {
		snprintf(err, errlen, "--monitor: the %s engine has no monitor", m->accel->name);
		return -ENOSYS;
	}
	rc = monitor__start(&mc, ops, target, err, errlen);
	started = rc == 0;
	return rc;
}

void monitor_glue__switched(struct machine *m)
{
	const struct monitor_target_ops *ops = NULL;
	void *target = NULL;

	if (!started)
		return;
	m->cfg.paused = false; /* it was running when it switched: so it stays */
	if (m->accel->monitor_ops)
		ops = m->accel->monitor_ops(m, &target);
	monitor__set_target(ops, target, m->accel->name);
}

void monitor_glue__stop(struct machine *m, const char *reason, int status)
{
	(void)m;
	if (!started)
		return;
	monitor__post_stopped(reason, status);
	monitor__stop();
	started = false;
}
