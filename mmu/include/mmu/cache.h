/* SPDX-License-Identifier: MIT */
/*
 * Cache model: set-associative L1I, L1D and a unified L2 (which several PEs may
 * share), tags and write-back dirty state only: memory (through the callbacks) always
 * holds the data, so the model gives statistics and feeds the coherence checks; it
 * never returns stale data. Line sizes come from CTR_EL0 (IminLine[3:0],
 * DminLine[19:16], log2 of words), IDC[28], DIC[29].
 *
 * Point of Unification = L2 here (L1I and L1D unify there); Point of Coherency =
 * memory.
 */
#ifndef MMU_CACHE_H
#define MMU_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

struct mmu_ctx;

struct mmu_cache_geom {
	uint32_t sets;   /* power of two; 0: absent */
	uint32_t ways;
	uint32_t line;   /* bytes, power of two; 0: from CTR_EL0 */
};

struct mmu_cache_stats {
	uint64_t hits, misses, evictions, writebacks, uncached;
	uint64_t cleans, invalidates, zeroes;   /* lines affected by maintenance */
};

struct mmu_cache_line {
	uint64_t tag;     /* line address >> log2(line) */
	bool valid, dirty;
	uint32_t lru;
};

struct mmu_cache {
	struct mmu_cache_geom geom;
	unsigned line_shift;
	struct mmu_cache_line *l;
	uint32_t clock;
	struct mmu_cache_stats stats;
};

/* One PE's view: its L1s and a (possibly shared) L2. */
struct mmu_caches {
	struct mmu_cache *l1i, *l1d, *l2;  /* any may be NULL */
	uint32_t ctr_el0;
};

/* CTR_EL0 of the default model: IminLine = DminLine = 64 bytes, IDC = DIC = 0. */
#define MMU_CTR_DEFAULT ((4u << 16) | 4u | (1u << 31))

/* Create one cache level; a line of 0 takes the size from ctr_el0 (data line for
 * data/unified caches, instruction line when icache). NULL on bad geometry. */
struct mmu_cache *mmu__cache_create(const struct mmu_cache_geom *g, uint32_t ctr_el0,
				    bool icache);
void mmu__cache_destroy(struct mmu_cache *c);

/* Is memory with this combined attribute (MAIR format) cacheable for this access,
 * given SCTLR_EL1.C (data) and .I (instruction)? Device and Normal Non-cacheable
 * are not; with stage 1 off, data accesses are Device and fetches follow SCTLR.I. */
bool mmu__attr_cacheable(uint8_t attr, enum mmu_access acc, uint64_t sctlr_el1);

/* Account for one access at pa (size bytes) through the hierarchy. */
void mmu__cache_access(struct mmu_caches *c, uint64_t pa, unsigned size,
		       enum mmu_access acc, bool cacheable);

enum mmu_cache_op {
	MMU_DC_IVAC,   /* invalidate to PoC */
	MMU_DC_CVAC,   /* clean to PoC */
	MMU_DC_CVAU,   /* clean to PoU */
	MMU_DC_CIVAC,  /* clean and invalidate to PoC */
	MMU_DC_ZVA,    /* zero a DCZID block (the caller writes the zeros) */
	MMU_IC_IVAU,   /* invalidate I-cache line to PoU */
	MMU_IC_IALLU,  /* invalidate this PE's I-cache */
	MMU_IC_IALLUIS,/* invalidate every I-cache of the Inner Shareable domain */
};

/* Apply op to one PE's caches at physical address pa (ignored for IALLU*). */
void mmu__cache_maint_pa(struct mmu_caches *c, enum mmu_cache_op op, uint64_t pa);

/*
 * The instruction as the PE executes it: translate va (DC: as a read with
 * ESR.ISS.CM = 1, DC ZVA as a write; IC IVAU as a read), apply to ctx->caches (or,
 * for IC IALLUIS, to every PE's caches of ctx->domain) and tell ctx->check.
 * Returns 0, or -EFAULT with *fault filled (the CPU takes the abort). DC IVAC needs
 * write permission (Arm ARM: "DC IVAC ... permission fault if not writable").
 * *pa_out (may be NULL) receives the translated line address.
 */
int mmu__cache_maint(struct mmu_ctx *ctx, enum mmu_cache_op op, uint64_t va,
		     unsigned flags, struct mmu_fault *fault, uint64_t *pa_out);

const char *mmu__cache_op_name(enum mmu_cache_op op);

#endif
