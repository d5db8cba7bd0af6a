/* The trace ring and its JSON writer: see trace.h and docs/trace.md. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace/trace.h"

unsigned trace_mask;

struct trace_rec {
	uint64_t ts;
	uint64_t v[TRACE_MAX_ARGS];
	const char *name;
	const char *const *argn;
	uint8_t nargs, counter;
	uint16_t cpu;
};

static struct {
	struct trace_rec *ring;
	uint64_t n;              /* records ever written; the ring holds the last ones */
	uint64_t cap;            /* TRACE_RING_EVENTS, or VMM_TRACE_RING (tests) */
	pthread_mutex_t lock;
	const char *file, *engine, *events;
	struct timespec t0;
} tr = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const struct { const char *name; unsigned kind; } kinds[] = {
	{ "fault", TRACE_FAULT }, { "walk", TRACE_WALK }, { "tlb", TRACE_TLB },
	{ "tlbi", TRACE_TLBI }, { "cache", TRACE_CACHE }, { "exit", TRACE_EXIT },
	{ "all", TRACE_ALL },
};

int trace__parse(const char *events, unsigned *mask, char *why, size_t n)
{
	const char *p = events;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ","), k;

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strlen(kinds[k].name) == len && !strncmp(p, kinds[k].name, len))
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]) || !len)
			return snprintf(why, n, "--trace %s: unknown event kind '%.*s' (fault, walk, "
					"tlb, tlbi, cache, exit or all)", events, (int)len, p), -1;
		*mask |= kinds[k].kind;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*mask)
		return snprintf(why, n, "--trace: no event kind given"), -1;
	return 0;
}

int trace__start(const char *events, const char *file, const char *engine, char *err,
		 size_t errlen)
{
	unsigned mask;
	FILE *f;

	if (!events)
		return 0;
	if (trace__parse(events, &mask, err, errlen))
		return -EINVAL;
	/* fail now, not after the run: the file must be writable */
	if (!(f = fopen(file, "w"))) {
		int e = errno;

		snprintf(err, errlen, "--trace-file %s: %s", file, strerror(e));
		return -e;
	}
	fclose(f);
	/* VMM_TRACE_RING=N: a smaller ring (16 to TRACE_RING_EVENTS), to test the wrap */
	tr.cap = TRACE_RING_EVENTS;
	if (getenv("VMM_TRACE_RING")) {
		unsigned long v = strtoul(getenv("VMM_TRACE_RING"), NULL, 0);

		if (v >= 16 && v < TRACE_RING_EVENTS)
			tr.cap = v;
	}
	tr.ring = calloc(tr.cap, sizeof(*tr.ring));
	if (!tr.ring) {
		snprintf(err, errlen, "--trace: no memory for the ring");
		return -ENOMEM;
	}
	tr.file = file;
	tr.engine = engine;
	tr.events = events;
	tr.n = 0;
	clock_gettime(CLOCK_MONOTONIC, &tr.t0);
	__atomic_store_n(&trace_mask, mask, __ATOMIC_RELEASE);
	return 0;
}

uint64_t trace__wall_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - tr.t0.tv_sec) * 1000000u +
	       (uint64_t)((t.tv_nsec - tr.t0.tv_nsec) / 1000);
}

static void put(bool counter, const char *name, unsigned cpu, uint64_t ts,
		const char *const *argn, const uint64_t *argv, unsigned nargs)
{
	struct trace_rec *r;

	if (nargs > TRACE_MAX_ARGS)
		nargs = TRACE_MAX_ARGS;
	pthread_mutex_lock(&tr.lock);
	if (tr.ring) {
		r = &tr.ring[tr.n++ % tr.cap];
		r->ts = ts;
		r->name = name;
		r->argn = argn;
		r->nargs = (uint8_t)nargs;
		r->counter = counter;
		r->cpu = (uint16_t)cpu;
		memcpy(r->v, argv, nargs * sizeof(*argv));
	}
	pthread_mutex_unlock(&tr.lock);
}

void trace__instant(unsigned kind, const char *name, unsigned cpu, uint64_t ts,
		    const char *const *argn, const uint64_t *argv, unsigned nargs)
{
	if (trace_mask & kind)
		put(false, name, cpu, ts, argn, argv, nargs);
}

void trace__counter(unsigned kind, const char *name, unsigned cpu, uint64_t ts,
		    const char *const *argn, const uint64_t *argv, unsigned nargs)
{
	if (trace_mask & kind)
		put(true, name, cpu, ts, argn, argv, nargs);
}

int trace__finish(char *err, size_t errlen)
{
	uint64_t first, k, kept;
	FILE *f;
	int rc = 0;

	if (!tr.ring)
		return 0;
	__atomic_store_n(&trace_mask, 0, __ATOMIC_RELEASE);
	pthread_mutex_lock(&tr.lock);
	first = tr.n > tr.cap ? tr.n - tr.cap : 0;
	kept = tr.n - first;
	f = fopen(tr.file, "w");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "--trace-file %s: %s", tr.file, strerror(errno));
		goto out;
	}
	fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"engine\":\"%s\",\"events\":\"%s\","
		"\"time_unit\":\"%s\",\"recorded\":%llu,\"kept\":%llu,\"dropped\":%llu,"
		"\"ring\":%u,\"period\":%u},\n\"traceEvents\":[\n", tr.engine,
		tr.events, strcmp(tr.engine, "model") ? "us" : "instructions",
		(unsigned long long)tr.n, (unsigned long long)kept, (unsigned long long)first,
		(unsigned)tr.cap, TRACE_PERIOD);
	fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
		"\"args\":{\"name\":\"vmm %s\"}}", tr.engine);
	for (k = first; k < tr.n; k++) {
		const struct trace_rec *r = &tr.ring[k % tr.cap];

		fprintf(f, ",\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",\"ts\":%llu,\"pid\":1,"
			"\"tid\":%u,%s\"args\":{", r->name, r->name, r->counter ? "C" : "i",
			(unsigned long long)r->ts, r->cpu, r->counter ? "" : "\"s\":\"t\",");
		for (unsigned a = 0; a < r->nargs; a++) {
			/* counters are numbers; an instant's values addresses (hex strings)
			 * unless the name says otherwise */
			if (r->counter || !strcmp(r->argn[a], "el") || !strcmp(r->argn[a], "reason") ||
			    !strcmp(r->argn[a], "write") || !strcmp(r->argn[a], "ec"))
				fprintf(f, "%s\"%s\":%llu", a ? "," : "", r->argn[a],
					(unsigned long long)r->v[a]);
			else
				fprintf(f, "%s\"%s\":\"0x%llx\"", a ? "," : "", r->argn[a],
					(unsigned long long)r->v[a]);
		}
		fprintf(f, "}}");
	}
	fprintf(f, "\n]}\n");
	if (fclose(f)) {
		rc = -errno;
		snprintf(err, errlen, "--trace-file %s: %s", tr.file, strerror(errno));
	}
out:
	free(tr.ring);
	tr.ring = NULL;
	pthread_mutex_unlock(&tr.lock);
	return rc;
}
