/* SPDX-License-Identifier: MIT */
/*
 * Cache model and maintenance (Arm ARM "Cache maintenance instructions" and the DC/IC
 * descriptions; the model's PoU and PoC: docs/mmu.md "Caches"): line size from
 * CTR_EL0, hits/misses/dirty/write-back, cacheability from attributes and SCTLR.C/I,
 * DC CVAU to PoU (the L2), DC CVAC/CIVAC to PoC, DC IVAC, IC IVAU/IALLU/IALLUIS, and
 * the translation of the maintenance VA (faults carry CM = 1).
 */
#include "harness.h"

static struct mmu_cache *l1i, *l1d, *l2;
static struct mmu_caches caches;

static int setup(void **state)
{
	struct mmu_cache_geom g1 = { 4, 2, 0 }, g2 = { 16, 4, 0 };

	(void)state;
	l1i = mmu__cache_create(&g1, MMU_CTR_DEFAULT, true);
	l1d = mmu__cache_create(&g1, MMU_CTR_DEFAULT, false);
	l2 = mmu__cache_create(&g2, MMU_CTR_DEFAULT, false);
	caches = (struct mmu_caches){ l1i, l1d, l2, MMU_CTR_DEFAULT };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mmu__cache_destroy(l1i);
	mmu__cache_destroy(l1d);
	mmu__cache_destroy(l2);
	return 0;
}

static bool present(struct mmu_cache *c, uint64_t pa, bool *dirty)
{
	uint64_t tag = pa >> c->line_shift;
	size_t n = (size_t)c->geom.sets * c->geom.ways;

	for (size_t i = 0; i < n; i++) {
		if (c->l[i].valid && c->l[i].tag == tag) {
			if (dirty)
				*dirty = c->l[i].dirty;
			return true;
		}
	}
	return false;
}

/* CTR_EL0.DminLine[19:16] / IminLine[3:0] are log2(words): 4 -> 64 bytes; 3 -> 32.
 * Arm ARM CTR_EL0 register description (DminLine, IminLine: log2 of words). */
static void cache_line_size_from_ctr(void **state)
{
	struct mmu_cache_geom g = { 4, 1, 0 };
	struct mmu_cache *c = mmu__cache_create(&g, (3u << 16) | 5u, false);
	struct mmu_cache *i = mmu__cache_create(&g, (3u << 16) | 5u, true);

	(void)state;
	assert_int_equal(c->geom.line, 32);
	assert_int_equal(i->geom.line, 128);
	mmu__cache_destroy(c);
	mmu__cache_destroy(i);
}

/* A first access misses in L1 and L2, the next one hits; a write makes the line
 * dirty.
 * Model behaviour (tags, LRU, dirty state), no Arm ARM rule: caches are
 * IMPLEMENTATION DEFINED in size and policy. */
static void cache_miss_then_hit_and_write_dirties(void **state)
{
	bool dirty;

	(void)state;
	mmu__cache_access(&caches, 0x1000, 8, MMU_READ, true);
	mmu__cache_access(&caches, 0x1008, 8, MMU_WRITE, true);
	assert_int_equal(l1d->stats.misses, 1);
	assert_int_equal(l1d->stats.hits, 1);
	assert_int_equal(l2->stats.misses, 1);
	assert_true(present(l1d, 0x1000, &dirty));
	assert_true(dirty);
}

/* Device / Non-cacheable memory or SCTLR.C = 0 (data) / SCTLR.I = 0 (fetch) bypass.
 * Arm ARM SCTLR_EL1.C (data) and SCTLR_EL1.I (instruction) field descriptions;
 * MAIR_EL1 Device / Normal Non-cacheable encodings. */
static void cache_cacheability_from_attr_and_sctlr(void **state)
{
	(void)state;
	assert_true(mmu__attr_cacheable(0xff, MMU_READ, MMU_SCTLR_C));
	assert_false(mmu__attr_cacheable(0xff, MMU_READ, MMU_SCTLR_I));
	assert_true(mmu__attr_cacheable(0xff, MMU_FETCH, MMU_SCTLR_I));
	assert_false(mmu__attr_cacheable(0x44, MMU_READ, MMU_SCTLR_C));
	assert_false(mmu__attr_cacheable(0x04, MMU_READ, MMU_SCTLR_C));
	assert_true(mmu__attr_cacheable(0xaa, MMU_READ, MMU_SCTLR_C));
	mmu__cache_access(&caches, 0x2000, 8, MMU_READ, false);
	assert_int_equal(l1d->stats.uncached, 1);
	assert_false(present(l1d, 0x2000, NULL));
}

/* Evicting a dirty L1D line writes it back into the L2.
 * Model behaviour (write-back L1D into the unified L2), no Arm ARM rule;
 * the architecture leaves the cache hierarchy IMPLEMENTATION DEFINED. */
static void cache_dirty_eviction_writes_back_to_l2(void **state)
{
	bool dirty;

	(void)state;
	/* 4 sets x 64 bytes: 0x0, 0x100, 0x200 share set 0; 2 ways */
	mmu__cache_access(&caches, 0x000, 8, MMU_WRITE, true);
	mmu__cache_access(&caches, 0x100, 8, MMU_READ, true);
	mmu__cache_access(&caches, 0x200, 8, MMU_READ, true);
	assert_false(present(l1d, 0x000, NULL));
	assert_int_equal(l1d->stats.writebacks, 1);
	assert_true(present(l2, 0x000, &dirty));
	assert_true(dirty);
}

