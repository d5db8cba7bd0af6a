/* init (PID 1) of the arm64 KVM test host started by tools/kvm-host.
 *
 * Mounts /proc, /sys and /dev, then runs the commands listed in /kvm-host/cmds one
 * after the other and powers the machine off. The file holds each argument followed
 * by a NUL byte, and an empty argument (a second NUL) after each command. A line
 * "/kvm-host/timeout" (decimal seconds) bounds each command; default 600.
 *
 * Leading arguments starting with '@' are for this init, not the command:
 *   @stdin=console   the command reads the console (default: /dev/null)
 *   @expect=TEXT     once TEXT appears in the command's output (escapes as @send;
 *                    several @expect must be seen in order) ...
 *   @send=TEXT       ... write TEXT to its stdin (a pipe): a tiny `expect`, so a
 *                    test can type at a guest only once the guest is listening.
 *                    TEXT may hold \n, \r, \\ and \xNN escapes (\x01 is Ctrl-A).
 *   @timeout=S       kill this command after S seconds (instead of the default)
 *   @measure         when each @expect is seen, print the time since the command
 *                    started and its memory: VmRSS, and RSS beyond its largest
 *                    mapping (for vmm, the guest RAM).
 *   @storm=SIG       once every @expect was seen (with none: after a second), check
 *                    that every thread of the command blocks SIGHUP, SIGINT and
 *                    SIGTERM (but one waiting for them in sigtimedwait) and that it
 *                    catches none; send it SIG (HUP, INT or TERM), wait until it took
 *                    it off its pending set, then send 49 more, SIGINT and SIGTERM
 *                    mixed, in a tight loop; print how long after SIG it ended.
 *   @stdout=stuck    the command's stdout is a pipe nobody reads (stderr is still
 *                    shown), of one page: after 4 KiB at most its writes block.
 *                    @storm then waits for it to hold the same for 2 s.
 *   @monitor=PATH    once every @expect was seen, connect to the monitor socket
 *   @request=JSON    PATH (vmm run --monitor) and send each @request line in turn,
 *                    printing "kvm-host-init: monitor: " and the reply line (events
 *                    are skipped); a tiny vmm-inspect for the KVM tests.
 *   @gdb-relay=PATH  relay the virtio-serial port named "gdb" (tools/kvm-host
 *                    --gdb-socket: a UNIX socket on the machine that runs qemu) to
 *                    the UNIX socket PATH (vmm run --gdb unix:PATH) while the command
 *                    runs: connects once PATH accepts, then prints
 *                    "kvm-host-init: gdb relay: connected", so that a gdb outside may
 *                    attach (and, after it detached, another); ends when the vmm
 *                    side hangs up or the command ends.
 *
 * Kernel modules in /kvm-host/modules (tools/kvm-host --gdb-socket puts virtio_mmio and
 * virtio_console there) are loaded first, in name order.
 *
 * Around each command it prints markers that tools/kvm-host parses:
 *   @@kvm-host: begin N@@
 *   @@kvm-host: end N status S@@   S = exit status, 128+signal, or "timeout"
 * Built statically with the aarch64 cross compiler by tools/kvm-host. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64

static void mount_or_warn(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) < 0)
		dprintf(2, "kvm-host-init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static char *read_file(const char *path, size_t *len)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

static unsigned read_timeout(void)
{
	size_t len;
	char *s = read_file("/kvm-host/timeout", &len);
	unsigned t = s ? (unsigned)strtoul(s, NULL, 10) : 0;

	return t ? t : 600;
}

#define MAX_EXPECT 4
#define MAX_REQUEST 8

struct cmd_opts {
	int stdin_console, measure;
	unsigned timeout;
	const char *expect[MAX_EXPECT], *send;
	unsigned nexpect;
	int storm;            /* @storm: the first signal, 0 for none */
	int stuck;            /* @stdout=stuck */
	const char *monitor;  /* @monitor=PATH */
	const char *request[MAX_REQUEST];
	unsigned nrequest;
	const char *gdb_relay; /* @gdb-relay=PATH */
	int stuck_bytes;      /* ... what its pipe held, since when */
	struct timespec stuck_since;
	pid_t pid;
	struct timespec start, stormed; /* stormed: when the first signal went */
};

