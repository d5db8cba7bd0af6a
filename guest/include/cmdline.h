#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H
#include <types.h>
/* Value of "key=value" on the kernel command line, copied into buf; false if absent. */
bool cmdline_get(const char *key, char *buf, size_t len);
bool cmdline_has(const char *flag);
#endif
