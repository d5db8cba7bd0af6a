/* SPDX-License-Identifier: MIT */
/*
 * Sanitizer checks: each fires on its bug sequence and stays silent on the correct
 * one. Arm ARM sections: translation table updates and break-before-make; the
 * instruction-modification sequence (DC CVAU, DSB, IC IVAU, DSB, ISB); the Contiguous
 * bit.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;
static struct mmu_tlb *tlb;
static struct mmu_check *chk;
static struct mmu_check_report last, reps[8];
static unsigned nrep;

#define ROOT 0x10000ull
#define VA 0x400000ull
static uint64_t leaf_pa; /* where VA's level-3 descriptor lives */

static void on_report(void *opaque, const struct mmu_check_report *r)
{
	(void)opaque;
	last = *r;
	if (nrep < 8)
		reps[nrep] = *r;
	nrep++;
}

static void make_check(uint32_t ctr)
{
	struct mmu_check_config cfg = { .report = on_report, .ctr_el0 = ctr };

	mmu__check_destroy(chk);
	chk = mmu__check_create(&cfg);
	ctx.check = chk;
}

static int setup(void **state)
{
	uint64_t next = ROOT + 0x1000;

	(void)state;
	m = tmem_new();
	mmu__ctx_init(&ctx, &tmem_ops, m);
	th_set(&ctx, SCTLR_ON, TCR_4K48, ROOT | 1ull << 48, 0, 0, 0, 0);
	tlb = mmu__tlb_create(NULL);
	ctx.tlb = tlb;
	chk = NULL;
	make_check(0);
	tb_map4k(m, ROOT, &next, VA, PAGE(0x100000) | D_NG);
	leaf_pa = (r64(m, (r64(m, (r64(m, ROOT) & ~0xfffull)) & ~0xfffull) + 8 * 2) & ~0xfffull)
		  + 0;
	nrep = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mmu__check_destroy(chk);
	mmu__tlb_destroy(tlb);
	tmem_free(m);
	return 0;
}

/* A guest store of a descriptor: tell the checker, then write memory. */
static void store(uint64_t pa, uint64_t v)
{
	mmu__check_store(&ctx, pa, 8, v);
	w64(m, pa, v);
}

static void tlbi_va(void)
{
	struct mmu_tlbi op;

	mmu__tlbi_make(&op, MMU_TLBI_VAE1, true, (VA >> 12) | 1ull << 48, &ctx.regime);
	mmu__tlbi(&ctx, &op);
}

/* Valid -> valid with another output address after a walk used it: BBM report with
 * the descriptor address and both values.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * (required for a change of output address). */
static void check_bbm_fires_on_valid_to_valid_output_change(void **state)
{
	(void)state;
	assert_int_equal(r64(m, leaf_pa), PAGE(0x100000) | D_NG);
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, PAGE(0x200000) | D_NG);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_BBM);
	assert_int_equal(last.desc_pa, leaf_pa);
	assert_int_equal(last.old_desc, PAGE(0x100000) | D_NG);
	assert_int_equal(last.new_desc, PAGE(0x200000) | D_NG);
	assert_int_equal(last.va, VA);
	assert_int_equal(last.level, 3);
}

/* The correct sequence: invalid entry, TLBI, new entry: silent.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * (invalid entry, TLBI, then the new entry). */
static void check_bbm_silent_on_break_tlbi_make(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, 0);
	tlbi_va();
	store(leaf_pa, PAGE(0x200000) | D_NG);
	assert_int_equal(nrep, 0);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x200000);
}

/* Invalid entry but no TLBI before the new one: still a BBM violation.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * (the TLBI of the old entry is a step of the sequence). */
static void check_bbm_fires_when_tlbi_is_missing(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, 0);
	store(leaf_pa, PAGE(0x200000) | D_NG);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_BBM);
}

/* On two PEs that both used the descriptor, a local TLBI covers only the issuing PE:
 * break, TLBI VAE1 (not IS), make is still reported; with TLBI VAE1IS it is not.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * with "TLB maintenance instructions" (only IS forms reach other PEs). */
static void check_bbm_needs_broadcast_tlbi_when_two_pes_walked(void **state)
{
	struct mmu_ctx ctx1 = ctx;
	struct mmu_tlbi op;

	(void)state;
	ctx1.pe = 1;
	ctx1.tlb = NULL;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	(void)ok_pa(&ctx1, VA, MMU_READ, 0);
	store(leaf_pa, 0);
	mmu__tlbi_make(&op, MMU_TLBI_VAE1, false, (VA >> 12) | 1ull << 48, &ctx.regime);
	mmu__tlbi(&ctx, &op);
	store(leaf_pa, PAGE(0x200000) | D_NG);
	assert_int_equal(nrep, 1);
	store(leaf_pa, 0);
	tlbi_va(); /* IS */
	store(leaf_pa, PAGE(0x100000) | D_NG);
	assert_int_equal(nrep, 1);
}

