/* SPDX-License-Identifier: MIT */
/*
 * The MM sanitizer checks (see mmu/check.h for what each detects).
 *
 * Descriptor records: every valid descriptor a walk reads is recorded by its physical
 * address with the value read, the region it maps and its tags (stage, VMID, ASID,
 * global). A record stands for "a TLB or walk cache may hold this"; a TLBI whose scope
 * covers it (the same mmu__tlbi_match as the TLB uses) removes it. A store that makes
 * a recorded descriptor valid with a different output address, size/type, memory
 * type, shareability, nG or Contiguous bit than the recorded value is a
 * break-before-make violation (Arm ARM "Translation table updates" /
 * "break-before-make sequence").
 *
 * I-cache lines: per 4 KiB page, two bitmaps of 64-byte lines: written and not yet
 * cleaned to PoU (only when CTR_EL0.IDC = 0), written and not yet invalidated from the
 * I-cache after that clean (only when CTR_EL0.DIC = 0).
 */
#include <stdlib.h>
#include <string.h>

#include "check_priv.h"

struct mmu_check *mmu__check_create(const struct mmu_check_config *cfg)
{
	struct mmu_check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	if (!c->cfg.enable)
		c->cfg.enable = (1u << MMU_CHECK_KINDS) - 1;
	if (!c->cfg.ctr_el0)
		c->cfg.ctr_el0 = MMU_CTR_DEFAULT;
	c->pending_by_asid = calloc(1u << 16, sizeof(*c->pending_by_asid));
	if (!c->pending_by_asid || hmap_init(&c->desc, sizeof(struct desc_rec)) ||
	    hmap_init(&c->code, sizeof(struct mmu_check_code_page))) {
		mmu__check_destroy(c);
		return NULL;
	}
	c->desc.key_shift = 3; /* keyed by descriptor address: 8-byte aligned */
	if (cfg->flat_size >= 4096 && !(cfg->flat_base & 0xfff)) {
		c->flat.base = cfg->flat_base;
		c->flat.pages = cfg->flat_size >> 12;
		c->flat.clean = !(c->cfg.ctr_el0 & (1u << 28)); /* IDC */
		c->flat.inval = !(c->cfg.ctr_el0 & (1u << 29)); /* DIC */
		/* calloc of this size maps zero pages: only the pages' entries used cost */
		c->flat.live = calloc((c->flat.pages + 63) / 64, 8);
		c->flat.page = calloc(c->flat.pages, sizeof(*c->flat.page));
		if (!c->flat.live || !c->flat.page) {
			mmu__check_destroy(c);
			return NULL;
		}
	}
	return c;
}

void mmu__check_destroy(struct mmu_check *c)
{
	if (!c)
		return;
	hmap_free(&c->desc);
	hmap_free(&c->code);
	free(c->flat.live);
	free(c->flat.page);
	free(c->pending_by_asid);
	free(c);
}

uint64_t mmu__check_count(const struct mmu_check *c, enum mmu_check_kind k)
{
	return (unsigned)k < MMU_CHECK_KINDS ? c->count[k] : 0;
}

void mmu_check_report(struct mmu_check *c, struct mmu_check_report *r)
{
	if (!r->at.known)
		mmu_check_where(c, r->pe, &r->at);
	c->count[r->kind]++;
	if (c->cfg.report)
		c->cfg.report(c->cfg.opaque, r);
}

/* ---- descriptor records ---- */

static bool is_leaf(int level, uint64_t d)
{
	return level == 3 || !(d & MMU_DESC_TABLEPG);
}

/*
 * Contiguous bit (Arm ARM "The Contiguous bit"): the aligned group of 16 (4K),
 * 32 or 128 (16K), 32 (64K) entries must all be valid, all have the bit, map one
 * aligned contiguous output range and have identical attributes.
 */
static unsigned contig_entries(unsigned gshift, int level)
{
	if (gshift == 12)
		return 16;
	if (gshift == 14)
		return level == 3 ? 128 : 32;
	return 32;
}

