/* The model engine's gdb target (vmm/gdb/gdb.h): see gdb_target.c. */
#ifndef MODEL_GDB_TARGET_H
#define MODEL_GDB_TARGET_H

#include <stdbool.h>
#include <stdint.h>

struct model;
struct cpu;

/* Set while a breakpoint or watchpoint is inserted: the scheduler runs vCPUs through
 * model_gdb__run() instead of cpu__run(). */
extern bool model_gdb_active;
int model_gdb__run(struct model *md, struct cpu *c, uint64_t budget);

#endif
