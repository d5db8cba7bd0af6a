/* SPDX-License-Identifier: MIT */
/*
 * TLB and TLBI scoping (Arm ARM "TLB maintenance instructions" and the description
 * of each TLBI; the model's scopes in one table: docs/mmu.md "TLB and TLBI"):
 * global vs nG, ASID and VMID tagging, by-VA/by-ASID/all forms, last level, IPA
 * forms vs combined entries, local vs IS broadcast through a domain.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;
static struct mmu_tlb *tlb;

#define ROOT 0x10000ull
#define VA_G  0x400000ull     /* global page */
#define VA_NG 0x401000ull     /* nG page */
#define VA_BLK 0x40000000ull  /* 2 MiB block, via a level-2 entry */

static uint64_t next_table;

static void set_regs(unsigned asid, unsigned vmid, bool s2)
{
	th_set(&ctx, SCTLR_ON, TCR_4K48, ROOT | (uint64_t)asid << 48, 0,
	       s2 ? MMU_HCR_VM : 0, VTCR_4K40, 0x400000 | (uint64_t)vmid << 48);
}

static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	mmu__ctx_init(&ctx, &tmem_ops, m);
	tlb = mmu__tlb_create(NULL);
	ctx.tlb = tlb;
	set_regs(1, 1, false);
	next_table = ROOT + 0x1000;
	tb_map4k(m, ROOT, &next_table, VA_G, PAGE(0x100000));
	tb_map4k(m, ROOT, &next_table, VA_NG, PAGE(0x101000) | D_NG);
	/* VA_BLK: L0[0] -> L1[1] is a table to an L2 table whose entry 0 is a block */
	w64(m, ROOT + 0, r64(m, ROOT + 0));
	w64(m, (r64(m, ROOT) & ~0xfffull) + 8, TABLE(0x30000));
	w64(m, 0x30000, BLOCK(0x800000) | D_NG);
	/* stage 2 (used by the IPA tests): IPA 0..1 GiB identity-ish, 2 MiB blocks */
	w64(m, 0x400000, TABLE(0x403000));
	for (int i = 0; i < 512; i++)
		w64(m, 0x403000 + 8 * i, S2BLOCK((uint64_t)i << 21));
	w64(m, 0x400008, S2BLOCK(0x40000000));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mmu__tlb_destroy(tlb);
	tmem_free(m);
	return 0;
}

static bool cached(uint64_t va)
{
	return mmu__tlb_lookup(tlb, &ctx.regime, va, MMU_READ) != NULL;
}

static void touch(uint64_t va)
{
	(void)ok_pa(&ctx, va, MMU_READ, 0);
}

static void tlbi(enum mmu_tlbi_kind k, bool is, uint64_t xt)
{
	struct mmu_tlbi op;

	mmu__tlbi_make(&op, k, is, xt, &ctx.regime);
	mmu__tlbi(&ctx, &op);
}

#define XT(va, asid) ((((va) >> 12) & ((1ull << 44) - 1)) | (uint64_t)(asid) << 48)

/* A second access is served by the TLB.
 * Model behaviour; the Arm ARM ("TLB maintenance instructions") permits caching
 * a translation once a walk has produced it. */
static void tlb_second_access_hits(void **state)
{
	struct mmu_result res;

	(void)state;
	assert_int_equal(mmu__translate(&ctx, VA_G + 8, MMU_READ, 0, &res), 0);
	assert_false(res.tlb_hit);
	assert_int_equal(mmu__translate(&ctx, VA_G + 16, MMU_READ, 0, &res), 0);
	assert_true(res.tlb_hit);
	assert_int_equal(res.pa, 0x100010);
	assert_int_equal(tlb->lv[MMU_TLB_L1D].stats.hits, 1);
	assert_int_equal(tlb->walks, 1);
}

/* The TLB may keep using a translation after the descriptor changes, until a TLBI
 * covering it: VAE1 with the ASID.
 * Arm ARM "TLB maintenance instructions", TLBI VAE1 description: a cached
 * entry may be used until a TLBI covering it completes. */
static void tlb_keeps_old_translation_until_tlbi(void **state)
{
	uint64_t next = next_table;

	(void)state;
	touch(VA_NG);
	tb_map4k(m, ROOT, &next, VA_NG, PAGE(0x222000) | D_NG);
	assert_int_equal(ok_pa(&ctx, VA_NG, MMU_READ, 0), 0x101000);
	tlbi(MMU_TLBI_VAE1, false, XT(VA_NG, 1));
	assert_int_equal(ok_pa(&ctx, VA_NG, MMU_READ, 0), 0x222000);
}

/* Global (nG = 0) entries match every ASID; nG entries only their own.
 * Arm ARM "Global and process-specific translation table entries" (nG, ASID). */
static void tlb_global_matches_any_asid_ng_only_own(void **state)
{
	(void)state;
	touch(VA_G);
	touch(VA_NG);
	set_regs(2, 1, false);
	assert_true(cached(VA_G));
	assert_false(cached(VA_NG));
}

/*
 * Which TLB entries each TLBI removes, as one table. Before each row a fresh TLB is
 * filled by walks with the entries below (each in its own regime); the row's TLBI is
 * issued by a PE in VMID row.vmid, then each entry is looked up in its own regime.
 * The L2 has 16 ways here so that no fill evicts another entry of the set.
 */
enum {
	E_G,        /* VA_G, global page, VMID 1, stage 1 only */
	E_NG1,      /* VA_NG, nG page, ASID 1, VMID 1 */
	E_NG2,      /* VA_NG, nG page, ASID 2, VMID 1 */
	E_BLK,      /* VA_BLK, nG 2 MiB block (a level-2 leaf), ASID 1, VMID 1 */
	E_G_VM2,    /* VA_G, global page, VMID 2 */
	E_S12,      /* VA_G, combined stage 1+2 entry, VMID 1 */
	E_S2,       /* IPA 0..2M, stage-2-only 2 MiB block entry, VMID 1 */
	E_S12_VM2,  /* VA_G, combined entry, VMID 2 */
	E_S2_VM2,   /* IPA 0..2M, stage-2-only entry, VMID 2 */
	E_COUNT
};