static void check_contig(struct mmu_ctx *ctx, const struct desc_rec *r, uint64_t desc_pa,
			 uint64_t desc)
{
	unsigned n = contig_entries(r->gshift, r->level);
	unsigned shift = mmu__level_shift(r->gshift, r->level);
	uint64_t first = desc_pa & ~(uint64_t)(8 * n - 1), oa_mask = MASK(48) & ~MASK(shift);
	uint64_t attrs_mask = ~oa_mask & ~(MMU_DESC_AF | MMU_DESC_AP2 | MASK(4) << 55);
	uint64_t base = (desc & oa_mask) - ((desc_pa - first) / 8 << shift), v;

	for (unsigned i = 0; i < n; i++) {
		bool bad = ctx->mem->read64(ctx->mem_opaque, first + 8 * i, &v) != 0;
		bad = bad || (v & attrs_mask) != (desc & attrs_mask) ||
		      (v & oa_mask) != base + ((uint64_t)i << shift) ||
		      (base & MASK(shift + __builtin_ctz(n)));
		if (bad) {
			struct mmu_check_report rep = {
				.kind = MMU_CHECK_CONTIG, .pe = ctx->pe, .va = r->in_base,
				.desc_pa = first + 8 * i, .old_desc = desc, .new_desc = v,
				.stage = r->stage, .level = r->level,
				.what = "Contiguous bit set on a group of descriptors that do not "
					"map one aligned, identically attributed range",
			};
			mmu_check_report(ctx->check, &rep);
			return;
		}
	}
}

static uint32_t pe_bit(unsigned pe)
{
	return 1u << (pe < 31 ? pe : 31);
}

/* Called for every descriptor a walk reads (and after each hardware update). */
void mmu_check_walk_desc(struct mmu_ctx *ctx, unsigned stage, int level, unsigned gshift,
			 uint64_t in_addr, uint64_t desc_pa, uint64_t desc)
{
	struct mmu_check *c = ctx->check;
	const struct mmu_regime *rg = &ctx->regime;
	struct desc_rec *r;
	bool is_new, changed;

	if (!(desc & MMU_DESC_VALID))
		return;
	r = hmap_put(&c->desc, desc_pa, &is_new);
	if (!r)
		return;
	changed = is_new || r->cached != desc;
	if (r->pending) { /* read again: the record describes the table's new use */
		r->pending = false;
		c->pending_by_asid[r->asid]--;
		c->npending--;
	}
	r->cached = desc;
	r->stage = (uint8_t)stage;
	r->level = (uint8_t)level;
	r->gshift = (uint8_t)gshift;
	r->in_base = in_addr & ~MASK(mmu__level_shift(gshift, level));
	r->vmid = rg->vmid;
	r->asid = rg->asid;
	r->leaf = is_leaf(level, desc);
	r->pes |= pe_bit(ctx->pe);
	/* stage-1 leaves: nG; tables under TTBR0 are walked per ASID, TTBR1 globally */
	if (stage == 2)
		r->global = true;
	else
		r->global = r->leaf ? !(desc & MMU_DESC_NG) : ((in_addr >> 55) & 1);
	if (changed && r->leaf && (desc & MMU_DESC_CONTIG) &&
	    mmu_check_enabled(c, MMU_CHECK_CONTIG))
		check_contig(ctx, r, desc_pa, desc);
}

/* A record as a TLB entry, so that TLBI scopes apply to it unchanged. */
static void rec_as_entry(const struct desc_rec *r, struct mmu_tlb_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->va = r->in_base;
	e->shift = (uint8_t)mmu__level_shift(r->gshift, r->level);
	e->tag = ((uint32_t)r->vmid << 2) | (r->stage == 2 ? MMU_TLB_S2 : MMU_TLB_S1);
	e->asid = r->asid;
	e->global = r->global;
	e->table = !r->leaf; /* last-level TLBIs leave table descriptors cached */
}

/* A TLBI covers a record for the PEs it reaches: the issuing one, or all with the IS
 * form. The record goes when no PE may still cache it. */
void mmu_check_tlbi(struct mmu_check *c, const struct mmu_tlbi *op, unsigned pe)
{
	uint32_t reach = op->broadcast ? ~0u : pe_bit(pe);
	struct mmu_tlb_entry e;
	uint64_t key;

	for (size_t i = 0; i < c->desc.cap;) {
		struct desc_rec *r = hmap_at(&c->desc, i, &key);

		if (r) {
			rec_as_entry(r, &e);
			if (mmu__tlbi_match(op, &e) && !(r->pes &= ~reach)) {
				if (r->pending) {
					c->pending_by_asid[r->asid]--;
					c->npending--;
				}
				hmap_del(&c->desc, key); /* slot i may now hold another record */
				continue;
			}
		}
		i++;
	}
}

/* Bits whose change needs break-before-make: output address, descriptor type, memory
 * type (AttrIndx / MemAttr), shareability, nG, Contiguous. */
