/* How every part of the VMM tells the user something. Only the CLI (main.c) prints:
 * it installs the sink that lines go to; everything else calls report() or, for
 * anything a guest or a user can make happen again and again, report_limited(),
 * which shows the first few and counts the rest (as Linux's printk_ratelimit), so
 * that no guest can flood the terminal. The counts of what was held back are printed
 * when the VM stops (report__summary()). Thread-safe; never blocks on a lock that a
 * report's caller may hold. */
#ifndef VMM_REPORT_H
#define VMM_REPORT_H

#include <stdarg.h>
#include <stdatomic.h>

enum report_level {
	REPORT_INFO,   /* "vmm: ..." */
	REPORT_WARN,   /* "vmm: warning: ..." */
	REPORT_ERROR,  /* "vmm: error: ..." */
};

/* One kind of repeated report, e.g. "guest accesses to unclaimed addresses". Define
 * one per call site with REPORT_LIMIT(); the first `burst` reports are shown. */
struct report_limit {
	const char *what;              /* plural noun phrase for the summary */
	unsigned burst;
	atomic_ulong count;            /* reports so far, shown or not */
	atomic_bool listed;            /* on the list the summary walks */
	struct report_limit *next;
};
#define REPORT_LIMIT(var, what_, burst_) \
	static struct report_limit var = { .what = (what_), .burst = (burst_) }
#define REPORT_BURST 5 /* the usual number shown of a repeated report */

void report(enum report_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_limited(struct report_limit *rl, enum report_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_v(enum report_level level, const char *fmt, va_list ap);

/* The CLI's side. The sink gets one complete line (no trailing newline) with its
 * level; without a sink, lines go to stderr. */
typedef void report_sink_fn(enum report_level level, const char *line);
void report__set_sink(report_sink_fn *sink);
/* One line per kind of report that was held back: "N more <what> not shown". */
void report__summary(void);
/* Reports of this kind so far (tests). */
unsigned long report__count(const struct report_limit *rl);

#endif
