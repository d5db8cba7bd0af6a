/* The code cache of the block translator: one region per VM, mapped twice from a
 * memfd (a writable view the translator writes, an executable view that runs; neither
 * is both), filled in order and flushed whole when full. Also the per-page tables of
 * translations (struct jit_page, owned by the struct dpage they translate) and the
 * stubs every block shares: the entry trampoline and the exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/jit_int.h"

#define CACHE_SIZE (64u << 20)

static void write_stubs(struct jit *j)
{
	struct emit e = { j->rw, j->rw + j->size };

	/* int enter(struct cpu *c, void *code, uint64_t end) */
	j->enter = (int (*)(struct cpu *, void *, uint64_t))(uintptr_t)jit__rx(j, e.p);
	push_r(&e, RBX);
	push_r(&e, RBP);
	push_r(&e, R12);
	push_r(&e, R13);
	push_r(&e, R14);
	push_r(&e, R15);
	alu_ri(&e, 1, ALU_SUB, RSP, 8); /* 16-byte aligned calls; [rsp] is a scratch slot */
	mov_rr(&e, 1, RBX, RDI);
	mov_rr(&e, 1, R12, RDX);
	zero(&e, R15);                  /* R15 = end - 63, or 0 when end < 63 */
	lea(&e, 1, RAX, R12, -63);
	alu_ri(&e, 1, ALU_CMP, R12, 63);
	cmov_rr(&e, 1, CC_NC, R15, RAX);
	tr__utlb_base(&e);
	mov_imm64(&e, RAX, (uint64_t)(uintptr_t)&j->cur_pg);  /* R14 = the page run */
	mov_load(&e, 1, R14, RAX, 0);
	jmp_r(&e, RSI);

	j->epilogue = e.p;
	alu_ri(&e, 1, ALU_ADD, RSP, 8);
	pop_r(&e, R15);
	pop_r(&e, R14);
	pop_r(&e, R13);
	pop_r(&e, R12);
	pop_r(&e, RBP);
	pop_r(&e, RBX);
	ret_(&e);

	j->ret_cont = e.p;
	mov_imm64(&e, RAX, JX_CONT);
	jmp_to(&e, j->epilogue);
	j->ret_leave = e.p;
	mov_imm64(&e, RAX, JX_LEAVE);
	jmp_to(&e, j->epilogue);
	j->ret_stop = e.p;
	mov_imm64(&e, RAX, JX_STOP);
	jmp_to(&e, j->epilogue);
	j->leave = e.p;
	tr__leave_stub(j, &e);
	j->stubs_end = (size_t)(e.p - j->rw);
	j->used = j->stubs_end;
	jit__perf_name(j, jit__rx(j, j->rw), j->stubs_end, "jit_stubs");
}

/* perf (perf report, perf annotate) reads /tmp/perf-PID.map to name code it finds
 * no ELF file for: one "start size name" line per block, written as it is translated
 * (after a flush the same addresses are named again, the later line wins). */
void jit__perf_name(struct jit *j, const void *rx, size_t size, const char *fmt, ...)
{
	if (!j->perf_map)
		return;
	va_list ap;
	fprintf(j->perf_map, "%llx %zx ", (unsigned long long)(uintptr_t)rx, size);
	va_start(ap, fmt);
	vfprintf(j->perf_map, fmt, ap);
	va_end(ap);
	fputc('\n', j->perf_map);
}

static bool perf_map_wanted(void)
{
	const char *v = getenv("VMM_JIT_PERF_MAP");
	return v && *v && strcmp(v, "0");
}

static void open_perf_map(struct jit *j)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	j->perf_map = fopen(path, "w"); /* no map is no error: the run is the same */
	if (j->perf_map)
		setvbuf(j->perf_map, 0, _IOFBF, 1 << 16);
}

