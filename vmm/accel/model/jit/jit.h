/* The block translator: guest basic blocks of a decoded page (struct dpage) turned
 * into x86-64 host code (docs/model.md, "The translator"). Built on x86-64 hosts only
 * (MODEL_HAVE_JIT); the interpreter (cpu/exec.c) stays the reference and the path for
 * everything the translator does not cover (--checks=strict, --caches, debug, budget
 * tails). With plain --checks (fetch_lines) the blocks report each 64-byte line of code
 * they enter (xlat__fetch_line) and leave when a store dropped their page, as the
 * interpreter's instrumented loop does.
 *
 * Translated code runs with RBX = struct cpu *, R12 = the budget end (icount value at
 * which to stop), R13 = the current regime's data micro-TLB, R14 = the struct dpage
 * of the code running, R15 = end - 63 (0 if end < 63: a block of up to JIT_MAX_BLOCK
 * fits whenever icount is below it). It returns to the run loop (cpu/exec.c, run_jit) with:
 *   1..5 (X_BRANCH..X_STOP): the handler of the instruction at c->pc returned that;
 *        c->icount does not count that instruction yet (the loop does as the interpreter)
 *   JX_CONT:  c->pc and c->icount are up to date; go on at c->pc, in the same page
 *   JX_LEAVE: c->pc and c->icount are up to date; the page was left (or ended), or
 *             (fetch_lines) a store dropped it
 *   JX_STOP:  (fetch_lines) the VM stopped at the fetch check of the line at c->pc */
#ifndef MODEL_JIT_H
#define MODEL_JIT_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct dpage;
struct model_vm;
struct jit;
struct jit_page;

enum { JX_CONT = 16, JX_LEAVE = 17, JX_STOP = 18 };

/* The blocks longer than this are cut (and chained): the budget check at a block's
 * entry needs the whole block to fit in what is left of the quantum. */
#define JIT_MAX_BLOCK 64

/* What the translator did, for --stats (per VM). */
struct jit_stats {
	uint64_t blocks;        /* blocks translated */
	uint64_t dropped;       /* translations dropped with their decoded page */
	uint64_t flushes;       /* code cache flushes (full) */
	uint64_t flushed;       /* translations dropped by those flushes */
	uint64_t code_bytes;    /* host code written */
};

#ifdef MODEL_HAVE_JIT
/* Room kept for one block: more than the largest block the translator writes. */
#define JIT_BLOCK_ROOM (64u << 10)
#define JIT_MIN_CACHE (2 * JIT_BLOCK_ROOM)
/* The VM's code cache of size bytes (0: 64 MiB; at least JIT_MIN_CACHE); NULL with
 * errno set if it cannot be mapped. lines_vm: the VM when it runs with --checks (not
 * strict, no caches: fetch_lines), else NULL: translated code makes the instrumented
 * loop's fetch-line calls, skipping those that would do nothing (translate.c). */
struct model_vm;
struct jit *jit__new(size_t size, struct model_vm *lines_vm);
bool jit__fetch_lines(const struct jit *j);
void jit__free(struct jit *j);
const struct jit_stats *jit__stats(const struct jit *j);
/* The translation of the block at instruction idx of pg (translating it if needed);
 * NULL if it cannot be translated (no memory for the page's table). */
void *jit__lookup(struct jit *j, struct dpage *pg, unsigned idx);
/* Run translated code at code for c until it returns (see above), starting in page
 * *pg at VA page *pbase, *line the last 64-byte line (pc >> 6) reported fetched
 * (fetch_lines; updated). cross: end is the run loop's own budget (not a PMU
 * deadline), so that a branch out of the page may go straight into the next page's
 * block when the run loop would do nothing else there; *pg and *pbase are then
 * updated to the page the code returned from. */
int jit__enter(struct jit *j, struct cpu *c, void *code, uint64_t end, bool cross,
	       struct dpage **pg, uint64_t *pbase, uint64_t *line);
/* A decoded page is freed: its translations go with it. */
void jit__page_free(struct jit *j, struct jit_page *jp);
/* Tests: translate from now on as for an x86-64 host without LAHF in 64-bit mode
 * (CPUID 8000_0001h ECX bit 0 clear: NZCV through SETcc), the path no host here takes. */
void jit__without_lahf(void);
#endif

#endif
