/* SPDX-License-Identifier: MIT */
/*
 * Translation table walks: stage 1 (EL1&0, two VA ranges), stage 2 (VTCR/VTTBR, with
 * concatenated start tables), and the two composed: every stage-1 table address is
 * an IPA that stage 2 translates first (a fault there is a stage-2 fault with S1PTW).
 *
 * Pseudocode: AArch64.FullTranslate, AArch64.S1Translate/AArch64.S1Walk,
 * AArch64.S2Translate/AArch64.S2Walk, AArch64.S1DisabledOutput,
 * AArch64.S2CombineS1MemAttrs (DDI 0487 J.a, part J pseudocode).
 */
#include <errno.h>
#include <string.h>

#include "perm.h"
#include "walk_priv.h"

struct walk {
	struct mmu_ctx *ctx;
	const struct mmu_regime *r;
	uint64_t va;            /* input VA, as given (FAR) */
	enum mmu_access acc;
	unsigned flags;
	bool use_tlb;           /* stage-2 entries and the walk cache may be used */
	struct mmu_fault *f;
};

/* Where one stage's tables led: the leaf and what the tables above it allowed. */
struct lookup {
	int level;
	uint64_t desc, desc_pa, desc_ia; /* leaf value, its PA, its address before stage 2 */
	uint64_t in;            /* address translated (VA or IPA) */
	unsigned shift, gshift;
	struct mmu_s1_limits lim;
	int first_level;        /* first level read by this walk */
	uint64_t tdesc[4], tdesc_pa[4]; /* table descriptors read, by level */
	uint8_t tlim[4];        /* limits including tdesc[level]: APTable | UXNT<<2 | PXNT<<3 */
};

/* Where a walk starts: the table base and level, and the limits gathered above it
 * (from the walk cache), or the regime's start (st == NULL). */
struct walk_start {
	uint64_t table;
	int level;
	unsigned lim;   /* APTable | UXNTable << 2 | PXNTable << 3 */
};

/* Output of stage 2 for one IPA. */
struct s2out {
	uint64_t pa;
	unsigned shift, level;
	uint8_t perms, attr, sh;
	uint64_t desc_pa, desc;
};

static int fault(struct walk *w, enum mmu_fault_kind kind, unsigned stage, int level)
{
	struct mmu_fault *f = w->f;

	f->kind = kind;
	f->stage = (uint8_t)stage;
	f->level = (int8_t)level;
	f->access = w->acc;
	f->va = w->va;
	f->wnr = w->acc == MMU_WRITE || (w->flags & MMU_F_CM);
	f->cm = (w->flags & MMU_F_CM) != 0;
	return -EFAULT;
}

static int s2_fault(struct walk *w, enum mmu_fault_kind kind, int level, uint64_t ipa,
		    bool s1ptw, bool hw_write)
{
	fault(w, kind, 2, level);
	w->f->ipa = ipa;
	w->f->ipa_valid = true;
	w->f->s1ptw = s1ptw;
	if (s1ptw) /* the access that faulted was the walk's read (or its AF/DBM write) */
		w->f->wnr = hw_write;
	return -EFAULT;
}

static void trace_step(struct walk *w, unsigned stage, int level, bool s1ptw, uint64_t in,
		       uint64_t table, unsigned idx, uint64_t pa, uint64_t raw, unsigned gshift)
{
	struct mmu_trace *t = w->ctx->trace;
	struct mmu_trace_step *s;

	if (t->n >= MMU_TRACE_MAX) {
		t->overflow = true;
		return;
	}
	s = &t->step[t->n++];
	s->stage = (uint8_t)stage;
	s->level = (int8_t)level;
	s->s1ptw = s1ptw;
	s->in_addr = in;
	s->table = table;
	s->index = idx;
	s->desc_pa = pa;
	s->raw = raw;
	s->updated = false;
	s->new_raw = raw;
	mmu__desc_decode(stage, level, gshift, raw, &s->desc);
}

