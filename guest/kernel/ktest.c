/*
 * KTAP test runner (Documentation/dev-tools/ktap.rst). Output:
 *   KTAP version 1
 *   1..<suites>
 *       KTAP version 1
 *       # Subtest: <suite>
 *       1..<cases>
 *       ok 1 <case>
 *   ok 1 <suite>
 * A suite is "ok" if every case passed or was skipped ("# SKIP" if all were skipped).
 * The selection is the ktest= command-line value: comma-separated suite names, or
 * "all" (the default). A name that matches no suite is reported as a failed test.
 */
#include <kernel.h>
#include <string.h>
#include <ktest.h>

extern const struct ktest_suite __ktest_suites_start[], __ktest_suites_end[];
static const char *skip_reason;

void ktest_diag(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("        # %s\n", buf);
}

const char *ktest_skip_reason(const char *why)
{
	skip_reason = why;
	return why;
}

static bool selected(const char *sel, const struct ktest_suite *s)
{
	const char *name = s->name;
	size_t n = strlen(name);

	if (!strcmp(sel, "all"))
		return !s->explicit_only;
	for (const char *p = sel; *p;) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool suite_exists(const char *name, size_t n)
{
	for (const struct ktest_suite *s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if (strlen(s->name) == n && !strncmp(s->name, name, n))
			return true;
	return false;
}

static int run_suite(const struct ktest_suite *s, unsigned int num)
{
	unsigned int failed = 0, skipped = 0;

	printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", s->name, s->nr_cases);
	for (unsigned int i = 0; i < s->nr_cases; i++) {
		skip_reason = NULL;
		enum ktest_result r = s->cases[i].run();
		if (r == KTEST_SKIP) {
			skipped++;
			printk("    ok %u %s # SKIP %s\n", i + 1, s->cases[i].name,
			       skip_reason ? skip_reason : "");
		} else {
			failed += r == KTEST_FAIL;
			printk("    %s %u %s\n", r == KTEST_PASS ? "ok" : "not ok", i + 1,
			       s->cases[i].name);
		}
	}
	printk("%s %u %s%s\n", failed ? "not ok" : "ok", num, s->name,
	       skipped == s->nr_cases ? " # SKIP" : "");
	return failed;
}

int ktest_run_all(const char *sel)
{
	unsigned int n = 0, num = 0;
	int failed = 0;
	const struct ktest_suite *s;

	for (s = __ktest_suites_start; s < __ktest_suites_end; s++)
		n += selected(sel, s);
	/* names that select nothing are reported, not ignored */
	unsigned int unknown = 0;
	if (strcmp(sel, "all"))
		for (const char *p = sel; *p;) {
			size_t len = strchr(p, ',') ? (size_t)(strchr(p, ',') - p) : strlen(p);
			unknown += len && !suite_exists(p, len);
			p += len + (p[len] == ',');
		}
	printk("KTAP version 1\n1..%u\n", n + unknown);
	for (s = __ktest_suites_start; s < __ktest_suites_end; s++)
		if (selected(sel, s))
			failed += run_suite(s, ++num) != 0;
	if (unknown)
		for (const char *p = sel; *p;) {
			size_t len = strchr(p, ',') ? (size_t)(strchr(p, ',') - p) : strlen(p);
			if (len && !suite_exists(p, len)) {
				printk("# ktest: no suite named '%.*s'\n", (int)len, p);
				printk("not ok %u %.*s\n", ++num, (int)len, p);
				failed++;
			}
			p += len + (p[len] == ',');
		}
	return failed;
}
