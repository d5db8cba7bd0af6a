/* The monitor's thread: accept up to MONITOR_MAX_CLIENTS clients at once, check each
 * one's credentials, greet it, then read its newline-framed requests (at most
 * MONITOR_MAX_LINE bytes each) and write replies and the events it subscribed to. One
 * thread serves them all, a request at a time, so commands never run concurrently.
 * It never waits on one client: each has its own pending output, sent as far as its
 * socket takes it, the rest when poll says it can take more; meanwhile that client's
 * further requests stay unread and its events stay in the ring (back-pressure). A
 * client that misbehaves (too long a line, bad JSON, a disconnect mid-line, not
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
#define STOP_FLUSH_MS 2000         /* at a stop, the last output gets this long in all */
#define KEEP_OUT_CAP (1u << 20)    /* a larger output buffer is given back once sent */

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
} mon = { .ls = { .fd = -1 }, .wake_fd = -1, .tg_lock = PTHREAD_MUTEX_INITIALIZER };

/* A connected client: its socket (-1: the slot is free), session, partial input and
 * pending output. While out holds unsent bytes, nothing more is read from it or
 * drained for it; so out holds one reply (at most monitor_max_reply, jw's limit, and
 * what reply_room() leaves) and the events drained with it, or one batch of events (at
 * most the ring's). */
