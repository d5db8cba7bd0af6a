/* What the monitor's files share: the server's state, a client session, the command
 * table and argument helpers. Not for the rest of vmm: monitor.h is the interface. */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "monitor.h"

/* Replies larger than this are refused (RequestTooLarge's mirror: ReplyTooLarge). */
#define MONITOR_MAX_REPLY ((size_t)512 << 20)
/* The replies of all clients that are not sent yet, together: a reply that would take
 * them beyond it is refused too, except that a client may always have one of up to
 * MONITOR_MIN_REPLY (an error reply, a status: whatever the others hold). */
#define MONITOR_MAX_UNSENT ((size_t)1 << 30)
#define MONITOR_MIN_REPLY ((size_t)64 << 10)
/* The limits in force (monitor_config may lower them), for the error message. */
extern size_t monitor_max_reply, monitor_max_unsent;

/* Event kinds a session can subscribe to (bit masks). */
enum {
	EV_FAULT = 1u << 0,
	EV_STOPPED = 1u << 1,
	EV_PAUSED = 1u << 2,   /* also "resumed" */
	EV_ALL = (1u << 3) - 1,
};

/* The target a command runs against. */
struct target {
	const struct monitor_target_ops *ops;
	void *t;
	const char *version, *engine;
};

/* Clients served at once; one more gets a Busy error line and is disconnected. */
#define MONITOR_MAX_CLIENTS 8
/* A client whose unsent output makes no progress that long is disconnected. */
#define MONITOR_SEND_STALL_MS (10 * 1000)

/* One connected client. */
struct session {
	struct target *tg;
	unsigned slot;       /* 0..MONITOR_MAX_CLIENTS-1: its place in the event ring */
	unsigned subs;       /* EV_* the client asked for */
	bool close_after;    /* "quit": close once the reply is sent */
};

/* Error reply classes (docs/monitor.md "Errors"). */
#define ERR_PARSE "ParseError"
#define ERR_REQUEST "InvalidRequest"
#define ERR_TOO_LARGE "RequestTooLarge"
#define ERR_NO_CMD "CommandNotFound"
#define ERR_ARG "InvalidArgument"
#define ERR_NOT_SUPPORTED "NotSupported"
#define ERR_BUSY "Busy"
#define ERR_TARGET "TargetError"
#define ERR_REPLY_TOO_LARGE "ReplyTooLarge"

struct cmd_error {
	const char *cls;
	char desc[256];
};
/* Fill e and return -1 (a handler's error return). */
int cmd__fail(struct cmd_error *e, const char *cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A command writes its result (one JSON value) to out, or fails through e. */
typedef int cmd_fn(struct session *s, const struct json *args, struct jw *out,
		   struct cmd_error *e);
struct command {
	const char *name;
	cmd_fn *fn;
	const char *const *args;  /* the argument names it accepts (NULL-terminated) */
};
const struct command *commands__find(const char *name);
void commands__list(struct jw *out, const char *key);

/* Arguments (args may be NULL: every argument takes its default). Each returns 0,
 * or -1 with e filled (InvalidArgument). */
int args__check(const struct json *args, const char *const *allowed, struct cmd_error *e);
int args__u64(const struct json *args, const char *name, uint64_t def, uint64_t *out,
	      struct cmd_error *e);
int args__bool(const struct json *args, const char *name, bool def, bool *out,
	       struct cmd_error *e);
/* One of names[] (NULL-terminated) -> its index. */
int args__enum(const struct json *args, const char *name, const char *const *names,
	       int def, int *out, struct cmd_error *e);
/* "cpu" (default 0), checked against the target's vCPU count. */
int args__cpu(struct session *s, const struct json *args, unsigned *cpu, struct cmd_error *e);
/* The registers of vCPU cpu, or a TargetError. */
int target__regs(struct session *s, unsigned cpu, struct vcpu_regs *r, struct cmd_error *e);

/* protocol.c: the greeting line, and one request line -> one reply line (both end
 * with '\n'). */
void protocol__greeting(struct target *tg, struct jw *out);
void protocol__handle(struct session *s, const char *line, size_t len, struct jw *out);
/* The error reply to a line longer than MONITOR_MAX_LINE. */
void protocol__too_large(struct jw *out);

/* events.c: the fault history and the ring of events, read by each client (slot
 * 0..MONITOR_MAX_CLIENTS-1) from its own position. */
void events__init(void);
/* fd (an eventfd) is written when an event is posted that some client wants, once
 * until the server calls events__woken (before it drains). */
void events__set_wake(int fd);
void events__woken(void);
/* The events client slot subscribes to (0: none; a new subscription starts with the
 * events posted after it). */
void events__subscribe(unsigned slot, unsigned mask);
/* Append every event slot subscribed to and has not been sent (one line each), after
 * a `dropped` line if the ring overwrote some before it read them. */
void events__drain(unsigned slot, struct jw *out);
/* The last faults, oldest first, as an array; and how many were dropped. */
void events__history(struct jw *out, const char *key, uint64_t max);
void events__post_simple(unsigned kind, const char *name);

#endif
