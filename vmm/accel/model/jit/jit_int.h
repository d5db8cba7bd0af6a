/* Inside the translator: the code cache and the per-page table of translations. */
#ifndef MODEL_JIT_INT_H
#define MODEL_JIT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "jit/jit.h"
#include "jit/x86.h"
#include "engine/vm.h"

/* The translations of one decoded page, by instruction index: the entry of the block
 * starting there (executable view), or NULL. Owned by the struct dpage (freed with it),
 * valid while gen is the cache's. Translated code reads entry[] to chain to another
 * block of its own page. */
struct jit_page {
	uint64_t gen;
	unsigned nblocks;
	void *entry[1024];
	/* jumps of this page's blocks to blocks of it not translated yet: pointed at the
	 * block when it is (jit__resolve); cleared with the table */
	struct jit_pend { uint32_t idx, off; } *pend;
	unsigned npend, cap;
};

struct jit {
	uint8_t *rw, *rx;   /* the two views of the cache */
	size_t size, used, stubs_end;
	uint64_t gen;       /* bumped by each flush */
	uint64_t live;      /* blocks translated in this generation and not dropped */
	int (*enter)(struct cpu *c, void *code, uint64_t end);
	uint8_t *epilogue, *ret_cont, *ret_leave, *ret_stop; /* writable view (jumps are relative) */
	uint8_t *leave;     /* a branch leaves the page: chain into the next one, or return */
	/* the page translated code runs in, and its VA base: set by jit__enter, updated
	 * by a chain into another page (translate.c, leave_page), read back after */
	struct dpage *cur_pg;
	uint64_t cur_pbase;
	bool chain_ok;      /* the run loop's budget is the whole of it: chains may cross pages */
	bool fetch_lines;   /* --checks: report each line of code entered (jit.h) */
	uint64_t cur_line;  /* fetch_lines: pc >> 6 of the last line reported (jit__enter) */
	struct model_vm *lines_vm; /* fetch_lines: the VM (its checks' state, xlat.h) */
	struct jit_stats st;
	FILE *perf_map;     /* VMM_JIT_PERF_MAP set: /tmp/perf-PID.map, a line per block */
};

static inline void *jit__rx(const struct jit *j, const uint8_t *rw)
{
	return j->rx + (rw - j->rw);
}

static inline uint8_t *jit__rw(const struct jit *j, const void *rx)
{
	return j->rw + ((const uint8_t *)rx - j->rx);
}

uint8_t *jit__room(struct jit *j);
/* the jump ending at site (writable view) is to go to block idx of jp once translated;
 * jit__resolve points the jumps waiting for idx at its code */
void jit__pend(struct jit *j, struct jit_page *jp, unsigned idx, uint8_t *site);
void jit__resolve(struct jit *j, struct jit_page *jp, unsigned idx);
/* translate.c: the shared exit of a branch out of a page (cache.c writes it once) */
void tr__leave_stub(struct jit *j, struct emit *e);
/* translate.c: R13 = &c->utlb[c->mmu_idx][0] (emitted in the entry code cache.c writes,
 * and after every handler call) */
void tr__utlb_base(struct emit *e);
/* VMM_JIT_PERF_MAP: name the host code at rx, size bytes, for perf (a no-op otherwise) */
void jit__perf_name(struct jit *j, const void *rx, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* translate.c: the block at idx of pg into the cache, recorded in jp */
void *jit__translate(struct jit *j, struct dpage *pg, struct jit_page *jp, unsigned idx);

#endif
