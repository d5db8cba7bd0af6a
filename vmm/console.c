/* Console input thread: reads the host's stdin, interprets the Ctrl-A escapes and
 * feeds the rest to the PL011 one byte at a time (waiting while its FIFO is full,
 * so nothing typed is dropped). It runs detached for the life of the process: a
 * restarted VM keeps its console. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "dev/pl011.h"
#include "machine.h"

struct console {
	struct machine *m;
	int fd;
	int escape;    /* the previous byte was Ctrl-A */
};

static struct termios saved_tio;
static int saved_fd = -1;

void console__restore(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSADRAIN, &saved_tio);
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

int console__start(struct machine *m, int in_fd)
{
	struct console *c = calloc(1, sizeof(*c));
	sigset_t all, old;
	pthread_t t;
	int err;

	if (!c)
		return -ENOMEM;
	c->m = m;
	c->fd = in_fd;
	raw_mode(in_fd);
	/* Signals are for the vCPU threads and main, not for this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&t, NULL, reader, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		free(c);
		return err;
	}
	pthread_detach(t);
	m->console = c;
	return 0;
}
