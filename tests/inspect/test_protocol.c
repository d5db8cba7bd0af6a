/* The monitor protocol over the real socket (docs/monitor.md): greeting, ids echoed,
 * errors for malformed, oversized, unknown and ill-typed requests with the server
 * serving on, several clients at once, a disconnect mid-line, events, the
 * client's credentials, and the model-only commands through vmm-inspect. */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

static char line[1 << 17];

static int setup(void **state)
{
	(void)state;
	scenario_4k(&hfake);
	hfake.tlb = mmu__tlb_create(NULL);
	h_start(&fake_model_ops);
	return 0;
}

/* Send one request line on fd and return the reply line. */
static const char *ask(int fd, const char *req)
{
	h_send(fd, req, strlen(req));
	h_send(fd, "\n", 1);
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	return line;
}

static void expect_prefix(const char *have, const char *want)
{
	if (strncmp(have, want, strlen(want))) {
		fprintf(stderr, "reply:    %s\nexpected: %s...\n", have, want);
		fail();
	}
}

/* The greeting first: {"vmm": {"version", "protocol": 1, "engine", "cpus",
 * "commands"}}. */
static void greeting_names_version_protocol_and_commands(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)state;
	strcpy(a.sun_path, hsock);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"vmm\":{\"version\":\"test\",\"protocol\":1,\"engine\":\"fake\","
		      "\"cpus\":1,\"commands\":[\"commands\",\"status\",");
	close(fd);
}

/* Any JSON id comes back verbatim; no id is null. */
static void replies_carry_the_request_id(void **state)
{
	int fd = h_connect();

	(void)state;
	expect_prefix(ask(fd, "{\"id\":\"abc\",\"cmd\":\"status\"}"),
		      "{\"id\":\"abc\",\"ok\":{\"version\":\"test\",\"engine\":\"fake\",\"cpus\":1,"
		      "\"paused\":false,\"model\":true}}");
	expect_prefix(ask(fd, "{\"cmd\":\"status\",\"id\":{\"n\":[1, 2.5]}}"),
		      "{\"id\":{\"n\":[1, 2.5]},\"ok\":{");
	expect_prefix(ask(fd, "{\"cmd\":\"status\"}"), "{\"id\":null,\"ok\":{");
	close(fd);
}

/* Every malformed request gets an error reply of its class, and the same
 * connection is served afterwards. */
static void bad_requests_get_errors_and_serving_goes_on(void **state)
{
	static const struct { const char *req, *reply; } cases[] = {
		{ "{bad", "{\"id\":null,\"error\":{\"class\":\"ParseError\"" },
		{ "\"\xff\"", "{\"id\":null,\"error\":{\"class\":\"ParseError\"" },
		{ "[1]", "{\"id\":null,\"error\":{\"class\":\"InvalidRequest\"" },
		{ "{\"id\":1}", "{\"id\":1,\"error\":{\"class\":\"InvalidRequest\","
			      "\"desc\":\"\\\"cmd\\\" must be a string\"}}" },
		{ "{\"id\":2,\"cmd\":\"nope\"}", "{\"id\":2,\"error\":{\"class\":\"CommandNotFound\","
			"\"desc\":\"unknown command \\\"nope\\\"\"}}" },
		{ "{\"id\":3,\"cmd\":\"walk\",\"args\":[]}",
		  "{\"id\":3,\"error\":{\"class\":\"InvalidRequest\"" },
		{ "{\"id\":4,\"cmd\":\"walk\",\"args\":{\"va\":\"zz\"}}",
		  "{\"id\":4,\"error\":{\"class\":\"InvalidArgument\"" },
		{ "{\"id\":5,\"cmd\":\"walk\",\"args\":{\"vaa\":1}}",
		  "{\"id\":5,\"error\":{\"class\":\"InvalidArgument\",\"desc\":\"unknown argument "
		  "\\\"vaa\\\"\"}}" },
		{ "{\"id\":6,\"cmd\":\"walk\",\"args\":{}}",
		  "{\"id\":6,\"error\":{\"class\":\"InvalidArgument\",\"desc\":\"\\\"va\\\" is required\"}}" },
		{ "{\"id\":7,\"cmd\":\"pt\",\"args\":{\"tables\":\"ttbr2\"}}",
		  "{\"id\":7,\"error\":{\"class\":\"InvalidArgument\"" },
		{ "{\"id\":8,\"cmd\":\"status\",\"extra\":1}",
		  "{\"id\":8,\"error\":{\"class\":\"InvalidRequest\"" },
		{ "{\"id\":9,\"cmd\":\"mem\",\"args\":{\"addr\":0,\"len\":65537}}",
		  "{\"id\":9,\"error\":{\"class\":\"InvalidArgument\"" },
	};
	int fd = h_connect();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_prefix(ask(fd, cases[i].req), cases[i].reply);
		expect_prefix(ask(fd, "{\"id\":0,\"cmd\":\"status\"}"), "{\"id\":0,\"ok\":");
	}
	/* blank lines are no requests: nothing comes back for them */
	expect_prefix(ask(fd, "  \r\n\n{\"id\":10,\"cmd\":\"status\"}"), "{\"id\":10,\"ok\":");
	close(fd);
}

