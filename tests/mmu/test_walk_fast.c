/* SPDX-License-Identifier: MIT */
/*
 * The fast walk of a TLB miss (mmu/walk_fast.h) against the generic walk. Rule: a TLB
 * entry caches the result of a translation table walk (Arm ARM D8.16, "Translation
 * Lookaside Buffers"; pseudocode AArch64.FullTranslate), so how the model walks must
 * not change what it caches or returns: the same results and faults (AArch64.S1Walk's
 * leaf checks, AArch64.S1HasPermissionsFault with the hierarchical APTable/UXNTable/
 * PXNTable limits, WXN and PAN, the Access flag and dirty state of FEAT_HAFDBS,
 * AArch64.S2CombineS1MemAttrs), the same TLB contents and replacement order, the same
 * descriptor updates in memory.
 *
 * Two identical worlds, built by hand (4K granule, 48-bit VAs; stage 2 off or on with
 * 2 MiB blocks): leaves of every kind a level-3 entry can hold (invalid, reserved,
 * pages with random AP, UXN, PXN, AF, nG, DBM, AttrIndx, SH) below level-2 tables with
 * random limits, one world walking generically (ctx.no_fast_walk), the other with the
 * fast walk; thousands of random accesses (read, write, fetch; EL1, EL0, PAN), with
 * ASID switches, over more pages than the TLB holds. Two worlds walk fast, one of
 * them with its memory as its context's RAM window (ctx.ram), so that it reads a
 * descriptor of the page of its last read straight from memory (fewer read64 calls).
 *
 * Then the same with the checks attached to both worlds (mmu/check.h), and level-3
 * entries and the limits of level-2 tables (which the walk cache holds) rewritten now
 * and then without a TLBI (each store told to the checks first,
 * as a CPU does): the walk tells the checks what it reads (the walk-cache hit, the
 * descriptor), and those calls must be the same whichever way it walks, so both
 * worlds must make the same reports (stale TLB entries, break-before-make), kind by
 * kind, in the same order and with the same addresses and values.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define ROOT 0x10000ull
#define NREG 4          /* 2 MiB regions of VA, each one level-3 table */
#define REG_VA(i) (0x40000000ull + ((uint64_t)(i) << 21) + ((uint64_t)((i) & 1) << 39))
#define S2ROOT 0x400000ull

struct world {
	struct tmem *m;
	struct mmu_ctx ctx;
	struct mmu_tlb *tlb;
};

static uint64_t seed;

static uint32_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

/* A random level-3 entry (output PA in 0x1000000.. below 16 MiB + region offset). */
static uint64_t random_leaf(uint64_t out)
{
	unsigned k = rnd() % 16;

	if (k == 0)
		return 0;                           /* invalid */
	if (k == 1)
		return out | D_BLOCK | D_AF;        /* 0b01 at level 3: reserved */
	return out | D_TABLE | D_AP(rnd() % 4) | D_IDX(rnd() % 5) | D_SH(rnd() % 4) |
	       (rnd() % 8 ? D_AF : 0) | (rnd() % 2 ? D_NG : 0) | (rnd() % 3 ? 0 : D_DBM) |
	       (rnd() % 4 ? 0 : D_UXN) | (rnd() % 4 ? 0 : D_PXN);
}

static void build(struct tmem *a, struct tmem *b)
{
	uint64_t next = ROOT + 0x1000;

	for (unsigned i = 0; i < NREG; i++) {
		for (unsigned p = 0; p < 512; p++) {
			uint64_t va = REG_VA(i) + ((uint64_t)p << 12);
			uint64_t leaf = random_leaf(0x1000000 + ((uint64_t)i << 21) + ((uint64_t)p << 12));
			uint64_t n = next;

			tb_map4k(a, ROOT, &n, va, leaf);
			tb_map4k(b, ROOT, &next, va, leaf);
		}
	}
	/* random hierarchical limits on the level-2 table descriptors of regions 1..3 */
	for (unsigned i = 1; i < NREG; i++) {
		uint64_t va = REG_VA(i), l0, l1, l2;
		unsigned lim = rnd() % 16;

		l0 = r64(a, ROOT + 8 * ((va >> 39) & 511)) & 0xfffffffff000ull;
		l1 = r64(a, l0 + 8 * ((va >> 30) & 511)) & 0xfffffffff000ull;
		l2 = l1 + 8 * ((va >> 21) & 511);
		w64(a, l2, r64(a, l2) | D_APT(lim & 3) | ((lim & 4) ? D_UXNT : 0) | ((lim & 8) ? D_PXNT : 0));
		w64(b, l2, r64(a, l2));
	}
	/* stage 2: IPA 0..1 GiB by 2 MiB blocks to the same PA; the block of IPA 16 MiB
	 * (region 0's output) read-only, that of 18 MiB writable-clean (DBM) */
	for (struct tmem *m = a;; m = b) {
		w64(m, S2ROOT, TABLE(S2ROOT + 0x3000));
		for (int i = 0; i < 512; i++)
			w64(m, S2ROOT + 0x3000 + 8 * i, S2BLOCK((uint64_t)i << 21));
		w64(m, S2ROOT + 0x3000 + 8 * 8, (S2BLOCK(8ull << 21) & ~S2_AP(3)) | S2_AP(1));
		w64(m, S2ROOT + 0x3000 + 8 * 9, (S2BLOCK(9ull << 21) & ~S2_AP(3)) | S2_AP(1) | D_DBM);
		if (m == b)
			break;
	}
}

