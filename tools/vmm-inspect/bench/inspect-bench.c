/* inspect-bench: how fast the monitor answers, over its real socket, with the fake
 * target of tests/inspect:
 *   pt    1 GiB mapped in 4 KiB pages (262,144 level-3 entries), from sending the
 *         request to the reply's last byte; target < 100 ms. Once with like pages
 *         (they merge into one range) and once with every other page read-only (no
 *         two merge: 262,144 ranges, the worst case for the reply's size).
 *   walk  one 4-level walk, request to reply; target < 1 ms.
 * and, for information, the whole `vmm-inspect pt` (process start to exit, JSON parsed
 * and printed as text to /dev/null).
 * Figures, not a test: wall time, median and best of several rounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "scenarios.h"

static struct fake fake;
static char sock[128], dir[64];
static char *buf;
static size_t cap = 1u << 20;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Connect and read past the greeting. */
static int open_client(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char c;

	strcpy(a.sun_path, sock);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		abort();
	while (read(fd, &c, 1) == 1 && c != '\n')
		;
	return fd;
}

/* Send req, read the reply to its newline; returns the reply's length. */
static size_t round_trip(int fd, const char *req)
{
	size_t len = 0;

	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		abort();
	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = read(fd, buf + len, cap - len);
		if (n <= 0)
			abort();
		len += (size_t)n;
		if (buf[len - 1] == '\n')
			return len;
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* rounds timings of req: median and best, in ms; the reply size. */
static void measure(int fd, const char *what, const char *req, int rounds, double target_ms)
{
	double t[1000];
	size_t bytes = 0;

	for (int i = 0; i < rounds; i++) {
		double t0 = now();

		bytes = round_trip(fd, req);
		t[i] = (now() - t0) * 1e3;
		if (strncmp(buf, "{\"id\":1,\"ok\":", 13)) {
			fprintf(stderr, "inspect-bench: %s: %.200s\n", what, buf);
			exit(1);
		}
	}
	qsort(t, (size_t)rounds, sizeof(t[0]), cmp);
	printf("%-44s median %8.3f ms  best %8.3f ms  p99 %8.3f ms  (%zu bytes)%s\n", what,
	       t[rounds / 2], t[0], t[rounds * 99 / 100], bytes,
	       target_ms > 0 ? (t[rounds / 2] < target_ms ? "  target met" : "  TARGET MISSED") : "");
}

/* The client binary end to end, output to /dev/null. */
static void measure_client(const char *what, int rounds)
{
	char cmd[512];
	double t[100];

	snprintf(cmd, sizeof(cmd), "%s --socket %s pt --ttbr0 > /dev/null", INSPECT_BIN, sock);
	for (int i = 0; i < rounds && i < 100; i++) {
		double t0 = now();

		if (system(cmd))
			abort();
		t[i] = (now() - t0) * 1e3;
	}
	qsort(t, (size_t)rounds, sizeof(t[0]), cmp);
	printf("%-44s median %8.3f ms  best %8.3f ms\n", what, t[rounds / 2], t[0]);
}

static void serve(uint64_t pages, bool alternate)
{
	struct monitor_config cfg = { .path = sock, .version = "bench", .engine = "fake" };
	char err[256];

	scenario_bench(&fake, pages, alternate);
	if (monitor__start(&cfg, &fake_ops, &fake, err, sizeof(err))) {
		fprintf(stderr, "inspect-bench: %s\n", err);
		exit(1);
	}
}

static void stop(void)
{
	monitor__stop();
	fake__free(&fake);
}

int main(int argc, char **argv)
{
	const uint64_t pages = 262144; /* 1 GiB of 4 KiB pages */
	int rounds = argc > 1 ? atoi(argv[1]) : 15, fd;

	if (rounds < 1 || rounds > 1000)
		rounds = 15;
	strcpy(dir, "/tmp/inspect-bench-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(sock, sizeof(sock), "%s/m.sock", dir);
	buf = malloc(cap);

	serve(pages, false);
	fd = open_client();
	measure(fd, "pt, 262144 PTEs, like pages (1 range)",
		"{\"id\":1,\"cmd\":\"pt\",\"args\":{\"tables\":\"ttbr0\"}}\n", rounds, 100);
	measure(fd, "walk 0x10012345 (4 levels), round trip",
		"{\"id\":1,\"cmd\":\"walk\",\"args\":{\"va\":\"0x10012345\"}}\n", 1000, 1);
	close(fd);
	measure_client("vmm-inspect pt (text), like pages", rounds);
	stop();

	serve(pages, true);
	fd = open_client();
	measure(fd, "pt, 262144 PTEs, none alike (262144 ranges)",
		"{\"id\":1,\"cmd\":\"pt\",\"args\":{\"tables\":\"ttbr0\"}}\n", rounds, 0);
	close(fd);
	measure_client("vmm-inspect pt (text), none alike", rounds < 5 ? rounds : 5);
	stop();
	rmdir(dir);
	free(buf);
	return 0;
}