static void trace_update(struct walk *w, uint64_t pa, uint64_t new_raw)
{
	struct mmu_trace *t = w->ctx->trace;

	for (unsigned i = t->n; i-- > 0;) {
		if (t->step[i].desc_pa == pa) {
			t->step[i].updated = true;
			t->step[i].new_raw = new_raw;
			return;
		}
	}
}

static inline __attribute__((always_inline)) int
s2_translate(struct walk *w, uint64_t ipa, enum mmu_access acc, bool s1ptw, bool hw_write,
	     struct s2out *o);

static int walk_fault(struct walk *w, enum mmu_fault_kind kind, unsigned stage,
		      int level, uint64_t in, bool s1ptw)
{
	if (stage == 2)
		return s2_fault(w, kind, level, in, s1ptw, false);
	return fault(w, kind, 1, level);
}

/* Read the descriptor at table[idx]. For stage 1 with stage 2 on, the table address
 * is an IPA: translate it first (AArch64.S2Translate for a TTW access, S1PTW). */
static inline __attribute__((always_inline)) int
read_desc(struct walk *w, unsigned stage, unsigned gshift, int level, uint64_t in,
	  uint64_t table, unsigned idx, bool s1ptw, struct lookup *lk)
{
	uint64_t ia = table + 8ull * idx, pa = ia;
	struct mmu_ctx *ctx = w->ctx;
	struct s2out o;
	int rc;

	if (stage == 1 && w->r->s2_on) {
		rc = s2_translate(w, ia, MMU_READ, true, false, &o);
		if (rc)
			return rc;
		pa = o.pa;
	}
	if (ctx->mem->read64(ctx->mem_opaque, pa, &lk->desc)) {
		walk_fault(w, MMU_FAULT_EXT_ABORT_WALK, stage, level, in, s1ptw);
		w->f->desc_pa = pa;
		return -EFAULT;
	}
	ctx->stats.desc_reads[stage - 1]++;
	lk->desc_pa = pa;
	lk->desc_ia = ia;
	if (__builtin_expect(ctx->trace != NULL, 0))
		trace_step(w, stage, level, s1ptw, in, table, idx, pa, lk->desc, gshift);
	if (__builtin_expect(ctx->check != NULL, 0))
		mmu_check_walk_desc(ctx, stage, level, gshift, in, pa, lk->desc);
	return 0;
}

/* Blocks without FEAT_LPA/LPA2: 4K at levels 1-2, 16K/64K at level 2 (desc.c). */
static inline bool block_ok(unsigned gshift, int level)
{
	return level == 2 || (level == 1 && gshift == 12);
}

/* The descriptor that ended the walk must be a block allowed at this level or a page,
 * with its output address inside oa_bits. */
static int walk_leaf(struct walk *w, unsigned stage, unsigned oa_bits, uint64_t in,
		     bool s1ptw, int level, unsigned shift, unsigned lim, struct lookup *lk)
{
	uint64_t d = lk->desc;

	if (level == 3 ? !(d & MMU_DESC_TABLEPG) : !block_ok(lk->gshift, level))
		return walk_fault(w, MMU_FAULT_TRANSLATION, stage, level, in, s1ptw);
	if ((d & MASK(48) & ~MASK(shift)) >> oa_bits)
		return walk_fault(w, MMU_FAULT_ADDR_SIZE, stage, level, in, s1ptw);
	lk->level = level;
	lk->shift = shift;
	lk->in = in;
	/* stage-2 table descriptors have no hierarchical attributes */
	lk->lim.aptable = stage == 1 ? (lim & 3) : 0;
	lk->lim.uxntable = stage == 1 && (lim & 4);
	lk->lim.pxntable = stage == 1 && (lim & 8);
	return 0;
}

/*
 * AArch64.S1Walk / AArch64.S2Walk: from the base down to a block or page descriptor.
 * The start level resolves the bits left above it (up to 4 more with concatenated
 * stage-2 tables), every other level gshift - 3 bits. Faults: translation (invalid or
 * reserved descriptor), address size (table or output address above oa_bits,
 * AArch64.OAOutOfRange), external abort on the walk.
 */