static void set_regs(struct world *w, unsigned cfg, unsigned asid)
{
	uint64_t tcr = TCR_4K48 | ((cfg & 2) ? MMU_TCR_HA : 0) | ((cfg & 4) ? MMU_TCR_HD : 0);
	uint64_t sctlr = SCTLR_ON | ((cfg & 8) ? MMU_SCTLR_WXN : 0);
	/* VTCR.HA (bit 21) and HD (22) with TCR's */
	uint64_t vtcr = VTCR_4K40 | ((cfg & 2) ? MMU_VTCR_HA : 0) | ((cfg & 4) ? MMU_VTCR_HD : 0);

	th_set(&w->ctx, sctlr, tcr, ROOT | (uint64_t)asid << 48, 0, (cfg & 1) ? MMU_HCR_VM : 0,
	       vtcr, S2ROOT | 1ull << 48);
}

static void same_result(int rc0, const struct mmu_result *a, int rc1, const struct mmu_result *b)
{
	assert_int_equal(rc0, rc1);
	assert_int_equal(a->fault.kind, b->fault.kind);
	if (rc0) {
		assert_int_equal(a->fault.level, b->fault.level);
		assert_int_equal(a->fault.stage, b->fault.stage);
		assert_int_equal(a->fault.s1ptw, b->fault.s1ptw);
		assert_int_equal(a->fault.wnr, b->fault.wnr);
		assert_int_equal(a->fault.ipa_valid, b->fault.ipa_valid);
		assert_int_equal(a->fault.ipa, b->fault.ipa);
		assert_int_equal(a->fault.va, b->fault.va);
		return;
	}
	assert_int_equal(a->pa, b->pa);
	assert_int_equal(a->ipa, b->ipa);
	assert_int_equal(a->asid, b->asid);
	assert_int_equal(a->shift, b->shift);
	assert_int_equal(a->global, b->global);
	assert_int_equal(a->perms, b->perms);
	assert_int_equal(a->attr, b->attr);
	assert_int_equal(a->sh, b->sh);
	assert_int_equal(a->level, b->level);
	assert_int_equal(a->tlb_hit, b->tlb_hit);
}

static void same_entry(const struct mmu_tlb_entry *a, const struct mmu_tlb_entry *b)
{
	assert_int_equal(a->tag, b->tag);
	if (!a->tag)
		return;
	assert_int_equal(a->va, b->va);
	assert_int_equal(a->pa, b->pa);
	assert_int_equal(a->ipa, b->ipa);
	assert_int_equal(a->asid, b->asid);
	assert_int_equal(a->shift, b->shift);
	assert_int_equal(a->global, b->global);
	assert_int_equal(a->perms, b->perms);
	assert_int_equal(a->attr, b->attr);
	assert_int_equal(a->sh, b->sh);
	assert_int_equal(a->level, b->level);
	assert_int_equal(a->table, b->table);
	assert_int_equal(a->in_l1, b->in_l1);
	assert_int_equal(a->lru, b->lru);
	assert_int_equal(a->born, b->born);
	assert_int_equal(a->ttb, b->ttb);
	assert_int_equal(a->s1_desc_pa, b->s1_desc_pa);
	assert_int_equal(a->s1_desc, b->s1_desc);
	assert_int_equal(a->s2_desc_pa, b->s2_desc_pa);
	assert_int_equal(a->s2_desc, b->s2_desc);
}

static void same_tlb(const struct world *a, const struct world *b)
{
	assert_int_equal(a->tlb->clock, b->tlb->clock);
	assert_int_equal(a->tlb->walks, b->tlb->walks);
	assert_memory_equal(&a->ctx.stats, &b->ctx.stats, sizeof(a->ctx.stats));
	for (int l = 0; l < MMU_TLB_LEVELS; l++) {
		const struct mmu_tlb_array *x = &a->tlb->lv[l], *y = &b->tlb->lv[l];

		assert_memory_equal(&x->stats, &y->stats, sizeof(x->stats));
		assert_memory_equal(x->shift_mask, y->shift_mask, sizeof(x->shift_mask));
		for (unsigned k = 0; k < (unsigned)x->geom.sets * x->geom.ways; k++)
			same_entry(&x->e[k], &y->e[k]);
	}
}

