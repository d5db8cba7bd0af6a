#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H
#include <types.h>
void pl011__init(void *base);
void pl011__putc(char c);
bool console_ready(void);
void console_write(const char *s, size_t n);
#endif
