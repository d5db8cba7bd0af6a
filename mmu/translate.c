/* SPDX-License-Identifier: MIT */
/*
 * mmu__translate_slow: the per-access path behind the inline L1 hit of
 * mmu__translate (mmu/walk.h). TLB (L1 of the access type, then L2), then a full
 * walk on a miss or when the cached permissions do not allow the access (the walk
 * then reports the exact fault, or performs the AF/dirty update and refills).
 * Pseudocode: AArch64.TranslateAddress (the TLB is the implementation's cache of
 * AArch64.FullTranslate results).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "perm.h"
#include "walk_fast.h"

void mmu__ctx_init(struct mmu_ctx *ctx, const struct mmu_mem_ops *mem, void *opaque)
{
	static const struct mmu_sysregs off = { 0 };

	memset(ctx, 0, sizeof(*ctx));
	ctx->mem = mem;
	ctx->mem_opaque = opaque;
	mmu__regime_set(&ctx->regime, &off);
}

/* The VA as TLB entries hold it: with TBI for its half, VA[63:56] copy VA[55]. */
static inline uint64_t tlb_key(const struct mmu_regime *r, uint64_t va, enum mmu_access acc)
{
	return r->tbi_key[(va >> 55) & 1][acc] ? (uint64_t)((int64_t)(va << 8) >> 8) : va;
}

static void hit_result(const struct mmu_tlb_entry *e, uint64_t key, struct mmu_result *res)
{
	uint64_t off = key & ENTRY_MASK(e->shift);

	res->pa = e->pa | off;
	res->ipa = e->ipa | off; /* == pa for stage-1-only entries */
	res->shift = e->shift;
	res->perms = e->perms;
	res->attr = e->attr;
	res->sh = e->sh;
	res->ns = true;
	res->global = e->global;
	res->tlb_hit = true;
	res->asid = e->asid;
	res->level = e->level;
	res->fault.kind = MMU_FAULT_NONE;
}

/* A writable-clean leaf (DBM = 1 with AP[2] = 1, or stage-2 S2AP[1] = 0) is cached
 * without write permission: a write then walks, and the walk sets the dirty state. */
static uint8_t cached_perms(const struct mmu_result *res, const struct mmu_leafs *lf)
{
	uint8_t p = res->perms;

	if (lf->s1_desc_pa != ~0ull && (lf->s1_desc & MMU_DESC_AP2))
		p &= (uint8_t)~(MMU_PERM_W1 | MMU_PERM_W0);
	if (lf->s2_desc_pa != ~0ull && !(lf->s2_desc & MMU_DESC_S2AP_W))
		p &= (uint8_t)~(MMU_PERM_W1 | MMU_PERM_W0);
	return p;
}

static void fill(struct mmu_ctx *ctx, uint64_t key, enum mmu_access acc,
		 const struct mmu_result *res, const struct mmu_leafs *lf)
{
	uint64_t m = ENTRY_MASK(res->shift);
	struct mmu_tlb_entry e;

	/* every field, none twice (a designated initializer zeroes the whole entry
	 * first): this runs on every TLB miss */
	e.va = key & ~m;
	e.pa = res->pa & ~m;
	e.ipa = res->ipa & ~m;
	e.tag = ctx->regime.tlb_tag;
	_Static_assert(offsetof(struct mmu_tlb_entry, level) - offsetof(struct mmu_tlb_entry, asid) ==
		       offsetof(struct mmu_result, level) - offsetof(struct mmu_result, asid),
		       "asid..level in the same order in both");
	memcpy(&e.asid, &res->asid, offsetof(struct mmu_result, level) -
				    offsetof(struct mmu_result, asid) + 1);
	e.perms = cached_perms(res, lf);
	e.table = false;
	e.in_l1 = 0;
	e.lru = 0;
	e.l2_slot = MMU_TLB_NO_SLOT;
	e.born = 0;
	e.ttb = ctx->regime.tt[(key >> 55) & 1].base;
	e.s1_desc_pa = lf->s1_desc_pa;
	e.s1_desc = lf->s1_desc;
	e.s2_desc_pa = lf->s2_desc_pa;
	e.s2_desc = lf->s2_desc;
	mmu_tlb_fill_at(ctx->tlb, &e, acc, key);
}