static const struct tlb_probe {
	const char *name;
	uint64_t touch;   /* the access that fills it (stage-2 entries: by the S12 walks) */
	uint64_t addr;    /* where it is looked up: a VA, or an IPA for stage-2 entries */
	unsigned asid, vmid;
	bool s2_on;       /* regime with HCR_EL2.VM = 1 */
	bool s2_only;     /* a stage-2-only entry, looked up by IPA */
	unsigned shift;   /* log2 of the size it maps, by hand from the tables */
} probes[E_COUNT] = {
	[E_G] = { "global page, VMID 1", VA_G, VA_G, 1, 1, false, false, 12 },
	[E_NG1] = { "nG page, ASID 1", VA_NG, VA_NG, 1, 1, false, false, 12 },
	[E_NG2] = { "nG page, ASID 2", VA_NG, VA_NG, 2, 1, false, false, 12 },
	[E_BLK] = { "nG 2 MiB block, ASID 1", VA_BLK + 0x1234, VA_BLK + 0x100000, 1, 1,
		    false, false, 21 },
	[E_G_VM2] = { "global page, VMID 2", VA_G, VA_G, 1, 2, false, false, 12 },
	[E_S12] = { "combined entry, VMID 1", VA_G, VA_G, 1, 1, true, false, 12 },
	[E_S2] = { "stage-2 entry, VMID 1", 0, 0x100000, 1, 1, true, true, 21 },
	[E_S12_VM2] = { "combined entry, VMID 2", VA_G, VA_G, 1, 2, true, false, 12 },
	[E_S2_VM2] = { "stage-2 entry, VMID 2", 0, 0x100000, 1, 2, true, true, 21 },
};

#define KEEP true
#define GONE false

