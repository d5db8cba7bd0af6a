/* Guest data accesses from instruction handlers. The fast path is a micro-TLB hit: a
 * host pointer for the VA's page in this translation regime (mmu_idx). Everything else
 * (miss, page crossing, device memory, alignment, faults) is mem.c's slow path, which
 * asks xlat.c (the mmu/ model) and fills the micro-TLB.
 *
 * All return 0, or an exec_r (X_EXC when an abort was taken, X_STOP when the machine
 * stops): a handler returns that value at once, before changing any register. */
#ifndef MODEL_MEM_H
#define MODEL_MEM_H

#include "cpu/cpu.h"
#include "mem/xlat.h"

#define MEMF_ALIGN  1u  /* must be size-aligned whatever SCTLR.A says (exclusives, atomics) */
#define MEMF_UNPRIV 2u  /* LDTR/STTR: EL0 permissions at EL1 */
#define MEMF_CM     4u  /* cache maintenance (DC): reported as a read with ESR.CM */

int mem__read_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t *val, unsigned flags);
int mem__write_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t val, unsigned flags);
/* Translate va for a write of size bytes and return a host pointer (RAM only), or NULL
 * with *r set: used by atomics and DC ZVA, which need read-modify-write in one place. */
void *mem__rmw_ptr(struct cpu *c, uint64_t va, unsigned size, unsigned flags, int *r);
/* An outside watcher of data accesses (the gdb stub's watchpoints, engine/gdb_target.c).
 * While set, the micro-TLB is not filled (flush it when setting it) and the slow path
 * calls it for each access of size bytes at va that translated (rw: 0 read, 1 write,
 * 2 read-modify-write; not for cache maintenance): 0, or an exec_r to abandon the
 * instruction with. */
typedef int mem_watch_fn(struct cpu *c, uint64_t va, unsigned size, int rw);
extern mem_watch_fn *mem_watch_hook;
/* The store of a read-modify-write through such a pointer (reported to the checks). */
void mem__rmw_store(struct cpu *c, void *host, unsigned size, uint64_t val);

static inline struct utlb_ent *utlb_of(struct cpu *c, uint64_t va)
{
	return &c->utlb[c->mmu_idx][(va >> 12) & (UTLB_SIZE - 1)];
}

static inline int mem_read(struct cpu *c, uint64_t va, unsigned size, uint64_t *val)
{
	struct utlb_ent *e = utlb_of(c, va);
	if (likely(e->rtag == ((va & ~0xfffull) | c->utlb_gen) && (va & 0xfff) <= 4096 - size &&
		   !(va & c->align_mask & (size - 1)))) {
		const void *p = (const void *)(uintptr_t)(va + e->addend);
		c->st.utlb_hits++;
		switch (size) {
		case 1: *val = *(const uint8_t *)p; break;
		case 2: { uint16_t v; memcpy(&v, p, 2); *val = v; break; }
		case 4: { uint32_t v; memcpy(&v, p, 4); *val = v; break; }
		default: memcpy(val, p, 8); break;
		}
		return 0;
	}
	return mem__read_slow(c, va, size, val, 0);
}

static inline int mem_write(struct cpu *c, uint64_t va, unsigned size, uint64_t val)
{
	struct utlb_ent *e = utlb_of(c, va);
	if (likely(e->wtag == ((va & ~0xfffull) | c->utlb_gen) && (va & 0xfff) <= 4096 - size &&
		   !(va & c->align_mask & (size - 1)))) {
		void *p = (void *)(uintptr_t)(va + e->addend);
		c->st.utlb_hits++;
		switch (size) {
		case 1: *(uint8_t *)p = (uint8_t)val; break;
		case 2: { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); break; }
		case 4: { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); break; }
		default: memcpy(p, &val, 8); break;
		}
		if (unlikely(c->checks)) /* (not a table page: xlat.h) */
			xlat__note_store(c, p, size);
		return 0;
	}
	return mem__write_slow(c, va, size, val, 0);
}

/* Flush this vCPU's micro-TLBs (data and fetch). A data flush is a new generation
 * (the tags carry it in their low 12 bits); a real clear every 4095 flushes. */
void mem__flush(struct cpu *c);
void mem__flush_data(struct cpu *c);
/* Drop the pages of [va, va + 2^shift) from this vCPU's micro-TLBs (data and fetch):
 * the TLB model evicted the entry they came from. Slots are dropped whatever their tag
 * holds (a VA with a TBI tag, another regime index): dropping more than needed only
 * costs a refill. Inline: the TLB's eviction hook (xlat.c) calls it on every miss. */
static inline void mem__drop(struct cpu *c, uint64_t va, unsigned shift)
{
	uint64_t page = va >> 12, n;
	if (shift == 12) { /* the common case (every 4 KiB entry the TLB evicts): no loop */
		unsigned i = (unsigned)page & (UTLB_SIZE - 1);
		for (unsigned m = 0; m < MMU_NIDX; m++)
			c->utlb[m][i] = (struct utlb_ent){ ~0ull, ~0ull, 0 };
		c->itlb[page % ITLB_SIZE].tag = ~0ull;
		return;
	}
	if (shift < 12 || shift >= 12 + UTLB_BITS) {
		mem__flush_data(c);
		return;
	}
	n = 1ull << (shift - 12);
	for (uint64_t k = 0; k < n; k++) {
		unsigned i = (unsigned)(page + k) & (UTLB_SIZE - 1);
		for (unsigned m = 0; m < MMU_NIDX; m++)
			c->utlb[m][i] = (struct utlb_ent){ ~0ull, ~0ull, 0 };
		if (k < ITLB_SIZE)
			c->itlb[(page + k) % ITLB_SIZE].tag = ~0ull;
	}
}

#endif