static inline __attribute__((always_inline)) int
walk_tables(struct walk *w, const unsigned stage, const struct mmu_table_cfg *cfg,
	    unsigned oa_bits, uint64_t in, bool s1ptw, const struct walk_start *st,
	    struct lookup *lk)
{
	const unsigned gshift = cfg->gshift, stride = gshift - 3;
	uint64_t table = st ? st->table : cfg->base, d;
	int level = st ? st->level : cfg->start_level;
	unsigned shift = mmu__level_shift(gshift, level), lim = st ? st->lim : 0;
	uint64_t idx_mask = st ? MASK(stride) : MASK(cfg->ia_bits - shift);

	lk->gshift = gshift;
	if (table >> oa_bits) /* TTBR/VTTBR base out of range: level 0 */
		return walk_fault(w, MMU_FAULT_ADDR_SIZE, stage, 0, in, s1ptw);
	for (lk->first_level = level;; level++, shift -= stride, idx_mask = MASK(stride)) {
		if (read_desc(w, stage, gshift, level, in, table, (unsigned)((in >> shift) & idx_mask),
			      s1ptw, lk))
			return -EFAULT;
		d = lk->desc;
		if (!(d & MMU_DESC_VALID))
			return walk_fault(w, MMU_FAULT_TRANSLATION, stage, level, in, s1ptw);
		if (level == 3 || !(d & MMU_DESC_TABLEPG))
			break;
		table = d & MASK(48) & ~MASK(gshift);
		if (table >> oa_bits)
			return walk_fault(w, MMU_FAULT_ADDR_SIZE, stage, level, in, s1ptw);
		if (stage == 1) { /* hierarchical limits and the walk cache's record */
			lim |= FIELD(d, 61, 2) | FIELD(d, 60, 1) << 2 | FIELD(d, 59, 1) << 3;
			lk->tdesc[level] = d;
			lk->tdesc_pa[level] = lk->desc_pa;
			lk->tlim[level] = (uint8_t)lim;
		}
	}
	return walk_leaf(w, stage, oa_bits, in, s1ptw, level, shift, lim, lk);
}

/* The two stages' walks, each a specialised copy (stage is a constant inside). */
static int walk_tables_s1(struct walk *w, const struct mmu_table_cfg *cfg, uint64_t in,
			  const struct walk_start *st, struct lookup *lk)
{
	return walk_tables(w, 1, cfg, w->r->oa_bits, in, false, st, lk);
}

static int walk_tables_s2(struct walk *w, uint64_t ipa, bool s1ptw, struct lookup *lk)
{
	return walk_tables(w, 2, &w->r->s2, w->r->s2_oa_bits, ipa, s1ptw, NULL, lk);
}

/*
 * Hardware update of a descriptor (FEAT_HAFDBS): compare-and-swap the new value.
 * Returns 0 done, 1 the descriptor changed under us (walk again), <0 fault.
 * A stage-1 descriptor is written at its IPA: stage 2 must allow the write
 * (a stage-2 permission fault with S1PTW and WnR = 1 otherwise).
 */
static int hw_update(struct walk *w, unsigned stage, struct lookup *lk, uint64_t nd)
{
	struct mmu_ctx *ctx = w->ctx;
	uint64_t expected = lk->desc;
	struct s2out o;
	int rc;

	if (w->flags & MMU_F_NO_UPDATE)
		return 0;
	if (stage == 1 && w->r->s2_on) {
		rc = s2_translate(w, lk->desc_ia, MMU_WRITE, true, true, &o);
		if (rc)
			return rc;
	}
	rc = ctx->mem->cmpxchg64(ctx->mem_opaque, lk->desc_pa, &expected, nd);
	if (rc < 0) {
		walk_fault(w, MMU_FAULT_EXT_ABORT_WALK, stage, lk->level, lk->in, false);
		w->f->desc_pa = lk->desc_pa;
		return -EFAULT;
	}
	if (rc == 0) {
		if (ctx->trace)
			trace_update(w, lk->desc_pa, nd);
		if (ctx->check)
			mmu_check_walk_desc(ctx, stage, lk->level, lk->gshift, lk->in, lk->desc_pa, nd);
		lk->desc = nd;
	}
	return rc;
}

/* ---- stage 2 ---- */

