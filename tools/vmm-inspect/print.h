/* Text output of each command's result (the "ok" value of its reply), and the
 * small accessors they share. Each printer writes to stdout. */
#ifndef INSPECT_PRINT_H
#define INSPECT_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

struct symtab;
/* Function symbols from --symbols (NULL: none): disas names functions and targets. */
extern const struct symtab *print__symtab;

/* Members by name; missing or mistyped members read as 0, "", false. */
uint64_t ju(const struct json *obj, const char *key);
const char *js(const struct json *obj, const char *key);
bool jb(const struct json *obj, const char *key);
/* A size as Linux's ptdump prints it: the largest unit that divides it ("2M", "1536K"). */
const char *size_str(uint64_t size, char *buf, size_t len);

void print__status(FILE *f, const struct json *r);
void print__regs(FILE *f, const struct json *r);
void print__pt(FILE *f, const struct json *r);
void print__pt_dot(FILE *f, const struct json *r);
void print__walk(FILE *f, const struct json *r);
void print__tlb(FILE *f, const struct json *r);
void print__cache(FILE *f, const struct json *r);
void print__stats(FILE *f, const struct json *r);
void print__faults(FILE *f, const struct json *r);
void print__dirty_log(FILE *f, const struct json *r);
/* One event message ({"event": ...}); returns true when it says the VM stopped. */
bool print__event(FILE *f, const struct json *ev);
void print__mem(FILE *f, const struct json *r);
void print__disas(FILE *f, const struct json *r);
/* pause, continue, quit, subscribe, commands: a line saying what happened. */
void print__simple(FILE *f, const char *cmd, const struct json *r);

#endif
