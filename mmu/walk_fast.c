/* SPDX-License-Identifier: MIT */
/* The fast walk's decoding of a leaf (walk_fast.h has the walk and why): permissions,
 * attributes and shareability of both stages, remembered per context. */
#include "walk_fast.h"

bool mmu_walk_fast_decide(struct mmu_ctx *ctx, uint64_t d, unsigned lim, enum mmu_access acc,
			  unsigned flags, bool ha, const struct mmu_tlb_entry *s2o, uint64_t more)
{
	const struct mmu_regime *r = &ctx->regime;
	bool dirty_ok = r->hd && ha && (d & MMU_DESC_DBM);
	struct mmu_s1_limits l = { lim & 3, lim & 4, lim & 8 };
	uint8_t perms = mmu_s1_perms(FIELD(d, 6, 2), &l, d & MMU_DESC_UXN, d & MMU_DESC_PXN,
				     r->wxn, dirty_ok);
	uint8_t attr1 = mmu_attr_s1(r->sr.mair_el1, FIELD(d, 2, 3)), sh1 = FIELD(d, 8, 2);
	struct mmu_result res;

	if (!(d & MMU_DESC_AF) || !mmu_perm_ok(perms, acc, flags) ||
	    (acc == MMU_WRITE && dirty_ok && (d & MMU_DESC_AP2)))
		return false;
	if (s2o) {
		if (!(s2o->perms & mmu_perm_needed(acc, false)))
			return false;
		perms &= s2o->perms | MMU_PERM_USER;
		res.attr = mmu_attr_combine(attr1, s2o->attr);
		res.sh = mmu_sh_effective(res.attr, mmu_sh_combine(sh1, s2o->sh));
	} else {
		res.attr = attr1;
		res.sh = mmu_sh_effective(attr1, sh1);
	}
	ctx->fast_memo.regime = r->id;
	ctx->fast_memo.dbits = d & LEAF_BITS;
	ctx->fast_memo.more = more;
	ctx->fast_memo.perms = perms;
	ctx->fast_memo.attr = res.attr;
	ctx->fast_memo.sh = res.sh;
	return true;
}