/* The leaf of stage 2: Access flag, S2AP/XN, HCR_EL2.PTW, then the AF/dirty update.
 * Returns 0, 1 (descriptor changed: walk again) or -EFAULT. */
static int s2_leaf(struct walk *w, struct lookup *lk, uint64_t ipa, enum mmu_access acc,
		   bool s1ptw, bool hw_write, struct s2out *o)
{
	const struct mmu_regime *r = w->r;
	/* the walk's own table reads are not cache maintenance: they are checked */
	bool cm_el1 = (w->flags & MMU_F_CM) && !(w->flags & MMU_F_EL0) && !s1ptw;
	bool ha = r->s2_ha && w->ctx->mem->cmpxchg64, hd = r->s2_hd && ha;
	uint64_t d = lk->desc, nd = d;
	bool dirty_ok = hd && (d & MMU_DESC_DBM);

	if (!(d & MMU_DESC_AF)) {
		if (!ha)
			return s2_fault(w, MMU_FAULT_ACCESS, lk->level, ipa, s1ptw, hw_write);
		nd |= MMU_DESC_AF;
	}
	o->perms = mmu_s2_perms(FIELD(d, 6, 2), d & MMU_DESC_UXN, dirty_ok);
	/* AArch64.S2HasPermissionsFault: fetch needs XN = 0 only; DC by VA at EL1 does
	 * not fault at stage 2; everything else needs read or write. */
	if (!cm_el1 && !(o->perms & mmu_perm_needed(acc, false)))
		return s2_fault(w, MMU_FAULT_PERMISSION, lk->level, ipa, s1ptw, hw_write);
	if (acc == MMU_WRITE && dirty_ok && !(d & MMU_DESC_S2AP_W))
		nd |= MMU_DESC_S2AP_W; /* dirty: S2AP[1] set by hardware */
	o->attr = mmu_attr_s2(FIELD(d, 2, 4));
	/* HCR_EL2.PTW: a stage-1 walk that stage 2 maps as Device is a permission fault */
	if (s1ptw && r->ptw && mmu_attr_is_device(o->attr))
		return s2_fault(w, MMU_FAULT_PERMISSION, lk->level, ipa, s1ptw, hw_write);
	return nd != d ? hw_update(w, 2, lk, nd) : 0;
}

static int s2_walk_once(struct walk *w, uint64_t ipa, enum mmu_access acc, bool s1ptw,
			bool hw_write, struct s2out *o)
{
	const struct mmu_regime *r = w->r;
	struct lookup lk;
	int rc;

	if (r->s2.disabled || (ipa >> r->s2.ia_bits))
		return s2_fault(w, MMU_FAULT_TRANSLATION, 0, ipa, s1ptw, hw_write);
	w->ctx->stats.walks[1]++;
	if (walk_tables_s2(w, ipa, s1ptw, &lk))
		return -EFAULT;
	rc = s2_leaf(w, &lk, ipa, acc, s1ptw, hw_write, o);
	if (rc)
		return rc;
	o->shift = lk.shift;
	o->level = (unsigned)lk.level;
	o->pa = (lk.desc & MASK(48) & ~MASK(lk.shift)) | (ipa & MASK(lk.shift));
	o->sh = FIELD(lk.desc, 8, 2);
	o->desc_pa = lk.desc_pa;
	o->desc = lk.desc;
	return 0;
}

static inline __attribute__((always_inline)) bool
s2_from_tlb(struct walk *w, uint64_t ipa, enum mmu_access acc, bool s1ptw,
	    struct s2out *o)
{
	const struct mmu_tlb_entry *e = mmu_tlb_lookup_s2_hint(w->ctx->tlb, w->r, ipa, s1ptw);

	if (!e || !(e->perms & mmu_perm_needed(acc, false)))
		return false;
	if (s1ptw && w->r->ptw && mmu_attr_is_device(e->attr))
		return false; /* walk: HCR_EL2.PTW makes this a fault */
	o->pa = e->pa | (ipa & ENTRY_MASK(e->shift));
	o->shift = e->shift;
	o->level = e->level;
	o->perms = e->perms;
	o->attr = e->attr;
	o->sh = e->sh;
	o->desc_pa = e->s2_desc_pa;
	o->desc = e->s2_desc;
	return true;
}

