/* SPDX-License-Identifier: MIT */
/*
 * Cache model: tags, LRU and dirty state of set-associative caches (L1I, L1D, a
 * unified L2 = the Point of Unification; memory = the Point of Coherency). Data lives
 * in memory only, so the model counts and feeds the checks. Maintenance semantics:
 * Arm ARM "Cache maintenance instructions" (DC IVAC/CVAC/CVAU/CIVAC/ZVA,
 * IC IVAU/IALLU/IALLUIS).
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static bool pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

struct mmu_cache *mmu__cache_create(const struct mmu_cache_geom *g, uint32_t ctr_el0,
				    bool icache)
{
	struct mmu_cache *c;
	uint32_t line = g->line;

	if (!line)
		line = 4u << (icache ? (ctr_el0 & 15) : ((ctr_el0 >> 16) & 15));
	if (!pow2(g->sets) || !g->ways || !pow2(line))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->geom = *g;
	c->geom.line = line;
	c->line_shift = (unsigned)__builtin_ctz(line);
	c->l = calloc((size_t)g->sets * g->ways, sizeof(*c->l));
	if (!c->l) {
		free(c);
		return NULL;
	}
	return c;
}

void mmu__cache_destroy(struct mmu_cache *c)
{
	if (c) {
		free(c->l);
		free(c);
	}
}

/* Cacheable: SCTLR.C (data) or SCTLR.I (fetch) set, and Normal memory whose inner
 * attribute is Write-Back or Write-Through (the model's caches are all inner). */
bool mmu__attr_cacheable(uint8_t attr, enum mmu_access acc, uint64_t sctlr_el1)
{
	uint64_t enable = acc == MMU_FETCH ? MMU_SCTLR_I : MMU_SCTLR_C;
	unsigned inner = attr & 0xf;

	if (!(sctlr_el1 & enable) || mmu_attr_is_device(attr))
		return false;
	return inner != 0x4 && inner != 0;
}

static struct mmu_cache_line *find(struct mmu_cache *c, uint64_t pa)
{
	uint64_t tag = pa >> c->line_shift;
	struct mmu_cache_line *set = &c->l[(tag & (c->geom.sets - 1)) * c->geom.ways];

	for (uint32_t w = 0; w < c->geom.ways; w++)
		if (set[w].valid && set[w].tag == tag)
			return &set[w];
	return NULL;
}

static void touch(struct mmu_cache *c, uint64_t pa, bool write);

/* Allocate a line for pa; a dirty victim is written back to `next` (or memory). */
static struct mmu_cache_line *alloc(struct mmu_cache *c, uint64_t pa, struct mmu_cache *next)
{
	uint64_t tag = pa >> c->line_shift;
	struct mmu_cache_line *set = &c->l[(tag & (c->geom.sets - 1)) * c->geom.ways];
	struct mmu_cache_line *v = &set[0];

	for (uint32_t w = 0; w < c->geom.ways; w++) {
		if (!set[w].valid) {
			v = &set[w];
			break;
		}
		if (set[w].lru < v->lru)
			v = &set[w];
	}
	if (v->valid) {
		c->stats.evictions++;
		if (v->dirty) {
			c->stats.writebacks++;
			if (next)
				touch(next, v->tag << c->line_shift, true);
		}
	}
	v->tag = tag;
	v->valid = true;
	v->dirty = false;
	return v;
}

/* One line access in cache c, missing into next. */
static void touch_in(struct mmu_cache *c, uint64_t pa, bool write, struct mmu_cache *next)
{
	struct mmu_cache_line *l = find(c, pa);

	if (l) {
		c->stats.hits++;
	} else {
		c->stats.misses++;
		if (next)
			touch(next, pa, false);
		l = alloc(c, pa, next);
	}
	l->lru = ++c->clock;
	if (write)
		l->dirty = true;
}

static void touch(struct mmu_cache *c, uint64_t pa, bool write)
{
	touch_in(c, pa, write, NULL);
}

void mmu__cache_access(struct mmu_caches *c, uint64_t pa, unsigned size,
		       enum mmu_access acc, bool cacheable)
{
	struct mmu_cache *l1 = acc == MMU_FETCH ? c->l1i : c->l1d;
	struct mmu_cache *first = l1 ? l1 : c->l2;
	uint64_t end = pa + (size ? size : 1);

	if (!first)
		return;
	if (!cacheable) {
		first->stats.uncached++;
		return;
	}
	for (uint64_t a = pa >> first->line_shift << first->line_shift; a < end;
	     a += first->geom.line)
		touch_in(first, a, acc == MMU_WRITE, first == c->l2 ? NULL : c->l2);
}

/* Clean (write back) and/or invalidate the line holding pa in one cache. A clean of
 * an L1D line writes it into `next` (the L2, towards PoU/PoC). */