static const struct tlbi_row {
	enum mmu_tlbi_kind kind;
	uint64_t xt;        /* the operand */
	unsigned vmid;      /* VMID of the issuing PE */
	const char *rule;   /* the Arm ARM rule the row checks */
	bool keep[E_COUNT]; /* survival of each entry, written by hand from the rule */
} tlbi_rows[] = {
	/* G     NG1   NG2   BLK   G_VM2 S12   S2    S12_VM2 S2_VM2 */
	{ MMU_TLBI_VAE1, XT(VA_NG, 1), 1,
	  "Arm ARM TLBI VAE1 description (VA, ASID, and global entries); \"TLB maintenance "
	  "instructions\"; AArch64.TLBI: the VA's entries of that ASID, no other ASID's",
	  { KEEP, GONE, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VAE1, XT(VA_G, 2), 1,
	  "Arm ARM TLBI VAE1 description (VA, ASID, and global entries): a global entry of "
	  "the VA goes whatever the ASID; combined entries hold stage 1 information; the "
	  "current VMID only",
	  { GONE, KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VAE1, XT(VA_BLK + 0x1ff000, 1), 1,
	  "Arm ARM \"TLB maintenance instructions\": a by-VA TLBI removes any entry whose "
	  "range contains the VA, whatever its size",
	  { KEEP, KEEP, KEEP, GONE, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VALE1, XT(VA_NG, 1), 1,
	  "Arm ARM TLBI VALE1 / VAALE1 descriptions (last level entries only): the leaf "
	  "entry of the VA and ASID goes",
	  { KEEP, GONE, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VAALE1, XT(VA_G, 0), 1,
	  "Arm ARM TLBI VALE1 / VAALE1 descriptions (last level entries only): the leaf "
	  "entries of the VA, any ASID, current VMID",
	  { GONE, KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VALE1, XT(VA_BLK + 0x1ff000, 1), 1,
	  "Arm ARM TLBI VALE1 description (last level entries only): a block is a last "
	  "level entry, at level 2",
	  { KEEP, KEEP, KEEP, GONE, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_ASIDE1, XT(0, 1), 1,
	  "Arm ARM TLBI ASIDE1 description (non-global entries of that ASID only)",
	  { KEEP, GONE, KEEP, GONE, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VAAE1, XT(VA_NG, 0), 1,
	  "Arm ARM TLBI VAAE1 description (by VA, any ASID)",
	  { KEEP, GONE, GONE, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VMALLE1, 0, 1,
	  "Arm ARM TLBI VMALLE1 description (stage 1 entries of the current VMID); "
	  "VTTBR_EL2.VMID: combined entries go, stage-2-only entries stay",
	  { GONE, GONE, GONE, GONE, KEEP, GONE, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VMALLE1, 0, 2,
	  "Arm ARM TLBI VMALLE1 description (stage 1 entries of the current VMID); "
	  "VTTBR_EL2.VMID: another VMID's entries stay",
	  { KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP, GONE, KEEP } },
	{ MMU_TLBI_IPAS2E1, 0x100000 >> 12, 1,
	  "Arm ARM TLBI IPAS2E1 description (stage 2 only; combined entries need a stage 1 "
	  "invalidation such as TLBI VMALLE1)",
	  { KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP } },
	{ MMU_TLBI_IPAS2LE1, 0x1ff000 >> 12, 1,
	  "Arm ARM TLBI IPAS2LE1 description (last level stage 2 entries by IPA: any IPA "
	  "the block contains; combined entries stay)",
	  { KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP } },
	{ MMU_TLBI_IPAS2E1, VA_G >> 12, 1,
	  "Arm ARM TLBI IPAS2E1 description (stage 2 only): an IPA equal to a VA of stage 1 "
	  "entries removes none of them; no stage-2 entry maps that IPA",
	  { KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP } },
	{ MMU_TLBI_VMALLS12E1, 0, 2,
	  "Arm ARM TLBI VMALLS12E1 and TLBI ALLE1 descriptions: VMALLS12E1 removes stage 1 "
	  "and stage 2 entries of the current VMID",
	  { KEEP, KEEP, KEEP, KEEP, GONE, KEEP, KEEP, GONE, GONE } },
	{ MMU_TLBI_VMALLS12E1, 0, 1,
	  "Arm ARM TLBI VMALLS12E1 and TLBI ALLE1 descriptions: VMALLS12E1 removes stage 1 "
	  "and stage 2 entries of the current VMID",
	  { GONE, GONE, GONE, GONE, KEEP, GONE, GONE, KEEP, KEEP } },
	{ MMU_TLBI_ALLE1, 0, 1,
	  "Arm ARM TLBI VMALLS12E1 and TLBI ALLE1 descriptions: ALLE1 removes every EL1&0 "
	  "entry of every VMID",
	  { GONE, GONE, GONE, GONE, GONE, GONE, GONE, GONE, GONE } },
};

static const struct mmu_tlb_entry *probe(struct mmu_tlb *t, const struct tlb_probe *p)
{
	set_regs(p->asid, p->vmid, p->s2_on);
	if (p->s2_only)
		return mmu__tlb_lookup_s2(t, &ctx.regime, p->addr);
	return mmu__tlb_lookup(t, &ctx.regime, p->addr, MMU_READ);
}

/* Fill t with every entry of probes[], and check that they are all there. */
static void prefill(struct mmu_tlb *t)
{
	ctx.tlb = t;
	for (unsigned k = 0; k < E_COUNT; k++) {
		if (probes[k].s2_only)
			continue;
		set_regs(probes[k].asid, probes[k].vmid, probes[k].s2_on);
		touch(probes[k].touch);
	}
	assert_int_equal(t->lv[MMU_TLB_L2].stats.evictions, 0);
	for (unsigned k = 0; k < E_COUNT; k++) {
		const struct mmu_tlb_entry *e = probe(t, &probes[k]);

		if (!e)
			print_error("pre-fill: no %s\n", probes[k].name);
		assert_non_null(e);
		assert_int_equal(e->shift, probes[k].shift);
	}
}

/* The rows of tlbi_rows[], each on a freshly filled TLB.
 * Arm ARM "TLB maintenance instructions" and the description of each row's TLBI
 * (VAE1, VALE1, VAALE1, ASIDE1, VAAE1, VMALLE1, IPAS2E1, IPAS2LE1, VMALLS12E1,
 * ALLE1): each row names the rule it checks (tlbi_rows[].rule). */
static void tlbi_scopes_by_vmid_asid_va_level_and_stage(void **state)
{
	struct mmu_tlb_config cfg = mmu_tlb_default_config;
	unsigned wrong = 0;

	(void)state;
	cfg.l2.ways = 16;
	for (unsigned i = 0; i < sizeof(tlbi_rows) / sizeof(tlbi_rows[0]); i++) {
		const struct tlbi_row *row = &tlbi_rows[i];
		struct mmu_tlb *t = mmu__tlb_create(&cfg);

		assert_non_null(t);
		prefill(t);
		set_regs(1, row->vmid, true);
		tlbi(row->kind, false, row->xt);
		for (unsigned k = 0; k < E_COUNT; k++) {
			bool kept = probe(t, &probes[k]) != NULL;

			if (kept == row->keep[k])
				continue;
			print_error("row %u, TLBI %s Xt %#llx from VMID %u: %s %s, the rule says "
				    "%s\n  (%s)\n", i, mmu__tlbi_name(row->kind),
				    (unsigned long long)row->xt, row->vmid, probes[k].name,
				    kept ? "kept" : "removed", row->keep[k] ? "kept" : "removed",
				    row->rule);
			wrong++;
		}
		ctx.tlb = tlb;
		mmu__tlb_destroy(t);
	}
	assert_int_equal(wrong, 0);
}

/* IPAS2E1 removes stage-2 entries by IPA but not the combined stage-1+2 entry: the
 * old translation stays usable until a stage-1 invalidation (VMALLE1).
 * Arm ARM TLBI IPAS2E1 description (stage 2 only; combined entries need a
 * stage 1 invalidation such as TLBI VMALLE1). */
static void tlbi_ipas2e1_keeps_combined_until_vmalle1(void **state)
{
	struct mmu_result res;
	uint64_t next = next_table;

	(void)state;
	set_regs(1, 1, true);
	tb_map4k(m, ROOT, &next, VA_G, PAGE(0x40100000));
	assert_int_equal(mmu__translate(&ctx, VA_G, MMU_READ, 0, &res), 0);
	assert_int_equal(res.pa, 0x40100000);
	assert_non_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x40100000));
	w64(m, 0x400008, S2BLOCK(0x80000000));   /* IPA 1G..2G -> PA 2G now */
	tlbi(MMU_TLBI_IPAS2E1, false, 0x40100000 >> 12);
	assert_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x40100000));
	assert_int_equal(ok_pa(&ctx, VA_G, MMU_READ, 0), 0x40100000);  /* combined, stale */
	tlbi(MMU_TLBI_VMALLE1, false, 0);
	assert_int_equal(ok_pa(&ctx, VA_G, MMU_READ, 0), 0x80100000);
}

/* IS forms reach every PE of the domain; the plain forms only the issuing PE.
 * Arm ARM "TLB maintenance instructions" (IS forms: every PE in the Inner
 * Shareable domain; plain forms: the issuing PE). */
static void tlbi_is_broadcasts_local_does_not(void **state)
{
	struct mmu_domain dom = { 0 };
	struct mmu_ctx ctx1 = ctx;
	struct mmu_tlb *tlb1 = mmu__tlb_create(NULL);

	(void)state;
	ctx1.tlb = tlb1;
	assert_int_equal(mmu__domain_add(&dom, tlb, NULL), 0);
	assert_int_equal(mmu__domain_add(&dom, tlb1, NULL), 1);
	ctx.domain = ctx1.domain = &dom;
	touch(VA_G);
	(void)ok_pa(&ctx1, VA_G, MMU_READ, 0);
	tlbi(MMU_TLBI_VAAE1, false, XT(VA_G, 0));
	assert_false(cached(VA_G));
	assert_non_null(mmu__tlb_lookup(tlb1, &ctx1.regime, VA_G, MMU_READ));
	touch(VA_G);
	tlbi(MMU_TLBI_VAAE1, true, XT(VA_G, 0));
	assert_false(cached(VA_G));
	assert_null(mmu__tlb_lookup(tlb1, &ctx1.regime, VA_G, MMU_READ));
	assert_int_equal(tlb1->tlbi[MMU_TLBI_VAAE1], 1);
	ctx.domain = NULL;
	mmu__tlb_destroy(tlb1);
}

/* Operands: VA[55:12] in Xt[43:0] (a TTBR1 VA's sign bits are not part of it), ASID
 * in Xt[63:48], only 8 bits of it with TCR.AS = 0; IPA[47:12] in Xt[35:0].
 * Arm ARM TLBI VAE1 and TLBI IPAS2E1 descriptions (Xt fields: VA[55:12],
 * ASID[63:48], IPA[47:12]); TCR_EL1.AS. */
static void tlbi_operand_decoding(void **state)
{
	struct mmu_tlbi op;
	struct mmu_tlb_entry e = { .va = 0xffff800000001000ull, .shift = 12,
				   .tag = 1 << 2 | MMU_TLB_S1, .asid = 0x34 };

	(void)state;
	mmu__tlbi_make(&op, MMU_TLBI_VAE1, true, 0x12340ff800000001ull, &ctx.regime);
	assert_int_equal(op.asid, 0x34);
	assert_int_equal(op.addr, 0xff800000001000ull);
	assert_true(op.broadcast);
	assert_true(mmu__tlbi_match(&op, &e));
	mmu__tlbi_make(&op, MMU_TLBI_IPAS2LE1, false, 0xfff123456789ull, &ctx.regime);
	assert_int_equal(op.addr, 0x123456789000ull);
	assert_true(op.last_level);
}

/* A writable-clean (DBM) page is cached without write permission: the first write
 * walks and marks the descriptor dirty, the next write hits.
 * Arm ARM "Hardware management of the Access flag and dirty state" (a TLB
 * entry cached read-only cannot serve a write; the write sets dirty state). */
static void tlb_dbm_first_write_walks_and_sets_dirty(void **state)
{
	struct mmu_result res;
	uint64_t next = next_table;

	(void)state;
	th_set(&ctx, SCTLR_ON, TCR_4K48 | MMU_TCR_HA | MMU_TCR_HD, ROOT | 1ull << 48, 0, 0,
	       0, 1ull << 48);
	tb_map4k(m, ROOT, &next, VA_G, PAGE(0x100000) | D_AP(2) | D_DBM);
	touch(VA_G);
	assert_int_equal(mmu__translate(&ctx, VA_G, MMU_WRITE, 0, &res), 0);
	assert_false(res.tlb_hit);
	assert_int_equal(mmu__translate(&ctx, VA_G, MMU_WRITE, 0, &res), 0);
	assert_true(res.tlb_hit);
}

/* More translations than ways in one set: LRU eviction, counted.
 * Model behaviour (set-associative LRU), no Arm ARM rule: TLB organisation
 * is IMPLEMENTATION DEFINED. */
static void tlb_set_overflow_evicts_lru(void **state)
{
	struct mmu_tlb_config cfg = { .l1d = { 1, 2 }, .l2 = { 1, 2 } };
	struct mmu_tlb *small = mmu__tlb_create(&cfg);
	uint64_t next = next_table;

	(void)state;
	ctx.tlb = small;
	for (int i = 0; i < 3; i++) {
		tb_map4k(m, ROOT, &next, 0x500000 + 0x1000ull * i, PAGE(0x600000));
		touch(0x500000 + 0x1000ull * i);
	}
	assert_int_equal(small->lv[MMU_TLB_L2].stats.evictions, 1);
	assert_null(mmu__tlb_lookup(small, &ctx.regime, 0x500000, MMU_READ));
	ctx.tlb = tlb;
	mmu__tlb_destroy(small);
}

/* Walk cache: after a last-level TLBI the table descriptors above stay cached, so the
 * next miss reads only the level-3 descriptor.
 * Arm ARM TLBI VALE1 description: last-level TLBIs need not remove cached
 * table (non-leaf) entries, which a walk may use. */
static void walk_cache_serves_upper_levels_after_vale1(void **state)
{
	(void)state;
	touch(VA_G);
	tlbi(MMU_TLBI_VAALE1, false, XT(VA_G, 0));
	m->reads = 0;
	touch(VA_G);
	assert_int_equal(m->reads, 1);
	assert_true(tlb->lv[MMU_TLB_WALK].stats.hits >= 1);
}

/* A table descriptor changed with only a last-level TLBI: the walk still goes through
 * the old table (what hardware with a walk cache may do); TLBI VAE1 (all levels)
 * drops it.
 * Arm ARM TLBI VALE1 vs TLBI VAE1 descriptions (VAE1 covers all levels,
 * including cached table entries). */
static void walk_cache_vale1_keeps_old_table_vae1_drops_it(void **state)
{
	uint64_t l2 = 0, l2_slot;

	(void)state;
	touch(VA_NG);
	/* VA_NG = 0x401000: L0[0] -> L1[0] -> L2[2] -> L3[1] */
	l2 = r64(m, r64(m, ROOT) & ~0xfffull) & ~0xfffull;
	l2_slot = l2 + 8 * 2;
	memset(m->buf + 0x50000, 0, 4096);
	w64(m, 0x50000 + 8, PAGE(0x333000) | D_NG);
	w64(m, l2_slot, TABLE(0x50000));
	tlbi(MMU_TLBI_VALE1, false, XT(VA_NG, 1));
	assert_int_equal(ok_pa(&ctx, VA_NG, MMU_READ, 0), 0x101000);
	tlbi(MMU_TLBI_VAE1, false, XT(VA_NG, 1));
	assert_int_equal(ok_pa(&ctx, VA_NG, MMU_READ, 0), 0x333000);
}

/* TTBR0 walk-cache entries are tagged with the ASID: another ASID walks in full.
 * Arm ARM "Global and process-specific translation table entries"; the
 * ASID tag of walk-cache entries is the model's choice (a permitted one). */
static void walk_cache_is_asid_tagged_for_ttbr0(void **state)
{
	(void)state;
	touch(VA_G);
	set_regs(2, 1, false);
	tlbi(MMU_TLBI_VAALE1, false, XT(VA_G, 0));
	m->reads = 0;
	touch(VA_G);
	assert_int_equal(m->reads, 4);
}

/* HCR_EL2.PTW applies to stage-1 table reads served by a cached stage-2 entry too: an
 * access with stage 1 off fills a Device stage-2 entry for IPA 0..2M; with stage 1 on,
 * the walk's read of a table in that range must still fault.
 * Arm ARM HCR_EL2.PTW field description: applies to every stage 1 table
 * access, whether its stage 2 translation is cached or walked. */
static void tlb_s2_entry_does_not_bypass_hcr_ptw(void **state)
{
	struct mmu_result res;

	(void)state;
	w64(m, 0x403000, (S2BLOCK(0) & ~S2_MEMATTR(0xf)) | S2_MEMATTR(0x1));
	th_set(&ctx, 0, TCR_4K48, ROOT | 1ull << 48, 0, MMU_HCR_VM | MMU_HCR_PTW,
	       VTCR_4K40, 0x400000 | 1ull << 48);
	assert_int_equal(mmu__translate(&ctx, 0x100000, MMU_READ, 0, &res), 0);
	assert_non_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x10000));
	th_set(&ctx, SCTLR_ON, TCR_4K48, ROOT | 1ull << 48, 0, MMU_HCR_VM | MMU_HCR_PTW,
	       VTCR_4K40, 0x400000 | 1ull << 48);
	assert_int_equal(mmu__translate(&ctx, VA_G, MMU_READ, 0, &res), -EFAULT);
	assert_true(res.fault.s1ptw);
	assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
}

/* MMU_F_NO_UPDATE (an inspector's look): no descriptor write, nothing cached.
 * Model interface (inspector walk), no Arm ARM rule. */
static void tlb_no_update_walk_has_no_side_effects(void **state)
{
	uint64_t next = next_table, fills;
	struct mmu_result res;

	(void)state;
	th_set(&ctx, SCTLR_ON, TCR_4K48 | MMU_TCR_HA, ROOT | 1ull << 48, 0, 0, 0, 1ull << 48);
	tb_map4k(m, ROOT, &next, VA_G, PAGE(0x100000) & ~D_AF);
	fills = tlb->lv[MMU_TLB_L2].stats.fills + tlb->lv[MMU_TLB_WALK].stats.fills;
	assert_int_equal(mmu__translate(&ctx, VA_G, MMU_READ, MMU_F_NO_UPDATE, &res), 0);
	assert_int_equal(res.pa, 0x100000);
	assert_int_equal(tlb->lv[MMU_TLB_L2].stats.fills + tlb->lv[MMU_TLB_WALK].stats.fills,
			 fills);
	assert_false(cached(VA_G));
	assert_int_equal(m->cas, 0);
}

/* Stage-2-only entries are sized apart from stage-1 and combined ones (each kind's
 * lookup probes only the sizes of its kind: here 2 MiB for stage 2, 4 KiB for stage 1),
 * and the TLBI scopes are unchanged by it: IPAS2E1 removes the stage-2 entry and keeps
 * the combined one, VMALLS12E1 removes both (Arm ARM TLBI IPAS2E1, TLBI VMALLS12E1).
 * Arm ARM TLBI IPAS2E1 / TLBI VMALLS12E1 descriptions. */
static void tlb_s2_entries_sized_apart_tlbi_scopes_unchanged(void **state)
{
	(void)state;
	set_regs(1, 1, true);
	touch(VA_G);
	assert_int_equal(tlb->lv[MMU_TLB_L2].shift_mask[0], 1ull << 12);
	assert_int_equal(tlb->lv[MMU_TLB_L2].shift_mask[1], 1ull << 21);
	assert_non_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x100000));
	tlbi(MMU_TLBI_IPAS2E1, false, 0x100000 >> 12);
	assert_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x100000));
	assert_true(cached(VA_G));
	touch(VA_G + 0x1000 * 0); /* still a hit: no stage-2 entry comes back */
	assert_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x100000));
	tlbi(MMU_TLBI_VMALLE1, false, 0);
	touch(VA_G);              /* walks again: the stage-2 entry is refilled */
	assert_non_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x100000));
	tlbi(MMU_TLBI_VMALLS12E1, false, 0);
	assert_false(cached(VA_G));
	assert_null(mmu__tlb_lookup_s2(tlb, &ctx.regime, 0x100000));
}

