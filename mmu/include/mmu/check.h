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
 * - MMU_CHECK_ICACHE: an instruction fetched from a line written since the last
 *   I-cache invalidation covering it (or, when CTR_EL0.IDC is 0, since its last D-cache
 *   clean to PoU before that invalidation).
 * - MMU_CHECK_CONTIG: a descriptor with the Contiguous bit whose 16 neighbours do not
 *   map one aligned, identically attributed range.
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
	MMU_CHECK_KINDS
};

struct mmu_check_report {
	enum mmu_check_kind kind;
	unsigned pe;
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

/* An instruction fetch at va, translated to pa. */
void mmu__check_fetch(struct mmu_ctx *ctx, uint64_t va, uint64_t pa);

#endif
