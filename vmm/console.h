/* The host side of the guest console: stdin goes to the PL011's receive FIFO. When
 * stdin is a terminal it is put in raw mode (restored at exit), so keys reach the
 * guest as typed. Escapes, as QEMU's: Ctrl-A x stops the VM; Ctrl-A Ctrl-A sends a
 * Ctrl-A. They apply to piped input too.
 *
 * Output (the guest's console, a --console-log copy, vmm's own lines) goes through
 * queues written by threads of their own, so that no write to a host file can block
 * a stop: a reader that does not read stalls the guest only while the VM runs. The
 * writers batch: a burst is written at its line's end (a partial line, a prompt, at
 * most 10 ms later), not a write and a thread wake-up per byte the guest sends. */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct console_out;

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

/* Starts the input thread on in_fd and sends the guest's output to out_fd, and to a
 * new file log_path unless NULL. -errno with a one-line reason in why (the log
 * cannot be opened); input that cannot be read only ends input. */
int console__start(struct machine *m, int in_fd, int out_fd, const char *log_path,
		   char *why, size_t len);
/* Restores the terminal; safe to call more than once, and from atexit. */
void console__restore(void);

/* The queue of the file behind fd: one per file, shared by every fd open on it (so
 * that guest output and vmm's lines on one terminal stay in order). NULL if out of
 * memory. */
struct console_out *console__out(int fd);
/* Queues len bytes. While the queue is full it waits for the writer, for ever while
 * m runs (a slow reader loses nothing), not once m is stopping (or m is NULL): what
 * does not fit is then dropped, and -1 returned. Output to a file that failed (a
 * closed pipe, a full disk) is dropped too. */
int console__out_write(struct console_out *o, const void *buf, size_t len,
		       const struct machine *m);
/* The same for one line (ending in a newline) that must start a line: a newline
 * goes first when what was queued before did not end with one. */
int console__out_line(struct console_out *o, const char *line, size_t len,
		      const struct machine *m);
/* Waits until everything queued is written, giving up once the writer made no
 * progress for a short while (a reader that never comes). true if all was written. */
bool console__out_drain(struct console_out *o);
/* Drains every queue (guest output first). */
void console__drain_all(void);

#endif
