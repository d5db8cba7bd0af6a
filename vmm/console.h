/* The host side of the guest console: stdin goes to the PL011's receive FIFO. When
 * stdin is a terminal it is put in raw mode (restored at exit), so keys reach the
 * guest as typed. Escapes, as QEMU's: Ctrl-A x stops the VM; Ctrl-A Ctrl-A sends a
 * Ctrl-A. They apply to piped input too. */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

struct machine;

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

int console__start(struct machine *m, int in_fd);
/* Restores the terminal; safe to call more than once, and from atexit. */
void console__restore(void);

#endif
