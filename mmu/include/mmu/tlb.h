/* SPDX-License-Identifier: MIT */
/*
 * TLB model: per PE, an L1 instruction TLB and an L1 data TLB in front of a unified
 * L2 TLB, each sets x ways (a geometry with 0 sets is absent); the L2 is inclusive of
 * the L1s (its victims leave them too). Entries are tagged by
 * VMID, ASID or global, with their mapped size, kind (stage 1, combined, stage 2),
 * permissions and attributes. L1 entries are indexed by the 4 KiB page of the access
 * (a block is cached in pieces, as many micro-TLBs do); L2 entries by their own size.
 *
 * The walk cache holds stage-1 table descriptors (intermediate levels): an entry maps
 * the region a table descriptor covers to the next-level table address, with the
 * hierarchical limits gathered so far; a walk starts below the deepest one that hits.
 * The last-level-only TLBI forms leave these entries alone.
 *
 * A domain groups the TLBs (and caches) of every PE in one Inner Shareable domain,
 * so that the IS forms of TLBI and IC IALLUIS reach all of them.
 */
#ifndef MMU_TLB_H
#define MMU_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "regime.h"
#include "tlbi.h"
#include "types.h"

struct mmu_tlb_geom {
	uint16_t sets;  /* power of two; 0: this level is absent */
	uint16_t ways;
};

struct mmu_tlb_config {
	struct mmu_tlb_geom l1i, l1d, l2;
	bool s2_entries;  /* also cache stage-2-only (IPA->PA) entries, used by walks */
	struct mmu_tlb_geom walk; /* walk cache of stage-1 table descriptors (0 sets: none) */
	/* Strict (adversarial) TLB, 0: off. What the L2 and the walk cache evict goes to a
	 * keep store of up to this many entries, so that an entry stays until a TLBI
	 * covering it; each lookup takes the oldest matching entry (the one an
	 * implementation could still be using). Needs l1i and l1d absent (0 sets), so
	 * that no L1 copy is ever preferred to an older entry. When the store is full, an
	 * evicted entry leaves as usual and keep_stats.dropped counts it. */
	uint32_t keep;
};

/* Default organisation: L1I 16x4, L1D 16x4, L2 256x4, stage-2 entries cached, walk
 * cache 16x4. */
extern const struct mmu_tlb_config mmu_tlb_default_config;

enum mmu_tlb_which {
	MMU_TLB_L1I = 0, MMU_TLB_L1D = 1, MMU_TLB_L2 = 2, MMU_TLB_WALK = 3, MMU_TLB_LEVELS = 4
};

struct mmu_tlb_entry {
	/* hot: what a lookup compares and a hit returns, and the fill's (first 48 bytes) */
	uint64_t va;        /* input address (VA, or IPA for MMU_TLB_S2), aligned to shift */
	uint64_t pa;        /* output address of the region (aligned to shift) */
	uint64_t ipa;       /* MMU_TLB_S12: IPA of the region start */
	uint32_t tag;       /* vmid << 2 | kind; 0: invalid entry */
	/* asid..level: the order of struct mmu_result's (one 8-byte copy on a hit) */
	uint16_t asid;
	uint8_t shift;      /* log2 of the mapped size */
	bool global;
	uint8_t perms;      /* MMU_PERM_* */
	uint8_t attr;       /* MAIR format, combined */
	uint8_t sh;
	uint8_t level;      /* level of the leaf (walk cache: of the table descriptor) */
	bool table;         /* walk-cache entry: pa is the next-level table, attr the limits */
	uint8_t in_l1;      /* L2 entry: bit MMU_TLB_L1I/L1D set while that L1 may hold a
			     * copy (set on a copy; cleared when a 4 KiB copy leaves) */
	uint32_t lru;       /* last use stamp */
	uint32_t l2_slot;   /* L1 copy: index in the L2's e[] of the entry copied when the
			     * copy was made (MMU_TLB_NO_SLOT: none); unused in the L2 */
	/* cold */
	uint64_t born;      /* fill order (strict lookups prefer the oldest) */
	uint64_t ttb;       /* stage 1: the TTBRn table base the walk started from (checks) */
	uint64_t s1_desc_pa, s1_desc; /* leaf descriptors the entry came from (checks) */
	uint64_t s2_desc_pa, s2_desc; /* s2_desc_pa == ~0: none */
};

#define MMU_TLB_NO_SLOT 0xffffffffu

struct mmu_tlb_stats {
	uint64_t hits, misses, fills, evictions, invalidated;
};

