/* Reports: see report.h. Lines are formatted into a buffer on the caller's stack and
 * handed to the sink whole, so that lines of different threads never interleave. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define REPORT_LINE 1024 /* a sanitizer report with symbols and its writer fits */

static _Atomic(report_sink_fn *) sink;
static _Atomic(struct report_limit *) limits; /* every limit that has reported */

void report__set_sink(report_sink_fn *fn)
{
	atomic_store(&sink, fn);
}

static void emit(enum report_level level, const char *line)
{
	report_sink_fn *fn = atomic_load(&sink);
	static const char *const prefix[] = {
		[REPORT_INFO] = "vmm: ", [REPORT_WARN] = "vmm: warning: ",
		[REPORT_ERROR] = "vmm: error: ",
	};

	if (fn)
		fn(level, line);
	else
		fprintf(stderr, "%s%s\n", prefix[level], line);
}

void report_v(enum report_level level, const char *fmt, va_list ap)
{
	char line[REPORT_LINE];

	vsnprintf(line, sizeof(line), fmt, ap);
	emit(level, line);
}

void report(enum report_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_v(level, fmt, ap);
	va_end(ap);
}

/* Put rl on the summary's list once (lock-free push: any thread may report). */
static void list(struct report_limit *rl)
{
	bool no = false;

	if (atomic_load(&rl->listed) || !atomic_compare_exchange_strong(&rl->listed, &no, true))
		return;
	rl->next = atomic_load(&limits);
	while (!atomic_compare_exchange_weak(&limits, &rl->next, rl))
		;
}

void report_limited(struct report_limit *rl, enum report_level level, const char *fmt, ...)
{
	unsigned long n = atomic_fetch_add(&rl->count, 1) + 1;
	char line[REPORT_LINE];
	va_list ap;

	list(rl);
	if (n > rl->burst)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n == rl->burst) /* say so on the last one shown */
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 " (further %s are counted, not shown)", rl->what);
	emit(level, line);
}

void report__summary(void)
{
	struct report_limit *rl;

	for (rl = atomic_load(&limits); rl; rl = rl->next) {
		unsigned long n = atomic_load(&rl->count);

		if (n > rl->burst)
			report(REPORT_INFO, "%lu %s in all, %lu not shown", n, rl->what, n - rl->burst);
	}
}

unsigned long report__count(const struct report_limit *rl)
{
	return atomic_load(&rl->count);
}
