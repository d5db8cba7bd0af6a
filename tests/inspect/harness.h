/* Test harness for the monitor: the real server on a socket in a fresh temporary
 * directory, serving a fake target (fake_target.h); the real vmm-inspect binary run
 * against it, or a raw socket for protocol tests. */
#ifndef TESTS_INSPECT_HARNESS_H
#define TESTS_INSPECT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "descs.h"
#include "fake_target.h"
#include "json.h"

extern struct fake hfake;          /* the target the monitor serves */
extern char hsock[256];            /* its socket path */

/* Start the monitor over hfake (already built by the caller) with ops. */
void h_start(const struct monitor_target_ops *ops);
/* The same with the monitor's reply limits lowered (monitor_config; 0: the default). */
void h_start_limited(const struct monitor_target_ops *ops, size_t max_reply, size_t max_unsent);
void h_stop(void);
/* cmocka fixtures: hfake as scenario_4k, the monitor started with fake_ops (kvm-like)
 * or fake_model_ops; and their teardown (the monitor stopped, hfake freed) */
int h_setup_4k(void **state);
int h_setup_4k_model(void **state);
int h_teardown(void **state);

/* Run vmm-inspect --socket hsock ARGS (space-separated words); its stdout in *out and
 * stderr in *err (malloc'ed, NUL-terminated); returns its exit status. */
int h_inspect(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with --json: the reply's "ok" value parsed into doc (asserts success). */
const struct json *h_inspect_json(struct json_doc *doc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A raw connection: connected and past the greeting. */
int h_connect(void);
void h_send(int fd, const char *s, size_t n);
/* The next line (without newline) into buf, waiting up to 5 s; returns its length,
 * or -1 on end of stream / timeout. */
long h_line(int fd, char *buf, size_t len);

/* Expect: every line of `want` appears in `have`, in order (other lines may come in
 * between); on a mismatch, print both and fail. */
void h_expect_lines(const char *have, const char *want);

#endif