/* A line longer than MONITOR_MAX_LINE is refused (and skipped to its end); a line
 * of exactly that length is served. */
static void oversized_lines_are_refused_and_the_next_served(void **state)
{
	static char big[MONITOR_MAX_LINE + 4096];
	const char *req = "{\"id\":1,\"cmd\":\"status\"}";
	int fd = h_connect();

	(void)state;
	memset(big, 'x', sizeof(big));
	h_send(fd, big, sizeof(big));
	expect_prefix(ask(fd, ""), "{\"id\":null,\"error\":{\"class\":\"RequestTooLarge\"");
	expect_prefix(ask(fd, req), "{\"id\":1,\"ok\":");
	memset(big, ' ', MONITOR_MAX_LINE);
	memcpy(big, req, strlen(req));
	h_send(fd, big, MONITOR_MAX_LINE);
	expect_prefix(ask(fd, ""), "{\"id\":1,\"ok\":");
	close(fd);
}

/* A client that goes away mid-line changes nothing; the next one is served. */
static void a_client_leaving_mid_line_harms_nothing(void **state)
{
	int fd = h_connect();

	(void)state;
	h_send(fd, "{\"id\":1,\"cmd\":\"qu", 17);
	close(fd);
	fd = h_connect();
	expect_prefix(ask(fd, "{\"id\":2,\"cmd\":\"status\"}"), "{\"id\":2,\"ok\":");
	close(fd);
	assert_int_equal(hfake.quits, 0);
}

/* Up to MONITOR_MAX_CLIENTS (8) clients are served at once, each with its own
 * replies; one more gets a Busy error line and is disconnected, and a slot freed by a
 * client that left is given to the next. */