/* The two views of one memfd (its name shows in /proc/PID/maps). */
static void map_memfd(struct jit *j)
{
	int fd = memfd_create("vmm-model-jit", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, (off_t)j->size) == 0) {
		void *rw = mmap(0, j->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		void *rx = mmap(0, j->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
		if (rw != MAP_FAILED && rx != MAP_FAILED) {
			j->rw = rw;
			j->rx = rx;
		} else {
			if (rw != MAP_FAILED)
				munmap(rw, j->size);
			if (rx != MAP_FAILED)
				munmap(rx, j->size);
		}
	}
	if (fd >= 0)
		close(fd);
}

/* The two views of a shared anonymous mapping (mremap of size 0 duplicates it): perf
 * takes such code as anonymous ("/dev/zero") and names it from /tmp/perf-PID.map,
 * which it does not for a memfd's. */
static void map_anon(struct jit *j)
{
	void *rw = mmap(0, j->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rw == MAP_FAILED)
		return;
	void *rx = mremap(rw, 0, j->size, MREMAP_MAYMOVE);
	if (rx == MAP_FAILED || mprotect(rx, j->size, PROT_READ | PROT_EXEC)) {
		if (rx != MAP_FAILED)
			munmap(rx, j->size);
		munmap(rw, j->size);
		return;
	}
	j->rw = rw;
	j->rx = rx;
}

struct jit *jit__new(size_t size, struct model_vm *lines_vm)
{
	if (!size)
		size = CACHE_SIZE;
	if (size < JIT_MIN_CACHE)
		size = JIT_MIN_CACHE;
	struct jit *j = calloc(1, sizeof(*j));
	if (!j)
		return 0;
	j->size = (size + 4095) & ~(size_t)4095;
	j->gen = 1;
	j->fetch_lines = lines_vm != 0;
	j->lines_vm = lines_vm;
	if (perf_map_wanted())
		map_anon(j);
	else
		map_memfd(j);
	if (!j->rw) {
		int err = errno ? errno : ENOMEM;
		free(j);
		errno = err;
		return 0;
	}
	if (perf_map_wanted())
		open_perf_map(j);
	write_stubs(j);
	return j;
}

void jit__free(struct jit *j)
{
	if (!j)
		return;
	munmap(j->rw, j->size);
	munmap(j->rx, j->size);
	if (j->perf_map)
		fclose(j->perf_map);

	free(j);
}

bool jit__fetch_lines(const struct jit *j)
{
	return j->fetch_lines;
}

const struct jit_stats *jit__stats(const struct jit *j)
{
	return &j->st;
}

/* Room for one more block, flushing the whole cache when it is full: every table
 * of every page is then stale (its generation is older) and is cleared at its next
 * lookup, before any of its code can run again (a page's code is entered only
 * through its own table, by the run loop or by a chain from a block of the page). */
uint8_t *jit__room(struct jit *j)
{
	if (j->size - j->used < JIT_BLOCK_ROOM) {
		j->gen++;
		j->st.flushes++;
		j->st.flushed += j->live;
		j->live = 0;
		j->used = j->stubs_end;
	}
	return j->rw + j->used;
}

static struct jit_page *page_table(struct jit *j, struct dpage *pg)
{
	struct jit_page *jp = pg->jit;
	if (!jp) {
		jp = calloc(1, sizeof(*jp));
		if (!jp)
			return 0;
		jp->gen = j->gen;
		pg->jit = jp;
	} else if (jp->gen != j->gen) { /* the cache was flushed since */
		memset(jp->entry, 0, sizeof(jp->entry));
		jp->nblocks = 0;
		jp->npend = 0;
		jp->gen = j->gen;
	}
	return jp;
}

void *jit__lookup(struct jit *j, struct dpage *pg, unsigned idx)
{
	struct jit_page *jp = page_table(j, pg);
	if (!jp)
		return 0;
	if (jp->entry[idx])
		return jp->entry[idx];
	uint64_t gen = j->gen;
	jit__room(j);
	if (gen != j->gen)
		jp = page_table(j, pg); /* flushed: clear this page's table too */
	return jit__translate(j, pg, jp, idx);
}

/* No memory for the list: the jump keeps going through the table lookup after it. */
void jit__pend(struct jit *j, struct jit_page *jp, unsigned idx, uint8_t *site)
{
	if (jp->npend == jp->cap) {
		unsigned cap = jp->cap ? 2 * jp->cap : 16;
		struct jit_pend *p = realloc(jp->pend, cap * sizeof(*p));
		if (!p)
			return;
		jp->pend = p;
		jp->cap = cap;
	}
	jp->pend[jp->npend++] = (struct jit_pend){ idx, (uint32_t)(site - j->rw) };
}

void jit__resolve(struct jit *j, struct jit_page *jp, unsigned idx)
{
	unsigned k = 0;
	for (unsigned m = 0; m < jp->npend; m++) {
		if (jp->pend[m].idx == idx)
			patch_to(j->rw + jp->pend[m].off, jit__rw(j, jp->entry[idx]));
		else
			jp->pend[k++] = jp->pend[m];
	}
	jp->npend = k;
}

int jit__enter(struct jit *j, struct cpu *c, void *code, uint64_t end, bool cross,
	       struct dpage **pg, uint64_t *pbase, uint64_t *line)
{
	j->cur_line = *line;
	j->cur_pg = *pg;
	j->cur_pbase = *pbase;
	j->chain_ok = cross;
	int r = j->enter(c, code, end);
	*pg = j->cur_pg;
	*pbase = j->cur_pbase;
	*line = j->cur_line;
	return r;
}

void jit__page_free(struct jit *j, struct jit_page *jp)
{
	if (!jp)
		return;
	if (j && jp->gen == j->gen) {
		j->st.dropped += jp->nblocks;
		j->live -= jp->nblocks;
	}
	free(jp->pend);
	free(jp);
}