/* Stage-1 results are cached (kinds S1 and S12); with stage 1 off only the stage-2
 * entries the walk itself uses are (the final attributes depend on the access). */
static inline bool tlb_usable(const struct mmu_ctx *ctx, unsigned flags)
{
	return ctx->tlb && (unsigned)(ctx->regime.tlb_kind - MMU_TLB_S1) < 2 &&
	       !(flags & (MMU_F_NO_TLB | MMU_F_S1_ONLY | MMU_F_NO_UPDATE));
}

/* May a TLB entry with these permissions serve the access? As the walk decides:
 * cache maintenance by VA at EL1 other than DC IVAC (a write) checks no permission at
 * either stage (AArch64.S1HasPermissionsFault and AArch64.S2HasPermissionsFault for
 * AccessType_DC), so any entry serves it, as on hardware (an EL1 DC CVAU of a user
 * page with PAN set hits). */
static inline bool hit_allowed(uint8_t perms, enum mmu_access acc, unsigned flags)
{
	if ((flags & (MMU_F_CM | MMU_F_EL0)) == MMU_F_CM && acc != MMU_WRITE)
		return true;
	return mmu_perm_ok(perms, acc, flags);
}

static inline __attribute__((always_inline)) int
translate_slow(struct mmu_ctx *ctx, uint64_t va, uint64_t key, enum mmu_access acc,
	       unsigned flags, bool use, bool l1_missed, struct mmu_result *res)
{
	struct mmu_leafs lf;

	if (use) {
		const struct mmu_tlb_entry *e = l1_missed ?
			mmu_tlb_lookup_l2(ctx->tlb, &ctx->regime, key, acc) :
			mmu__tlb_lookup(ctx->tlb, &ctx->regime, key, acc);

		if (e && hit_allowed(e->perms, acc, flags)) {
			hit_result(e, key, res);
			if (ctx->check)
				mmu_check_tlb_hit(ctx, e, va, acc);
			return 0;
		}
		ctx->tlb->walks++;
		ctx->tlb->walks_by[acc]++;
	}
	/* an inspector's side-effect-free walk (NO_UPDATE) leaves the TLB alone too; a
	 * miss the fast walk takes is exactly the generic one's (walk_fast.h) */
	if (!(use && mmu_walk_fast(ctx, va, acc, flags, res, &lf) == 0) &&
	    mmu_walk_full(ctx, va, acc, flags,
			  ctx->tlb && !(flags & (MMU_F_NO_TLB | MMU_F_NO_UPDATE)), res, &lf))
		return -EFAULT;
	if (use)
		fill(ctx, key, acc, res, &lf);
	return 0;
}

/* Everything but an inline L1 hit (walk.h): with checks on, L1 hits come here too so
 * that each is checked for staleness. */
int mmu__translate_slow(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc,
			unsigned flags, struct mmu_result *res)
{
	bool use = tlb_usable(ctx, flags);
	bool l1_missed = flags & MMU_F_L1_MISSED;

	flags &= ~(unsigned)MMU_F_L1_MISSED;
	if (ctx->check && (unsigned)(ctx->regime.tlb_kind - MMU_TLB_S1) < 2 &&
	    !(flags & MMU_F_NO_UPDATE))
		mmu__check_asid_use(ctx); /* a deferred BBM finding of this ASID shows now */
	return translate_slow(ctx, va, use ? tlb_key(&ctx->regime, va, acc) : 0, acc, flags,
			      use, l1_missed, res);
}

/* The inline L1 miss (walk.h): it has already found the TLB usable, no checks and the
 * key, so none of that is worked out again here. */
int mmu__translate_l1_missed(struct mmu_ctx *ctx, uint64_t va, uint64_t key,
			     enum mmu_access acc, unsigned flags, struct mmu_result *res)
{
	return translate_slow(ctx, va, key, acc, flags, true, true, res);
}