static void up_to_eight_clients_are_served_at_once(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd[8], extra = socket(AF_UNIX, SOCK_STREAM, 0);
	char req[64], want[64];

	(void)state;
	for (int i = 0; i < 8; i++)
		fd[i] = h_connect();
	for (int i = 7; i >= 0; i--) { /* any order: each has its own line buffer */
		snprintf(req, sizeof(req), "{\"id\":%d,\"cmd\":\"status\"}", 100 + i);
		snprintf(want, sizeof(want), "{\"id\":%d,\"ok\":", 100 + i);
		expect_prefix(ask(fd[i], req), want);
	}
	strcpy(sa.sun_path, hsock);
	assert_int_equal(connect(extra, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_true(h_line(extra, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"error\":{\"class\":\"Busy\",\"desc\":");
	assert_int_equal(read(extra, line, 1), 0); /* and hung up */
	close(extra);
	close(fd[3]);
	fd[3] = h_connect(); /* greeted: the slot was freed */
	expect_prefix(ask(fd[3], "{\"id\":7,\"cmd\":\"status\"}"), "{\"id\":7,\"ok\":");
	for (int i = 0; i < 8; i++)
		close(fd[i]);
}

/* A half-sent request of one client does not hold up another. */
static void a_partial_line_does_not_block_other_clients(void **state)
{
	int a = h_connect(), b = h_connect();
	const char *head = "{\"id\":1,\"cmd\":\"sta", *tail = "tus\"}\n";

	(void)state;
	h_send(a, head, strlen(head));
	expect_prefix(ask(b, "{\"id\":2,\"cmd\":\"status\"}"), "{\"id\":2,\"ok\":");
	h_send(a, tail, strlen(tail));
	assert_true(h_line(a, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"id\":1,\"ok\":");
	close(a);
	close(b);
}

/* Every subscribed client gets each event it asked for, with the same seq; a client
 * that did not subscribe gets none, and one subscribed to other kinds gets only those. */
static void each_subscriber_gets_its_events(void **state)
{
	struct monitor_fault f = { .cpu = 0, .pc = 0x400000, .el = 0, .esr = 0x92000047,
				   .far = 0x1234 };
	int a = h_connect(), b = h_connect(), quiet = h_connect(), other = h_connect();
	char la[4096];

	(void)state;
	expect_prefix(ask(a, "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"fault\"]}}"),
		      "{\"id\":1,\"ok\":");
	expect_prefix(ask(b, "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"fault\"]}}"),
		      "{\"id\":1,\"ok\":");
	expect_prefix(ask(other, "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"paused\"]}}"),
		      "{\"id\":1,\"ok\":");
	monitor__post_fault(&f);
	assert_true(h_line(a, la, sizeof(la)) > 0);
	assert_true(h_line(b, line, sizeof(line)) > 0);
	expect_prefix(la, "{\"event\":\"fault\",\"seq\":");
	assert_string_equal(la, line);
	/* the others: their next line is the reply to their next request */
	expect_prefix(ask(quiet, "{\"id\":2,\"cmd\":\"status\"}"), "{\"id\":2,\"ok\":");
	expect_prefix(ask(other, "{\"id\":2,\"cmd\":\"pause\"}"), "{\"id\":2,\"ok\":");
	assert_true(h_line(other, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"event\":\"paused\"");
	expect_prefix(ask(other, "{\"id\":3,\"cmd\":\"continue\"}"), "{\"id\":3,\"ok\":");
	assert_true(h_line(other, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"event\":\"resumed\"");
	close(a);
	close(b);
	close(quiet);
	close(other);
}

/* Events reach a subscribed client after its replies; faults are kept for the
 * `faults` command whether or not anyone subscribed. */
static void subscribed_events_are_pushed(void **state)
{
	struct monitor_fault f = { .cpu = 0, .pc = 0xffff800000001234ull, .el = 1,
				   .esr = 0x96000007, .far = 0x616000, .insns = 99 };
	int fd = h_connect();

	(void)state;
	expect_prefix(ask(fd, "{\"id\":1,\"cmd\":\"subscribe\",\"args\":{\"events\":[\"fault\","
			  "\"paused\"]}}"), "{\"id\":1,\"ok\":{\"events\":[\"fault\",\"paused\"]}}");
	monitor__post_fault(&f);
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"event\":\"fault\",\"seq\":");
	assert_non_null(strstr(line, "\"data\":{\"cpu\":0,\"pc\":\"0xffff800000001234\",\"el\":1,"
			       "\"esr\":\"0x96000007\",\"far\":\"0x616000\",\"insns\":99}}"));
	expect_prefix(ask(fd, "{\"id\":2,\"cmd\":\"pause\"}"),
		      "{\"id\":2,\"ok\":{\"paused\":true,\"changed\":true}}");
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"event\":\"paused\"");
	expect_prefix(ask(fd, "{\"id\":3,\"cmd\":\"continue\"}"), "{\"id\":3,\"ok\":{\"paused\":false");
	assert_true(h_line(fd, line, sizeof(line)) > 0);
	expect_prefix(line, "{\"event\":\"resumed\"");
	expect_prefix(ask(fd, "{\"id\":4,\"cmd\":\"faults\",\"args\":{\"count\":1}}"),
		      "{\"id\":4,\"ok\":{\"history\":{\"total\":1,\"faults\":[{\"cpu\":0,");
	close(fd);
}

/* vmm-inspect faults --follow: the history, then new faults as they come, until
 * the VM stops. */
static void faults_follow_streams_until_the_vm_stops(void **state)
{
	struct monitor_fault f = { .cpu = 0, .pc = 0x400000, .el = 0, .esr = 0x92000047,
				   .far = 0x1234 };
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	char *argv[] = { (char *)INSPECT_BIN, (char *)"--socket", hsock, (char *)"faults",
			 (char *)"--follow", NULL };
	extern char **environ;
	int po[2], status;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char *out;
	FILE *r;
	size_t n = 0;

	(void)state;
	assert_int_equal(pipe(po), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	assert_int_equal(posix_spawn(&pid, INSPECT_BIN, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	/* until the client has subscribed, events only reach the history: keep posting */
	for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		monitor__post_fault(&f);
		monitor__post_stopped("guest powered off (PSCI SYSTEM_OFF)", 0);
		nanosleep(&ts, NULL);
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		fail_msg("vmm-inspect faults --follow did not end at the stopped event");
	}
	out = malloc(1 << 20);
	r = fdopen(po[0], "r");
	n = fread(out, 1, (1 << 20) - 1, r);
	out[n] = 0;
	fclose(r);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(out, "following (Ctrl-C to stop):\n"));
	assert_non_null(strstr(out, "vCPU 0 EL0 PC 0x400000 FAR 0x1234 ESR 0x92000047 EC=0x24 "
			       "(data abort from a lower EL) IL=1 ISS=0x47: translation fault, "
			       "level 3 WnR\n"));
	assert_non_null(strstr(out, "VM stopped: guest powered off (PSCI SYSTEM_OFF), status 0\n"));
	free(out);
}

/* pause, continue, quit reach the target; the replies say what happened. */
static void run_control(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "pause"), 0);
	assert_string_equal(out, "VM paused\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "pause"), 0);
	assert_string_equal(out, "VM paused (already)\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "status"), 0);
	assert_string_equal(out, "vmm test, engine fake, 1 vCPU, paused (tlb, cache and stats "
			    "available)\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "continue"), 0);
	assert_string_equal(out, "VM running\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "quit"), 0);
	assert_string_equal(out, "VM stopping\n");
	assert_int_equal(hfake.quits, 1);
	free(out);
	free(err);
}

/* regs: system registers decoded field by field (Arm ARM register descriptions). */
static void regs_are_decoded(void **state)
{
	char *out, *err;

	(void)state;
	hfake.regs[0].esr_el1 = 0x96000047;
	hfake.regs[0].spsr_el1 = 0x600003c5;
	assert_int_equal(h_inspect(&out, &err, "regs"), 0);
	h_expect_lines(out,
		"vCPU 0  PC 0xffff800000001000  EL1h  nzcv  DAIF\n"
		"x0  0000000000000000  x1  0000000000001000  x2  0000000000002000  x3  0000000000003000\n"
		"x28 000000000001c000  x29 000000000001d000  x30 000000000001e000\n"
		"SCTLR_EL1       0x0000000000001005  M C I (MMU on)\n"
		"TCR_EL1         0x0000000580100010  T0SZ=16 (48-bit) TG0=4K  T1SZ=16 (48-bit) TG1=4K  IPS=48-bit  ASID from TTBR0, 8-bit\n"
		"TTBR0_EL1       0x0005000043000000  ASID=0x5 BADDR=0x43000000\n"
		"MAIR_EL1        0x000000000444ff00  0=Device-nGnRnE 1=Normal-WB 2=Normal-NC 3=Device-nGnRE\n"
		"ESR_EL1         0x0000000096000047  EC=0x25 (data abort from the same EL) IL=1 ISS=0x47: translation fault, level 3 WnR\n"
		"SPSR_EL1        0x00000000600003c5  EL1h  nZCv  DAIF\n");
	free(out);
	free(err);
}

/* tlb marks the entries the tables no longer give: each leaf entry of the current
 * VMID and ASID (or global) is walked again. Against scenario_4k's TTBR0 (ASID 5, in
 * scenarios.c): VA 0x610000 -> PA 0x40500000 Normal-WB EL1 rw- EL0 rw- nG matches;
 * 0x611000 now goes to 0x40501000, not 0x40509000; 0x614000 is a hole (translation
 * fault); 0x615000 gives EL0 rw- too, not EL1 only; an ASID 7 entry has no verdict
 * (its tables are not the current TTBR0's). --va keeps the entries that hold VA. */
static void tlb_marks_entries_the_tables_no_longer_give(void **state)
{
	/* AP=01: EL1 and EL0 read/write, and AP[1] set (MMU_PERM_USER, what PAN tests) */
	const unsigned rw = MMU_PERM_R1 | MMU_PERM_W1 | MMU_PERM_R0 | MMU_PERM_W0 |
			    MMU_PERM_USER;
	const struct mmu_tlb_entry ents[] = {
		{ .va = 0x610000, .pa = 0x40500000, .perms = rw, .asid = 5 },
		{ .va = 0x611000, .pa = 0x40509000, .perms = rw, .asid = 5 },
		{ .va = 0x614000, .pa = 0x40504000, .perms = rw, .asid = 5 },
		{ .va = 0x615000, .pa = 0x40503000, .perms = MMU_PERM_R1 | MMU_PERM_W1, .asid = 5 },
		{ .va = 0x618000, .pa = 0x40508000, .perms = rw, .asid = 7 },
	};
	static const int stale[] = { 0, 1, 1, 1, -1 }; /* -1: no verdict */
	struct json_doc d;
	const struct json *r, *lv, *es;
	char *out, *err;

	(void)state;
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		struct mmu_tlb_entry e = ents[i];

		e.tag = 0 << 2 | MMU_TLB_S1;
		e.shift = 12;
		e.attr = 0xff;
		e.sh = 3;
		e.level = 3;
		e.s2_desc_pa = ~0ull;
		mmu__tlb_fill(hfake.tlb, &e, MMU_READ);
	}
	r = h_inspect_json(&d, "tlb");
	lv = json__get(r, "levels");
	unsigned seen = 0; /* each entry at every level that holds it (L1D and L2) */
	for (const struct json *l = lv->u.kids.first; l; l = l->next)
	for (const struct json *e = (es = json__get(l, "entries"))->u.kids.first; e; e = e->next) {
		const struct json *st = json__get(e, "stale");
		uint64_t ia = 0;
		size_t i = 0;

		assert_true(json__u64(json__get(e, "ia"), &ia));
		while (i < 5 && ents[i].va != ia)
			i++;
		if (i == 5)
			continue; /* an entry an earlier test filled */
		if (stale[i] < 0) {
			assert_null(st);
		} else {
			assert_non_null(st);
			assert_int_equal(st->type, JSON_BOOL);
			assert_int_equal(st->u.b, stale[i]);
		}
		seen |= 1u << i;
	}
	assert_int_equal(seen, 0x1f);
	json__free(&d);
	assert_int_equal(h_inspect(&out, &err, "tlb --va 0x611abc"), 0);
	h_expect_lines(out,
		"  0x0000000000611000    4K s1  vmid 0 asid 5    L3 -> 0x40509000  EL1 rw- EL0 rw- IS "
		"Normal-WB  STALE: the tables now say otherwise\n");
	assert_null(strstr(out, "0x0000000000610000"));
	free(out);
	free(err);
}

/* The model's TLB and caches, and its counters (target ops mmu_view, stats). */
static void tlb_cache_and_stats_on_the_model(void **state)
{
	struct mmu_tlb_entry e = { .va = 0x600000, .pa = 0x40400000, .tag = 1 << 2 | MMU_TLB_S1,
				   .asid = 5, .shift = 12, .perms = MMU_PERM_R1 | MMU_PERM_X1,
				   .attr = 0xff, .sh = 3, .level = 3, .s2_desc_pa = ~0ull };
	struct mmu_cache_geom g = { 64, 4, 0 };
	char *out, *err;

	(void)state;
	mmu__tlb_fill(hfake.tlb, &e, MMU_READ);
	assert_int_equal(h_inspect(&out, &err, "tlb"), 0);
	h_expect_lines(out,
		"l1d 16x4: hits 0 misses 0 fills 1 evictions 0 invalidated 0, 1 entries\n"
		"  0x0000000000600000    4K s1  vmid 1 asid 5    L3 -> 0x40400000  EL1 r-x EL0 --- IS Normal-WB\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "tlb --asid 6"), 0);
	assert_null(strstr(out, "0x0000000000600000"));
	free(out);
	free(err);
	hfake.caches.l1d = mmu__cache_create(&g, MMU_CTR_DEFAULT, false);
	hfake.caches.ctr_el0 = MMU_CTR_DEFAULT;
	mmu__cache_access(&hfake.caches, 0x40400000, 8, MMU_READ, true);
	assert_int_equal(h_inspect(&out, &err, "cache --lines"), 0);
	h_expect_lines(out, "l1d 64 sets x 4 ways x 64 B: 1 valid, 0 dirty; hits 0 misses 1 "
		       "evictions 0 writebacks 0 uncached 0; maintenance: cleans 0 invalidates 0 "
		       "zeroes 0\n  0x0000000040400000\n");
	free(out);
	free(err);
	mmu__cache_destroy(hfake.caches.l1d);
	hfake.caches.l1d = NULL;
	assert_int_equal(h_inspect(&out, &err, "stats"), 0);
	h_expect_lines(out, "cpu0.insns                               12345\n");
	free(out);
	free(err);
}

/* The socket is 0600 and a client of another user is refused: by the file mode,
 * and (the mode opened on purpose) by the SO_PEERCRED check. Needs root to act as
 * another user. */
static void clients_of_another_user_are_refused(void **state)
{
	char dir[sizeof(hsock)];
	struct stat st;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(stat(hsock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	if (geteuid() != 0)
		skip();
	strcpy(dir, hsock);
	*strrchr(dir, '/') = 0;
	assert_int_equal(chmod(dir, 0711), 0); /* mkdtemp's 0700 would stop it first */
	assert_int_equal(chmod(hsock, 0666), 0);
	pid = fork();
	if (pid == 0) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(a.sun_path, hsock);
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
			_exit(11);
		if (h_line(fd, line, sizeof(line)) <= 0)
			_exit(12);
		if (!strstr(line, "\"class\":\"PermissionDenied\"") ||
		    !strstr(line, "client uid 65534 is not vmm's (0): refused"))
			_exit(13);
		_exit(h_line(fd, line, sizeof(line)) == -1 ? 0 : 14); /* then closed */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(hsock, 0600), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = fork();
	if (pid == 0) { /* with the mode back to 0600, connect() itself is refused */
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int fd;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		strcpy(a.sun_path, hsock);
		_exit(connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EACCES ? 0 : 15);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greeting_names_version_protocol_and_commands),
		cmocka_unit_test(replies_carry_the_request_id),
		cmocka_unit_test(bad_requests_get_errors_and_serving_goes_on),
		cmocka_unit_test(oversized_lines_are_refused_and_the_next_served),
		cmocka_unit_test(a_client_leaving_mid_line_harms_nothing),
		cmocka_unit_test(up_to_eight_clients_are_served_at_once),
		cmocka_unit_test(a_partial_line_does_not_block_other_clients),
		cmocka_unit_test(subscribed_events_are_pushed),
		cmocka_unit_test(faults_follow_streams_until_the_vm_stops),
		cmocka_unit_test(run_control),
		cmocka_unit_test(regs_are_decoded),
		cmocka_unit_test(tlb_cache_and_stats_on_the_model),
		cmocka_unit_test(tlb_marks_entries_the_tables_no_longer_give),
		cmocka_unit_test(clients_of_another_user_are_refused),
		/* last: it adds to the fault history the tests above count */
		cmocka_unit_test(each_subscriber_gets_its_events),
	};
	return cmocka_run_group_tests_name("monitor protocol", tests, setup, h_teardown);
}