static bool needs_bbm(const struct desc_rec *r, uint64_t nd)
{
	uint64_t old = r->cached, m;

	if ((old ^ nd) & (MMU_DESC_TABLEPG | MMU_DESC_CONTIG))
		return true;
	if (!r->leaf)
		return ((old ^ nd) & MASK(48) & ~MASK(r->gshift)) != 0;
	m = (MASK(48) & ~MASK(mmu__level_shift(r->gshift, r->level))) | MASK(2) << 8 |
	    (r->stage == 1 ? MASK(3) << 2 | MMU_DESC_NG : MASK(4) << 2);
	return ((old ^ nd) & m) != 0;
}

static uint64_t merge(uint64_t old, unsigned off, unsigned size, uint64_t val)
{
	uint64_t m = MASK(8 * size) << (8 * off);
	return (old & ~m) | ((val << (8 * off)) & m);
}

/* Is some PE that walked r translating with r's ASID now? (Global records: always.) */
static bool asid_live(const struct mmu_check *c, const struct desc_rec *r)
{
	if (r->global)
		return true;
	for (unsigned pe = 0; pe < CHECK_MAX_PE; pe++)
		if ((r->pes & (1u << pe)) && c->cur_asid[pe] == (uint32_t)r->asid + 1)
			return true;
	return false;
}

static const char bbm_what[] = "valid descriptor replaced by a different valid one without "
			       "break-before-make (invalid entry, DSB, TLBI, DSB)";

static void check_bbm(struct mmu_ctx *ctx, uint64_t pa, unsigned size, uint64_t val)
{
	struct mmu_check *c = ctx->check;
	uint64_t pa8 = pa & ~7ull, old, nd;
	struct desc_rec *r = hmap_get(&c->desc, pa8);

	if (!r || size > 8 || (pa & 7) + size > 8)
		return;
	if (ctx->mem->read64(ctx->mem_opaque, pa8, &old))
		return;
	nd = merge(old, (unsigned)(pa & 7), size, val);
	if (nd != old) /* who changed it: named by a later stale-translation report */
		mmu_check_where(c, ctx->pe, &r->writer);
	if (!mmu_check_enabled(c, MMU_CHECK_BBM) || r->pending || !(nd & MMU_DESC_VALID) ||
	    !needs_bbm(r, nd))
		return;
	if (!asid_live(c, r)) { /* only a reuse of the ASID could hit it: wait for one */
		r->pending = true;
		r->pend_new = nd;
		r->pend_at = r->writer;
		c->pending_by_asid[r->asid]++;
		c->npending++;
		return;
	}
	struct mmu_check_report rep = {
		.kind = MMU_CHECK_BBM, .pe = ctx->pe, .va = r->in_base, .pa = pa,
		.desc_pa = pa8, .old_desc = r->cached, .new_desc = nd, .stage = r->stage,
		.level = r->level, .access = MMU_WRITE, .asid = r->asid, .global = r->global, .what = bbm_what,
	};
	r->cached = nd;
	mmu_check_report(c, &rep);
}

/* A deferred finding meets a use of its ASID by a PE that walked the descriptor. */
static void report_deferred(struct mmu_ctx *ctx, uint16_t asid)
{
	struct mmu_check *c = ctx->check;
	uint32_t me = pe_bit(ctx->pe);
	uint64_t key;

	for (size_t i = 0; i < c->desc.cap && c->pending_by_asid[asid]; i++) {
		struct desc_rec *r = hmap_at(&c->desc, i, &key);

		if (!r || !r->pending || r->asid != asid || !(r->pes & me) ||
		    r->vmid != ctx->regime.vmid)
			continue;
		struct mmu_check_report rep = {
			.kind = MMU_CHECK_BBM, .pe = r->pend_at.pe, .at = r->pend_at,
			.va = r->in_base, .pa = key, .desc_pa = key, .old_desc = r->cached,
			.new_desc = r->pend_new, .stage = r->stage, .level = r->level,
			.access = MMU_WRITE, .deferred = true, .use_pe = ctx->pe, .asid = asid,
			.what = bbm_what,
		};
		r->pending = false;
		c->pending_by_asid[asid]--;
		c->npending--;
		r->cached = r->pend_new;
		mmu_check_report(c, &rep);
	}
}

void mmu__check_asid_use(struct mmu_ctx *ctx)
{
	struct mmu_check *c = ctx->check;
	uint16_t asid = ctx->regime.asid;

	unsigned pe = ctx->pe < CHECK_MAX_PE ? ctx->pe : CHECK_MAX_PE - 1;

	if (!c)
		return;
	if (c->cur_asid[pe] != (uint32_t)asid + 1 || c->cur_ttb0[pe] != ctx->regime.tt[0].base) {
		c->cur_asid[pe] = (uint32_t)asid + 1; /* a context switch: note where */
		c->cur_ttb0[pe] = ctx->regime.tt[0].base;
		mmu_check_where(c, ctx->pe, &c->switched[pe]);
	}
	if (c->npending && c->pending_by_asid[asid])
		report_deferred(ctx, asid);
}