/* Expands \n, \r, \\ and \xNN in place. */
static char *unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (r[0] != '\\' || !r[1]) {
			*w++ = *r++;
			continue;
		}
		r++;
		if (*r == 'n') *w++ = '\n', r++;
		else if (*r == 'r') *w++ = '\r', r++;
		else if (*r == 'x' && r[1] && r[2]) {
			char hex[3] = { r[1], r[2], 0 };

			*w++ = (char)strtoul(hex, NULL, 16);
			r += 3;
		} else *w++ = *r++;
	}
	*w = 0;
	return s;
}

static char **parse_opts(char **argv, struct cmd_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (; *argv && (*argv)[0] == '@'; argv++) {
		if (!strcmp(*argv, "@stdin=console"))
			o->stdin_console = 1;
		else if (!strncmp(*argv, "@timeout=", 9))
			o->timeout = (unsigned)strtoul(*argv + 9, NULL, 10);
		else if (!strcmp(*argv, "@measure"))
			o->measure = 1;
		else if (!strncmp(*argv, "@expect=", 8) && o->nexpect < MAX_EXPECT)
			o->expect[o->nexpect++] = unescape(*argv + 8);
		else if (!strncmp(*argv, "@send=", 6))
			o->send = unescape(*argv + 6);
		else if (!strcmp(*argv, "@storm=TERM"))
			o->storm = SIGTERM;
		else if (!strcmp(*argv, "@storm=INT"))
			o->storm = SIGINT;
		else if (!strcmp(*argv, "@storm=HUP"))
			o->storm = SIGHUP;
		else if (!strcmp(*argv, "@stdout=stuck"))
			o->stuck = 1;
		else if (!strncmp(*argv, "@monitor=", 9))
			o->monitor = *argv + 9;
		else if (!strncmp(*argv, "@request=", 9) && o->nrequest < MAX_REQUEST)
			o->request[o->nrequest++] = *argv + 9;
		else if (!strncmp(*argv, "@gdb-relay=", 11))
			o->gdb_relay = *argv + 11;
		else
			dprintf(2, "kvm-host-init: unknown option %s\n", *argv);
	}
	return argv;
}

/* Memory of pid from /proc/pid/smaps: total RSS and the RSS of its largest mapping. */
static void measure(const struct cmd_opts *o, const char *what)
{
	unsigned long long lo, hi, size = 0, big = 0, big_rss = 0, rss, total = 0;
	struct timespec now;
	char path[64], line[512];
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)o->pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			size = hi - lo;
		else if (sscanf(line, "Rss: %llu kB", &rss) == 1) {
			total += rss;
			if (size > big) {
				big = size;
				big_rss = rss;
			}
		}
	}
	if (f)
		fclose(f);
	printf("\nkvm-host-init: '%s' after %.3f s; RSS %llu KiB, largest mapping %llu KiB "
	       "(%llu KiB resident), RSS beyond it %llu KiB\n", what,
	       (double)(now.tv_sec - o->start.tv_sec) + (now.tv_nsec - o->start.tv_nsec) / 1e9,
	       total, big >> 10, big_rss, total - big_rss);
	fflush(stdout);
}

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* The hex mask after "Name:" in /proc/<pid>[/task/<tid>]/status; 0 if absent. */
static unsigned long long status_mask(const char *path, const char *name)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)))
			v = strtoull(line + strlen(name), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

#define STOP_SIGNALS (1ULL << (SIGHUP - 1) | 1ULL << (SIGINT - 1) | 1ULL << (SIGTERM - 1))

/* Can a stop signal run a handler in pid? Prints what it finds. */
static void check_masks(pid_t pid)
{
	char path[320], wchan[64];
	struct dirent *e;
	DIR *d;
	int bad = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (status_mask(path, "SigCgt:") & STOP_SIGNALS) {
		printf("\nkvm-host-init: storm: %d catches SIGHUP, SIGINT or SIGTERM\n", (int)pid);
		bad = 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		int fd;
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)pid, e->d_name);
		fd = open(path, O_RDONLY);
		n = fd >= 0 ? read(fd, wchan, sizeof(wchan) - 1) : -1;
		if (fd >= 0)
			close(fd);
		wchan[n > 0 ? n : 0] = 0;
		if (strstr(wchan, "sigtimedwait")) /* unblocked while it waits for them */
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, e->d_name);
		if ((status_mask(path, "SigBlk:") & STOP_SIGNALS) != STOP_SIGNALS) {
			printf("\nkvm-host-init: storm: thread %s of %d does not block SIGHUP, "
			       "SIGINT and SIGTERM\n", e->d_name, (int)pid);
			bad = 1;
		}
	}
	if (d)
		closedir(d);
	if (!bad)
		printf("\nkvm-host-init: storm: every thread blocks SIGHUP, SIGINT and SIGTERM, "
		       "none catches them\n");
	fflush(stdout);
}

