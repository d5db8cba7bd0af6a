/* Function names for guest addresses, from the symbol tables of ELF files
 * (`vmm run --symbols FILE.elf`): reports show "pc 0x... (func+0x1c)". */
#ifndef VMM_SYMBOLS_H
#define VMM_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct symtab;

/* An empty table; NULL when out of memory. */
struct symtab *symtab__new(void);
void symtab__free(struct symtab *t);

/* Add the function symbols (STT_FUNC, and STT_NOTYPE code labels) of a 64-bit
 * little-endian ELF file. 0, or -1 with why filled (not readable, not ELF64, no
 * symbol table). */
int symtab__add_elf(struct symtab *t, const char *path, char *why, size_t n);

/* "func+0x1c" for addr into buf (the nearest symbol at or below addr, within its
 * size when it has one); 0, or -1 when no symbol covers addr. */
int symtab__name(const struct symtab *t, uint64_t addr, char *buf, size_t n);

/* Symbols held (for tests and messages). */
size_t symtab__count(const struct symtab *t);

#endif