struct evictions {
	unsigned n;
	enum mmu_tlb_which which[8];
	struct mmu_tlb_entry e[8];
};

static void record_eviction(void *opaque, enum mmu_tlb_which which, const struct mmu_tlb_entry *e)
{
	struct evictions *ev = opaque;

	if (ev->n < 8) {
		ev->which[ev->n] = which;
		ev->e[ev->n] = *e;
	}
	ev->n++;
}

static bool in_level(struct mmu_tlb *t, enum mmu_tlb_which which, uint64_t va)
{
	size_t n = (size_t)t->lv[which].geom.sets * t->lv[which].geom.ways;

	for (size_t k = 0; k < n; k++)
		if (t->lv[which].e[k].tag && t->lv[which].e[k].va == va)
			return true;
	return false;
}

/* The eviction hook sees each translation leave the TLB once, with its VA range: the
 * L2 is inclusive, so its LRU victim leaves the L1 too and is reported; an L1 victim
 * still in the L2 is not; nor are TLBIs (the caller issued them).
 * Model interface (eviction hook), no Arm ARM rule. */
static void tlb_evict_hook_reports_translations_leaving_the_tlb(void **state)
{
	struct mmu_tlb_config cfg = { .l1d = { 1, 1 }, .l2 = { 1, 2 } };
	struct mmu_tlb *small = mmu__tlb_create(&cfg);
	struct evictions ev = { 0 };
	uint64_t next = next_table;

	(void)state;
	small->evict = record_eviction;
	small->evict_opaque = &ev;
	ctx.tlb = small;
	for (int i = 0; i < 3; i++)
		tb_map4k(m, ROOT, &next, 0x500000 + 0x1000ull * i, PAGE(0x600000) | D_NG);
	touch(0x500000);
	touch(0x501000);     /* L1D (1 way) evicts 0x500000: still in L2, not reported */
	assert_int_equal(ev.n, 0);
	assert_false(in_level(small, MMU_TLB_L1D, 0x500000));
	touch(0x500000);     /* an L2 hit refills L1D; 0x501000 leaves L1D only */
	assert_int_equal(ev.n, 0);
	touch(0x502000);     /* L2 (2 ways) evicts its LRU, 0x501000 */
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.which[0], MMU_TLB_L2);
	assert_int_equal(ev.e[0].va, 0x501000);
	assert_int_equal(ev.e[0].shift, 12);
	assert_int_equal(ev.e[0].asid, 1);
	assert_int_equal(ev.e[0].tag, ctx.regime.tlb_tag);
	tlbi(MMU_TLBI_VMALLE1, false, 0);
	assert_int_equal(ev.n, 1);
	ctx.tlb = tlb;
	mmu__tlb_destroy(small);
}