void mmu__check_store(struct mmu_ctx *ctx, uint64_t pa, unsigned size, uint64_t val)
{
	struct mmu_check *c = ctx->check;

	if (!c)
		return;
	check_bbm(ctx, pa, size, val); /* also notes who changed a walked descriptor */
	if (mmu_check_enabled(c, MMU_CHECK_ICACHE))
		mmu_check_icache_store(c, ctx->pe, pa, size);
}


/* ---- stale TLB entries ---- */

/* Software bits [58:55] and AF (clearing it without TLBI is allowed: the TLB may keep
 * the entry) are not compared. */
#define STALE_IGNORE (MASK(4) << 55 | MMU_DESC_AF)

static void stale_one(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e, uint64_t va,
		      enum mmu_access acc, unsigned stage, uint64_t desc_pa, uint64_t desc)
{
	const struct desc_rec *r;
	uint64_t now;

	if (desc_pa == ~0ull || ctx->mem->read64(ctx->mem_opaque, desc_pa, &now))
		return;
	/* a dirty-state update (DBM) of AP[2] / S2AP[1] by hardware is not a change */
	if (((now ^ desc) & ~(STALE_IGNORE | ((desc & MMU_DESC_DBM) ? MMU_DESC_AP2 : 0))) == 0)
		return;
	struct mmu_check_report rep = {
		.kind = MMU_CHECK_STALE_TLB, .pe = ctx->pe, .va = va, .ipa = e->ipa,
		.pa = e->pa, .desc_pa = desc_pa, .old_desc = desc, .new_desc = now,
		.stage = (uint8_t)stage, .level = e->level, .access = acc,
		.asid = e->asid, .global = e->global,
		.what = "TLB hit on an entry whose descriptor changed in memory with no "
			"TLBI since (missing TLB invalidation)",
	};
	if ((r = hmap_get(&ctx->check->desc, desc_pa)) != NULL)
		rep.writer = r->writer;
	mmu_check_report(ctx->check, &rep);
}

/* A non-global stage-1 entry of TTBR0 used while TTBR0 points at other tables: its
 * ASID now names another address space, and the TLB was not invalidated for it (Arm
 * ARM D8.16.1: an ASID may be reused only after TLB maintenance of its entries). */
static void asid_reuse(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e, uint64_t va,
		       enum mmu_access acc)
{
	struct mmu_check *c = ctx->check;
	uint64_t now = ctx->regime.tt[0].base;

	if (e->global || (e->tag & 3) == MMU_TLB_S2 || ((e->va >> 55) & 1) || e->ttb == now)
		return;
	struct mmu_check_report rep = {
		.kind = MMU_CHECK_ASID_REUSE, .pe = ctx->pe, .va = va, .ipa = e->ipa, .pa = e->pa,
		.desc_pa = e->s1_desc_pa, .old_desc = e->ttb, .new_desc = now, .stage = 1,
		.level = e->level, .access = acc, .asid = e->asid,
		.writer = c->switched[ctx->pe < CHECK_MAX_PE ? ctx->pe : CHECK_MAX_PE - 1],
		.what = "TLB hit on an entry of this ASID walked from another address space's "
			"tables (ASID reused with no TLBI of its old entries)",
	};
	mmu_check_report(c, &rep);
}

void mmu_check_walk_cache_hit(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e,
			      uint64_t va, enum mmu_access acc)
{
	if (mmu_check_enabled(ctx->check, MMU_CHECK_ASID_REUSE))
		asid_reuse(ctx, e, va, acc);
	if (mmu_check_enabled(ctx->check, MMU_CHECK_STALE_TLB))
		stale_one(ctx, e, va, acc, 1, e->s1_desc_pa, e->s1_desc);
}

void mmu_check_tlb_hit(struct mmu_ctx *ctx, const struct mmu_tlb_entry *e, uint64_t va,
		       enum mmu_access acc)
{
	if (mmu_check_enabled(ctx->check, MMU_CHECK_ASID_REUSE))
		asid_reuse(ctx, e, va, acc);
	if (!mmu_check_enabled(ctx->check, MMU_CHECK_STALE_TLB))
		return;
	stale_one(ctx, e, va, acc, 1, e->s1_desc_pa, e->s1_desc);
	stale_one(ctx, e, va, acc, 2, e->s2_desc_pa, e->s2_desc);
}