/* @storm: the first signal, and once it is taken, 49 more in a tight loop. */
static void storm(struct cmd_opts *o)
{
	char path[64];
	int i;

	check_masks(o->pid);
	clock_gettime(CLOCK_MONOTONIC, &o->stormed);
	kill(o->pid, o->storm);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)o->pid);
	for (i = 0; i < 200 && (status_mask(path, "ShdPnd:") || status_mask(path, "SigPnd:")); i++)
		usleep(5000);
	for (i = 0; i < 49; i++)
		kill(o->pid, i % 3 ? SIGINT : SIGTERM);
}

/* Copies the child's output to the console until it closes it, sending o->send
 * once every o->expect was seen in order; gives up at the deadline. Returns 0, or
 * -1 on timeout. */
/* Has the @stdout=stuck pipe been full for 2 s? Full is when it stops growing: a
 * write that does not fit the last page waits for a free one, however much of the
 * page is left. */
static int stuck_long_enough(struct cmd_opts *o, int fd)
{
	int queued = 0;

	if (ioctl(fd, FIONREAD, &queued) < 0 || !queued || queued != o->stuck_bytes) {
		o->stuck_bytes = queued;
		clock_gettime(CLOCK_MONOTONIC, &o->stuck_since);
		return 0;
	}
	return since(&o->stuck_since) >= 2;
}

/* One line from the monitor (at most 10 s), NUL-terminated; -1 on error or EOF. */
static int monitor_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 10000) <= 0 || read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = 0;
	return 0;
}

/* @monitor, @request: each request's reply on stdout. */
static void monitor_requests(const struct cmd_opts *o)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	static char line[65536];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned i;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", o->monitor);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    monitor_line(fd, line, sizeof(line)) < 0) {
		printf("\nkvm-host-init: monitor: cannot connect to %s: %s\n", o->monitor,
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	printf("\nkvm-host-init: monitor: %s\n", line); /* the greeting */
	for (i = 0; i < o->nrequest; i++) {
		dprintf(fd, "%s\n", o->request[i]);
		do {
			if (monitor_line(fd, line, sizeof(line)) < 0) {
				printf("kvm-host-init: monitor: no reply to %s\n", o->request[i]);
				close(fd);
				return;
			}
		} while (!strncmp(line, "{\"event\"", 8));
		printf("kvm-host-init: monitor: %s\n", line);
	}
	fflush(stdout);
	close(fd);
}

/* /dev/vportNpM of the virtio-serial port named name, opened read-write; -1 if none. */
static int open_vport(const char *name)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int fd = -1;

	while (d && fd < 0 && (e = readdir(d))) {
		char path[300];
		size_t len;
		char *s;

		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", e->d_name);
		s = read_file(path, &len);
		if (s && len && s[len - 1] == '\n')
			s[len - 1] = 0;
		if (s && !strcmp(s, name)) {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
	}
	if (d)
		closedir(d);
	return fd;
}

/* 0, or -1 when from gave nothing (end of file, an error) or to took nothing */
static int copy_some(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	for (ssize_t done = 0; done < n;) {
		ssize_t w = write(to, buf + done, (size_t)(n - done));

		if (w <= 0)
			return -1;
		done += w;
	}
	return 0;
}

