/* The monitor test harness (harness.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

struct fake hfake;
char hsock[256];
static char hdir[128];

extern char **environ;

void h_start(const struct monitor_target_ops *ops)
{
	h_start_limited(ops, 0, 0);
}

void h_start_limited(const struct monitor_target_ops *ops, size_t max_reply, size_t max_unsent)
{
	struct monitor_config cfg = { .path = hsock, .version = "test", .engine = "fake",
				      .max_reply = max_reply, .max_unsent = max_unsent };
	char err[256];

	strcpy(hdir, "/tmp/vmm-inspect-test-XXXXXX");
	assert_non_null(mkdtemp(hdir));
	snprintf(hsock, sizeof(hsock), "%s/monitor.sock", hdir);
	if (monitor__start(&cfg, ops, &hfake, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		fail();
	}
}

void h_stop(void)
{
	monitor__stop();
	rmdir(hdir);
}

int h_setup_4k(void **state)
{
	(void)state;
	scenario_4k(&hfake);
	h_start(&fake_ops);
	return 0;
}

int h_setup_4k_model(void **state)
{
	(void)state;
	scenario_4k(&hfake);
	h_start(&fake_model_ops);
	return 0;
}

int h_teardown(void **state)
{
	(void)state;
	h_stop();
	fake__free(&hfake);
	return 0;
}

static char *slurp(int fd)
{
	size_t len = 0, cap = 65536;
	char *b = malloc(cap);
	ssize_t n;

	assert_non_null(b);
	while ((n = read(fd, b + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 4096) {
			cap *= 2;
			b = realloc(b, cap);
			assert_non_null(b);
		}
	}
	b[len] = 0;
	close(fd);
	return b;
}

static int vinspect(char **out, char **err, bool json, const char *fmt, va_list ap)
{
	char words[1024], *argv[40], *save = NULL;
	int argc = 0, po[2], pe[2], status;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	vsnprintf(words, sizeof(words), fmt, ap);
	argv[argc++] = (char *)INSPECT_BIN;
	argv[argc++] = (char *)"--socket";
	argv[argc++] = hsock;
	if (json)
		argv[argc++] = (char *)"--json";
	for (char *w = strtok_r(words, " ", &save); w && argc < 39; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	posix_spawn_file_actions_addclose(&fa, pe[0]);
	assert_int_equal(posix_spawn(&pid, INSPECT_BIN, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	*out = slurp(po[0]); /* small stderr: reading stdout first cannot deadlock */
	*err = slurp(pe[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int h_inspect(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vinspect(out, err, false, fmt, ap);
	va_end(ap);
	return rc;
}

static char *last_out;

const struct json *h_inspect_json(struct json_doc *doc, const char *fmt, ...)
{
	char *out, *err, perr[128];
	const struct json *ok;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vinspect(&out, &err, true, fmt, ap);
	va_end(ap);
	if (rc)
		fprintf(stderr, "vmm-inspect failed (%d): %s%s\n", rc, out, err);
	assert_int_equal(rc, 0);
	if (json__parse(out, strlen(out), doc, perr, sizeof(perr))) {
		fprintf(stderr, "bad JSON from vmm-inspect --json: %s\n%s\n", perr, out);
		fail();
	}
	free(last_out); /* the document's text spans point into it: keep the latest */
	last_out = out;
	free(err);
	ok = json__get(doc->root, "ok");
	assert_non_null(ok);
	return ok;
}

int h_connect(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char greeting[4096];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strcpy(a.sun_path, hsock);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_true(h_line(fd, greeting, sizeof(greeting)) > 0);
	assert_non_null(strstr(greeting, "\"protocol\":1"));
	return fd;
}

void h_send(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		assert_true(k > 0);
		s += k;
		n -= (size_t)k;
	}
}

long h_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		char c;

		if (poll(&p, 1, 5000) <= 0 || read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n') {
			buf[n] = 0;
			return (long)n;
		}
		buf[n++] = c;
	}
	buf[n] = 0;
	return (long)n;
}

void h_expect_lines(const char *have, const char *want)
{
	const char *h = have, *w = want;

	while (*w) {
		const char *wend = strchr(w, '\n');
		size_t wl = wend ? (size_t)(wend - w) : strlen(w);
		bool found = false;

		while (*h) {
			const char *hend = strchr(h, '\n');
			size_t hl = hend ? (size_t)(hend - h) : strlen(h);

			found = hl == wl && !memcmp(h, w, wl);
			h += hl + (hend != NULL);
			if (found)
				break;
		}
		if (!found) {
			fprintf(stderr, "expected line not found (in order):\n  %.*s\n"
				"--- output was:\n%s--- expected lines:\n%s", (int)wl, w, have, want);
			fail();
		}
		w += wl + (wend != NULL);
	}
}
