/* The monitor's thread: accept one client at a time, check its credentials, greet
 * it, then read newline-framed requests (at most MONITOR_MAX_LINE bytes each) and
 * write replies and the events it subscribed to. A client that misbehaves (too long
 * a line, bad JSON, a disconnect mid-line, not reading its replies) loses at most its
 * own connection; the VM never waits for the monitor. */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "listen.h"

#define IDLE_MS (10 * 60 * 1000)   /* a silent client without subscriptions is dropped */
#define SEND_STALL_MS (10 * 1000)  /* a client that reads nothing that long is dropped */

static struct {
	struct target tg;
	/* held while a request is served: monitor__set_target changes tg between two */
	pthread_mutex_t tg_lock;
	char path[256], version[128], engine[32];
	struct listen_sock ls;
	int wake_fd;               /* eventfd: events queued, or stop */
	atomic_bool stopping;
	bool running;
	pthread_t thread;
	char in[MONITOR_MAX_LINE + 1];
	struct jw out;
} mon = { .ls = { .fd = -1 }, .wake_fd = -1, .tg_lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void consume_wake(void)
{
	uint64_t v;

	if (read(mon.wake_fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending */
	}
}

/* Write everything, waiting while the client's buffer is full, up to a stall limit.
 * 0, or -1: drop the client. */
static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd pf = { fd, POLLOUT, 0 };

		if (k > 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (atomic_load(&mon.stopping) || poll(&pf, 1, SEND_STALL_MS) <= 0)
			return -1;
	}
	return 0;
}

/* Send what is in mon.out and empty it (a huge reply's buffer is given back). */
static int flush_out(int fd)
{
	int rc = mon.out.oom ? -1 : send_all(fd, mon.out.buf, mon.out.len);

	if (mon.out.cap > (1u << 20)) {
		jw__free(&mon.out);
		jw__init(&mon.out, MONITOR_MAX_REPLY);
	}
	mon.out.len = 0;
	mon.out.depth = 0;
	mon.out.first = 1;
	return rc;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Handle every complete line in mon.in[0, *len); keep the rest. 0, or -1 to close. */
static int lines(struct session *s, int fd, size_t *len, bool *discarding)
{
	size_t start = 0;

	for (size_t i = 0; i < *len; i++) {
		if (mon.in[i] != '\n')
			continue;
		if (!*discarding && !blank(mon.in + start, i - start)) {
			pthread_mutex_lock(&mon.tg_lock);
			protocol__handle(s, mon.in + start, i - start, &mon.out);
			pthread_mutex_unlock(&mon.tg_lock);
			if (s->subs)
				events__drain(&mon.out, s->subs);
			if (flush_out(fd) || s->close_after)
				return -1;
		}
		*discarding = false;
		start = i + 1;
	}
	memmove(mon.in, mon.in + start, *len - start);
	*len -= start;
	if (*len == sizeof(mon.in)) { /* MONITOR_MAX_LINE bytes and no newline yet */
		protocol__too_large(&mon.out);
		if (flush_out(fd))
			return -1;
		*discarding = true;
	}
	if (*discarding)
		*len = 0; /* the rest of that line goes unread */
	return 0;
}

static void serve_client(int fd)
{
	struct session s = { .tg = &mon.tg };
	uint64_t last = now_ms();
	bool discarding = false;
	size_t len = 0;

	events__subscribe(0);
	pthread_mutex_lock(&mon.tg_lock);
	protocol__greeting(&mon.tg, &mon.out);
	pthread_mutex_unlock(&mon.tg_lock);
	if (flush_out(fd))
		return;
	while (!atomic_load(&mon.stopping)) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { mon.wake_fd, POLLIN, 0 } };
		uint64_t idle = now_ms() - last;
		int timeout = s.subs ? -1 : idle >= IDLE_MS ? 0 : (int)(IDLE_MS - idle);
		ssize_t n;

		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			consume_wake();
			if (s.subs) {
				events__drain(&mon.out, s.subs);
				if (flush_out(fd))
					break;
			}
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (!s.subs && now_ms() - last >= IDLE_MS)
				break;
			continue;
		}
		n = recv(fd, mon.in + len, sizeof(mon.in) - len, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break; /* gone, possibly mid-line: the partial request is dropped */
		if (n < 0)
			continue;
		last = now_ms();
		len += (size_t)n;
		if (lines(&s, fd, &len, &discarding))
			break;
	}
	events__subscribe(0);
}