struct mmu_tlb_array {
	struct mmu_tlb_geom geom;
	struct mmu_tlb_entry *e;  /* sets * ways entries */
	/* bit n set: some entry with shift n may be present; [1] stage-2-only entries,
	 * [0] the others: a stage-2 lookup probes only stage-2 sizes and vice versa (L2
	 * and walk cache; the L1s, indexed by the 4 KiB page, leave theirs 0) */
	uint64_t shift_mask[2];
	/* L2 only (NULL elsewhere): per set and size mask ([2 * set + 1] stage-2-only
	 * entries, [2 * set] the others), the valid entries larger than 4 KiB. A probe of a
	 * larger size skips a set that has none of its kind: the 4 KiB entries there could
	 * only hit if that set were the 4 KiB one, probed first */
	uint16_t *blocks;
	uint16_t *used;  /* per set: its valid entries (a fill into a full set looks for
			  * no free way) */
	struct mmu_tlb_stats stats;
};

/* Called when a fill removes a translation from the TLB, with the entry as it was:
 * the LRU victim of the L2 (the L2 is inclusive of the L1s: its victim leaves them
 * too; without an L2, an L1 victim), of the walk cache, or the old value a refill of
 * the same slot replaces (after an AF/dirty update). Not for TLBI (the caller issued
 * those). A CPU model keeping its
 * own micro-TLB a subset of this TLB drops what the entry covered: e->va and
 * 1 << e->shift bytes, for the VMID/ASID of e->tag and e->asid (MMU_TLB_S2 entries and
 * walk-cache entries (e->table) translate nothing a micro-TLB holds). */
typedef void mmu_tlb_evict_fn(void *opaque, enum mmu_tlb_which which,
			      const struct mmu_tlb_entry *e);

struct mmu_tlb {
	struct mmu_tlb_config cfg;
	struct mmu_tlb_array lv[MMU_TLB_LEVELS];
	uint32_t clock;
	uint64_t walks;                       /* page walks started on a miss */
	uint64_t walks_by[3];                 /* the same by enum mmu_access (read, write,
					       * fetch): a PMU's DTLB_WALK and ITLB_WALK */
	uint64_t tlbi[MMU_TLBI_KINDS];        /* invalidations received, by kind */
	mmu_tlb_evict_fn *evict;              /* optional eviction hook (set by the user) */
	void *evict_opaque;                   /* its first argument */
	struct mmu_tlb_entry *s2_hint[2];     /* internal: last stage-2 entries found (tlb.c) */
	uint64_t born_clock;                  /* internal: fills so far */
	struct mmu_tlb_keep *keep;            /* internal: the strict keep store (tlb_keep.c) */
	struct {
		uint64_t kept, hits, invalidated, dropped, peak;
	} keep_stats;                         /* strict: entries kept, lookups served,
					       * removed by TLBI, lost to a full store, peak */
};

/* Allocate a TLB (NULL cfg: default). Returns NULL on allocation failure or a bad
 * geometry (sets not a power of two). */
struct mmu_tlb *mmu__tlb_create(const struct mmu_tlb_config *cfg);
void mmu__tlb_destroy(struct mmu_tlb *tlb);

/* Find an entry translating va for the regime's current tag and ASID (L1 of acc, then
 * L2, which refills L1). Returns NULL on a miss. Permissions are not checked. */
const struct mmu_tlb_entry *mmu__tlb_lookup(struct mmu_tlb *tlb, const struct mmu_regime *r,
					    uint64_t va, enum mmu_access acc);

/* Stage-2-only lookup of an IPA (used by walks when cfg.s2_entries). */
const struct mmu_tlb_entry *mmu__tlb_lookup_s2(struct mmu_tlb *tlb,
					       const struct mmu_regime *r, uint64_t ipa);

/* Insert e (tag, va, shift... filled in) into L2 and the L1 of acc. */
void mmu__tlb_fill(struct mmu_tlb *tlb, const struct mmu_tlb_entry *e, enum mmu_access acc);

/* Remove every entry op matches (this TLB only: the broadcast is mmu__tlbi()). */
void mmu__tlb_invalidate(struct mmu_tlb *tlb, const struct mmu_tlbi *op);

/* Entries in the strict keep store now (0 when not strict). */
uint32_t mmu__tlb_keep_count(const struct mmu_tlb *tlb);

/* Visit every valid entry of one level (inspector). */
void mmu__tlb_foreach(const struct mmu_tlb *tlb, enum mmu_tlb_which which,
		      void (*fn)(void *arg, const struct mmu_tlb_entry *e), void *arg);

#define MMU_MAX_PE 16

struct mmu_domain {
	unsigned npe;
	struct mmu_tlb *tlb[MMU_MAX_PE];       /* may be NULL */
	struct mmu_caches *caches[MMU_MAX_PE]; /* may be NULL */
	struct mmu_check *check;               /* optional, sees every TLBI */
};

/* Add a PE (its TLB and caches, either may be NULL). Returns its index, or -ENOSPC. */
int mmu__domain_add(struct mmu_domain *d, struct mmu_tlb *tlb, struct mmu_caches *caches);

#endif
