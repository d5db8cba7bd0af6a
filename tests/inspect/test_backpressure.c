/* The monitor never lets one client stall the others (docs/monitor.md "The socket"):
 * a client that sends requests and does not read its replies fills its socket, yet
 * another client's request is answered at once and a subscriber gets its events; the
 * slow client is served in full once it reads, and dropped if it never does. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"
#include "scenarios.h"

static char line[1 << 16];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Send `status` requests (ids 0, 1, ...) on fd, reading nothing, until the socket
 * takes no more for half a second: the server no longer reads this client (its
 * replies fill the way back). Returns how many whole requests were sent. */
static unsigned fill_without_reading(int fd)
{
	uint64_t give_up = now_ms() + 30000;
	unsigned n = 0;
	char req[64];

	for (;;) {
		int len = snprintf(req, sizeof(req), "{\"id\":%u,\"cmd\":\"status\"}\n", n);
		struct pollfd p = { fd, POLLOUT, 0 };
		ssize_t k = send(fd, req, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k == len) {
			n++;
			continue;
		}
		assert_true(k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
		assert_true(now_ms() < give_up); /* the server must stop reading at some point */
		if (poll(&p, 1, 500) == 0)
			return n;
	}
}

/* Ask fd for `status` and return how long the reply took (ms); the reply must come
 * (h_line waits 5 s at most) and say the VM runs. */
static uint64_t timed_status(int fd, unsigned id)
{
	char req[64], want[64];
	uint64_t t0 = now_ms();

	snprintf(req, sizeof(req), "{\"id\":%u,\"cmd\":\"status\"}\n", id);
	snprintf(want, sizeof(want), "{\"id\":%u,\"ok\":{", id);
	h_send(fd, req, strlen(req));
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	if (strncmp(line, want, strlen(want)) || !strstr(line, "\"paused\":false")) {
		fprintf(stderr, "reply: %s\n", line);
		fail();
	}
	return now_ms() - t0;
}

/* While one client neither reads nor stops sending, another is answered in well
 * under SEND_STALL_MS (10 s; the figure is milliseconds) and a subscriber gets a fault
 * event as fast; the VM is neither paused nor stopped. Then the slow client reads and
 * gets every reply, in order. */
static void a_client_that_does_not_read_stalls_nobody(void **state)
{
	struct monitor_fault f = { .pc = 0x400000, .esr = 0x92000047, .far = 0x1234 };
	const char *subscribe = "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"fault\"]}}\n";
	int slow = h_connect(), other = h_connect(), sub = h_connect();
	unsigned sent, got = 0;
	uint64_t t0, ms;

	(void)state;
	h_send(sub, subscribe, strlen(subscribe));
	assert_true(h_line(sub, line, sizeof(line)) > 0);
	sent = fill_without_reading(slow);
	fprintf(stderr, "the slow client sent %u requests before its socket filled\n", sent);
	assert_true(sent > 100);

	ms = timed_status(other, 7);
	fprintf(stderr, "another client's reply took %llu ms\n", (unsigned long long)ms);
	assert_true(ms < 5000);
	t0 = now_ms();
	monitor__post_fault(&f);
	assert_true(h_line(sub, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, "{\"event\":\"fault\""));
	assert_true(now_ms() - t0 < 5000);
	assert_false(hfake.paused);
	assert_int_equal(hfake.quits, 0);

	while (got < sent && h_line(slow, line, sizeof(line)) > 0) {
		char want[32];

		snprintf(want, sizeof(want), "{\"id\":%u,\"ok\":{", got);
		if (strncmp(line, want, strlen(want))) {
			fprintf(stderr, "reply %u: %s\n", got, line);
			fail();
		}
		got++;
	}
	assert_int_equal(got, sent);
	close(slow);
	close(other);
	close(sub);
}

/* A client that never reads is dropped once its output has made no progress for
 * SEND_STALL_MS (it sees the hang-up without reading: reading would be progress), and
 * the others are served meanwhile and after. */
static void a_client_that_never_reads_is_dropped(void **state)
{
	int slow = h_connect(), other = h_connect();
	struct pollfd p = { slow, 0, 0 };
	unsigned sent, got = 0;
	uint64_t t0;

	(void)state;
	sent = fill_without_reading(slow);
	t0 = now_ms();
	assert_true(timed_status(other, 1) < 5000);
	/* POLLHUP: the server closed its end */
	while (!(p.revents & POLLHUP) && now_ms() - t0 < MONITOR_SEND_STALL_MS + 20000)
		assert_true(poll(&p, 1, 1000) >= 0);
	assert_true(p.revents & POLLHUP);
	fprintf(stderr, "dropped after %llu ms without progress\n",
		(unsigned long long)(now_ms() - t0));
	assert_true(timed_status(other, 2) < 5000);
	while (h_line(slow, line, sizeof(line)) > 0) /* what it got before the drop, then EOF */
		got++;
	assert_true(got < sent);
	close(slow);
	close(other);
}

/* A subscriber that reads nothing while faults pour in falls behind: the server stops
 * draining events for it once its socket is full, the ring overwrites its oldest, and
 * another client is served meanwhile. When it reads, every fault posted since it
 * subscribed either comes (seqs rising) or is counted by a `dropped` event. */
static void a_subscriber_that_falls_behind_loses_only_its_oldest_events(void **state)
{
	const char *subscribe = "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"fault\"]}}\n";
	const unsigned posted = 20000; /* some 2.5 MB of events: more than a socket holds */
	struct monitor_fault f = { .pc = 0x400000, .esr = 0x92000047 };
	int sub = h_connect(), other = h_connect();
	unsigned long long got = 0, dropped = 0, seq, last = 0, n;

	(void)state;
	h_send(sub, subscribe, strlen(subscribe));
	assert_true(h_line(sub, line, sizeof(line)) > 0);
	for (unsigned i = 0; i < posted; i++) { /* in bursts the server can drain: the */
		f.far = i;                        /* socket fills, not just the ring */
		monitor__post_fault(&f);
		if (i % 500 == 499)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	assert_true(timed_status(other, 1) < 5000);
	while (got + dropped < posted && h_line(sub, line, sizeof(line)) > 0) {
		if (sscanf(line, "{\"event\":\"fault\",\"seq\":%llu,", &seq) == 1) {
			assert_true(seq > last);
			last = seq;
			got++;
		} else if (sscanf(line, "{\"event\":\"dropped\",\"data\":{\"count\":%llu}}", &n) == 1) {
			dropped += n;
		} else {
			fprintf(stderr, "unexpected line: %s\n", line);
			fail();
		}
	}
	fprintf(stderr, "%u faults posted: %llu sent, %llu dropped\n", posted, got, dropped);
	assert_int_equal(got + dropped, posted);
	assert_true(dropped > 0);
	assert_true(timed_status(sub, 2) < 5000); /* and it is served on */
	close(sub);
	close(other);
}

/* The limits of the test below: one reply 192 KiB, the unsent replies of all clients
 * 256 KiB. A `mem` reply of 64 KiB is some 131 KiB of JSON (two hex digits a byte). */
#define LIMIT_REPLY (192u << 10)
#define LIMIT_UNSENT (256u << 10)
static const char mem64k[] =
	"{\"id\":%u,\"cmd\":\"mem\",\"args\":{\"addr\":\"0x40000000\",\"len\":65536,\"phys\":true}}\n";
static char big[1 << 18];

static int setup_limited(void **state)
{
	(void)state;
	scenario_4k(&hfake);
	h_start_limited(&fake_model_ops, LIMIT_REPLY, LIMIT_UNSENT);
	return 0;
}

/* Ask fd for the 64 KiB `mem` reply with id; 1 if it came, 0 if it was refused as
 * ReplyTooLarge with the room left (the message says why), anything else fails. */
static int mem_reply(int fd, unsigned id)
{
	char req[160], ok[32], refused[64];

	snprintf(req, sizeof(req), mem64k, id);
	snprintf(ok, sizeof(ok), "{\"id\":%u,\"ok\":{", id);
	snprintf(refused, sizeof(refused), "{\"id\":%u,\"error\":{\"class\":\"ReplyTooLarge\"", id);
	h_send(fd, req, strlen(req));
	assert_true(h_line(fd, big, sizeof(big)) > 0);
	if (!strncmp(big, ok, strlen(ok)) && strlen(big) > 2 * 65536)
		return 1;
	if (!strncmp(big, refused, strlen(refused)) && strstr(big, "the room left now") &&
	    strstr(big, "256 KiB together (one reply 192 KiB)"))
		return 0;
	fprintf(stderr, "reply %u: %.300s\n", id, big);
	fail();
	return -1;
}

/* The unsent replies of all clients together stay within their limit (here 256 KiB;
 * 1 GiB by default): while one client does not read four 131 KiB replies it asked
 * for, another's 131 KiB reply is refused as ReplyTooLarge, saying why, and its small
 * requests are answered; once the first has read its replies, the same request is
 * answered in full. The first client gets every reply, in order. */
static void the_unsent_replies_of_all_clients_have_a_limit(void **state)
{
	int hog = h_connect(), other = h_connect();
	char req[4 * 160];
	size_t n = 0;

	(void)state;
	for (unsigned id = 1; id <= 4; id++) /* in one go, reading nothing: its socket fills */
		n += (size_t)snprintf(req + n, sizeof(req) - n, mem64k, id);
	h_send(hog, req, n);
	/* served in the same pass of the server's poll as the requests above, or after */
	assert_true(timed_status(other, 10) < 5000);
	assert_int_equal(mem_reply(other, 11), 0);
	assert_true(timed_status(other, 12) < 5000);
	for (unsigned id = 1; id <= 4; id++) {
		char want[32];

		snprintf(want, sizeof(want), "{\"id\":%u,\"ok\":{", id);
		assert_true(h_line(hog, big, sizeof(big)) > 2 * 65536);
		assert_memory_equal(big, want, strlen(want));
	}
	assert_int_equal(mem_reply(other, 13), 1);
	assert_int_equal(mem_reply(hog, 5), 1);
	close(hog);
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_client_that_does_not_read_stalls_nobody),
		cmocka_unit_test(a_client_that_never_reads_is_dropped),
		cmocka_unit_test(a_subscriber_that_falls_behind_loses_only_its_oldest_events),
	};
	const struct CMUnitTest limited[] = {
		cmocka_unit_test(the_unsent_replies_of_all_clients_have_a_limit),
	};
	return cmocka_run_group_tests_name("monitor back-pressure", tests, h_setup_4k_model,
					   h_teardown) |
	       cmocka_run_group_tests_name("monitor reply limits", limited, setup_limited,
					   h_teardown);
}