/* Tell a client of another user why it is refused, and hang up. */
static void refuse(int fd, const char *why)
{
	jw__begin_object(&mon.out, NULL);
	jw__begin_object(&mon.out, "error");
	jw__str(&mon.out, "class", "PermissionDenied");
	jw__str(&mon.out, "desc", why);
	jw__end_object(&mon.out);
	jw__end_object(&mon.out);
	jw__newline(&mon.out);
	flush_out(fd);
}

static void *serve(void *arg)
{
	(void)arg;
	while (!atomic_load(&mon.stopping)) {
		struct pollfd p[2] = { { mon.ls.fd, POLLIN, 0 }, { mon.wake_fd, POLLIN, 0 } };
		char why[128];
		int fd;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			consume_wake();
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(mon.ls.fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (listen__peer_ok(fd, why, sizeof(why)))
			refuse(fd, why);
		else
			serve_client(fd);
		close(fd);
	}
	return NULL;
}

int monitor__start(const struct monitor_config *cfg, const struct monitor_target_ops *ops,
		   void *target, char *err, size_t errlen)
{
	int rc;

	if (mon.running) {
		snprintf(err, errlen, "monitor: already running on %s", mon.path);
		return -EBUSY;
	}
	if (!ops->ncpus || !ops->pause || !ops->resume || !ops->paused || !ops->quit ||
	    !ops->get_regs || !ops->read_phys) {
		snprintf(err, errlen, "monitor: the target lacks a required operation");
		return -EINVAL;
	}
	if (snprintf(mon.path, sizeof(mon.path), "%s", cfg->path) >= (int)sizeof(mon.path)) {
		snprintf(err, errlen, "monitor: socket path too long: %s", cfg->path);
		return -ENAMETOOLONG;
	}
	snprintf(mon.version, sizeof(mon.version), "%s", cfg->version ? cfg->version : "unknown");
	snprintf(mon.engine, sizeof(mon.engine), "%s", cfg->engine ? cfg->engine : "unknown");
	mon.tg = (struct target){ ops, target, mon.version, mon.engine };
	rc = listen__open(mon.path, &mon.ls, err, errlen);
	if (rc)
		return rc;
	mon.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (mon.wake_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "monitor: eventfd: %s", strerror(errno));
		listen__close(&mon.ls, mon.path);
		return rc;
	}
	jw__init(&mon.out, MONITOR_MAX_REPLY);
	events__init();
	events__set_wake(mon.wake_fd);
	atomic_store(&mon.stopping, false);
	atomic_store(&monitor_fault_wanted, true);
	rc = -pthread_create(&mon.thread, NULL, serve, NULL);
	if (rc) {
		snprintf(err, errlen, "monitor: cannot start its thread: %s", strerror(-rc));
		monitor__stop();
		return rc;
	}
	mon.running = true;
	return 0;
}

void monitor__set_target(const struct monitor_target_ops *ops, void *target, const char *engine)
{
	if (!ops)
		return;
	pthread_mutex_lock(&mon.tg_lock);
	snprintf(mon.engine, sizeof(mon.engine), "%s", engine ? engine : "unknown");
	mon.tg.ops = ops;
	mon.tg.t = target;
	pthread_mutex_unlock(&mon.tg_lock);
}

void monitor__stop(void)
{
	uint64_t one = 1;

	atomic_store(&monitor_fault_wanted, false);
	atomic_store(&mon.stopping, true);
	if (mon.running) {
		if (write(mon.wake_fd, &one, sizeof(one)) < 0) {
			/* cannot fail on a fresh eventfd */
		}
		pthread_join(mon.thread, NULL);
		mon.running = false;
	}
	events__set_wake(-1);
	if (mon.wake_fd >= 0)
		close(mon.wake_fd);
	mon.wake_fd = -1;
	listen__close(&mon.ls, mon.path);
	jw__free(&mon.out);
}