/* DC CVAU cleans L1D to PoU (the L2 gets the dirty line); DC CVAC cleans to PoC
 * (no dirty copy left); DC CIVAC also removes it; DC IVAC drops it.
 * Arm ARM "Cache maintenance instructions" and the DC CVAU, DC CVAC,
 * DC CIVAC, DC IVAC descriptions (PoU = the model's L2, PoC = memory). */
static void cache_dc_clean_and_invalidate_points(void **state)
{
	bool dirty;

	(void)state;
	mmu__cache_access(&caches, 0x3000, 8, MMU_WRITE, true);
	mmu__cache_maint_pa(&caches, MMU_DC_CVAU, 0x3000);
	assert_true(present(l1d, 0x3000, &dirty));
	assert_false(dirty);
	assert_true(present(l2, 0x3000, &dirty));
	assert_true(dirty);
	mmu__cache_access(&caches, 0x3000, 8, MMU_WRITE, true);
	mmu__cache_maint_pa(&caches, MMU_DC_CVAC, 0x3000);
	assert_true(present(l2, 0x3000, &dirty));
	assert_false(dirty);
	assert_true(present(l1d, 0x3000, &dirty));
	assert_false(dirty);
	mmu__cache_maint_pa(&caches, MMU_DC_CIVAC, 0x3000);
	assert_false(present(l1d, 0x3000, NULL));
	assert_false(present(l2, 0x3000, NULL));
	mmu__cache_access(&caches, 0x3000, 8, MMU_WRITE, true);
	mmu__cache_maint_pa(&caches, MMU_DC_IVAC, 0x3000);
	assert_false(present(l1d, 0x3000, NULL));
}

/* IC IVAU invalidates one I-cache line; IC IALLU all of this PE's; IC IALLUIS every
 * PE's in the domain.
 * Arm ARM IC IVAU, IC IALLU, IC IALLUIS instruction descriptions (local vs
 * Inner Shareable scope). */
static void cache_ic_invalidation_scopes(void **state)
{
	struct mmu_cache_geom g1 = { 4, 2, 0 };
	struct mmu_cache *other = mmu__cache_create(&g1, MMU_CTR_DEFAULT, true);
	struct mmu_caches c1 = { other, NULL, NULL, MMU_CTR_DEFAULT };
	struct mmu_domain dom = { 0 };
	struct mmu_ctx ctx;

	(void)state;
	mmu__ctx_init(&ctx, &tmem_ops, NULL);
	mmu__domain_add(&dom, NULL, &caches);
	mmu__domain_add(&dom, NULL, &c1);
	ctx.caches = &caches;
	ctx.domain = &dom;
	mmu__cache_access(&caches, 0x4000, 4, MMU_FETCH, true);
	mmu__cache_access(&caches, 0x4040, 4, MMU_FETCH, true);
	mmu__cache_access(&c1, 0x4000, 4, MMU_FETCH, true);
	assert_int_equal(mmu__cache_maint(&ctx, MMU_IC_IVAU, 0x4000, 0, NULL, NULL), 0);
	assert_false(present(l1i, 0x4000, NULL));
	assert_true(present(l1i, 0x4040, NULL));
	assert_int_equal(mmu__cache_maint(&ctx, MMU_IC_IALLU, 0, 0, NULL, NULL), 0);
	assert_false(present(l1i, 0x4040, NULL));
	assert_true(present(other, 0x4000, NULL));
	assert_int_equal(mmu__cache_maint(&ctx, MMU_IC_IALLUIS, 0, 0, NULL, NULL), 0);
	assert_false(present(other, 0x4000, NULL));
	mmu__cache_destroy(other);
}

/* DC by VA translates the VA: a fault is reported with CM = 1 (and WnR = 1 in the
 * ESR); DC ZVA faults as an ordinary store (CM = 0).
 * Arm ARM "ISS encoding for an exception from a Data Abort" (CM, WnR); DC ZVA
 * is treated as a store (DC ZVA description). */
static void cache_maint_translation_fault_has_cm(void **state)
{
	struct tmem *m = tmem_new();
	struct mmu_ctx ctx;
	struct mmu_fault f;

	(void)state;
	mmu__ctx_init(&ctx, &tmem_ops, m);
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x10000, 0, 0, 0, 0);
	assert_int_equal(mmu__cache_maint(&ctx, MMU_DC_CVAC, 0x1000, 0, &f, NULL), -EFAULT);
	assert_int_equal(f.kind, MMU_FAULT_TRANSLATION);
	assert_true(f.cm);
	assert_int_equal(mmu__fault_iss(&f, NULL), 0x100 | 0x40 | 0x04);
	assert_int_equal(mmu__cache_maint(&ctx, MMU_DC_ZVA, 0x1000, 0, &f, NULL), -EFAULT);
	assert_false(f.cm);
	assert_true(f.wnr);
	tmem_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(cache_line_size_from_ctr),
		T(cache_miss_then_hit_and_write_dirties),
		T(cache_cacheability_from_attr_and_sctlr),
		T(cache_dirty_eviction_writes_back_to_l2),
		T(cache_dc_clean_and_invalidate_points),
		T(cache_ic_invalidation_scopes),
		T(cache_maint_translation_fault_has_cm),
	};
	return cmocka_run_group_tests_name("mmu caches", tests, NULL, NULL);
}