/* @gdb-relay: a child of its own, killed when the command ends. */
static void gdb_relay(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int sfd = -1, pfd = -1;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	for (int k = 0; k < 600 && sfd < 0; k++) { /* the vmm creates it when it starts */
		sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sfd >= 0 && connect(sfd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			close(sfd);
			sfd = -1;
			usleep(50000);
		}
	}
	for (int k = 0; k < 200 && sfd >= 0 && pfd < 0; k++) /* udev-less: wait for the node */
		if ((pfd = open_vport("gdb")) < 0)
			usleep(50000);
	if (sfd < 0 || pfd < 0) {
		printf("\nkvm-host-init: gdb relay: cannot connect %s to the virtio port \"gdb\"\n",
		       path);
		_exit(1);
	}
	printf("\nkvm-host-init: gdb relay: connected\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { .fd = pfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };

		if (poll(p, 2, 1000) < 0)
			break;
		if ((p[1].revents & (POLLIN | POLLHUP)) && copy_some(sfd, pfd) < 0)
			break; /* the vmm went */
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		/* while nothing is connected outside the port polls POLLHUP and reads 0:
		 * wait for the debugger (and after it went, for another) */
		if (copy_some(pfd, sfd) < 0)
			usleep(20000);
	}
	_exit(0);
}

static int pump(int out, int in, struct cmd_opts *o, int stuck, time_t deadline)
{
	char tail[8192] = "", buf[4096];
	unsigned seen = 0;
	int stormed = 0, asked = 0;

	for (;;) {
		struct pollfd p = { .fd = out, .events = POLLIN };
		ssize_t n;
		char *hit;

		if (time(NULL) >= deadline)
			return -1;
		if (o->storm && !stormed && seen == o->nexpect && (o->nexpect || since(&o->start) >= 1) &&
		    (stuck < 0 || stuck_long_enough(o, stuck))) {
			storm(o);
			stormed = 1;
		}
		if (o->monitor && !asked && seen == o->nexpect) {
			monitor_requests(o);
			asked = 1;
		}
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(out, buf, sizeof(buf) - 1);
		if (n <= 0)
			return 0;
		write(1, buf, (size_t)n);
		if (seen == o->nexpect)
			continue;
		buf[n] = 0;
		/* search the end of the previous read too: TEXT may be split across reads */
		if (strlen(tail) > 256)
			memmove(tail, tail + strlen(tail) - 256, 257);
		memcpy(tail + strlen(tail), buf, (size_t)n + 1); /* fits: 256 + 4095 < 8192 */
		while (seen < o->nexpect && (hit = strstr(tail, o->expect[seen]))) {
			memmove(tail, hit + strlen(o->expect[seen]), strlen(hit + strlen(o->expect[seen])) + 1);
			if (o->measure)
				measure(o, o->expect[seen]);
			if (++seen == o->nexpect && o->send)
				write(in, o->send, strlen(o->send));
		}
	}
}

/* A command ran out of time: SIGTERM first, so that vmm says where it was (its stop
 * line, and whether it stops on a signal at all), its output still copied from out
 * (-1: it goes straight to the console) for up to 10 s; then SIGKILL. Reaps it. */
static void stop_overdue(pid_t pid, int out)
{
	time_t end = time(NULL) + 10;
	char buf[4096];
	int st;

	printf("\nkvm-host-init: out of time: SIGTERM\n");
	fflush(stdout);
	kill(pid, SIGTERM);
	while (waitpid(pid, &st, WNOHANG) != pid) {
		struct pollfd p = { .fd = out, .events = POLLIN };
		ssize_t n;

		if (time(NULL) >= end) {
			printf("\nkvm-host-init: still running 10 s after SIGTERM: SIGKILL\n");
			fflush(stdout);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return;
		}
		if (out < 0 || poll(&p, 1, 50) <= 0) {
			if (out < 0)
				usleep(20000);
			continue;
		}
		n = read(out, buf, sizeof(buf));
		if (n > 0)
			write(1, buf, (size_t)n);
		else
			out = -1;
	}
}

/* Wait for pid until the deadline; stop it on expiry (stop_overdue). Returns the wait
 * status or -1 on timeout. */
static int wait_bounded(pid_t pid, time_t deadline)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (time(NULL) >= deadline) {
			stop_overdue(pid, -1);
			return -1;
		}
		usleep(20000);
	}
}

