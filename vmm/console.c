/* The host side of the console (console.h).
 *
 * Input: a thread reads the host's stdin, interprets the Ctrl-A escapes and feeds
 * the rest to the PL011 one byte at a time (waiting while its FIFO is full, so
 * nothing typed is dropped). It runs detached for the life of the process: a
 * restarted VM keeps its console.
 *
 * Output: one queue per host file, each drained by a detached thread of its own
 * with ordinary blocking writes. Only that thread can block on a reader; at exit
 * vmm waits for it a bounded time and then leaves it behind. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "dev/pl011.h"
#include "machine.h"
#include "report.h"

#define OUT_QUEUE (64 * 1024)
#define OUT_POLL_MS 20       /* a full queue re-checks for a stop this often */
#define DRAIN_STALL_MS 500   /* at exit: a writer this long without progress is given up */
#define DRAIN_MAX_MS 5000    /* ... and any writer after this long */
#define MAX_OUTS 4           /* stdout, stderr, the log, and a spare */
#define LINE_WAIT_MS 10      /* a partial line waits this long for its end */

struct console_out {
	int fd;
	dev_t dev, rdev;
	ino_t ino;
	const char *name;      /* for the message when writing fails; NULL: drop quietly */
	pthread_mutex_t lock;
	pthread_cond_t more;   /* producers -> writer */
	pthread_cond_t room;   /* writer -> producers and drain */
	char buf[OUT_QUEUE];
	size_t head, count;    /* count includes the bytes the writer is writing */
	unsigned long long written;
	char last;             /* the last byte queued: does the file end mid-line? */
	bool broken;
	/* Batching: the writer wakes for a burst, then writes at a line's end (the guest
	 * writes a byte at a time: a write and a wake-up per byte cost the emulated CPU
	 * more than its console), at half a queue, at a drain, or after LINE_WAIT_MS. */
	bool has_nl;           /* a newline among the bytes the writer has not taken */
	bool line_wait;        /* the writer waits for one */
	bool flush;            /* a drain: write what there is now */
};

static struct console_out *outs[MAX_OUTS];
static unsigned nouts;
static pthread_mutex_t outs_lock = PTHREAD_MUTEX_INITIALIZER;

struct console {
	struct machine *m;
	int fd;
	int escape;    /* the previous byte was Ctrl-A */
	struct console_out *out, *log;
};

static struct termios saved_tio;
static int saved_fd = -1;

static void deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static long long ms_until(const struct timespec *ts)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (ts->tv_sec - now.tv_sec) * 1000LL + (ts->tv_nsec - now.tv_nsec) / 1000000;
}

/* Every signal blocked in the threads made here: signals are for main.c's thread. */
static int start_thread(void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_t t;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		pthread_detach(t);
	return -err;
}

/* Writes len bytes from p, waiting while fd is non-blocking and full. */
static ssize_t write_some(int fd, const char *p, size_t len)
{
	for (;;) {
		ssize_t n = write(fd, p, len);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (n >= 0 || errno == EINTR)
			return n < 0 ? 0 : n;
		if (errno != EAGAIN)
			return -1;
		poll(&pfd, 1, 100); /* O_NONBLOCK inherited from whoever opened it */
	}
}

static void *writer(void *arg)
{
	struct console_out *o = arg;

	pthread_mutex_lock(&o->lock);
	for (;;) {
		size_t n;
		ssize_t w;
		int err;

		while (!o->count)
			pthread_cond_wait(&o->more, &o->lock);
		if (!o->has_nl && !o->flush && o->count < OUT_QUEUE / 2) {
			struct timespec ts;

			deadline_in(&ts, LINE_WAIT_MS);
			o->line_wait = true;
			while (!o->has_nl && !o->flush && o->count < OUT_QUEUE / 2 &&
			       pthread_cond_timedwait(&o->more, &o->lock, &ts) != ETIMEDOUT)
				;
			o->line_wait = false;
		}
		n = o->count < OUT_QUEUE - o->head ? o->count : OUT_QUEUE - o->head;
		if (n == o->count) /* all taken: a newline from now on is a new one */
			o->has_nl = o->flush = false;
		/* only this thread moves head: producers append behind count */
		pthread_mutex_unlock(&o->lock);
		w = write_some(o->fd, o->buf + o->head, n);
		err = errno;
		pthread_mutex_lock(&o->lock);
		if (w > 0) {
			o->head = (o->head + (size_t)w) % OUT_QUEUE;
			o->count -= (size_t)w;
			o->written += (unsigned long long)w;
		} else if (w < 0) {
			bool first = !o->broken;

			/* a closed pipe or a full disk must not stop the guest: drop */
			o->broken = true;
			o->written += o->count;
			o->head = o->count = 0;
			pthread_cond_broadcast(&o->room);
			if (first && o->name) { /* not under the lock: stderr may be this queue */
				pthread_mutex_unlock(&o->lock);
				report(REPORT_WARN, "cannot write to %s: %s; the rest is not written",
				       o->name, strerror(err));
				pthread_mutex_lock(&o->lock);
			}
		}
		pthread_cond_broadcast(&o->room);
	}
	return NULL;
}