/* Inclusion: an L2 victim still held by the L1 leaves the L1 with it, so that a
 * translation is in the TLB exactly when it is in the L2.
 * Model behaviour (inclusive L2 TLB), no Arm ARM rule. */
static void tlb_l2_victim_leaves_the_l1_too(void **state)
{
	struct mmu_tlb_config cfg = { .l1i = { 4, 4 }, .l1d = { 4, 4 }, .l2 = { 1, 1 } };
	struct mmu_tlb *small = mmu__tlb_create(&cfg);
	struct evictions ev = { 0 };
	uint64_t next = next_table;

	(void)state;
	small->evict = record_eviction;
	small->evict_opaque = &ev;
	ctx.tlb = small;
	tb_map4k(m, ROOT, &next, 0x500000, PAGE(0x600000));
	tb_map4k(m, ROOT, &next, 0x501000, PAGE(0x601000));
	touch(0x500000);
	(void)ok_pa(&ctx, 0x500000, MMU_FETCH, 0); /* an L2 hit: a copy in L1I too */
	assert_true(in_level(small, MMU_TLB_L1D, 0x500000));
	assert_true(in_level(small, MMU_TLB_L1I, 0x500000));
	touch(0x501000);
	assert_false(in_level(small, MMU_TLB_L1D, 0x500000));
	assert_false(in_level(small, MMU_TLB_L1I, 0x500000));
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.e[0].va, 0x500000);
	ctx.tlb = tlb;
	mmu__tlb_destroy(small);
}