static void child(char **argv, const struct cmd_opts *o, int in[2], int out[2], int stuck[2])
{
	if (in[0] >= 0) {
		dup2(in[0], 0);
		dup2(stuck[1] >= 0 ? stuck[1] : out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		if (stuck[0] >= 0)
			close(stuck[0]);
	} else if (!o->stdin_console) {
		int fd = open("/dev/null", O_RDONLY);

		dup2(fd, 0);
	}
	execvp(argv[0], argv);
	dprintf(2, "kvm-host-init: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void run_one(unsigned n, char **argv, unsigned timeout)
{
	time_t deadline = time(NULL) + timeout;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, stuck[2] = { -1, -1 }, st = -2;
	struct cmd_opts o;
	pid_t pid, relay = -1;

	argv = parse_opts(argv, &o);
	if (o.timeout)
		deadline = time(NULL) + o.timeout;
	printf("@@kvm-host: begin %u@@\n", n);
	fflush(stdout);
	if ((o.nexpect || o.storm || o.stuck || o.monitor) && (pipe(in) < 0 || pipe(out) < 0))
		in[0] = in[1] = out[0] = out[1] = -1;
	if (o.stuck && in[0] >= 0 && pipe(stuck) < 0)
		stuck[0] = stuck[1] = -1;
	if (stuck[0] >= 0)
		fcntl(stuck[0], F_SETPIPE_SZ, 4096); /* full soon, even at MMIO-exit speed */
	clock_gettime(CLOCK_MONOTONIC, &o.start);
	pid = fork();
	if (pid == 0)
		child(argv, &o, in, out, stuck);
	o.pid = pid;
	if (pid > 0 && o.gdb_relay && (relay = fork()) == 0)
		gdb_relay(o.gdb_relay);
	if (stuck[1] >= 0)
		close(stuck[1]); /* stuck[0] stays open, unread, until the command ended */
	if (pid > 0 && in[0] >= 0) {
		close(in[0]);
		close(out[1]);
		if (pump(out[0], in[1], &o, stuck[0], deadline) < 0) {
			stop_overdue(pid, out[0]);
			st = -1;
		}
		close(in[1]);
		close(out[0]);
	}
	if (pid > 0 && st != -1)
		st = wait_bounded(pid, deadline);
	if (relay > 0) {
		kill(relay, SIGKILL);
		waitpid(relay, NULL, 0);
	}
	if (stuck[0] >= 0)
		close(stuck[0]);
	if (o.stormed.tv_sec)
		printf("\nkvm-host-init: ended %.3f s after the first signal\n", since(&o.stormed));
	if (st == -1)
		printf("@@kvm-host: end %u status timeout@@\n", n);
	else if (st == -2)
		printf("@@kvm-host: end %u status 126@@\n", n);
	else if (WIFSIGNALED(st))
		printf("@@kvm-host: end %u status %d@@\n", n, 128 + WTERMSIG(st));
	else
		printf("@@kvm-host: end %u status %d@@\n", n, WEXITSTATUS(st));
	fflush(stdout);
}

/* The .ko files of /kvm-host/modules, in name order (finit_module: no module tools here). */
static void load_modules(void)
{
	struct dirent **names;
	int n = scandir("/kvm-host/modules", &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char path[300];
		int fd;

		snprintf(path, sizeof(path), "/kvm-host/modules/%s", names[i]->d_name);
		if (names[i]->d_name[0] != '.' && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			if (syscall(SYS_finit_module, fd, "", 0) < 0)
				printf("kvm-host-init: loading %s: %s\n", path, strerror(errno));
			close(fd);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int main(void)
{
	char *argv[MAX_ARGS + 1];
	unsigned argc = 0, n = 0, timeout;
	size_t len, i;
	char *cmds;

	mount_or_warn("proc", "/proc", "proc");
	mount_or_warn("sysfs", "/sys", "sysfs");
	mount_or_warn("devtmpfs", "/dev", "devtmpfs");
	setenv("PATH", "/bin", 1);
	setenv("HOME", "/", 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_modules();
	timeout = read_timeout();

	cmds = read_file("/kvm-host/cmds", &len);
	if (!cmds)
		printf("kvm-host-init: no /kvm-host/cmds\n");
	for (i = 0; cmds && i < len; i += strlen(cmds + i) + 1) {
		if (cmds[i] == 0) { /* end of one command */
			argv[argc] = NULL;
			if (argc)
				run_one(n++, argv, timeout);
			argc = 0;
		} else if (argc < MAX_ARGS) {
			argv[argc++] = cmds + i;
		}
	}
	printf("@@kvm-host: done@@\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
