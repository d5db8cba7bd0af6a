/* SPDX-License-Identifier: MIT */
/*
 * mmu__tables_visit: one depth-first walker over a whole tree; what to do with each
 * descriptor is the caller's visitor (mmu/dump.h). mmu__leaves_visit: the same with
 * the hierarchical limits of the tables above each leaf gathered on the way down
 * (Arm ARM "Hierarchical control of data access permissions" and "... of instruction
 * execution permissions"), so that each leaf comes with what a walk would grant
 * (perm.h, the walker's own rules).
 */
#include <errno.h>

#include "perm.h"
#include "walk_priv.h"

struct tree {
	struct mmu_ctx *ctx;
	const struct mmu_table_cfg *cfg;
	unsigned stage;
	mmu_visit_fn fn;
	void *arg;
	uint64_t ipa_page, pa_page;  /* last stage-2 translation (4 KiB), ~0: none */
};

/* The PA of a table entry: through stage 2 for a stage-1 tree when stage 2 is on
 * (one stage-2 walk per 4 KiB of table). */
static int entry_pa(struct tree *t, uint64_t ia, uint64_t *pa)
{
	if (t->stage != 1 || !t->ctx->regime.s2_on) {
		*pa = ia;
		return 0;
	}
	if ((ia >> 12) != t->ipa_page) {
		if (mmu_s2_peek(t->ctx, ia & ~0xfffull, &t->pa_page))
			return -EFAULT;
		t->ipa_page = ia >> 12;
	}
	*pa = t->pa_page | (ia & 0xfff);
	return 0;
}

static int visit_table(struct tree *t, int level, uint64_t table, uint64_t in_base,
		       unsigned nbits);

/* One valid descriptor: tell the visitor, then descend into a table. */
static int visit_entry(struct tree *t, struct mmu_visit *v)
{
	unsigned gshift = t->cfg->gshift;
	uint64_t pa, probe;
	int rc;

	mmu__desc_decode(t->stage, v->level, gshift, v->raw, &v->desc);
	/* the next table's address is not translatable, or nothing is there: its own
	 * visit would find nothing, so the parent says so */
	v->unreadable = v->desc.type == MMU_DESC_TABLE &&
			(entry_pa(t, v->desc.oa, &pa) ||
			 t->ctx->mem->read64(t->ctx->mem_opaque, pa, &probe));
	rc = t->fn(t->arg, v);
	if (rc != 0 || v->desc.type != MMU_DESC_TABLE || v->unreadable)
		return rc < 0 ? rc : 0;
	return visit_table(t, v->level + 1, v->desc.oa, v->in_addr, gshift - 3);
}

static int visit_table(struct tree *t, int level, uint64_t table, uint64_t in_base,
		       unsigned nbits)
{
	struct mmu_ctx *ctx = t->ctx;
	unsigned shift = mmu__level_shift(t->cfg->gshift, level);

	for (uint64_t i = 0; i < (1ull << nbits); i++) {
		struct mmu_visit v = {
			.stage = t->stage, .level = level, .shift = (uint8_t)shift,
			.in_addr = in_base + (i << shift), .table = table, .index = (unsigned)i,
		};
		int rc;

		if (entry_pa(t, table + 8 * i, &v.desc_pa) ||
		    ctx->mem->read64(ctx->mem_opaque, v.desc_pa, &v.raw))
			return 0; /* the table itself cannot be read: reported by its parent */
		if (!(v.raw & MMU_DESC_VALID))
			continue;
		rc = visit_entry(t, &v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int mmu__tables_visit(struct mmu_ctx *ctx, enum mmu_tables which, mmu_visit_fn fn, void *arg)
{
	const struct mmu_regime *r = &ctx->regime;
	struct tree t = { .ctx = ctx, .fn = fn, .arg = arg, .ipa_page = ~0ull };
	uint64_t in_base = 0;

	if (which == MMU_TABLES_S2) {
		t.cfg = &r->s2;
		t.stage = 2;
	} else {
		t.cfg = &r->tt[which == MMU_TABLES_TTBR1];
		t.stage = 1;
		if (which == MMU_TABLES_TTBR1)
			in_base = ~0ull << t.cfg->ia_bits;
	}
	if (t.cfg->disabled)
		return -EINVAL;
	return visit_table(&t, t.cfg->start_level, t.cfg->base, in_base,
			   t.cfg->ia_bits - mmu__level_shift(t.cfg->gshift, t.cfg->start_level));
}

/* ---- leaves ---- */

struct leaves {
	const struct mmu_regime *r;
	mmu_leaf_fn fn;
	void *arg;
	/* limits in force for entries at each level: APTable | UXNTable << 2 | PXNTable << 3 */
	unsigned lim[5];
	int start_level;
};

static int leaf_of(void *arg, const struct mmu_visit *v)
{
	struct leaves *lv = arg;
	const struct mmu_regime *r = lv->r;
	const struct mmu_desc *d = &v->desc;
	struct mmu_leaf l = { .v = v };
	unsigned lim;

	if (v->level < 0 || v->level > 3)
		return 0;
	lim = v->level == lv->start_level ? 0 : lv->lim[v->level];
	if (d->type == MMU_DESC_TABLE) {
		if (v->stage == 1)
			lv->lim[v->level + 1] = lim | d->aptable | d->uxntable << 2 |
						d->pxntable << 3;
		return lv->fn(lv->arg, &l);
	}
	if (d->type == MMU_DESC_RESERVED)
		return lv->fn(lv->arg, &l);
	if (v->stage == 1) {
		struct mmu_s1_limits sl = { lim & 3, lim & 4, lim & 8 };
		bool dirty_ok = r->ha && r->hd && d->dbm;

		l.perms = mmu_s1_perms(d->ap, &sl, d->uxn, d->pxn, r->wxn, dirty_ok);
		l.attr = mmu_attr_s1(r->sr.mair_el1, d->attr);
		l.clean = dirty_ok && (d->ap & 2);
	} else {
		bool dirty_ok = r->s2_ha && r->s2_hd && d->dbm;

		l.perms = mmu_s2_perms(d->ap, d->uxn, dirty_ok);
		l.attr = mmu_attr_s2(d->attr);
		l.clean = dirty_ok && !(d->ap & 2);
	}
	l.sh = mmu_sh_effective(l.attr, d->sh);
	return lv->fn(lv->arg, &l);
}

int mmu__leaves_visit(struct mmu_ctx *ctx, enum mmu_tables which, mmu_leaf_fn fn, void *arg)
{
	const struct mmu_regime *r = &ctx->regime;
	struct leaves lv = { .r = r, .fn = fn, .arg = arg };

	lv.start_level = which == MMU_TABLES_S2 ? r->s2.start_level :
			 r->tt[which == MMU_TABLES_TTBR1].start_level;
	return mmu__tables_visit(ctx, which, leaf_of, &lv);
}