static struct console_out *out_new(int fd, const struct stat *st, const char *name)
{
	struct console_out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->fd = fd;
	o->name = name;
	if (st) {
		o->dev = st->st_dev;
		o->ino = st->st_ino;
		o->rdev = st->st_rdev;
	}
	pthread_mutex_init(&o->lock, NULL);
	{
		pthread_condattr_t ca; /* deadline_in's clock */

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&o->more, &ca);
		pthread_cond_init(&o->room, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (start_thread(writer, o) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

static struct console_out *out_for(int fd, const char *name)
{
	struct console_out *o = NULL;
	struct stat st;
	bool known = fstat(fd, &st) == 0;
	unsigned i;

	pthread_mutex_lock(&outs_lock);
	for (i = 0; known && i < nouts && !o; i++)
		if (outs[i]->dev == st.st_dev && outs[i]->ino == st.st_ino &&
		    outs[i]->rdev == st.st_rdev)
			o = outs[i];
	if (!o && nouts < MAX_OUTS) {
		o = out_new(fd, known ? &st : NULL, name);
		if (o)
			outs[nouts++] = o;
	}
	pthread_mutex_unlock(&outs_lock);
	return o;
}

struct console_out *console__out(int fd)
{
	return out_for(fd, NULL);
}

/* With o->lock held. */
static int queue(struct console_out *o, const char *p, size_t len, const struct machine *m)
{
	int ret = 0;

	while (len && !o->broken) {
		size_t room = OUT_QUEUE - o->count, tail = (o->head + o->count) % OUT_QUEUE;
		size_t n = len < room ? len : room;

		if (!room) {
			struct timespec ts;

			if (!m || machine__stopping(m)) { /* a stop never waits for a reader */
				ret = -1;
				break;
			}
			deadline_in(&ts, OUT_POLL_MS);
			pthread_cond_timedwait(&o->room, &o->lock, &ts);
			continue;
		}
		if (n > OUT_QUEUE - tail)
			n = OUT_QUEUE - tail;
		memcpy(o->buf + tail, p, n);
		if (memchr(p, '\n', n))
			o->has_nl = true;
		if (!o->count || (o->line_wait && (o->has_nl || o->count + n >= OUT_QUEUE / 2)))
			pthread_cond_signal(&o->more);
		o->count += n;
		o->last = p[n - 1];
		p += n;
		len -= n;
	}
	return ret;
}

int console__out_write(struct console_out *o, const void *buf, size_t len,
		       const struct machine *m)
{
	int ret;

	pthread_mutex_lock(&o->lock);
	ret = queue(o, buf, len, m);
	pthread_mutex_unlock(&o->lock);
	return ret;
}

int console__out_line(struct console_out *o, const char *line, size_t len,
		      const struct machine *m)
{
	int ret = 0;

	pthread_mutex_lock(&o->lock);
	if (o->last && o->last != '\n') /* the guest's output, say, ended mid-line */
		ret = queue(o, "\n", 1, m);
	if (!ret)
		ret = queue(o, line, len, m);
	pthread_mutex_unlock(&o->lock);
	return ret;
}

bool console__out_drain(struct console_out *o)
{
	struct timespec end, stall;
	unsigned long long seen;
	bool done;

	deadline_in(&end, DRAIN_MAX_MS);
	pthread_mutex_lock(&o->lock);
	o->flush = true; /* a partial line goes now */
	pthread_cond_signal(&o->more);
	seen = o->written;
	deadline_in(&stall, DRAIN_STALL_MS);
	while (o->count && ms_until(&end) > 0) {
		if (o->written != seen) { /* progress: a slow reader gets its time */
			seen = o->written;
			deadline_in(&stall, DRAIN_STALL_MS);
		}
		if (pthread_cond_timedwait(&o->room, &o->lock, &stall) == ETIMEDOUT &&
		    o->written == seen)
			break;
	}
	done = !o->count;
	pthread_mutex_unlock(&o->lock);
	return done;
}

void console__drain_all(void)
{
	unsigned i, n;

	pthread_mutex_lock(&outs_lock);
	n = nouts;
	pthread_mutex_unlock(&outs_lock);
	for (i = 0; i < n; i++)
		console__out_drain(outs[i]);
}

void console__restore(void)
{
	/* TCSANOW, not TCSADRAIN: waiting for output to drain could block for ever
	 * on a terminal nobody reads; output flags are the same in both modes. */
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_tio);
	saved_fd = -1;
}

/* Raw input (no line editing, no echo, no signals from ^C), but output keeps
 * turning \n into \r\n so that guests that print bare newlines stay readable. */
static void raw_mode(int fd)
{
	struct termios tio;

	if (!isatty(fd) || tcgetattr(fd, &saved_tio) < 0)
		return;
	tio = saved_tio;
	tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag = (tio.c_cflag & ~(CSIZE | PARENB)) | CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) == 0) { /* keeps what was typed ahead */
		saved_fd = fd;
		atexit(console__restore);
	}
}