/* Without an L2, an L1 victim leaves the TLB and is reported; a refill of the same
 * slot (the first write to a writable-clean DBM page) reports the old value.
 * Model interface (eviction hook), no Arm ARM rule. */
static void tlb_evict_hook_without_l2_and_on_refill(void **state)
{
	struct mmu_tlb_config cfg = { .l1d = { 1, 1 } };
	struct mmu_tlb *small = mmu__tlb_create(&cfg);
	struct evictions ev = { 0 };
	uint64_t next = next_table;

	(void)state;
	small->evict = record_eviction;
	small->evict_opaque = &ev;
	ctx.tlb = small;
	th_set(&ctx, SCTLR_ON, TCR_4K48 | MMU_TCR_HA | MMU_TCR_HD, ROOT | 1ull << 48, 0, 0,
	       0, 1ull << 48);
	tb_map4k(m, ROOT, &next, 0x500000, PAGE(0x600000) | D_AP(2) | D_DBM);
	tb_map4k(m, ROOT, &next, 0x501000, PAGE(0x601000));
	touch(0x500000);
	(void)ok_pa(&ctx, 0x500000, MMU_WRITE, 0);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.which[0], MMU_TLB_L1D);
	assert_false(ev.e[0].perms & MMU_PERM_W1); /* the read-only (clean) value went */
	touch(0x501000);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.e[1].va, 0x500000);
	assert_true(ev.e[1].perms & MMU_PERM_W1);
	ctx.tlb = tlb;
	mmu__tlb_destroy(small);
}

/* ctx.stats counts stage-1 and stage-2 walks and their descriptor reads apart. A
 * 4-level stage 1 over a 2-level stage 2 (one 2 MiB block holds every table and the
 * output): with the TLB, one stage-2 walk (later table reads and the output hit the
 * stage-2 entry); without it (mmu__walk), one stage-2 walk per table read and one for
 * the output IPA (AArch64.S2Translate for each TTW access).
 * Model statistics, no Arm ARM rule; the walk counts follow AArch64.S1Walk
 * and AArch64.S2Translate. */
static void walk_stats_count_stages_apart(void **state)
{
	struct mmu_result res;

	(void)state;
	set_regs(1, 1, true);
	touch(VA_G);
	assert_int_equal(ctx.stats.walks[0], 1);
	assert_int_equal(ctx.stats.walks[1], 1);
	assert_int_equal(ctx.stats.desc_reads[0], 4);
	assert_int_equal(ctx.stats.desc_reads[1], 2);
	assert_int_equal(ctx.stats.wc_starts, 0);
	memset(&ctx.stats, 0, sizeof(ctx.stats));
	assert_int_equal(mmu__walk(&ctx, VA_NG, MMU_READ, 0, &res), 0);
	assert_int_equal(ctx.stats.walks[0], 1);
	assert_int_equal(ctx.stats.walks[1], 5);
	assert_int_equal(ctx.stats.desc_reads[0], 4);
	assert_int_equal(ctx.stats.desc_reads[1], 10);
}

/* DC CVAU by VA at EL1 checks no permission (AArch64.S1HasPermissionsFault for
 * AccessType_DC): with PSTATE.PAN set, on an EL0-accessible page, it is served by
 * the TLB entry like any access, without a walk.
 * Arm ARM "Cache maintenance instructions" (no permission check for DC
 * CVAU at EL1). */