static void maint_line(struct mmu_cache *c, uint64_t pa, bool clean, bool inval,
		       struct mmu_cache *next)
{
	struct mmu_cache_line *l;

	if (!c || !(l = find(c, pa)))
		return;
	if (clean && l->dirty) {
		l->dirty = false;
		c->stats.cleans++;
		c->stats.writebacks++;
		if (next)
			touch(next, pa, true);
	}
	if (inval) {
		l->valid = false;
		c->stats.invalidates++;
	}
}

static void inval_all(struct mmu_cache *c)
{
	size_t n;

	if (!c)
		return;
	n = (size_t)c->geom.sets * c->geom.ways;
	for (size_t i = 0; i < n; i++) {
		if (c->l[i].valid)
			c->stats.invalidates++;
		c->l[i].valid = false;
	}
}

/* PoU is the L2: DC CVAU cleans L1D into it. PoC is memory: the *AC forms go through
 * the L2 as well. DC IVAC drops dirty data (the model's memory already has it). */
void mmu__cache_maint_pa(struct mmu_caches *c, enum mmu_cache_op op, uint64_t pa)
{
	switch (op) {
	case MMU_DC_CVAU:
		maint_line(c->l1d, pa, true, false, c->l2);
		break;
	case MMU_DC_CVAC:
		maint_line(c->l1d, pa, true, false, c->l2);
		maint_line(c->l2, pa, true, false, NULL);
		break;
	case MMU_DC_CIVAC:
		maint_line(c->l1d, pa, true, true, c->l2);
		maint_line(c->l2, pa, true, true, NULL);
		break;
	case MMU_DC_IVAC:
		maint_line(c->l1d, pa, false, true, NULL);
		maint_line(c->l2, pa, false, true, NULL);
		break;
	case MMU_DC_ZVA:
		if (c->l1d)
			c->l1d->stats.zeroes++;
		mmu__cache_access(c, pa, 1, MMU_WRITE, true);
		break;
	case MMU_IC_IVAU:
		maint_line(c->l1i, pa, false, true, NULL);
		break;
	case MMU_IC_IALLU:
	case MMU_IC_IALLUIS:
		inval_all(c->l1i);
		break;
	}
}

/* How the instruction translates its VA: DC IVAC needs write permission and DC ZVA is
 * a store; the others are reads reported with ESR.ISS.CM = 1 (DC ZVA is not CM). */
static void maint_access(enum mmu_cache_op op, unsigned *flags, enum mmu_access *acc)
{
	*acc = (op == MMU_DC_IVAC || op == MMU_DC_ZVA) ? MMU_WRITE : MMU_READ;
	if (op != MMU_DC_ZVA)
		*flags |= MMU_F_CM;
}

static void apply(struct mmu_ctx *ctx, enum mmu_cache_op op, uint64_t pa)
{
	struct mmu_domain *d = ctx->domain;

	if (op == MMU_IC_IALLUIS && d) {
		for (unsigned i = 0; i < d->npe; i++)
			if (d->caches[i])
				mmu__cache_maint_pa(d->caches[i], op, pa);
	} else if (ctx->caches) {
		mmu__cache_maint_pa(ctx->caches, op, pa);
	}
	if (ctx->check)
		mmu_check_cache_op(ctx, op, pa);
}

int mmu__cache_maint(struct mmu_ctx *ctx, enum mmu_cache_op op, uint64_t va,
		     unsigned flags, struct mmu_fault *fault, uint64_t *pa_out)
{
	struct mmu_result res;
	enum mmu_access acc;
	uint64_t pa = 0;

	if (op != MMU_IC_IALLU && op != MMU_IC_IALLUIS) {
		maint_access(op, &flags, &acc);
		if (mmu__translate(ctx, va, acc, flags, &res)) {
			if (fault)
				*fault = res.fault;
			return -EFAULT;
		}
		pa = res.pa;
	}
	apply(ctx, op, pa);
	if (pa_out)
		*pa_out = pa;
	return 0;
}

const char *mmu__cache_op_name(enum mmu_cache_op op)
{
	static const char *const n[] = {
		[MMU_DC_IVAC] = "DC IVAC", [MMU_DC_CVAC] = "DC CVAC", [MMU_DC_CVAU] = "DC CVAU",
		[MMU_DC_CIVAC] = "DC CIVAC", [MMU_DC_ZVA] = "DC ZVA", [MMU_IC_IVAU] = "IC IVAU",
		[MMU_IC_IALLU] = "IC IALLU", [MMU_IC_IALLUIS] = "IC IALLUIS",
	};
	return (unsigned)op < sizeof(n) / sizeof(n[0]) ? n[op] : "?";
}