/* Returns 1 when the byte goes to the guest, 0 when the escape logic took it. */
static int filter(struct console *c, uint8_t *b)
{
	if (c->escape) {
		c->escape = 0;
		if (*b == 'x' || *b == 'X') {
			machine__stop(c->m, VM_STOP_USER, 0);
			return 0;
		}
		return *b == CONSOLE_ESCAPE; /* Ctrl-A Ctrl-A: one Ctrl-A; others dropped */
	}
	if (*b == CONSOLE_ESCAPE) {
		c->escape = 1;
		return 0;
	}
	return 1;
}

static void *reader(void *arg)
{
	struct console *c = arg;
	uint8_t buf[64];

	for (;;) {
		ssize_t n = read(c->fd, buf, sizeof(buf)), i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* end of input: the guest gets no more, and the engine may now
			 * conclude that a guest waiting only for input waits forever */
			atomic_store(&c->m->input_closed, true);
			break;
		}
		for (i = 0; i < n; i++)
			if (filter(c, &buf[i]) && pl011__receive(c->m->uart, buf[i]) < 0)
				return NULL;
	}
	return NULL;
}

/* The PL011's output (under its lock, in the vCPU's thread): waits only while the
 * VM runs, so a stop is never held up by a reader. */
static void guest_output(void *opaque, uint8_t byte)
{
	struct console *c = opaque;

	console__out_write(c->out, &byte, 1, c->m);
	if (c->log)
		console__out_write(c->log, &byte, 1, c->m);
}

/* Is st the file at path (a --disk argument: "FILE" or "FILE,ro")? */
static bool same_file(const struct stat *st, const char *path, bool disk)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	struct stat in;

	if (disk && n >= 3 && n < sizeof(buf) && !strcmp(path + n - 3, ",ro")) {
		memcpy(buf, path, n - 3);
		buf[n - 3] = 0;
		path = buf;
	}
	return stat(path, &in) == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino;
}

/* --console-log: refuses a FIFO without a reader (O_NONBLOCK) and the files the VM
 * reads (truncating the image or initrd would break a restart, a disk its data). A
 * log that is the console's own file (--console-log /dev/stdout) is not written
 * twice. */
static int open_log(struct console *c, const char *path, char *why, size_t len)
{
	const struct vm_config *cfg = &c->m->cfg;
	const char *inputs[2 + MACHINE_MAX_DISKS] = { cfg->image_path, cfg->initrd_path };
	const char *const kinds[] = { "image", "initrd", "disk" };
	struct stat st;
	size_t i;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644), err;

	if (fd < 0) {
		err = errno;
		snprintf(why, len, "cannot open the console log %s: %s", path,
			 err == ENXIO ? "a FIFO with no reader" : strerror(err));
		return -err;
	}
	if (fstat(fd, &st) < 0)
		memset(&st, 0, sizeof(st));
	for (i = 0; i < cfg->ndisks && i < MACHINE_MAX_DISKS; i++)
		inputs[2 + i] = cfg->disks[i];
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		if (inputs[i] && st.st_ino && same_file(&st, inputs[i], i >= 2)) {
			close(fd);
			snprintf(why, len, "--console-log %s: that is the %s; refusing to "
				 "overwrite it", path, kinds[i < 2 ? i : 2]);
			return -EEXIST;
		}
	}
	c->log = out_for(fd, path);
	if (c->log && c->log->fd != fd) {
		close(fd); /* the console's file already: its output is there */
		c->log = NULL;
		return 0;
	}
	if (!c->log) {
		close(fd);
		snprintf(why, len, "cannot start the console log: out of memory");
		return -ENOMEM;
	}
	if (S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
		err = errno;
		snprintf(why, len, "cannot truncate the console log %s: %s", path, strerror(err));
		return -err;
	}
	fcntl(fd, F_SETFL, 0); /* a FIFO with a reader: its writer thread may block */
	return 0;
}

int console__start(struct machine *m, int in_fd, int out_fd, const char *log_path,
		   char *why, size_t len)
{
	struct console *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		snprintf(why, len, "out of memory for the console");
		return -ENOMEM;
	}
	c->m = m;
	c->fd = in_fd;
	c->out = console__out(out_fd);
	if (!c->out) {
		free(c);
		snprintf(why, len, "cannot start the console output: out of memory");
		return -ENOMEM;
	}
	if (log_path) {
		err = open_log(c, log_path, why, len);
		if (err) {
			free(c);
			return err;
		}
	}
	pl011__set_output(m->uart, guest_output, c);
	m->console = c;
	raw_mode(in_fd);
	if (start_thread(reader, c) < 0)
		atomic_store(&m->input_closed, true); /* no input; output still works */
	return 0;
}
