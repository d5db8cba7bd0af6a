/* SPDX-License-Identifier: MIT */
/*
 * Memory-management sanitizer checks. The library detects and reports through a
 * callback; the caller decides (print, count, stop).
 *
 * - MMU_CHECK_STALE_TLB: a TLB hit whose source descriptor in memory has changed
 *   since the entry was filled, with no TLBI covering it since.
 * - MMU_CHECK_BBM: a store that changes a descriptor which a walk has read (and no
 *   TLBI has covered since) to a valid descriptor with a different output address,
 *   size or memory type: break-before-make was skipped (invalid entry + TLBI missing).
 *   For an ASID-tagged descriptor (nG leaf, or a TTBR0 table) that no PE which walked
 *   it is using now, the report waits until a PE which walked it uses that ASID again
 *   with no TLBI covering it since: entries of a retired ASID can hit nothing before
 *   the ASID is reused (Arm ARM D8.16.1, "TLB maintenance": a TLB entry is used only
 *   for translations in its own ASID).
 * - MMU_CHECK_ICACHE: an instruction fetched from a line written since the last
 *   I-cache invalidation covering it (or, when CTR_EL0.IDC is 0, since its last D-cache
 *   clean to PoU before that invalidation).
 * - MMU_CHECK_CONTIG: a descriptor with the Contiguous bit whose 16 neighbours do not
 *   map one aligned, identically attributed range.
 * - MMU_CHECK_ASID_REUSE: a TLB hit on a non-global entry walked from other TTBR0
 *   tables than the current ones: the ASID was given to another address space with
 *   no TLBI of its old entries (old_desc/new_desc: the table bases then and now;
 *   writer: where the PE last switched TTBR0).
 *
 * The CPU calls mmu__check_store() before each store to memory and
 * mmu__check_fetch() for each instruction fetch it does not serve from its own decode
 * cache; walks, TLB hits, TLBI and cache maintenance call the checker themselves.
 */
#ifndef MMU_CHECK_H
#define MMU_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

struct mmu_ctx;
struct mmu_tlbi;

enum mmu_check_kind {
	MMU_CHECK_STALE_TLB = 0,
	MMU_CHECK_BBM,
	MMU_CHECK_ICACHE,
	MMU_CHECK_CONTIG,
	MMU_CHECK_ASID_REUSE,
	MMU_CHECK_KINDS
};

/* Where a PE was when it did something: its PC and return address (x30), as the
 * caller's cfg.where tells (all 0 without it). */
struct mmu_check_where {
	bool known;
	unsigned pe;
	uint64_t pc, lr;
};

struct mmu_check_report {
	enum mmu_check_kind kind;
	unsigned pe;
	struct mmu_check_where at;     /* pe's PC when the check fired; for a deferred BBM
				       * report, when the store happened */
	struct mmu_check_where writer; /* STALE_TLB: the last store that changed the
				       * descriptor; ICACHE: the last store to the page */
	bool deferred;        /* BBM on an ASID-tagged descriptor, reported when the ASID
			       * was used again (by PE use_pe) before a TLBI covered it */
	unsigned use_pe;
	uint16_t asid;        /* the entry's or descriptor's ASID, when not global */
	bool global;          /* STALE_TLB, BBM: a global entry (no ASID) */
	uint64_t va;          /* VA of the access / mapping (when known) */
	uint64_t ipa;         /* IPA (when stage 2 is involved) */
	uint64_t pa;          /* physical address accessed or written */
	uint64_t desc_pa;     /* descriptor address (STALE_TLB, BBM, CONTIG) */
	uint64_t old_desc;    /* value the TLB/walk used */
	uint64_t new_desc;    /* value now in memory, or being stored */
	uint8_t stage, level;
	enum mmu_access access;
	const char *what;     /* one-line explanation (static string) */
};