struct client {
	int fd;
	struct session s;
	uint64_t last;         /* when it last sent something or took some output */
	uint64_t progress;     /* when out last went to the socket, or began; 0: empty */
	bool discarding;       /* the rest of a too long line goes unread */
	size_t len;
	struct jw out;
	size_t sent;           /* out.buf[0, sent) is in the socket */
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

static bool pending(const struct client *c)
{
	return c->out.len > 0;
}

/* Empty c->out (a huge reply's buffer is given back). */
static void out_reset(struct client *c)
{
	if (c->out.cap > KEEP_OUT_CAP) {
		jw__free(&c->out);
		jw__init(&c->out, monitor_max_reply);
	}
	c->out.len = 0;
	c->out.depth = 0;
	c->out.first = 1;
	c->sent = 0;
	c->progress = 0;
}

/* Write as much of c->out as the socket takes now, never waiting. 0 (all sent, or
 * the rest waits for POLLOUT), or -1: drop the client. */
static int client_send(struct client *c)
{
	if (c->out.oom)
		return -1; /* protocol.c turns a too large reply into an error: not this */
	if (!c->progress)
		c->progress = now_ms(); /* new output: its stall clock starts */
	while (c->sent < c->out.len) {
		ssize_t k = send(c->fd, c->out.buf + c->sent, c->out.len - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k > 0) {
			c->sent += (size_t)k;
			c->progress = c->last = now_ms(); /* reading a long reply is not idling */
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
	out_reset(c);
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* How large a reply c may build now: what the unsent output of the other clients
 * leaves of monitor_max_unsent, within [MONITOR_MIN_REPLY, monitor_max_reply]. The
 * buffers of clients with nothing unsent (at most KEEP_OUT_CAP each) do not count. */
static size_t reply_room(const struct client *c)
{
	size_t others = 0, room;

	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
		if (clients[i] && clients[i] != c && pending(clients[i]))
			others += clients[i]->out.cap;
	room = others < monitor_max_unsent ? monitor_max_unsent - others : 0;
	if (room < MONITOR_MIN_REPLY)
		room = MONITOR_MIN_REPLY;
	return room < monitor_max_reply ? room : monitor_max_reply;
}

/* Serve the complete lines in c->in[0, c->len) while c has no unsent output; keep
 * the rest for when it has. 0, or -1 to close. */
static int lines(struct client *c)
{
	size_t start = 0;
	int rc = 0;
	char *nl;

	while (!rc && !pending(c) && !c->s.close_after &&
	       (nl = memchr(c->in + start, '\n', c->len - start))) {
		size_t end = (size_t)(nl - c->in);

		if (!c->discarding && !blank(c->in + start, end - start)) {
			c->out.max = reply_room(c);
			pthread_mutex_lock(&mon.tg_lock);
			protocol__handle(&c->s, c->in + start, end - start, &c->out);
			pthread_mutex_unlock(&mon.tg_lock);
			c->out.max = monitor_max_reply; /* the events drained with it */
			if (c->s.subs)
				events__drain(c->s.slot, &c->out);
			rc = client_send(c);
		}
		c->discarding = false;
		start = end + 1;
	}
	memmove(c->in, c->in + start, c->len - start);
	c->len -= start;
	if (rc || pending(c) || c->s.close_after || memchr(c->in, '\n', c->len))
		return rc; /* the rest is served once the output is out */
	if (c->len == sizeof(c->in)) { /* MONITOR_MAX_LINE bytes and no newline yet */
		protocol__too_large(&c->out);
		rc = client_send(c);
		c->discarding = true;
	}
	if (c->discarding)
		c->len = 0; /* the rest of that line goes unread */
	return rc;
}

/* c may take more: its buffered requests, then its events. 0, or -1 to close. */
static int client_serve(struct client *c)
{
	if (lines(c))
		return -1;
	if (!pending(c) && c->s.close_after)
		return -1; /* "quit": its reply is out */
	if (!pending(c) && c->s.subs) {
		events__drain(c->s.slot, &c->out);
		return client_send(c);
	}
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
	c->progress = 0;
	c->discarding = false;
	c->len = 0;
	c->sent = 0;
	jw__init(&c->out, monitor_max_reply);
	events__subscribe(slot, 0);
	pthread_mutex_lock(&mon.tg_lock);
	protocol__greeting(&mon.tg, &c->out);
	pthread_mutex_unlock(&mon.tg_lock);
	if (client_send(c)) {
		jw__free(&c->out);
		free(c);
		return NULL;
	}
	return c;
}

static void client_close(unsigned slot)
{
	events__subscribe(slot, 0);
	close(clients[slot]->fd);
	jw__free(&clients[slot]->out);
	free(clients[slot]);
	clients[slot] = NULL;
}

/* The client has something to read (or hung up): 0, or -1 to close it. */
static int client_input(struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1; /* gone, possibly mid-line: the partial request is dropped */
	if (n < 0)
		return 0;
	c->last = now_ms();
	c->len += (size_t)n;
	return client_serve(c);
}

/* An error line instead of the greeting, then hang up. The socket is fresh: the line
 * fits in it, and if it does not, it is not waited for. */
static void turn_away(int fd, const char *class, const char *why)
{
	struct jw w;

	jw__init(&w, 4096);
	jw__begin_object(&w, NULL);
	jw__begin_object(&w, "error");
	jw__str(&w, "class", class);
	jw__str(&w, "desc", why);
	jw__end_object(&w);
	jw__end_object(&w);
	jw__newline(&w);
	if (!w.oom && send(fd, w.buf, w.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing more to do for it: it is hung up on either way */
	}
	jw__free(&w);
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

/* ms until t, from now (0 if past). */
static int until(uint64_t t, uint64_t now)
{
	return t <= now ? 0 : (int)(t - now);
}

/* The poll timeout: until the first client without subscriptions has been idle for
 * IDLE_MS, or the first with unsent output has made no progress for
 * MONITOR_SEND_STALL_MS (those are dropped then), or -1. */
static int poll_timeout(uint64_t now)
{
	int t = -1;

	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++) {
		const struct client *c = clients[i];
		int left;

		if (!c)
			continue;
		if (pending(c)) {
			left = until(c->progress + MONITOR_SEND_STALL_MS, now);
			if (t < 0 || left < t)
				t = left;
		}
		if (!c->s.subs) {
			left = until(c->last + IDLE_MS, now);
			if (t < 0 || left < t)
				t = left;
		}
	}
	return t;
}

/* Drop the clients idle for IDLE_MS (without subscriptions) and those whose output
 * made no progress for MONITOR_SEND_STALL_MS. */
static void drop_stalled(void)
{
	uint64_t now = now_ms();

	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++) {
		const struct client *c = clients[i];

		if (c && ((!c->s.subs && now - c->last >= IDLE_MS) ||
			  (pending(c) && now - c->progress >= MONITOR_SEND_STALL_MS)))
			client_close(i);
	}
}

/* Every subscribed client that can take more gets what it subscribed to and has not
 * been sent; one still sending gets it once its output is out (client_serve). */
static void send_events(void)
{
	events__woken(); /* before the drains: an event posted after writes again */
	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++) {
		struct client *c = clients[i];

		if (!c || !c->s.subs || pending(c))
			continue;
		events__drain(i, &c->out);
		if (client_send(c))
			client_close(i);
	}
}

/* At a stop: the pending output and the last events (e.g. the `stopped` event) go
 * out to every client that reads them within STOP_FLUSH_MS in all; then all close. */
static void final_flush(void)
{
	uint64_t end = now_ms() + STOP_FLUSH_MS;

	send_events();
	for (;;) {
		struct pollfd p[MONITOR_MAX_CLIENTS];
		unsigned at[MONITOR_MAX_CLIENTS], n = 0;
		uint64_t now = now_ms();

		for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
			if (clients[i] && pending(clients[i])) {
				at[n] = i;
				p[n++] = (struct pollfd){ clients[i]->fd, POLLOUT, 0 };
			}
		if (!n || now >= end)
			break;
		if (poll(p, n, until(end, now)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned k = 0; k < n; k++) {
			struct client *c = clients[at[k]];

			if (!p[k].revents)
				continue;
			if (client_send(c))
				client_close(at[k]);
			else if (!pending(c) && c->s.subs) { /* its events waited for that */
				events__drain(at[k], &c->out);
				if (client_send(c))
					client_close(at[k]);
			}
		}
	}
	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
		if (clients[i])
			client_close(i);
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
			if (clients[i]) { /* unsent output: wait to send it, read nothing */
				at[n - 2] = i;
				p[n++] = (struct pollfd){ clients[i]->fd,
							  pending(clients[i]) ? POLLOUT : POLLIN, 0 };
			}
		if (poll(p, n, poll_timeout(now_ms())) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			consume_wake();
			send_events();
		}
		if (atomic_load(&mon.stopping))
			break;
		for (unsigned k = 2; k < n; k++) {
			unsigned i = at[k - 2];
			struct client *c = clients[i];

			if (!c || !p[k].revents)
				continue;
			if (pending(c) ? client_send(c) || (!pending(c) && client_serve(c))
				       : client_input(c))
				client_close(i);
		}
		drop_stalled();
		if (p[0].revents & POLLIN)
			accept_client();
	}
	final_flush();
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
	monitor_max_reply = cfg->max_reply ? cfg->max_reply : MONITOR_MAX_REPLY;
	monitor_max_unsent = cfg->max_unsent ? cfg->max_unsent : MONITOR_MAX_UNSENT;
	if (monitor_max_reply < MONITOR_MIN_REPLY)
		monitor_max_reply = MONITOR_MIN_REPLY;
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
}