static void s2_to_tlb(struct walk *w, uint64_t ipa, const struct s2out *o)
{
	struct mmu_tlb_entry e = {
		.va = ipa & ~MASK(o->shift), .pa = o->pa & ~MASK(o->shift),
		.s1_desc_pa = ~0ull, .s2_desc_pa = o->desc_pa, .s2_desc = o->desc,
		.tag = ((uint32_t)w->r->vmid << 2) | MMU_TLB_S2, .global = true,
		.shift = (uint8_t)o->shift, .attr = o->attr, .sh = o->sh,
		/* writable-clean (DBM) is cached read-only: a write walks and sets dirty */
		.perms = (o->desc & MMU_DESC_S2AP_W) ? o->perms :
			 (uint8_t)(o->perms & ~(MMU_PERM_W1 | MMU_PERM_W0)),
		.level = (uint8_t)o->level,
	};
	mmu__tlb_fill(w->ctx->tlb, &e, MMU_READ);
}

static inline bool s2_tlb_usable(const struct walk *w)
{
	return w->use_tlb && w->ctx->tlb && w->ctx->tlb->cfg.s2_entries;
}

/* Stage 2 of one IPA by a walk (the TLB missed or may not be used), then a fill. A
 * walk that lost a race with another writer of the descriptor (cmpxchg) walks again. */
static int s2_translate_walk(struct walk *w, uint64_t ipa, enum mmu_access acc, bool s1ptw,
			     bool hw_write, struct s2out *o)
{
	int rc, tries = 0;

	do {
		rc = s2_walk_once(w, ipa, acc, s1ptw, hw_write, o);
	} while (rc == 1 && ++tries < 8);
	if (rc == 1)
		return s2_fault(w, MMU_FAULT_TLB_CONFLICT, 0, ipa, s1ptw, hw_write);
	if (rc == 0 && s2_tlb_usable(w) && !hw_write)
		s2_to_tlb(w, ipa, o);
	return rc;
}

/* Stage 2 of one IPA, through the TLB's stage-2 entries when allowed (inline: the hit
 * is the common case of every stage-1 table read). */
static inline __attribute__((always_inline)) int
s2_translate(struct walk *w, uint64_t ipa, enum mmu_access acc, bool s1ptw, bool hw_write,
	     struct s2out *o)
{
	if (s2_tlb_usable(w) && !hw_write && s2_from_tlb(w, ipa, acc, s1ptw, o))
		return 0;
	return s2_translate_walk(w, ipa, acc, s1ptw, hw_write, o);
}

/* ---- stage 1 ---- */

/* What stage 1 produced for the access. */
struct s1out {
	uint64_t ipa;
	unsigned shift, level;
	uint8_t perms, attr, sh;
	bool global;
	uint64_t desc_pa, desc;
};

/*
 * Pick TTBR0 or TTBR1 by VA[55] and check the VA lies in that range: the bits above
 * the input size (above VA[55] with TBI, which ignores VA[63:56]; TBID limits TBI to
 * data accesses) must all equal VA[55]. Otherwise, or with EPDn = 1, a level 0
 * translation fault (AArch64.S1Translate / AArch64.VAIsOutOfRange).
 */
static int s1_select(struct walk *w, const struct mmu_table_cfg **cfgp, uint64_t *canon)
{
	unsigned top = (w->va >> 55) & 1;
	const struct mmu_table_cfg *cfg = &w->r->tt[top];
	bool tbi = cfg->tbi && !(cfg->tbid && w->acc == MMU_FETCH);
	uint64_t x = tbi ? (uint64_t)((int64_t)(w->va << 8) >> 8) : w->va;

	if (((int64_t)x >> cfg->ia_bits) != (top ? -1 : 0) || cfg->disabled)
		return fault(w, MMU_FAULT_TRANSLATION, 1, 0);
	*cfgp = cfg;
	*canon = x;
	return 0;
}

/* Cache maintenance by VA at EL1 other than DC IVAC/ZVA (which count as writes) does
 * not check permissions (AArch64.S1HasPermissionsFault, AccessType_DC). */