struct mmu_check_config {
	unsigned enable;      /* bit mask of 1 << MMU_CHECK_*; 0 means all */
	void (*report)(void *opaque, const struct mmu_check_report *r);
	void *opaque;
	uint32_t ctr_el0;     /* IDC/DIC and line sizes for the I-cache check; 0: default */
	/* optional: PE pe's PC and x30 now (called on stores and reports, so that a
	 * report can name the store behind it) */
	void (*where)(void *opaque, unsigned pe, uint64_t *pc, uint64_t *lr);
	/* optional: the physical range most stores and fetches fall in (RAM, 4 KiB
	 * aligned): the I-cache check keeps its per-page state there in flat arrays
	 * indexed by page (no hash lookup per store or fetched line); 0: hashed only */
	uint64_t flat_base, flat_size;
};

struct mmu_check;

struct mmu_check *mmu__check_create(const struct mmu_check_config *cfg);
void mmu__check_destroy(struct mmu_check *c);

/* Reports so far, by kind. */
uint64_t mmu__check_count(const struct mmu_check *c, enum mmu_check_kind k);

/* Before a store of size bytes (1..8, naturally aligned) of value val at physical
 * address pa by ctx's PE: BBM and I-cache bookkeeping. Reads the old value through
 * ctx->mem. */
void mmu__check_store(struct mmu_ctx *ctx, uint64_t pa, unsigned size, uint64_t val);

/* The same for a store the caller knows overwrites no descriptor a walk read (every
 * descriptor a walk reads comes through ctx->mem->read64, where a caller can note its
 * page): only the I-cache bookkeeping, no break-before-make lookup. */
void mmu__check_store_data(struct mmu_ctx *ctx, uint64_t pa, unsigned size);

/* An instruction fetch at va, translated to pa. */
void mmu__check_fetch(struct mmu_ctx *ctx, uint64_t va, uint64_t pa);

/* For a caller's own fast test of fetches (translated code): the word of the I-cache
 * check's bitmap that holds pa's page and, in *bit, its bit there; while that bit is
 * clear no line of the page has anything to report, so mmu__check_fetch on it would do
 * nothing. NULL when pa is outside the flat range (cfg.flat_*) or the I-cache check is
 * off: call mmu__check_fetch then. The word stays valid as long as c. */
const uint64_t *mmu__check_code_live(const struct mmu_check *c, uint64_t pa, unsigned *bit);

/* The I-cache check's state of a page: lines written since their clean to PoU
 * (need_clean, CTR_EL0.IDC = 0) and since their I-cache invalidation after it
 * (need_inval, CTR_EL0.DIC = 0), bit n for the 64-byte line n; the last store. */
struct mmu_check_code_page {
	uint64_t need_clean, need_inval;
	struct mmu_check_where writer;
};

/* The pages of the flat range (cfg.flat_*): page[i] is the state of the page at PA
 * base + i * 4 KiB while bit i of live is set; while it is clear, the page has no line
 * to report and its need_clean and need_inval are 0. A caller that does the I-cache
 * bookkeeping of a store itself (translated code, the VMM's micro-TLB hits) does what
 * mmu__check_store_data would, for a store of one page i by PE pe at (pc, lr): OR
 * the lines written into need_clean if clean, into need_inval if inval, set writer to
 * { true, pe, pc, lr } and set bit i of live; and nothing at all when neither clean
 * nor inval is set. */
struct mmu_check_flat {
	uint64_t base, pages;
	uint64_t *live;
	struct mmu_check_code_page *page;
	bool clean, inval;
};
/* NULL when there is no flat range or the I-cache check is off (stores then need no
 * I-cache bookkeeping at all). */
const struct mmu_check_flat *mmu__check_flat(const struct mmu_check *c);

/* ctx's PE translates with its regime's ASID (called by mmu__translate itself): a
 * deferred break-before-make finding on a descriptor of that ASID is reported now. */
void mmu__check_asid_use(struct mmu_ctx *ctx);

#endif
