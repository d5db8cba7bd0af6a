/* Events: vCPU threads post them (monitor__post_*), the server thread sends each
 * client the ones it subscribed to. Posting never blocks on a socket: events wait in a
 * bounded ring shared by all clients, each reading it from its own position (a client
 * that reads too slowly loses its oldest, counted), and the server is woken through
 * an eventfd. The last faults are also kept for the `faults` command, subscribed or
 * not. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define HISTORY 256
#define QUEUE 1024

struct event {
	unsigned kind;
	uint64_t seq;
	const char *name;         /* "paused", "resumed" */
	struct monitor_fault f;
	char reason[128];
	int status;
};

/* One client's subscription: what it wants, the next seq it has not been sent, and
 * how many it wanted that the ring overwrote before it read them. */
struct sub {
	unsigned mask;
	uint64_t next, dropped;
};

atomic_bool monitor_fault_wanted;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct monitor_fault history[HISTORY];
static uint64_t posted_faults;            /* ever; history holds the last HISTORY */
static struct event ring[QUEUE], taken[QUEUE]; /* event seq s is in ring[s % QUEUE] */
static uint64_t seq;                      /* the last event posted */
static struct sub subs[MONITOR_MAX_CLIENTS];
static unsigned wanted;                   /* every client's mask, or'ed */
static int wake_fd = -1;
static bool wake_pending;                 /* written, not yet seen by the server */

void events__init(void)
{
	pthread_mutex_lock(&lock);
	posted_faults = 0;
	seq = 0;
	memset(subs, 0, sizeof(subs));
	wanted = 0;
	wake_pending = false;
	pthread_mutex_unlock(&lock);
}

void events__set_wake(int fd)
{
	pthread_mutex_lock(&lock);
	wake_fd = fd;
	wake_pending = false;
	pthread_mutex_unlock(&lock);
}

void events__woken(void)
{
	pthread_mutex_lock(&lock);
	wake_pending = false;
	pthread_mutex_unlock(&lock);
}

void events__subscribe(unsigned slot, unsigned mask)
{
	if (slot >= MONITOR_MAX_CLIENTS)
		return;
	pthread_mutex_lock(&lock);
	if (!subs[slot].mask || !mask) /* a new subscription starts from now */
		subs[slot] = (struct sub){ .next = seq + 1 };
	subs[slot].mask = mask;
	wanted = 0;
	for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
		wanted |= subs[i].mask;
	pthread_mutex_unlock(&lock);
}

/* Under the lock: the slot for a new event of `kind`, or NULL if nobody wants it. */
static struct event *enqueue(unsigned kind)
{
	struct event *ev;

	if (!(wanted & kind))
		return NULL;
	ev = &ring[++seq % QUEUE];
	if (seq > QUEUE) /* the oldest goes: count it for whoever wanted it and had not read it */
		for (unsigned i = 0; i < MONITOR_MAX_CLIENTS; i++)
			if ((subs[i].mask & ev->kind) && subs[i].next <= ev->seq)
				subs[i].dropped++;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->seq = seq;
	if (!wake_pending && wake_fd >= 0) {
		uint64_t one = 1;

		if (write(wake_fd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice: nothing to do */
		}
		wake_pending = true;
	}
	return ev;
}

void monitor__post_fault(const struct monitor_fault *f)
{
	struct event *ev;

	pthread_mutex_lock(&lock);
	history[posted_faults++ % HISTORY] = *f;
	ev = enqueue(EV_FAULT);
	if (ev)
		ev->f = *f;
	pthread_mutex_unlock(&lock);
}

void monitor__post_stopped(const char *reason, int status)
{
	struct event *ev;

	pthread_mutex_lock(&lock);
	ev = enqueue(EV_STOPPED);
	if (ev) {
		snprintf(ev->reason, sizeof(ev->reason), "%s", reason ? reason : "");
		ev->status = status;
	}
	pthread_mutex_unlock(&lock);
}

void events__post_simple(unsigned kind, const char *name)
{
	struct event *ev;

	pthread_mutex_lock(&lock);
	ev = enqueue(kind);
	if (ev)
		ev->name = name;
	pthread_mutex_unlock(&lock);
}

static void fault_object(struct jw *out, const char *key, const struct monitor_fault *f)
{
	jw__begin_object(out, key);
	jw__u64(out, "cpu", f->cpu);
	jw__hex(out, "pc", f->pc);
	jw__u64(out, "el", f->el);
	jw__hex(out, "esr", f->esr);
	jw__hex(out, "far", f->far);
	if (f->ipa_valid)
		jw__hex(out, "ipa", f->ipa);
	if (f->insns)
		jw__u64(out, "insns", f->insns);
	if (f->stage2)
		jw__str(out, "stage2", f->stage2);
	jw__end_object(out);
}

static void event_line(struct jw *out, const char *name, uint64_t seq_)
{
	jw__begin_object(out, NULL);
	jw__str(out, "event", name);
	if (seq_)
		jw__u64(out, "seq", seq_);
}

void events__drain(unsigned slot, struct jw *out)
{
	unsigned n = 0, want;
	uint64_t dropped, from;

	if (slot >= MONITOR_MAX_CLIENTS)
		return;
	pthread_mutex_lock(&lock);
	want = subs[slot].mask;
	from = subs[slot].next;
	if (seq >= QUEUE && from < seq - QUEUE + 1)
		from = seq - QUEUE + 1; /* the older ones were overwritten (and counted) */
	for (uint64_t s = from; s <= seq; s++)
		if (ring[s % QUEUE].kind & want)
			taken[n++] = ring[s % QUEUE];
	subs[slot].next = seq + 1;
	dropped = subs[slot].dropped;
	subs[slot].dropped = 0;
	pthread_mutex_unlock(&lock);

	if (dropped) {
		event_line(out, "dropped", 0);
		jw__begin_object(out, "data");
		jw__u64(out, "count", dropped);
		jw__end_object(out);
		jw__end_object(out);
		jw__newline(out);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct event *ev = &taken[i];

		if (ev->kind == EV_FAULT) {
			event_line(out, "fault", ev->seq);
			fault_object(out, "data", &ev->f);
		} else if (ev->kind == EV_STOPPED) {
			event_line(out, "stopped", ev->seq);
			jw__begin_object(out, "data");
			jw__str(out, "reason", ev->reason);
			jw__i64(out, "status", ev->status);
			jw__end_object(out);
		} else {
			event_line(out, ev->name, ev->seq);
		}
		jw__end_object(out);
		jw__newline(out);
	}
}

void events__history(struct jw *out, const char *key, uint64_t max)
{
	static struct monitor_fault copy[HISTORY];
	uint64_t total, n;

	pthread_mutex_lock(&lock);
	total = posted_faults;
	n = total < HISTORY ? total : HISTORY;
	if (n > max)
		n = max;
	for (uint64_t i = 0; i < n; i++)
		copy[i] = history[(total - n + i) % HISTORY];
	pthread_mutex_unlock(&lock);

	jw__begin_object(out, key);
	jw__u64(out, "total", total);
	jw__begin_array(out, "faults");
	for (uint64_t i = 0; i < n; i++)
		fault_object(out, NULL, &copy[i]);
	jw__end_array(out);
	jw__end_object(out);
}