static bool s1_perm_checked(const struct walk *w)
{
	return !(w->flags & MMU_F_CM) || (w->flags & MMU_F_EL0) || w->acc == MMU_WRITE;
}

/*
 * The leaf of stage 1: Access flag (fault, or set by hardware with TCR.HA), then
 * permissions (AP, UXN/PXN, the table limits, WXN, PAN), then dirty state (DBM with
 * TCR.HD clears AP[2] on a write). Access flag faults take priority over permission
 * faults. Returns 0, 1 (descriptor changed: walk again) or -EFAULT.
 */
static int s1_leaf(struct walk *w, struct lookup *lk, struct s1out *o)
{
	const struct mmu_regime *r = w->r;
	bool ha = r->ha && w->ctx->mem->cmpxchg64, hd = r->hd && ha;
	uint64_t d = lk->desc, nd = d;
	bool dirty_ok = hd && (d & MMU_DESC_DBM);

	if (!(d & MMU_DESC_AF)) {
		if (!ha)
			return fault(w, MMU_FAULT_ACCESS, 1, lk->level);
		nd |= MMU_DESC_AF;
	}
	o->perms = mmu_s1_perms(FIELD(d, 6, 2), &lk->lim, d & MMU_DESC_UXN, d & MMU_DESC_PXN,
				r->wxn, dirty_ok);
	if (s1_perm_checked(w) && !mmu_perm_ok(o->perms, w->acc, w->flags))
		return fault(w, MMU_FAULT_PERMISSION, 1, lk->level);
	if (w->acc == MMU_WRITE && dirty_ok && (d & MMU_DESC_AP2))
		nd &= ~MMU_DESC_AP2;
	if (nd != d) {
		int rc = hw_update(w, 1, lk, nd);
		if (rc)
			return rc;
	}
	o->shift = lk->shift;
	o->level = (unsigned)lk->level;
	o->ipa = (lk->desc & MASK(48) & ~MASK(lk->shift)) | (lk->in & MASK(lk->shift));
	o->attr = mmu_attr_s1(r->sr.mair_el1, FIELD(d, 2, 3));
	o->sh = FIELD(d, 8, 2);
	o->global = !(d & MMU_DESC_NG);
	o->desc_pa = lk->desc_pa;
	o->desc = lk->desc;
	return 0;
}

/* The walk cache: start below the deepest cached table descriptor for this VA. */
static const struct walk_start *wc_lookup(struct walk *w, const struct mmu_table_cfg *cfg,
					  uint64_t va, struct walk_start *st)
{
	struct mmu_tlb *tlb = w->ctx->tlb;

	if (!w->use_tlb || !tlb || !tlb->lv[MMU_TLB_WALK].geom.sets)
		return NULL;
	for (int level = 2; level >= cfg->start_level; level--) {
		const struct mmu_tlb_entry *e =
			mmu_tlb_walk_lookup(tlb, w->r, va, mmu__level_shift(cfg->gshift, level));
		if (!e)
			continue;
		if (w->ctx->check)
			mmu_check_walk_cache_hit(w->ctx, e, w->va, w->acc);
		st->table = e->pa;
		st->level = level + 1;
		st->lim = e->attr;
		return st;
	}
	return NULL;
}

/* Cache the table descriptors this walk read (TTBR0 ones tagged with the ASID). */
static void wc_fill(struct walk *w, const struct mmu_table_cfg *cfg, uint64_t va,
		    const struct lookup *lk)
{
	struct mmu_tlb *tlb = w->ctx->tlb;

	if (!w->use_tlb || !tlb || !tlb->lv[MMU_TLB_WALK].geom.sets)
		return;
	for (int level = lk->first_level; level < lk->level; level++) {
		unsigned shift = mmu__level_shift(cfg->gshift, level);
		struct mmu_tlb_entry e = {
			.va = va & ~MASK(shift), .pa = lk->tdesc[level] & MASK(48) & ~MASK(cfg->gshift),
			.tag = w->r->tlb_tag, .asid = w->r->asid, .shift = (uint8_t)shift,
			.global = (va >> 55) & 1, .attr = lk->tlim[level], .level = (uint8_t)level,
			.table = true, .s1_desc_pa = lk->tdesc_pa[level], .s1_desc = lk->tdesc[level],
			.s2_desc_pa = ~0ull, .ttb = w->r->tt[(va >> 55) & 1].base,
		};
		mmu_tlb_walk_fill(tlb, &e);
	}
}