/* Permission-only changes (AP, XN) do not need break-before-make.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * (not required when only permissions change). */
static void check_bbm_silent_on_permission_change(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, PAGE(0x100000) | D_NG | D_AP(2) | D_UXN);
	assert_int_equal(nrep, 0);
}

/* A changed memory type (AttrIndx) does.
 * Arm ARM "Using break-before-make when updating translation table entries"
 * (required for a change of memory type). */
static void check_bbm_fires_on_memory_type_change(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, (PAGE(0x100000) & ~D_IDX(7)) | D_IDX(0) | D_NG);
	assert_int_equal(nrep, 1);
}

/* Stale translation: the descriptor changed in memory (no store hook, as a DMA or a
 * missed TLBI would), then a TLB hit uses the old entry. After a TLBI: silent.
 * Model check. Arm ARM "TLB maintenance instructions": a TLB may hold an
 * entry until a TLBI covering it, so a changed descriptor needs one. */
static void check_stale_tlb_fires_on_hit_after_change(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	w64(m, leaf_pa, PAGE(0x300000) | D_NG);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x100000);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_STALE_TLB);
	assert_int_equal(last.old_desc, PAGE(0x100000) | D_NG);
	assert_int_equal(last.new_desc, PAGE(0x300000) | D_NG);
	tlbi_va();
	nrep = 0;
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x300000);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x300000);
	assert_int_equal(nrep, 0);
}

/* Freeing a page table with only a last-level TLBI: the table descriptor changed but
 * the walk cache still holds it: a walk-cache hit is reported as stale, and the store
 * of the new table descriptor as a BBM violation (VALE1 does not cover tables).
 * Arm ARM TLBI VALE1 description (last level only: cached table entries
 * stay) and "Using break-before-make when updating translation table entries". */
static void check_last_level_tlbi_leaves_table_stale(void **state)
{
	uint64_t l2_slot = (r64(m, r64(m, ROOT) & ~0xfffull) & ~0xfffull) + 8 * 2;
	struct mmu_tlbi op;

	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(l2_slot, 0);
	mmu__tlbi_make(&op, MMU_TLBI_VALE1, true, (VA >> 12) | 1ull << 48, &ctx.regime);
	mmu__tlbi(&ctx, &op);
	memset(m->buf + 0x60000, 0, 4096);
	w64(m, 0x60000, PAGE(0x400000) | D_NG);
	store(l2_slot, TABLE(0x60000));
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_BBM);
	assert_int_equal(last.level, 2);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x100000);  /* old table, cached */
	assert_int_equal(nrep, 2);
	assert_int_equal(last.kind, MMU_CHECK_STALE_TLB);
	assert_int_equal(last.desc_pa, l2_slot);
	assert_int_equal(last.level, 2);
}

/* Clearing AF or changing software bits [58:55] without TLBI is not reported.
 * Arm ARM "Using break-before-make when updating translation table entries" (an
 * AF change alone does not need it) and the software-use bits [58:55], ignored by
 * hardware. */
static void check_stale_silent_for_af_and_software_bits(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	w64(m, leaf_pa, ((PAGE(0x100000) | D_NG) & ~D_AF) | 0xfull << 55);
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	assert_int_equal(nrep, 0);
}

/* A process exits: its ASID (1) is retired without TLBI, the PE moves to ASID 2, and
 * the page that held its level-3 table is reused for data that looks like a valid
 * descriptor. Entries tagged ASID 1 can hit nothing until ASID 1 is used again (Arm
 * ARM D8.16.1, "TLB maintenance": an entry is used only for translations in its own
 * ASID), so nothing is reported then; reusing ASID 1 without a TLBI is reported,
 * naming the store (deferred) and the PE that reused it. */
static void check_bbm_waits_for_the_reuse_of_a_retired_asid(void **state)
{
	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x70000 | 2ull << 48, 0, 0, 0, 0); /* empty tables */
	(void)mmu__translate(&ctx, 0x1000, MMU_READ, 0, &(struct mmu_result){ 0 });
	store(leaf_pa, PAGE(0x200000) | D_NG);
	assert_int_equal(nrep, 0);
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x70000 | 1ull << 48, 0, 0, 0, 0);
	(void)mmu__translate(&ctx, 0x1000, MMU_READ, 0, &(struct mmu_result){ 0 });
	assert_true(nrep >= 1);
	assert_int_equal(reps[0].kind, MMU_CHECK_BBM);
	assert_true(reps[0].deferred);
	assert_int_equal(reps[0].asid, 1);
	assert_int_equal(reps[0].desc_pa, leaf_pa);
	assert_int_equal(reps[0].new_desc, PAGE(0x200000) | D_NG);
	/* and the walk cache's level-0 entry of ASID 1, from the old tables, is used:
	 * the ASID-reuse check */
	assert_int_equal(nrep, 2);
	assert_int_equal(reps[1].kind, MMU_CHECK_ASID_REUSE);
	assert_int_equal(reps[1].old_desc, ROOT);
	assert_int_equal(reps[1].new_desc, 0x70000);
}

