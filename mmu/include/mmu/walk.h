/* SPDX-License-Identifier: MIT */
/*
 * Translation: the per-PE context and the translate/walk entry points.
 *
 *   struct mmu_ctx ctx;
 *   mmu__ctx_init(&ctx, &ops, opaque);
 *   mmu__regime_set(&ctx.regime, &sysregs);       (again after every MSR that matters)
 *   ctx.tlb = tlb;                                 (optional)
 *   if (mmu__translate(&ctx, va, MMU_READ, flags, &res) < 0) -> res.fault
 *
 * Pseudocode: AArch64.TranslateAddress -> AArch64.FullTranslate -> AArch64.S1Translate
 * + AArch64.S2Translate (Arm ARM DDI 0487 J.a pseudocode; what is modelled:
 * docs/fidelity.md "Translation").
 */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "regime.h"
#include "tlb.h"
#include "types.h"

struct mmu_tlb;
struct mmu_domain;
struct mmu_caches;
struct mmu_check;
struct mmu_trace;

/* What this context's walks did (counted always, cheaply; zeroed by mmu__ctx_init).
 * Index [0] stage 1, [1] stage 2. A stage-1 walk reads its table descriptors through
 * stage 2 (each a stage-2 TLB lookup, or a stage-2 walk); the final IPA too. */
struct mmu_walk_stats {
	uint64_t walks[2];      /* table walks started (stage 2 always from its root table;
				 * a walk that lost a race with a descriptor update counts again) */
	uint64_t wc_starts;     /* stage-1 walks started below the root from the walk cache */
	uint64_t desc_reads[2]; /* descriptors read by those walks */
};

/* Everything one PE's translations need. Plain struct: fill it in, no hidden state. */
struct mmu_ctx {
	struct mmu_regime regime;       /* decoded system registers (mmu__regime_set) */
	const struct mmu_mem_ops *mem;  /* memory callbacks */
	void *mem_opaque;               /* first argument of the callbacks */
	struct mmu_tlb *tlb;            /* optional: this PE's TLB */
	struct mmu_domain *domain;      /* optional: shareability domain (IS TLBI, IC IALLUIS) */
	struct mmu_caches *caches;      /* optional: this PE's caches */
	struct mmu_check *check;        /* optional: sanitizer checks */
	struct mmu_trace *trace;        /* optional: filled with every descriptor read */
	unsigned pe;                    /* index of this PE (reports, domain) */
	struct mmu_walk_stats stats;    /* counters of the walks done for this context */
	bool no_fast_walk;              /* tests: every TLB miss takes the generic walk
					 * (same results; the fast one skips its decoding) */
	/* optional: host memory holding PAs [ram_base, ram_base + ram_size). Only for
	 * callbacks whose read64 of a RAM address does nothing that a second read of the
	 * same page would add to: the fast walk then reads a descriptor of the page its
	 * last read64 was in straight from here (walk_fast.h) */
	const uint8_t *ram;
	uint64_t ram_base, ram_size;
	uint64_t desc_page;             /* internal (walk_fast.h): that page + 1, 0: none */
	struct {                        /* internal (walk_fast.h, .c): the last leaf decoded */
		uint64_t regime;           /* the regime's id (0: none yet) */
		uint64_t dbits, more;      /* with it, what the result depends on */
		uint8_t perms, attr, sh;   /* the result */
	} fast_memo;
};

/* Zero ctx, set the memory callbacks; both stages off (identity) until regime_set. */
void mmu__ctx_init(struct mmu_ctx *ctx, const struct mmu_mem_ops *mem, void *opaque);

/*
 * Translate va for one access through the TLB (if ctx->tlb and not MMU_F_NO_TLB),
 * walking on a miss and filling the TLB. Returns 0 with res filled, or -EFAULT with
 * res->fault filled. Never any other value.
 *
 * An L1 TLB hit is handled inline (below), as a CPU model needs it on every access;
 * everything else (L2, walks, fills, checks) is mmu__translate_slow().
 */
int mmu__translate_slow(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc,
			unsigned flags, struct mmu_result *res);
/* The same after the inline L1 probe missed, for a TLB it found usable (no checks, a
 * stage-1 regime, no NO_TLB, S1_ONLY or NO_UPDATE flag) and key the VA as entries hold
 * it: straight to the L2 lookup. */
int mmu__translate_l1_missed(struct mmu_ctx *ctx, uint64_t va, uint64_t key,
			     enum mmu_access acc, unsigned flags, struct mmu_result *res);