/* The reports of one world's checks, folded in order into one value. */
static void fold_report(void *opaque, const struct mmu_check_report *r)
{
	uint64_t *h = opaque;
	uint64_t v[] = { r->kind, r->va, r->pa, r->desc_pa, r->old_desc, r->new_desc, r->level,
			 r->access, r->deferred, r->asid };

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*h = (*h ^ v[i]) * 0x100000001b3ull;
}

/* The level-3 entry of va in m (the tables build() made). */
static uint64_t leaf_pa(struct tmem *m, uint64_t va)
{
	uint64_t t = ROOT;

	for (int level = 0; level < 3; level++)
		t = r64(m, t + 8 * ((va >> (39 - 9 * level)) & 511)) & 0xfffffffff000ull;
	return t + 8 * ((va >> 12) & 511);
}

static void compare_walks(bool checks)
{
	static const unsigned flagset[] = { 0, MMU_F_EL0, MMU_F_PAN };
	unsigned fast_possible = 0, rewrites = 0, reads[3] = { 0, 0, 0 };
	uint64_t reports = 0;

	for (unsigned cfg = 0; cfg < 16; cfg++) {
		/* 0: the generic walk; 1: the fast one with a RAM window; 2: without */
		struct world w[3];
		struct mmu_check *chk[3] = { NULL, NULL, NULL };
		uint64_t fold[3] = { 0, 0, 0 };

		seed = 0x5eed0000u + cfg;
		for (int i = 0; i < 3; i++) {
			w[i].m = tmem_new();
			mmu__ctx_init(&w[i].ctx, &tmem_ops, w[i].m);
			w[i].tlb = mmu__tlb_create(NULL);
			w[i].ctx.tlb = w[i].tlb;
			set_regs(&w[i], cfg, 1);
			if (checks) {
				struct mmu_check_config cc = { .report = fold_report, .opaque = &fold[i] };
				chk[i] = mmu__check_create(&cc);
				assert_non_null(chk[i]);
				w[i].ctx.check = chk[i];
			}
		}
		w[0].ctx.no_fast_walk = true;
		/* the fast world may read descriptors straight from memory (walk.h: tmem's
		 * read64 only counts reads) */
		w[1].ctx.ram = w[1].m->buf;
		w[1].ctx.ram_size = TMEM_SIZE;
		build(w[0].m, w[1].m);
		memcpy(w[2].m->buf, w[1].m->buf, TMEM_SIZE);
		w[0].m->reads = w[1].m->reads = w[2].m->reads = 0;
		for (unsigned n = 0; n < 6000; n++) {
			uint64_t va = REG_VA(rnd() % NREG) + ((uint64_t)(rnd() % 512) << 12) +
				      8 * (rnd() % 512);
			enum mmu_access acc = (enum mmu_access)(rnd() % 3);
			unsigned flags = flagset[rnd() % 3];
			struct mmu_result r0, r1, r2;
			int rc0, rc1, rc2;

			if (rnd() % 500 == 0) { /* another address space (ASID) */
				unsigned asid = 1 + rnd() % 2;
				for (int i = 0; i < 3; i++)
					set_regs(&w[i], cfg, asid);
			}
			if (checks && rnd() % 40 == 0) { /* a leaf rewritten, no TLBI */
				uint64_t pa = leaf_pa(w[0].m, va);
				uint64_t leaf = random_leaf(r64(w[0].m, pa) & 0xfffffffff000ull);

				for (int i = 0; i < 3; i++) {
					mmu__check_store(&w[i].ctx, pa, 8, leaf);
					w64(w[i].m, pa, leaf);
				}
				rewrites++;
			}
			if (checks && rnd() % 300 == 0) { /* a level-2 table's limits, no TLBI */
				uint64_t l2 = ROOT, d;
				unsigned lim = rnd() % 16;

				for (int level = 0; level < 2; level++)
					l2 = r64(w[0].m, l2 + 8 * ((va >> (39 - 9 * level)) & 511)) &
					     0xfffffffff000ull;
				l2 += 8 * ((va >> 21) & 511);
				d = (r64(w[0].m, l2) & ~(D_APT(3) | D_UXNT | D_PXNT)) | D_APT(lim & 3) |
				    ((lim & 4) ? D_UXNT : 0) | ((lim & 8) ? D_PXNT : 0);
				for (int i = 0; i < 3; i++) {
					mmu__check_store(&w[i].ctx, l2, 8, d);
					w64(w[i].m, l2, d);
				}
				rewrites++;
			}
			if (acc == MMU_FETCH && (flags & MMU_F_PAN))
				flags = 0;
			rc0 = mmu__translate(&w[0].ctx, va, acc, flags, &r0);
			rc1 = mmu__translate(&w[1].ctx, va, acc, flags, &r1);
			rc2 = mmu__translate(&w[2].ctx, va, acc, flags, &r2);
			same_result(rc0, &r0, rc1, &r1);
			same_result(rc0, &r0, rc2, &r2);
			fast_possible += rc0 == 0 && !r0.tlb_hit;
			for (int k = 0; checks && k < MMU_CHECK_KINDS; k++)
				for (int i = 1; i < 3; i++)
					assert_int_equal(mmu__check_count(chk[0], (enum mmu_check_kind)k),
							 mmu__check_count(chk[i], (enum mmu_check_kind)k));
			assert_int_equal(fold[0], fold[1]);
			assert_int_equal(fold[0], fold[2]);
		}
		for (int i = 1; i < 3; i++) {
			same_tlb(&w[0], &w[i]);
			assert_memory_equal(w[0].m->buf, w[i].m->buf, TMEM_SIZE);
		}
		for (int i = 0; i < 3; i++)
			reads[i] += w[i].m->reads;
		for (int k = 0; checks && k < MMU_CHECK_KINDS; k++)
			reports += mmu__check_count(chk[0], (enum mmu_check_kind)k);
		for (int i = 0; i < 3; i++) {
			w[i].ctx.check = NULL;
			mmu__check_destroy(chk[i]);
			mmu__tlb_destroy(w[i].tlb);
			tmem_free(w[i].m);
		}
	}
	/* the comparison covered many walks that succeeded (the fast walk's case), and the
	 * fast world read descriptors of a page it had just read straight from memory */
	assert_true(fast_possible > 10000);
	assert_true(reads[1] < reads[2]);
	/* and, with the checks, leaves rewritten and reports made */
	if (checks) {
		assert_true(rewrites > 1000);
		assert_true(reports > 100);
	}
}

