/* SPDX-License-Identifier: MIT */
/*
 * I-cache coherence check. Making written instructions executable needs, per line,
 * DC CVAU (unless CTR_EL0.IDC = 1), then IC IVAU (unless CTR_EL0.DIC = 1), with DSBs
 * and an ISB between (Arm ARM "Synchronization and coherency issues between data and
 * instruction accesses"; the check's rule: docs/mmu.md "Checks", its simplifications:
 * docs/fidelity.md "Checks"). The barriers are not modelled; the order of
 * the clean and the invalidation is: an invalidation of a line not yet cleaned does
 * not count (the I-cache could refill from a PoU without the new data).
 * State is kept per system, not per PE: IC IALLU is treated as IC IALLUIS.
 */
#include <string.h>

#include "check_priv.h"

#define LINE_SHIFT 6   /* tracking granule: 64 bytes */

static uint64_t line_bits(uint64_t pa, unsigned size)
{
	unsigned first = (unsigned)(pa >> LINE_SHIFT) & 63;
	unsigned last = (unsigned)((pa + size - 1) >> LINE_SHIFT) & 63;

	if (size >= 4096)
		return ~0ull;
	if (last < first) /* crosses into the next page: the caller splits by page */
		last = 63;
	return (last - first == 63 ? ~0ull : (MASK(last - first + 1) << first));
}

/* The page's state: flat arrays for the configured range (RAM), the hash map for the
 * rest. get: NULL when the page has no line to report; put: found or made (its lines
 * 0, its writer for the caller to set). */
static bool flat_index(const struct mmu_check *c, uint64_t page, uint64_t *i)
{
	*i = page - (c->flat.base >> 12);
	return *i < c->flat.pages;
}

static struct mmu_check_code_page *page_get(struct mmu_check *c, uint64_t page)
{
	uint64_t i;

	if (flat_index(c, page, &i))
		return (c->flat.live[i / 64] >> (i % 64)) & 1 ? &c->flat.page[i] : NULL;
	return hmap_get(&c->code, page);
}

static struct mmu_check_code_page *page_put(struct mmu_check *c, uint64_t page)
{
	bool is_new;
	uint64_t i;

	if (flat_index(c, page, &i)) {
		c->flat.live[i / 64] |= 1ull << (i % 64); /* (not live: its lines are 0) */
		return &c->flat.page[i];
	}
	return hmap_put(&c->code, page, &is_new);
}

static void page_del(struct mmu_check *c, uint64_t page)
{
	uint64_t i;

	if (flat_index(c, page, &i))
		c->flat.live[i / 64] &= ~(1ull << (i % 64));
	else
		hmap_del(&c->code, page);
}

static void mark(struct mmu_check *c, unsigned pe, uint64_t pa, unsigned size)
{
	uint32_t ctr = c->cfg.ctr_el0;
	bool idc = ctr & (1u << 28), dic = ctr & (1u << 29);
	struct mmu_check_code_page *p;

	if (idc && dic)
		return;
	p = page_put(c, pa >> 12);
	if (!p)
		return;
	if (!idc)
		p->need_clean |= line_bits(pa, size);
	if (!dic)
		p->need_inval |= line_bits(pa, size);
	mmu_check_where(c, pe, &p->writer);
}

void mmu_check_icache_store(struct mmu_check *c, unsigned pe, uint64_t pa, unsigned size)
{
	uint64_t end = pa + (size ? size : 1);

	if (((pa ^ (end - 1)) >> 12) == 0) { /* inside one page (nearly all) */
		mark(c, pe, pa, (unsigned)(end - pa));
		return;
	}
	while (pa < end) {
		uint64_t next = (pa | 0xfff) + 1, stop = next < end ? next : end;
		mark(c, pe, pa, (unsigned)(stop - pa));
		pa = stop;
	}
}

/* (here, so that the one-page case is one function) */
void mmu__check_store_data(struct mmu_ctx *ctx, uint64_t pa, unsigned size)
{
	struct mmu_check *c = ctx->check;

	if (c && mmu_check_enabled(c, MMU_CHECK_ICACHE))
		mmu_check_icache_store(c, ctx->pe, pa, size);
}

static void forget_if_clean(struct mmu_check *c, uint64_t page, struct mmu_check_code_page *p)
{
	if (!p->need_clean && !p->need_inval)
		page_del(c, page);
}