static void dc_by_va_at_el1_uses_the_tlb_despite_pan(void **state)
{
	uint64_t next = next_table, pa = 0;
	struct mmu_fault f;

	(void)state;
	tb_map4k(m, ROOT, &next, 0x500000, PAGE(0x600000) | D_AP(1));
	touch(0x500000);
	assert_int_equal(tlb->walks, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mmu__cache_maint(&ctx, MMU_DC_CVAU, 0x500040 + 64 * i, MMU_F_PAN,
						  &f, &pa), 0);
	assert_int_equal(pa, 0x600100);
	assert_int_equal(tlb->walks, 1);
	assert_int_equal(ctx.stats.walks[0], 1);
	/* the data access itself with PAN faults (from the TLB path as from a walk) */
	expect_fault(&ctx, 0x500000, MMU_READ, MMU_F_PAN, MMU_FAULT_PERMISSION, 1, 3);
}

/* Strict TLB (cfg.keep): an entry stays until a TLBI covering it, whatever the
 * capacity: with a one-entry L2, three pages stay translated from the TLB after their
 * descriptors are cleared (no TLBI), and a TLBI VAE1 of one removes that one only.
 * Arm ARM D8.16.1 / "TLB maintenance requirements": a TLB may hold an entry until a
 * TLBI that covers it is executed. */
static void strict_tlb_keeps_evicted_entries_until_tlbi(void **state)
{
	struct mmu_tlb_config cfg = { .l2 = { 1, 1 }, .walk = { 1, 1 }, .keep = 64 };
	struct mmu_tlb *s = mmu__tlb_create(&cfg);
	uint64_t next = next_table, leaf[3];
	struct mmu_result res;

	(void)state;
	assert_non_null(s);
	ctx.tlb = s;
	for (int i = 0; i < 3; i++) {
		tb_map4k(m, ROOT, &next, 0x500000 + 0x1000ull * i, PAGE(0x600000 + 0x1000ull * i) | D_NG);
		touch(0x500000 + 0x1000ull * i);
	}
	for (int i = 0; i < 3; i++) { /* unmap without TLBI: find the leaves by walking */
		struct mmu_trace tr;
		ctx.trace = &tr;
		mmu__walk(&ctx, 0x500000 + 0x1000ull * i, MMU_READ, MMU_F_NO_UPDATE, &res);
		ctx.trace = NULL;
		leaf[i] = tr.step[tr.n - 1].desc_pa;
		w64(m, leaf[i], 0);
	}
	assert_true(s->keep_stats.kept >= 2);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ok_pa(&ctx, 0x500000 + 0x1000ull * i, MMU_READ, 0),
				 0x600000 + 0x1000ull * i);
	tlbi(MMU_TLBI_VAE1, false, XT(0x501000, 1));
	expect_fault(&ctx, 0x501000, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 3);
	assert_int_equal(ok_pa(&ctx, 0x500000, MMU_READ, 0), 0x600000);
	assert_int_equal(ok_pa(&ctx, 0x502000, MMU_READ, 0), 0x602000);
	ctx.tlb = tlb;
	mmu__tlb_destroy(s);
}

/* When two entries translate one VA (a page and, filled later, a block over it: the
 * guest skipped break-before-make), the strict TLB uses the older one, which an
 * implementation may still be using (Arm ARM D8.16.1: without break-before-make
 * either entry, or a TLB conflict, may result). */
static void strict_tlb_prefers_the_oldest_matching_entry(void **state)
{
	struct mmu_tlb_config cfg = { .l2 = { 64, 4 }, .walk = { 16, 4 }, .keep = 64 };
	struct mmu_tlb *s = mmu__tlb_create(&cfg);
	struct mmu_tlb_entry page = {
		.va = 0x800000, .pa = 0x900000, .tag = ctx.regime.tlb_tag, .asid = 1, .shift = 12,
		.perms = MMU_PERM_R1, .s1_desc_pa = ~0ull, .s2_desc_pa = ~0ull,
	}, block = page;

	(void)state;
	block.pa = 0xa00000;
	block.shift = 21;
	mmu__tlb_fill(s, &page, MMU_READ);
	mmu__tlb_fill(s, &block, MMU_READ);
	assert_int_equal(mmu__tlb_lookup(s, &ctx.regime, 0x800000, MMU_READ)->pa, 0x900000);
	mmu__tlb_destroy(s);
}

/* A strict TLB has no L1 (an L1 copy would be found before an older entry), and a
 * full keep store says so (keep_stats.dropped) instead of losing entries silently.
 * Model interface. */
static void strict_tlb_needs_no_l1_and_counts_a_full_store(void **state)
{
	struct mmu_tlb_config bad = { .l1d = { 16, 4 }, .l2 = { 1, 1 }, .keep = 4 };
	struct mmu_tlb_config cfg = { .l2 = { 1, 1 }, .keep = 1 };
	struct mmu_tlb *s;
	struct mmu_tlb_entry e = {
		.tag = ctx.regime.tlb_tag, .asid = 1, .shift = 12, .perms = MMU_PERM_R1,
		.s1_desc_pa = ~0ull, .s2_desc_pa = ~0ull,
	};
	struct evictions ev = { 0 };

	(void)state;
	assert_null(mmu__tlb_create(&bad));
	s = mmu__tlb_create(&cfg);
	s->evict = record_eviction;
	s->evict_opaque = &ev;
	for (int i = 0; i < 3; i++) {
		e.va = 0x100000 + 0x1000ull * i;
		mmu__tlb_fill(s, &e, MMU_READ);
	}
	assert_int_equal(mmu__tlb_keep_count(s), 1);
	assert_int_equal(s->keep_stats.dropped, 1);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.e[0].va, 0x101000);
	mmu__tlb_destroy(s);
}

/* The L2 holds every translation an L1 holds (an L1 entry has an L2 entry of the same
 * slot, whose in_l1 names that L1: its eviction removes the copy), and each set's
 * counts (valid entries; entries larger than 4 KiB by size mask) are those of its
 * entries, through random fills of three sizes and kinds, lookups of each access type
 * and TLBIs of each kind. Model interface (mmu/tlb.h, docs/mmu.md "TLB and TLBI"). */
static bool same_slot(const struct mmu_tlb_entry *a, const struct mmu_tlb_entry *b)
{
	return a->va == b->va && a->tag == b->tag && a->shift == b->shift &&
	       a->asid == b->asid && a->global == b->global && a->table == b->table;
}