static void fast_walk_matches_generic(void **state)
{
	(void)state;
	compare_walks(false);
}

static void fast_walk_tells_the_checks_what_the_generic_walk_does(void **state)
{
	(void)state;
	compare_walks(true);
}

/* Hand-checked through the fast path's own case: a level-3 page below a cached level-2
 * table, a second page of the same table. AArch64.S1Walk: the descriptor's OA[47:12]
 * plus VA[11:0]; a read-only page (AP[2] = 1) written: permission fault, level 3
 * (AArch64.S1HasPermissionsFault); AF = 0 without TCR.HA: Access flag fault, level 3. */
static void fast_walk_hand_checked(void **state)
{
	struct tmem *m = tmem_new();
	struct mmu_ctx ctx;
	struct mmu_result res;
	uint64_t next = ROOT + 0x1000, va = 0x40000000ull;

	(void)state;
	mmu__ctx_init(&ctx, &tmem_ops, m);
	ctx.tlb = mmu__tlb_create(NULL);
	th_set(&ctx, SCTLR_ON, TCR_4K48, ROOT, 0, 0, 0, 0);
	tb_map4k(m, ROOT, &next, va, PAGE(0x200000));
	tb_map4k(m, ROOT, &next, va + 0x1000, PAGE(0x345000) | D_AP(2));
	tb_map4k(m, ROOT, &next, va + 0x2000, PAGE(0x346000) & ~D_AF);
	assert_int_equal(ok_pa(&ctx, va + 0x123, MMU_READ, 0), 0x200123); /* fills the walk cache */
	m->reads = 0;
	assert_int_equal(ok_pa(&ctx, va + 0x1abc, MMU_READ, 0), 0x345abc);
	assert_int_equal(m->reads, 1); /* one descriptor: level 3 */
	assert_int_equal(mmu__translate(&ctx, va + 0x1abc, MMU_READ, 0, &res), 0);
	assert_true(res.tlb_hit);
	expect_fault(&ctx, va + 0x1000, MMU_WRITE, 0, MMU_FAULT_PERMISSION, 1, 3);
	expect_fault(&ctx, va + 0x2000, MMU_READ, 0, MMU_FAULT_ACCESS, 1, 3);
	mmu__tlb_destroy(ctx.tlb);
	tmem_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fast_walk_matches_generic),
		cmocka_unit_test(fast_walk_tells_the_checks_what_the_generic_walk_does),
		cmocka_unit_test(fast_walk_hand_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
