#ifndef GUEST_KALLSYMS_H
#define GUEST_KALLSYMS_H
#define KSYM_NAME_LEN 96
const char *kallsyms_lookup(unsigned long addr, unsigned long *offset);
const char *sprint_symbol(char *buf, unsigned long addr);
/* A symbol name for printing, in a temporary buffer on the caller's stack. */
#define SYM(addr) sprint_symbol((char[KSYM_NAME_LEN]){ 0 }, (unsigned long)(addr))
#endif