static int s1_walk(struct walk *w, struct s1out *o)
{
	const struct mmu_table_cfg *cfg;
	struct walk_start st;
	struct lookup lk;
	uint64_t canon;
	int rc, tries = 0;

	if (s1_select(w, &cfg, &canon))
		return -EFAULT;
	do {
		const struct walk_start *start = wc_lookup(w, cfg, canon, &st);

		w->ctx->stats.walks[0]++;
		w->ctx->stats.wc_starts += start != NULL;
		if (walk_tables_s1(w, cfg, canon, start, &lk))
			return -EFAULT;
		wc_fill(w, cfg, canon, &lk);
		rc = s1_leaf(w, &lk, o);
	} while (rc == 1 && ++tries < 8);
	if (rc == 1)
		return fault(w, MMU_FAULT_TLB_CONFLICT, 1, 0);
	return rc;
}

/*
 * Stage 1 disabled (SCTLR_EL1.M = 0; AArch64.S1DisabledOutput): VA = IPA; data is
 * Device-nGnRnE, instruction fetches are Normal Write-Through when SCTLR.I = 1, else
 * Non-cacheable, both Outer Shareable. A VA above the PA size: level 0 address size
 * fault.
 */
static int s1_off(struct walk *w, struct s1out *o)
{
	unsigned pa_bits = w->r->sr.pa_bits ? w->r->sr.pa_bits : 48;

	if (w->va >> pa_bits)
		return fault(w, MMU_FAULT_ADDR_SIZE, 1, 0);
	o->ipa = w->va;
	o->shift = 12;
	o->level = 3;
	o->perms = MMU_PERM_R1 | MMU_PERM_W1 | MMU_PERM_X1 | MMU_PERM_R0 | MMU_PERM_W0 |
		   MMU_PERM_X0;
	if (w->acc != MMU_FETCH)
		o->attr = 0x00;
	else
		o->attr = (w->r->sr.sctlr_el1 & MMU_SCTLR_I) ? 0xaa : 0x44;
	o->sh = 2;
	o->global = true;
	o->desc_pa = ~0ull;
	o->desc = 0;
	return 0;
}

/* The combined attributes and shareability are a pure function of the two stages'
 * (attribute, SH) pairs, and successive walks mostly see the same kinds of memory:
 * the last combination is remembered (per thread: vCPUs walk concurrently). */
static __thread struct {
	uint32_t key;   /* s1 attr | s2 attr << 8 | s1 sh << 16 | s2 sh << 24 */
	uint8_t attr, sh;
	bool valid;
} combine_memo;

void mmu_combine_attrs(uint8_t attr1, uint8_t sh1, uint8_t attr2, uint8_t sh2,
		       struct mmu_result *res)
{
	uint32_t key = (uint32_t)attr1 | (uint32_t)attr2 << 8 | (uint32_t)sh1 << 16 |
		       (uint32_t)sh2 << 24;

	if (!combine_memo.valid || combine_memo.key != key) {
		combine_memo.attr = mmu_attr_combine(attr1, attr2);
		combine_memo.sh = mmu_sh_effective(combine_memo.attr, mmu_sh_combine(sh1, sh2));
		combine_memo.key = key;
		combine_memo.valid = true;
	}
	res->attr = combine_memo.attr;
	res->sh = combine_memo.sh;
}

/* Combine the stages (AArch64.S2CombineS1MemAttrs, permissions of both apply). */
static void compose(const struct s1out *s1, const struct s2out *s2, struct mmu_result *res)
{
	res->pa = s2->pa;
	res->shift = (uint8_t)(s1->shift < s2->shift ? s1->shift : s2->shift);
	res->perms = s1->perms & (s2->perms | MMU_PERM_USER);
	mmu_combine_attrs(s1->attr, s1->sh, s2->attr, s2->sh, res);
}

