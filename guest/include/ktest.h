/*
 * In-kernel tests reported in KTAP (Documentation/dev-tools/ktap.rst), one suite per
 * file under guest/tests/. A suite is a named array of cases; each case returns
 * KTEST_PASS, KTEST_FAIL or KTEST_SKIP and may print diagnostics with ktest_diag().
 * Suites are chosen on the kernel command line: ktest=boot,buddy (default: all).
 */
#ifndef GUEST_KTEST_H
#define GUEST_KTEST_H
#include <types.h>
#include <kernel.h>

enum ktest_result { KTEST_PASS, KTEST_FAIL, KTEST_SKIP };
struct ktest_case {
	const char *name;
	enum ktest_result (*run)(void);
};
struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	unsigned int nr_cases;
	bool explicit_only;	/* not part of "all": run only when named */
};
#define KTEST_SUITE(sname, arr) \
	static const struct ktest_suite __ktest_suite_##sname __used \
	__section(".ktest_suites") = { #sname, arr, ARRAY_SIZE(arr), false }
#define KTEST_SUITE_EXPLICIT(sname, arr) \
	static const struct ktest_suite __ktest_suite_##sname __used \
	__section(".ktest_suites") = { #sname, arr, ARRAY_SIZE(arr), true }

void ktest_diag(const char *fmt, ...) __printf(1, 2);
const char *ktest_skip_reason(const char *why);
#define KTEST_EXPECT(cond) do { if (!(cond)) { \
	ktest_diag("EXPECT failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	return KTEST_FAIL; } } while (0)
#define KTEST_EXPECT_EQ(a, b) do { u64 __a = (u64)(a), __b = (u64)(b); if (__a != __b) { \
	ktest_diag("EXPECT failed: %s == %s (%#lx != %#lx) (%s:%d)", #a, #b, __a, __b, \
		   __FILE__, __LINE__); return KTEST_FAIL; } } while (0)

/* Run /bin/NAME from the initramfs and wait for it (tests/test_user.c): PASS when it
 * exits 0, SKIP without an initramfs; *status_out (may be NULL) gets the wait status. */
enum ktest_result ktest_user_program(const char *name, int *status_out);

/* Runs the selected suites; returns the number of failed cases. */
int ktest_run_all(const char *selection);
/* A fatal error while a test runs: report it as failed and stop the run. */
void ktest_abort(const char *why) __attribute__((noreturn));
#endif