/* ASID reuse: ASID 1's entries come from the tables at ROOT; TTBR0 then points at other
 * tables with the same ASID and no TLBI: the next hit on an old entry is reported
 * (Arm ARM D8.16.1: before an ASID names another address space, its entries must be
 * invalidated). After TLBI ASIDE1 the same switch is silent. */
static void check_asid_reuse_fires_without_tlbi_and_not_after(void **state)
{
	struct mmu_tlbi op;
	uint64_t other = 0x80000, next = 0x81000;

	(void)state;
	tb_map4k(m, other, &next, VA, PAGE(0x300000) | D_NG);
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	th_set(&ctx, SCTLR_ON, TCR_4K48, other | 1ull << 48, 0, 0, 0, 0);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x100000); /* the old entry */
	assert_int_equal(last.kind, MMU_CHECK_ASID_REUSE);
	assert_int_equal(last.asid, 1);
	nrep = 0;
	mmu__tlbi_make(&op, MMU_TLBI_ASIDE1, false, 1ull << 48, &ctx.regime);
	mmu__tlbi(&ctx, &op);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x300000);
	assert_int_equal(nrep, 0);
}

/* The same with the rollover's TLBI (ASIDE1 of the old ASID, as a local VMALLE1 would)
 * before ASID 1 is given out again: silent. */
static void check_bbm_silent_when_asid_reuse_follows_a_tlbi(void **state)
{
	struct mmu_tlbi op;

	(void)state;
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	th_set(&ctx, SCTLR_ON, TCR_4K48, 0x70000 | 2ull << 48, 0, 0, 0, 0);
	(void)mmu__translate(&ctx, 0x1000, MMU_READ, 0, &(struct mmu_result){ 0 });
	store(leaf_pa, PAGE(0x200000) | D_NG);
	mmu__tlbi_make(&op, MMU_TLBI_VMALLE1, false, 0, &ctx.regime);
	mmu__tlbi(&ctx, &op);
	th_set(&ctx, SCTLR_ON, TCR_4K48, ROOT | 1ull << 48, 0, 0, 0, 0);
	assert_int_equal(ok_pa(&ctx, VA, MMU_READ, 0), 0x200000);
	assert_int_equal(nrep, 0);
}

/* Reports name where things happened: the store that changed a descriptor is named
 * by the stale-translation report of a later hit (the missing TLBI belongs after it). */
static void fake_where(void *opaque, unsigned pe, uint64_t *pc, uint64_t *lr)
{
	(void)opaque;
	*pc = 0x1000 + pe;
	*lr = 0x2000;
}

static void check_stale_report_names_the_store_that_changed_the_descriptor(void **state)
{
	struct mmu_check_config cfg = { .report = on_report, .where = fake_where };

	(void)state;
	mmu__check_destroy(chk);
	ctx.check = chk = mmu__check_create(&cfg);
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	store(leaf_pa, 0);               /* unmapped, no TLBI */
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_STALE_TLB);
	assert_true(last.writer.known);
	assert_int_equal(last.writer.pc, 0x1000);
	assert_int_equal(last.writer.lr, 0x2000);
	assert_true(last.at.known);
}

/* I-cache coherence, CTR_EL0.IDC = DIC = 0. Identity map (MMU off) so VA = PA. */
static void code_setup(uint32_t ctr)
{
	th_set(&ctx, 0, 0, 0, 0, 0, 0, 0);
	make_check(ctr);
	nrep = 0;
}

static void maint(enum mmu_cache_op op, uint64_t va)
{
	assert_int_equal(mmu__cache_maint(&ctx, op, va, 0, NULL, NULL), 0);
}

/* Written code fetched with no maintenance is reported. Arm ARM "Cache
 * maintenance instructions"; CTR_EL0.IDC/DIC = 0 need DC CVAU then IC IVAU. */
static void check_icache_fires_on_fetch_of_written_line(void **state)
{
	(void)state;
	code_setup(0);
	mmu__check_store(&ctx, 0x80040, 4, 0xd503201f);
	mmu__check_fetch(&ctx, 0x80040, 0x80040);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_ICACHE);
	assert_int_equal(last.pa, 0x80040);
}

/* DC CVAU then IC IVAU of the written line: silent. Arm ARM "Cache
 * maintenance instructions", DC CVAU and IC IVAU descriptions. */