static void result_s1(const struct walk *w, const struct s1out *s1, struct mmu_result *res)
{
	res->pa = s1->ipa;
	res->ipa = s1->ipa;
	res->shift = (uint8_t)s1->shift;
	res->perms = s1->perms;
	res->attr = s1->attr;
	res->sh = s1->sh; /* made effective by the caller (after stage 2, if any) */
	res->ns = true;
	res->global = s1->global;
	res->tlb_hit = false;
	res->asid = w->r->asid;
	res->level = (uint8_t)s1->level;
	res->fault.kind = MMU_FAULT_NONE;
}

static void init_walk(struct walk *w, struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc,
		      unsigned flags, bool use_tlb, struct mmu_result *res)
{
	w->ctx = ctx;
	w->r = &ctx->regime;
	w->va = va;
	w->acc = acc;
	w->flags = flags;
	w->use_tlb = use_tlb;
	w->f = &res->fault;
	memset(w->f, 0, sizeof(*w->f));
	if (ctx->trace) {
		ctx->trace->n = 0;
		ctx->trace->overflow = false;
	}
}

int mmu_walk_full(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
		  bool use_tlb, struct mmu_result *res, struct mmu_leafs *lf)
{
	struct walk w;
	struct s1out s1;
	struct s2out s2;
	int rc;

	init_walk(&w, ctx, va, acc, flags, use_tlb, res);
	rc = ctx->regime.s1_on ? s1_walk(&w, &s1) : s1_off(&w, &s1);
	if (rc)
		return -EFAULT;
	result_s1(&w, &s1, res);
	lf->s1_desc_pa = s1.desc_pa;
	lf->s1_desc = s1.desc;
	lf->s2_desc_pa = ~0ull;
	lf->s2_desc = 0;
	if (!ctx->regime.s2_on || (flags & MMU_F_S1_ONLY)) {
		res->sh = mmu_sh_effective(s1.attr, s1.sh);
		return 0;
	}
	if (s2_translate(&w, s1.ipa, acc, false, false, &s2)) {
		res->sh = mmu_sh_effective(s1.attr, s1.sh);
		return -EFAULT;
	}
	compose(&s1, &s2, res);
	if (!ctx->regime.s1_on)
		res->level = (uint8_t)s2.level;
	lf->s2_desc_pa = s2.desc_pa;
	lf->s2_desc = s2.desc;
	return 0;
}

int mmu__walk(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
	      struct mmu_result *res)
{
	struct mmu_leafs lf;

	return mmu_walk_full(ctx, va, acc, flags, false, res, &lf);
}

int mmu__walk_s2(struct mmu_ctx *ctx, uint64_t ipa, enum mmu_access acc,
		 struct mmu_result *res)
{
	struct walk w;
	struct s2out s2;

	init_walk(&w, ctx, ipa, acc, 0, false, res);
	if (s2_translate(&w, ipa, acc, false, false, &s2))
		return -EFAULT;
	res->pa = s2.pa;
	res->ipa = ipa;
	res->shift = (uint8_t)s2.shift;
	res->perms = s2.perms;
	res->attr = s2.attr;
	res->sh = mmu_sh_effective(s2.attr, s2.sh);
	res->ns = true;
	res->global = true;
	res->tlb_hit = false;
	res->asid = 0;
	res->level = (uint8_t)s2.level;
	return 0;
}

int mmu_s2_peek(struct mmu_ctx *ctx, uint64_t ipa, uint64_t *pa)
{
	struct mmu_ctx quiet = *ctx; /* no trace, no check records, no TLB */
	struct mmu_result res;
	struct walk w;
	struct s2out s2;

	quiet.trace = NULL;
	quiet.check = NULL;
	quiet.tlb = NULL;
	init_walk(&w, &quiet, ipa, MMU_READ, MMU_F_NO_UPDATE, false, &res);
	if (s2_translate(&w, ipa, MMU_READ, true, false, &s2))
		return -EFAULT;
	*pa = s2.pa;
	return 0;
}