/* The way of n from e that translates key, permissions not checked. */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu__tlb_l1_ways(struct mmu_tlb_entry *e, unsigned n, const struct mmu_regime *r, uint64_t key)
{
#pragma GCC unroll 4
	for (unsigned w = 0; w < n; w++, e++)
		if (((key ^ e->va) >> e->shift) == 0 && e->tag == r->tlb_tag &&
		    (e->global || e->asid == r->asid)) /* (the VA first: it tells most ways apart) */
			return e;
	return 0;
}

/* The L1 entry that translates key (the VA as entries hold it), permissions not
 * checked. */
static inline __attribute__((always_inline)) struct mmu_tlb_entry *
mmu__tlb_l1_find(struct mmu_tlb_array *a, const struct mmu_regime *r, uint64_t key)
{
	unsigned ways = a->geom.ways;
	struct mmu_tlb_entry *e = &a->e[((key >> 12) & (a->geom.sets - 1u)) * ways];

	if (ways == 4) /* the default geometry: the loop unrolled */
		return mmu__tlb_l1_ways(e, 4, r, key);
	return mmu__tlb_l1_ways(e, ways, r, key);
}

static inline __attribute__((always_inline)) int
mmu__translate(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	       struct mmu_result *res)
{
	const struct mmu_regime *r = &ctx->regime;
	struct mmu_tlb_array *a;
	struct mmu_tlb_entry *e;
	uint64_t key, off;
	bool el0 = flags & MMU_F_EL0;

	if (!ctx->tlb || ctx->check || (unsigned)(r->tlb_kind - MMU_TLB_S1) >= 2u ||
	    (flags & (MMU_F_NO_TLB | MMU_F_S1_ONLY | MMU_F_NO_UPDATE)))
		return mmu__translate_slow(ctx, va, acc, flags, res);
	a = &ctx->tlb->lv[acc == MMU_FETCH ? MMU_TLB_L1I : MMU_TLB_L1D];
	if (!a->geom.sets)
		return mmu__translate_slow(ctx, va, acc, flags, res);
	/* TBI: VA[63:56] are ignored (entries hold VA[55] copied into them) */
	key = r->tbi_key[(va >> 55) & 1][acc] ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
	e = mmu__tlb_l1_find(a, r, key);
	if (!e) /* the slow path goes straight to the L2 */
		return mmu__translate_l1_missed(ctx, va, key, acc, flags, res);
	/* the cached rules of AArch64.S1HasPermissionsFault: EL0/EL1 R/W/X bit, PAN;
	 * anything else (a fault, DBM, DC by VA) is decided by the slow path */
	if (!(e->perms & ((MMU_PERM_R1 << acc) << (el0 ? 3 : 0))) ||
	    ((flags & MMU_F_PAN) && !el0 && acc != MMU_FETCH && (e->perms & MMU_PERM_USER)))
		return mmu__translate_slow(ctx, va, acc, flags, res);
	a->stats.hits++;
	off = key & ((1ull << e->shift) - 1);
	res->pa = e->pa | off;
	res->ipa = e->ipa | off;
	memcpy(&res->asid, &e->asid, 8); /* asid, shift, global, perms, attr, sh, level */
	res->ns = true;
	res->tlb_hit = true;
	res->fault.kind = MMU_FAULT_NONE;
	return 0;
}

#define MMU_SAME_OFFSET_(f) \
	(offsetof(struct mmu_result, f) - offsetof(struct mmu_result, asid) == \
	 offsetof(struct mmu_tlb_entry, f) - offsetof(struct mmu_tlb_entry, asid))
_Static_assert(MMU_SAME_OFFSET_(shift) && MMU_SAME_OFFSET_(global) &&
	       MMU_SAME_OFFSET_(perms) && MMU_SAME_OFFSET_(attr) && MMU_SAME_OFFSET_(sh) &&
	       MMU_SAME_OFFSET_(level) && offsetof(struct mmu_result, level) -
	       offsetof(struct mmu_result, asid) == 7,
	       "mmu_result and mmu_tlb_entry: asid..level must have one layout");

/* Same, always walking (no TLB lookup or fill). The inspector's "walk one address". */
int mmu__walk(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	      struct mmu_result *res);

/* Stage 2 only: translate an IPA (the VMM's own view of guest memory). No TLB. */
int mmu__walk_s2(struct mmu_ctx *ctx, uint64_t ipa, enum mmu_access acc,
		 struct mmu_result *res);

#endif
