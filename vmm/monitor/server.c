/* The monitor's thread: accept up to MONITOR_MAX_CLIENTS clients at once, check each
 * one's credentials, greet it, then read its newline-framed requests (at most
 * MONITOR_MAX_LINE bytes each) and write replies and the events it subscribed to. One
 * thread serves them all, a request at a time, so commands never run concurrently.
 * A client that misbehaves (too long a line, bad JSON, a disconnect mid-line, not
 * reading its replies) loses at most its own connection; the VM never waits for the
 * monitor. */
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
	struct jw out;
} mon = { .ls = { .fd = -1 }, .wake_fd = -1, .tg_lock = PTHREAD_MUTEX_INITIALIZER };

/* A connected client: its socket (-1: the slot is free), session and partial line. */
struct client {
	int fd;
	struct session s;
	uint64_t last;         /* when it last sent something */
	bool discarding;       /* the rest of a too long line goes unread */
	size_t len;
	char in[MONITOR_MAX_LINE + 1];
};
static struct client *clients[MONITOR_MAX_CLIENTS];

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

/* Handle every complete line in c->in[0, c->len); keep the rest. 0, or -1 to close. */
static int lines(struct client *c)
{
	size_t start = 0;

	for (size_t i = 0; i < c->len; i++) {
		if (c->in[i] != '\n')
			continue;
		if (!c->discarding && !blank(c->in + start, i - start)) {
			pthread_mutex_lock(&mon.tg_lock);
			protocol__handle(&c->s, c->in + start, i - start, &mon.out);
			pthread_mutex_unlock(&mon.tg_lock);
			if (c->s.subs)
				events__drain(c->s.slot, &mon.out);
			if (flush_out(c->fd) || c->s.close_after)
				return -1;
		}
		c->discarding = false;
		start = i + 1;
	}
	memmove(c->in, c->in + start, c->len - start);
	c->len -= start;
	if (c->len == sizeof(c->in)) { /* MONITOR_MAX_LINE bytes and no newline yet */
		protocol__too_large(&mon.out);
		if (flush_out(c->fd))
			return -1;
		c->discarding = true;
	}
	if (c->discarding)
		c->len = 0; /* the rest of that line goes unread */
	return 0;
}

/* A new client in a free slot (or NULL, out of memory), greeted; NULL if it went. */
static struct client *client_open(int fd, unsigned slot)
{
	struct client *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->s = (struct session){ .tg = &mon.tg, .slot = slot };
	c->last = now_ms();
	c->discarding = false;
	c->len = 0;
	events__subscribe(slot, 0);
	pthread_mutex_lock(&mon.tg_lock);
	protocol__greeting(&mon.tg, &mon.out);
	pthread_mutex_unlock(&mon.tg_lock);
	if (flush_out(fd)) {
		free(c);
		return NULL;
	}
	return c;
}

static void client_close(unsigned slot)
{
	events__subscribe(slot, 0);
	close(clients[slot]->fd);
	free(clients[slot]);
	clients[slot] = NULL;
}

/* The client in slot has something to read (or hung up): 0, or -1 to close it. */
static int client_input(struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1; /* gone, possibly mid-line: the partial request is dropped */
	if (n < 0)
		return 0;
	c->last = now_ms();
	c->len += (size_t)n;
	return lines(c);
}

/* An error line instead of the greeting, then hang up. */
static void turn_away(int fd, const char *class, const char *why)
{
	jw__begin_object(&mon.out, NULL);
	jw__begin_object(&mon.out, "error");
	jw__str(&mon.out, "class", class);
	jw__str(&mon.out, "desc", why);
	jw__end_object(&mon.out);
	jw__end_object(&mon.out);
	jw__newline(&mon.out);
	flush_out(fd);
}

static void accept_client(void)
{
	int fd = accept4(mon.ls.fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned slot = 0;
	char why[128];

	if (fd < 0)
		return;
	while (slot < MONITOR_MAX_CLIENTS && clients[slot])
		slot++;
	if (listen__peer_ok(fd, why, sizeof(why)))
		turn_away(fd, "PermissionDenied", why);
	else if (slot == MONITOR_MAX_CLIENTS)
		turn_away(fd, ERR_BUSY, "the monitor already serves its maximum of clients at once");
	else if ((clients[slot] = client_open(fd, slot)))
		return;
	close(fd);
}

/* The poll timeout: until the first client without subscriptions has been idle for
 * IDLE_MS (those are dropped then), or -1. */
static int idle_timeout(uint64_t now)
{
	int t = -1;

	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++) {
		const struct client *c = clients[i];
		int left;

		if (!c || c->s.subs)
			continue;
		left = now - c->last >= IDLE_MS ? 0 : (int)(IDLE_MS - (now - c->last));
		if (t < 0 || left < t)
			t = left;
	}
	return t;
}

/* Every subscribed client gets what it subscribed to and has not been sent. */
static void send_events(void)
{
	events__woken(); /* before the drains: an event posted after writes again */
	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++) {
		if (!clients[i] || !clients[i]->s.subs)
			continue;
		events__drain(i, &mon.out);
		if (flush_out(clients[i]->fd))
			client_close(i);
	}
}

static void *serve(void *arg)
{
	(void)arg;
	while (!atomic_load(&mon.stopping)) {
		struct pollfd p[2 + MONITOR_MAX_CLIENTS];
		unsigned at[MONITOR_MAX_CLIENTS], n = 2;

		p[0] = (struct pollfd){ mon.ls.fd, POLLIN, 0 };
		p[1] = (struct pollfd){ mon.wake_fd, POLLIN, 0 };
		for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
			if (clients[i]) {
				at[n - 2] = i;
				p[n++] = (struct pollfd){ clients[i]->fd, POLLIN, 0 };
			}
		if (poll(p, n, idle_timeout(now_ms())) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			consume_wake();
			send_events();
		}
		if (atomic_load(&mon.stopping))
			break;
		for (unsigned k = 2; k < n; k++) {
			unsigned i = at[k - 2];

			if (clients[i] && (p[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    client_input(clients[i]))
				client_close(i);
		}
		for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
			if (clients[i] && !clients[i]->s.subs && now_ms() - clients[i]->last >= IDLE_MS)
				client_close(i);
		if (p[0].revents & POLLIN)
			accept_client();
	}
	send_events(); /* the last ones, e.g. the `stopped` event of the stop */
	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
		if (clients[i])
			client_close(i);
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