static void clean_range(struct mmu_check *c, uint64_t pa, unsigned size)
{
	struct mmu_check_code_page *p = page_get(c, pa >> 12);

	if (!p)
		return;
	p->need_clean &= ~line_bits(pa, size);
	forget_if_clean(c, pa >> 12, p);
}

/* An I-cache invalidation helps only lines whose data already reached PoU. */
static void inval_range(struct mmu_check *c, uint64_t pa, unsigned size)
{
	struct mmu_check_code_page *p = page_get(c, pa >> 12);

	if (!p)
		return;
	p->need_inval &= ~(line_bits(pa, size) & ~p->need_clean);
	forget_if_clean(c, pa >> 12, p);
}

static void inval_all(struct mmu_check *c)
{
	uint64_t key;

	for (uint64_t w = 0; w < (c->flat.pages + 63) / 64; w++) {
		for (uint64_t bits = c->flat.live[w]; bits; bits &= bits - 1) {
			uint64_t i = w * 64 + (unsigned)__builtin_ctzll(bits);
			struct mmu_check_code_page *p = &c->flat.page[i];

			p->need_inval &= p->need_clean;
			forget_if_clean(c, (c->flat.base >> 12) + i, p);
		}
	}

	for (size_t i = 0; i < c->code.cap;) {
		struct mmu_check_code_page *p = hmap_at(&c->code, i, &key);

		if (p) {
			p->need_inval &= p->need_clean;
			if (!p->need_clean && !p->need_inval) {
				hmap_del(&c->code, key);
				continue;
			}
		}
		i++;
	}
}

static unsigned dline(uint32_t ctr)
{
	return 4u << ((ctr >> 16) & 15);
}

static unsigned iline(uint32_t ctr)
{
	return 4u << (ctr & 15);
}

void mmu_check_cache_op(struct mmu_ctx *ctx, enum mmu_cache_op op, uint64_t pa)
{
	struct mmu_check *c = ctx->check;
	uint32_t ctr = c->cfg.ctr_el0;

	if (!mmu_check_enabled(c, MMU_CHECK_ICACHE))
		return;
	switch (op) {
	case MMU_DC_CVAU:
	case MMU_DC_CVAC:
	case MMU_DC_CIVAC:
		clean_range(c, pa & ~(uint64_t)(dline(ctr) - 1), dline(ctr));
		break;
	case MMU_DC_ZVA:
		mmu_check_icache_store(c, ctx->pe, pa & ~(uint64_t)(dline(ctr) - 1), dline(ctr));
		break;
	case MMU_IC_IVAU:
		inval_range(c, pa & ~(uint64_t)(iline(ctr) - 1), iline(ctr));
		break;
	case MMU_IC_IALLU:
	case MMU_IC_IALLUIS:
		inval_all(c);
		break;
	case MMU_DC_IVAC:
		break;
	}
}

void mmu__check_fetch(struct mmu_ctx *ctx, uint64_t va, uint64_t pa)
{
	struct mmu_check *c = ctx->check;
	struct mmu_check_code_page *p;
	uint64_t bit = 1ull << ((pa >> LINE_SHIFT) & 63);

	if (!c || !mmu_check_enabled(c, MMU_CHECK_ICACHE))
		return;
	p = page_get(c, pa >> 12);
	if (!p || !((p->need_clean | p->need_inval) & bit))
		return;
	struct mmu_check_report rep = {
		.kind = MMU_CHECK_ICACHE, .pe = ctx->pe, .va = va, .pa = pa,
		.access = MMU_FETCH,
		.what = (p->need_clean & bit) ?
			"instruction fetched from a line written without DC CVAU + IC IVAU" :
			"instruction fetched from a line written and cleaned, without IC IVAU",
		.writer = p->writer,
	};
	p->need_clean &= ~bit; /* one report per write */
	p->need_inval &= ~bit;
	forget_if_clean(c, pa >> 12, p);
	mmu_check_report(c, &rep);
}

const uint64_t *mmu__check_code_live(const struct mmu_check *c, uint64_t pa, unsigned *bit)
{
	uint64_t i;

	if (!c || !mmu_check_enabled(c, MMU_CHECK_ICACHE) || !flat_index(c, pa >> 12, &i))
		return NULL;
	*bit = (unsigned)(i % 64);
	return &c->flat.live[i / 64];
}

const struct mmu_check_flat *mmu__check_flat(const struct mmu_check *c)
{
	return c && c->flat.pages && mmu_check_enabled(c, MMU_CHECK_ICACHE) ? &c->flat : NULL;
}