static void check_inclusion_and_counts(const struct mmu_tlb *t)
{
	const struct mmu_tlb_array *l2 = &t->lv[MMU_TLB_L2];

	for (int i = MMU_TLB_L1I; i <= MMU_TLB_L1D; i++) {
		const struct mmu_tlb_array *l1 = &t->lv[i];

		for (unsigned k = 0; k < (unsigned)l1->geom.sets * l1->geom.ways; k++) {
			const struct mmu_tlb_entry *c = &l1->e[k], *p = NULL;
			unsigned set = (unsigned)(c->va >> c->shift) & (l2->geom.sets - 1u);

			if (!c->tag)
				continue;
			for (unsigned w = 0; w < l2->geom.ways; w++)
				if (l2->e[set * l2->geom.ways + w].tag &&
				    same_slot(&l2->e[set * l2->geom.ways + w], c))
					p = &l2->e[set * l2->geom.ways + w];
			assert_non_null(p);
			assert_true(p->in_l1 & (1u << i));
		}
	}
	for (int i = 0; i < MMU_TLB_LEVELS; i++) {
		const struct mmu_tlb_array *a = &t->lv[i];

		for (unsigned set = 0; set < a->geom.sets; set++) {
			unsigned used = 0, blocks[2] = { 0, 0 };

			for (unsigned w = 0; w < a->geom.ways; w++) {
				const struct mmu_tlb_entry *e = &a->e[set * a->geom.ways + w];

				used += e->tag != 0;
				if (e->tag && e->shift > 12)
					blocks[(e->tag & 3) == MMU_TLB_S2]++;
			}
			assert_int_equal(a->used[set], used);
			if (i == MMU_TLB_L2) {
				assert_int_equal(a->blocks[2 * set], blocks[0]);
				assert_int_equal(a->blocks[2 * set + 1], blocks[1]);
			}
		}
	}
}

static void tlb_l2_includes_the_l1s_and_set_counts_hold(void **state)
{
	struct mmu_tlb_config cfg = { .l1i = { 2, 2 }, .l1d = { 4, 2 }, .l2 = { 8, 2 } };
	struct mmu_tlb *t = mmu__tlb_create(&cfg);
	static const unsigned shifts[] = { 12, 12, 12, 21, 30 };
	uint64_t r = 12345;

	(void)state;
	assert_non_null(t);
	for (unsigned n = 0; n < 20000; n++) {
		unsigned op, kind;
		uint64_t va;

		r = r * 6364136223846793005ull + 1442695040888963407ull;
		op = (unsigned)(r >> 60);
		kind = 1 + (unsigned)((r >> 20) % 3);
		va = ((r >> 24) % 512) << 12;
		if (op < 7) {
			struct mmu_tlb_entry e = {
				.tag = (uint32_t)((r >> 40) & 1) << 2 | kind,
				.asid = kind == MMU_TLB_S2 ? 0 : 1 + (unsigned)((r >> 42) & 1),
				.global = kind != MMU_TLB_S2 && ((r >> 44) & 3) == 0,
				.shift = (uint8_t)shifts[(r >> 46) % 5], .perms = MMU_PERM_R1,
				.s1_desc_pa = ~0ull, .s2_desc_pa = ~0ull,
			};
			e.va = va & ~((1ull << e.shift) - 1);
			e.pa = e.va + 0x40000000;
			mmu__tlb_fill(t, &e, (enum mmu_access)((r >> 50) % 3));
		} else if (op < 15) {
			struct mmu_regime rg = ctx.regime;

			rg.vmid = (uint16_t)((r >> 40) & 1);
			rg.asid = (uint16_t)(1 + ((r >> 42) & 1));
			rg.tlb_tag = (uint32_t)rg.vmid << 2 | (1 + ((r >> 44) & 1));
			(void)mmu__tlb_lookup(t, &rg, va + ((r >> 8) & 0xfff),
					      (enum mmu_access)((r >> 50) % 3));
		} else {
			struct mmu_tlbi tl = {
				.kind = (enum mmu_tlbi_kind)((r >> 40) % MMU_TLBI_KINDS),
				.vmid = (uint16_t)((r >> 46) & 1), .asid = (uint16_t)(1 + ((r >> 47) & 1)),
				.addr = va,
			};
			mmu__tlb_invalidate(t, &tl);
		}
		check_inclusion_and_counts(t);
	}
	assert_true(t->lv[MMU_TLB_L2].stats.evictions > 1000);
	assert_true(t->lv[MMU_TLB_L2].stats.invalidated > 100);
	mmu__tlb_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(tlb_second_access_hits),
		T(tlb_keeps_old_translation_until_tlbi),
		T(tlb_global_matches_any_asid_ng_only_own),
		T(tlbi_scopes_by_vmid_asid_va_level_and_stage),
		T(tlbi_ipas2e1_keeps_combined_until_vmalle1),
		T(tlbi_is_broadcasts_local_does_not),
		T(tlbi_operand_decoding),
		T(tlb_dbm_first_write_walks_and_sets_dirty),
		T(tlb_set_overflow_evicts_lru),
		T(walk_cache_serves_upper_levels_after_vale1),
		T(walk_cache_vale1_keeps_old_table_vae1_drops_it),
		T(walk_cache_is_asid_tagged_for_ttbr0),
		T(tlb_s2_entry_does_not_bypass_hcr_ptw),
		T(tlb_no_update_walk_has_no_side_effects),
		T(tlb_s2_entries_sized_apart_tlbi_scopes_unchanged),
		T(tlb_evict_hook_reports_translations_leaving_the_tlb),
		T(tlb_l2_victim_leaves_the_l1_too),
		T(tlb_evict_hook_without_l2_and_on_refill),
		T(walk_stats_count_stages_apart),
		T(dc_by_va_at_el1_uses_the_tlb_despite_pan),
		T(strict_tlb_keeps_evicted_entries_until_tlbi),
		T(strict_tlb_prefers_the_oldest_matching_entry),
		T(strict_tlb_needs_no_l1_and_counts_a_full_store),
		T(tlb_l2_includes_the_l1s_and_set_counts_hold),
	};
	return cmocka_run_group_tests_name("mmu TLB/TLBI", tests, NULL, NULL);
}