static void check_icache_silent_after_dc_cvau_ic_ivau(void **state)
{
	(void)state;
	code_setup(0);
	mmu__check_store(&ctx, 0x80040, 4, 0xd503201f);
	maint(MMU_DC_CVAU, 0x80040);
	maint(MMU_IC_IVAU, 0x80040);
	mmu__check_fetch(&ctx, 0x80040, 0x80040);
	mmu__check_fetch(&ctx, 0x80000, 0x80000);  /* a line never written */
	assert_int_equal(nrep, 0);
}

/* Missing the clean (IDC = 0), or invalidating before cleaning: reported.
 * Arm ARM "Cache maintenance instructions" (clean to PoU before the
 * I-cache invalidation); CTR_EL0.IDC. */
static void check_icache_fires_without_clean_or_wrong_order(void **state)
{
	(void)state;
	code_setup(0);
	mmu__check_store(&ctx, 0x80040, 4, 0);
	maint(MMU_IC_IVAU, 0x80040);
	mmu__check_fetch(&ctx, 0x80040, 0x80040);
	assert_int_equal(nrep, 1);
	mmu__check_store(&ctx, 0x80080, 4, 0);
	maint(MMU_IC_IVAU, 0x80080);
	maint(MMU_DC_CVAU, 0x80080);
	mmu__check_fetch(&ctx, 0x80080, 0x80080);
	assert_int_equal(nrep, 2);
	mmu__check_store(&ctx, 0x800c0, 4, 0);
	maint(MMU_DC_CVAU, 0x800c0);               /* clean, no invalidate */
	mmu__check_fetch(&ctx, 0x800c0, 0x800c0);
	assert_int_equal(nrep, 3);
}

/* CTR_EL0.IDC = 1: no clean needed; DIC = 1 too: nothing needed. IC IALLU covers all.
 * Arm ARM CTR_EL0.IDC and CTR_EL0.DIC field descriptions; IC IALLU. */
static void check_icache_follows_ctr_idc_dic(void **state)
{
	(void)state;
	code_setup(1u << 28);
	mmu__check_store(&ctx, 0x80040, 4, 0);
	maint(MMU_IC_IALLU, 0);
	mmu__check_fetch(&ctx, 0x80040, 0x80040);
	assert_int_equal(nrep, 0);
	code_setup(3u << 28);
	mmu__check_store(&ctx, 0x80040, 4, 0);
	mmu__check_fetch(&ctx, 0x80040, 0x80040);
	assert_int_equal(nrep, 0);
}

/* Contiguous bit: 16 aligned level-3 entries must map one aligned 64 KiB range with
 * the same attributes. A correct group is silent; one odd entry is reported.
 * Arm ARM "The Contiguous bit" (programming the group inconsistently is
 * a guest error). */
static void check_contiguous_group_consistency(void **state)
{
	uint64_t table = leaf_pa & ~0xfffull, first = table + 8 * ((VA >> 12) & 511 & ~15);

	(void)state;
	for (int i = 0; i < 16; i++)
		w64(m, first + 8 * i, PAGE(0x1000000 + 0x1000ull * i) | D_CONT | D_NG);
	(void)ok_pa(&ctx, VA, MMU_READ, 0);
	assert_int_equal(nrep, 0);
	w64(m, first + 8 * 5, PAGE(0x2000000) | D_CONT | D_NG);
	tlbi_va();
	(void)ok_pa(&ctx, VA + 0x1000, MMU_READ, 0);
	assert_int_equal(nrep, 1);
	assert_int_equal(last.kind, MMU_CHECK_CONTIG);
	assert_int_equal(last.desc_pa, first + 8 * 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(check_bbm_fires_on_valid_to_valid_output_change),
		T(check_bbm_silent_on_break_tlbi_make),
		T(check_bbm_fires_when_tlbi_is_missing),
		T(check_bbm_needs_broadcast_tlbi_when_two_pes_walked),
		T(check_bbm_silent_on_permission_change),
		T(check_bbm_fires_on_memory_type_change),
		T(check_stale_tlb_fires_on_hit_after_change),
		T(check_stale_silent_for_af_and_software_bits),
		T(check_last_level_tlbi_leaves_table_stale),
		T(check_icache_fires_on_fetch_of_written_line),
		T(check_icache_silent_after_dc_cvau_ic_ivau),
		T(check_icache_fires_without_clean_or_wrong_order),
		T(check_icache_follows_ctr_idc_dic),
		T(check_contiguous_group_consistency),
		T(check_bbm_waits_for_the_reuse_of_a_retired_asid),
		T(check_bbm_silent_when_asid_reuse_follows_a_tlbi),
		T(check_stale_report_names_the_store_that_changed_the_descriptor),
		T(check_asid_reuse_fires_without_tlbi_and_not_after),
	};
	return cmocka_run_group_tests_name("mmu checks", tests, NULL, NULL);
}
