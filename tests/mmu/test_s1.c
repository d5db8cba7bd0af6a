/* SPDX-License-Identifier: MIT */
/*
 * Stage-1 translation of the EL1&0 regime: granules and start levels, descriptor
 * types, faults at each level, VA range selection, TBI, AF/DBM, MAIR, and the
 * permission matrix. Tables are written by hand from the Arm ARM's layouts
 * (descriptor formats; AArch64.S1Walk); expected values computed by hand.
 */
#include "harness.h"

static struct tmem *m;
static struct mmu_ctx ctx;

static int setup(void **state)
{
	(void)state;
	m = tmem_new();
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48, 0x10000, 0x20000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmem_free(m);
	return 0;
}

/* VA4 (harness.h) through tables at PA 0x10000..: indexes 1, 1, 1, 3 at levels 0..3. */
static void map4k_chain(uint64_t leaf)
{
	w64(m, 0x10000 + 1 * 8, TABLE(0x11000));
	w64(m, 0x11000 + 1 * 8, TABLE(0x12000));
	w64(m, 0x12000 + 1 * 8, TABLE(0x13000));
	w64(m, 0x13000 + 3 * 8, leaf);
}

/* AArch64.S1StartLevel: 4K granule, 48-bit input (T0SZ = 16) starts at level 0 and
 * resolves 9 bits per level down to a level-3 page.
 * Arm ARM "Memory translation granule size", "The algorithm for finding the
 * translation table entries"; AArch64.S1StartLevel, AArch64.S1Walk. */
static void s1_4k_48bit_walks_levels_0_to_3(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000));
	assert_int_equal(ok_pa(&ctx, VA4, MMU_READ, 0), 0x45678456);
}

/* 39-bit input (T0SZ = 25) starts at level 1: the root table is indexed by VA[38:30].
 * Arm ARM "The algorithm for finding the translation table entries";
 * AArch64.S1StartLevel: the start level follows from the input size (64 - T0SZ). */
static void s1_4k_39bit_starts_at_level1(void **state)
{
	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(25) | TCR_T1SZ(25) | TCR_TG1_4K | TCR_IPS(5),
	       0x30000, 0);
	/* VA 0x40203456: VA[38:30] = 1, VA[29:21] = 1, VA[20:12] = 3 */
	w64(m, 0x30000 + 8, TABLE(0x31000));
	w64(m, 0x31000 + 8, TABLE(0x32000));
	w64(m, 0x32000 + 3 * 8, PAGE(0x99000));
	assert_int_equal(ok_pa(&ctx, 0x40203456, MMU_READ, 0), 0x99456);
}

/* Blocks: level 1 maps 1 GiB (OA[47:30]), level 2 maps 2 MiB (OA[47:21]).
 * Arm ARM "VMSAv8-64 translation table level 0, level 1, and level 2 descriptor
 * formats" (block descriptor output address); AArch64.S1Walk. */
static void s1_4k_level1_and_level2_blocks(void **state)
{
	struct mmu_result res;

	(void)state;
	w64(m, 0x10000 + 8, TABLE(0x11000));
	w64(m, 0x11000 + 8, BLOCK(0x80000000));           /* VA[38:30] = 1 */
	assert_int_equal(mmu__translate(&ctx, 0x8040203456ull, MMU_READ, 0, &res), 0);
	assert_int_equal(res.pa, 0x80203456);
	assert_int_equal(res.shift, 30);
	assert_int_equal(res.level, 1);
	w64(m, 0x11000 + 8, TABLE(0x12000));
	w64(m, 0x12000 + 8, BLOCK(0x40000000));           /* VA[29:21] = 1 */
	assert_int_equal(mmu__walk(&ctx, 0x8040203456ull, MMU_READ, 0, &res), 0);
	assert_int_equal(res.pa, 0x40003456);
	assert_int_equal(res.shift, 21);
	assert_int_equal(res.level, 2);
}

/* Without FEAT_LPA2 a block descriptor at level 0 is invalid: translation fault L0.
 * Arm ARM "VMSAv8-64 translation table level 0, level 1, and level 2 descriptor
 * formats": a level-0 block is not a valid encoding for 4K without 52-bit OA;
 * AArch64.DecodeDescriptorType. */
static void s1_4k_level0_block_is_translation_fault_l0(void **state)
{
	(void)state;
	w64(m, 0x10000 + 8, BLOCK(0x8000000000ull));
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 0);
}

/* bits[1:0] = 0b01 at level 3 is reserved: translation fault level 3.
 * Arm ARM "VMSAv8-64 translation table format descriptors" (level 3 descriptor
 * formats); AArch64.DecodeDescriptorType. */
static void s1_level3_block_encoding_is_translation_fault_l3(void **state)
{
	(void)state;
	map4k_chain(0x45678000 | D_BLOCK | D_AF);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 3);
}

/* An invalid descriptor (bit 0 = 0) at level N: translation fault, level N.
 * Arm ARM "VMSAv8-64 translation table format descriptors" (bit[0] = 0 is invalid,
 * the other bits are ignored); AArch64.S1Walk reports the level of the descriptor. */
static void s1_invalid_descriptor_faults_at_its_level(void **state)
{
	static const uint64_t slot[4] = { 0x10008, 0x11008, 0x12008, 0x13018 };

	(void)state;
	for (int lvl = 0; lvl < 4; lvl++) {
		map4k_chain(PAGE(0x45678000));
		w64(m, slot[lvl], 0);
		expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, lvl);
		w64(m, slot[lvl], 0xfffffffffffff000ull); /* bit 0 clear, rest set */
		expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, lvl);
	}
}

/* VA[55] selects TTBR1; bits above the input size must all equal VA[55], otherwise
 * a level 0 translation fault.
 * Arm ARM "Controlling address translation stages" (VA ranges of TTBR0 and
 * TTBR1); AArch64.VAIsOutOfRange: an out-of-range VA is a level 0 translation fault. */
static void s1_va55_selects_ttbr1_and_gap_faults_l0(void **state)
{
	(void)state;
	/* 0xffff800000001000: VA[47:39] = 0x100, VA[20:12] = 1 */
	w64(m, 0x20000 + 0x100 * 8, TABLE(0x21000));
	w64(m, 0x21000, TABLE(0x22000));
	w64(m, 0x22000, TABLE(0x23000));
	w64(m, 0x23000 + 8, PAGE(0x77000));
	assert_int_equal(ok_pa(&ctx, 0xffff800000001234ull, MMU_READ, 0), 0x77234);
	expect_fault(&ctx, 0xfff0800000001234ull, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 0);
	expect_fault(&ctx, 0x0001000000000000ull, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 0);
}

/* TCR.EPD0 = 1: a TTBR0 address misses without a walk: translation fault level 0.
 * Arm ARM "Controlling address translation stages"; TCR_EL1.EPD0 (a TLB miss
 * generates a level 0 translation fault, no walk); AArch64.S1Translate. */
static void s1_epd0_faults_l0_without_walk(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000));
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_EPD0, 0x10000, 0x20000);
	m->reads = 0;
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 0);
	assert_int_equal(m->reads, 0);
}

/* TBI0: VA[63:56] ignored for TTBR0 addresses; without it they must be zero.
 * TBID0: TBI applies to data accesses only, so a fetch with a tag faults.
 * Arm ARM "Address tagging in AArch64 state"; TCR_EL1.TBI0/TBID0 field
 * descriptions; pseudocode AddrTop (TBID: tag ignored for data accesses only). */
static void s1_tbi_ignores_top_byte_tbid_data_only(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000));
	expect_fault(&ctx, 0x5a00008040203456ull, MMU_READ, 0, MMU_FAULT_TRANSLATION, 1, 0);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_TBI0, 0x10000, 0x20000);
	assert_int_equal(ok_pa(&ctx, 0x5a00008040203456ull, MMU_READ, 0), 0x45678456);
	assert_int_equal(ok_pa(&ctx, 0x5a00008040203456ull, MMU_FETCH, 0), 0x45678456);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_TBI0 | MMU_TCR_TBID0, 0x10000, 0x20000);
	assert_int_equal(ok_pa(&ctx, 0x5a00008040203456ull, MMU_READ, 0), 0x45678456);
	expect_fault(&ctx, 0x5a00008040203456ull, MMU_FETCH, 0, MMU_FAULT_TRANSLATION, 1, 0);
}

/* Address size faults (AArch64.OAOutOfRange) with IPS = 40 bits: TTBR above -> level
 * 0; next-table address above -> level of that table descriptor; output address
 * above -> level of the leaf.
 * Arm ARM TCR_EL1.IPS and ESR DFSC "Address size fault"; AArch64.OAOutOfRange
 * for the TTBR, each next-table address and the output address (AArch64.S1Walk). */
static void s1_address_size_faults_ips40(void **state)
{
	uint64_t tcr = TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(2);

	(void)state;
	map4k_chain(PAGE(0x10000000000ull)); /* OA bit 40 set */
	th_ctx(&ctx, m, SCTLR_ON, tcr, 0x10000, 0);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ADDR_SIZE, 1, 3);
	w64(m, 0x11008, TABLE(0x20000000000ull));
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ADDR_SIZE, 1, 1);
	th_ctx(&ctx, m, SCTLR_ON, tcr, 0x10000000000ull | 0x10000, 0);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ADDR_SIZE, 1, 0);
}

/* AF = 0 without TCR.HA: Access flag fault at the level of the leaf (1, 2 or 3).
 * Arm ARM "Memory access control" / "The Access flag"; AArch64.S1Walk
 * (access flag fault with the leaf's level). */
static void s1_access_flag_fault_at_leaf_level(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000) & ~D_AF);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ACCESS, 1, 3);
	w64(m, 0x12008, BLOCK(0x40000000) & ~D_AF);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ACCESS, 1, 2);
	w64(m, 0x11008, BLOCK(0x40000000) & ~D_AF);
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ACCESS, 1, 1);
}

/* Access flag faults are prioritised over permission faults.
 * Arm ARM "Prioritization of Synchronous aborts from a single stage of
 * address translation": the Access flag fault is checked before permissions. */
static void s1_access_flag_fault_before_permission_fault(void **state)
{
	(void)state;
	map4k_chain((PAGE(0x45678000) & ~D_AF) | D_AP(2)); /* read-only, AF = 0 */
	expect_fault(&ctx, VA4, MMU_WRITE, 0, MMU_FAULT_ACCESS, 1, 3);
}

/* FEAT_HAFDBS: TCR.HA = 1 sets AF in memory instead of faulting.
 * Arm ARM "Hardware management of the Access flag and dirty state";
 * TCR_EL1.HA field description. */
static void s1_tcr_ha_sets_access_flag_in_memory(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000) & ~D_AF);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA, 0x10000, 0x20000);
	assert_int_equal(ok_pa(&ctx, VA4, MMU_READ, 0), 0x45678456);
	assert_int_equal(r64(m, 0x13018), PAGE(0x45678000));
}

/* TCR.HD with DBM = 1: a write to a read-only (AP[2] = 1) page clears AP[2]
 * (dirty) instead of faulting; without HD it is a permission fault.
 * Arm ARM "Hardware management of the Access flag and dirty state";
 * TCR_EL1.HD and descriptor DBM[51]: dirty state is AP[2] = 0. */
static void s1_tcr_hd_dbm_write_marks_dirty(void **state)
{
	uint64_t clean = PAGE(0x45678000) | D_AP(2) | D_DBM;

	(void)state;
	map4k_chain(clean);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA, 0x10000, 0x20000);
	expect_fault(&ctx, VA4, MMU_WRITE, 0, MMU_FAULT_PERMISSION, 1, 3);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA | MMU_TCR_HD, 0x10000, 0x20000);
	assert_int_equal(ok_pa(&ctx, VA4, MMU_READ, 0), 0x45678456);
	assert_int_equal(r64(m, 0x13018), clean);          /* a read leaves it clean */
	assert_int_equal(ok_pa(&ctx, VA4, MMU_WRITE, 0), 0x45678456);
	assert_int_equal(r64(m, 0x13018), clean & ~D_AP(2));
}

/* Without a cmpxchg callback the library cannot update: TCR.HA behaves as 0.
 * Model interface, no Arm ARM rule: with no atomic update available the
 * model behaves as TCR_EL1.HA = 0 ("The Access flag": AF = 0 faults). */
static void s1_no_cmpxchg_callback_means_no_hw_update(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000) & ~D_AF);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_HA, 0x10000, 0x20000);
	ctx.mem = &tmem_ops_nocas;
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_ACCESS, 1, 3);
}

/* A failed table read is a synchronous external abort on the walk, at its level.
 * Arm ARM ESR DFSC "Synchronous External abort on translation table walk
 * or hardware update of translation table, level N" (0b0101LL); AArch64.S1Walk. */
static void s1_walk_read_error_is_external_abort_at_level(void **state)
{
	(void)state;
	map4k_chain(PAGE(0x45678000));
	m->fail_pa = 0x12008;
	expect_fault(&ctx, VA4, MMU_READ, 0, MMU_FAULT_EXT_ABORT_WALK, 1, 2);
	m->fail_pa = 0;
}

/* 16K granule (TG0 = 0b10): 48-bit input starts at level 0, which resolves one bit
 * (VA[47]); then VA[46:36], VA[35:25], VA[24:14].
 * Arm ARM "Memory translation granule size", "The algorithm for finding the
 * translation table entries" (16KB granule); AArch64.S1StartLevel. */
static void s1_16k_48bit_starts_level0_with_two_entries(void **state)
{
	uint64_t va = (1ull << 47) | (2ull << 36) | (3ull << 25) | (5ull << 14) | 0x1234;

	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(16) | TCR_TG0_16K | TCR_T1SZ(16) | TCR_TG1_16K |
	       TCR_IPS(5), 0x40000, 0);
	w64(m, 0x40000 + 8, TABLE(0x44000));
	w64(m, 0x44000 + 2 * 8, TABLE(0x48000));
	w64(m, 0x48000 + 3 * 8, TABLE(0x4c000));
	w64(m, 0x4c000 + 5 * 8, PAGE(0x1230000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, 0), 0x1231234);
	/* level-2 block: 32 MiB, OA[47:25] */
	w64(m, 0x48000 + 3 * 8, BLOCK(0x6000000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, MMU_F_NO_TLB), 0x6000000 + (5ull << 14) + 0x1234);
}

/* 16K, 47-bit input (T0SZ = 17): start level 1 with 2048 entries (VA[46:36]).
 * Arm ARM "The algorithm for finding the translation table entries" (16KB
 * granule); AArch64.S1StartLevel. */
static void s1_16k_47bit_starts_level1(void **state)
{
	uint64_t va = (0x7ffull << 36) | (1ull << 25) | (2ull << 14) | 0x10;

	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(17) | TCR_TG0_16K | TCR_T1SZ(17) | TCR_TG1_16K |
	       TCR_IPS(5), 0x50000, 0);
	w64(m, 0x50000 + 0x7ff * 8, TABLE(0x54000));
	w64(m, 0x54000 + 8, TABLE(0x58000));
	w64(m, 0x58000 + 2 * 8, PAGE(0x3c000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, 0), 0x3c010);
}

/* 64K granule (TG0 = 0b01): 48-bit input starts at level 1 (VA[47:42]), then
 * VA[41:29], VA[28:16]. A level-1 block is invalid (needs 52-bit PA).
 * Arm ARM "Memory translation granule size", "VMSAv8-64 translation table
 * level 0, level 1, and level 2 descriptor formats" (64KB level-1 blocks need
 * FEAT_LPA); AArch64.S1StartLevel, AArch64.DecodeDescriptorType. */
static void s1_64k_48bit_starts_level1_no_level1_block(void **state)
{
	uint64_t va = (3ull << 42) | (7ull << 29) | (9ull << 16) | 0xabcd;

	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(16) | TCR_TG0_64K | TCR_T1SZ(16) | TCR_TG1_64K |
	       TCR_IPS(5), 0x100000, 0);
	w64(m, 0x100000 + 3 * 8, TABLE(0x110000));
	w64(m, 0x110000 + 7 * 8, TABLE(0x120000));
	w64(m, 0x120000 + 9 * 8, PAGE(0x7770000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, 0), 0x777abcd);
	/* level-2 block: 512 MiB, OA[47:29] */
	w64(m, 0x110000 + 7 * 8, BLOCK(0x20000000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, MMU_F_NO_TLB), 0x20000000 + (9ull << 16) + 0xabcd);
	w64(m, 0x100000 + 3 * 8, BLOCK(0x40000000000ull));
	expect_fault(&ctx, va, MMU_READ, MMU_F_NO_TLB, MMU_FAULT_TRANSLATION, 1, 1);
}

/* 64K, 42-bit input (T0SZ = 22): start level 2 with 8192 entries (VA[41:29]).
 * Arm ARM "The algorithm for finding the translation table entries" (64KB
 * granule); AArch64.S1StartLevel. */
static void s1_64k_42bit_starts_level2(void **state)
{
	uint64_t va = (0x1fffull << 29) | (1ull << 16);

	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(22) | TCR_TG0_64K | TCR_T1SZ(22) | TCR_TG1_64K |
	       TCR_IPS(5), 0x200000, 0);
	w64(m, 0x200000 + 0x1fff * 8, TABLE(0x220000));
	w64(m, 0x220000 + 8, PAGE(0x30000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, 0), 0x30000);
}

/* TG1 uses its own encoding: 0b01 is 16K for TTBR1 (it would be 64K in TG0).
 * Arm ARM TCR_EL1.TG0 and TCR_EL1.TG1 field descriptions (different
 * encodings); AArch64.GetS1TTWParams. */
static void s1_tg1_encoding_differs_from_tg0(void **state)
{
	/* TTBR1, 16K, 48-bit: VA[47] = 1 -> L0 index 1 */
	uint64_t va = 0xffff800000000000ull | (1ull << 14);

	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG1_16K | TCR_IPS(5), 0,
	       0x60000);
	w64(m, 0x60000 + 8, TABLE(0x64000));
	w64(m, 0x64000, TABLE(0x68000));
	w64(m, 0x68000, TABLE(0x6c000));
	w64(m, 0x6c000 + 8, PAGE(0x88000));
	assert_int_equal(ok_pa(&ctx, va, MMU_READ, 0), 0x88000);
}

/* TCR.A1 picks the TTBR holding the ASID; TCR.AS = 0 keeps 8 bits.
 * Arm ARM TCR_EL1.A1 and TCR_EL1.AS field descriptions, TTBRn_EL1.ASID;
 * "Global and process-specific translation table entries". */
static void s1_asid_from_ttbr_per_a1_and_as(void **state)
{
	(void)state;
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48, 0x10000 | 0x1234ull << 48, 0x20000 | 0x56ull << 48);
	assert_int_equal(ctx.regime.asid, 0x34);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_AS, 0x10000 | 0x1234ull << 48, 0);
	assert_int_equal(ctx.regime.asid, 0x1234);
	th_ctx(&ctx, m, SCTLR_ON, TCR_4K48 | MMU_TCR_A1, 0x10000, 0x20000 | 0x56ull << 48);
	assert_int_equal(ctx.regime.asid, 0x56);
}

/* SCTLR.M = 0 (AArch64.S1DisabledOutput): VA = PA, data Device-nGnRnE, fetches
 * Normal WT with SCTLR.I = 1 and Non-cacheable without.
 * Arm ARM "The effects of disabling a stage of address translation";
 * AArch64.S1DisabledOutput. */
static void s1_mmu_off_is_identity_with_default_attrs(void **state)
{
	struct mmu_result res;

	(void)state;
	th_ctx(&ctx, m, MMU_SCTLR_I, 0, 0, 0);
	assert_int_equal(mmu__translate(&ctx, 0x40001234, MMU_READ, 0, &res), 0);
	assert_int_equal(res.pa, 0x40001234);
	assert_int_equal(res.attr, 0x00);
	assert_int_equal(mmu__translate(&ctx, 0x40001234, MMU_FETCH, 0, &res), 0);
	assert_int_equal(res.attr, 0xaa);
	th_ctx(&ctx, m, 0, 0, 0, 0);
	assert_int_equal(mmu__translate(&ctx, 0x40001234, MMU_FETCH, 0, &res), 0);
	assert_int_equal(res.attr, 0x44);
	expect_fault(&ctx, 1ull << 48, MMU_READ, 0, MMU_FAULT_ADDR_SIZE, 1, 0);
}

/* AttrIndx selects a MAIR byte; Device and Non-cacheable are Outer Shareable.
 * Arm ARM "Memory attribute fields in the VMSAv8-64 translation table format
 * descriptors"; MAIR_EL1 field descriptions. */
static void s1_attrindx_selects_mair_byte(void **state)
{
	static const struct { unsigned idx; uint8_t attr, sh; } t[] = {
		{ 0, 0x00, 2 }, { 1, 0xff, 3 }, { 2, 0x44, 2 }, { 3, 0x04, 2 }, { 4, 0xaa, 3 },
	};
	struct mmu_result res;

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		map4k_chain(0x45678000 | D_TABLE | D_AF | D_SH(3) | D_IDX(t[i].idx));
		assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
		assert_int_equal(res.attr, t[i].attr);
		assert_int_equal(res.sh, t[i].sh);
	}
}

/* The permission matrix (AArch64.S1ComputePermissions), written from the AP table:
 * AP 00 EL1 RW / EL0 none, 01 RW / RW, 10 RO / none, 11 RO / RO; UXN, PXN; EL1
 * never executes EL0-writable memory. "rwx" for EL1 then EL0. */
static const struct perm_row {
	unsigned ap, uxn, pxn;
	const char *el1, *el0;
} s1_matrix[] = {
	{ 0, 0, 0, "rwx", "--x" }, { 0, 1, 0, "rwx", "---" },
	{ 0, 0, 1, "rw-", "--x" }, { 0, 1, 1, "rw-", "---" },
	{ 1, 0, 0, "rw-", "rwx" }, { 1, 1, 0, "rw-", "rw-" },
	{ 1, 0, 1, "rw-", "rwx" }, { 1, 1, 1, "rw-", "rw-" },
	{ 2, 0, 0, "r-x", "--x" }, { 2, 1, 0, "r-x", "---" },
	{ 2, 0, 1, "r--", "--x" }, { 2, 1, 1, "r--", "---" },
	{ 3, 0, 0, "r-x", "r-x" }, { 3, 1, 0, "r-x", "r--" },
	{ 3, 0, 1, "r--", "r-x" }, { 3, 1, 1, "r--", "r--" },
};

static void check_perms(uint64_t leaf, const char *el1, const char *el0, unsigned extra)
{
	static const enum mmu_access accs[3] = { MMU_READ, MMU_WRITE, MMU_FETCH };
	struct mmu_result res;

	w64(m, 0x13018, leaf); /* the tables above are the caller's */
	for (int el = 0; el < 2; el++) {
		const char *want = el ? el0 : el1;
		for (int a = 0; a < 3; a++) {
			unsigned fl = extra | (el ? MMU_F_EL0 : 0);
			int rc = mmu__walk(&ctx, VA4, accs[a], fl, &res);
			if ((want[a] != '-') != (rc == 0))
				print_error("leaf %#llx el%d acc %d: want %c got rc %d\n",
					    (unsigned long long)leaf, el ? 0 : 1, a, want[a], rc);
			assert_int_equal(want[a] != '-', rc == 0);
			if (rc)
				assert_int_equal(res.fault.kind, MMU_FAULT_PERMISSION);
		}
	}
}

/* Permission matrix of s1_matrix above. Arm ARM "The data access permission
 * controls", "Access permissions for instruction execution";
 * AArch64.S1ComputePermissions, AArch64.S1HasPermissionsFault. */
static void s1_permission_matrix_ap_uxn_pxn(void **state)
{
	(void)state;
	map4k_chain(0);
	for (unsigned i = 0; i < sizeof(s1_matrix) / sizeof(s1_matrix[0]); i++) {
		const struct perm_row *r = &s1_matrix[i];
		check_perms(PAGE(0x45678000) | D_AP(r->ap) | (r->uxn ? D_UXN : 0) |
			    (r->pxn ? D_PXN : 0), r->el1, r->el0, 0);
	}
}

/* Hierarchical limits: APTable 01 removes EL0 access, 10 removes write (either way
 * EL1 may execute a page no longer EL0-writable: the table limits are folded into AP
 * before "EL1 never executes EL0-writable" applies), UXNTable/PXNTable add XN.
 * Arm ARM "Memory access control" (hierarchical permissions: APTable,
 * UXNTable, PXNTable); AArch64.S1ApplyTablePerms, AArch64.S1ComputePermissions. */
static void s1_table_limits_only_remove_permissions(void **state)
{
	(void)state;
	w64(m, 0x10008, TABLE(0x11000) | D_APT(1));
	w64(m, 0x11008, TABLE(0x12000));
	w64(m, 0x12008, TABLE(0x13000));
	w64(m, 0x13018, PAGE(0x45678000) | D_AP(1));
	/* EL0 lost data access (APTable limits data only: UXN still governs EL0
	 * execution), so EL1 may execute it again */
	check_perms(r64(m, 0x13018), "rwx", "--x", MMU_F_NO_TLB);
	w64(m, 0x10008, TABLE(0x11000) | D_APT(2));
	check_perms(r64(m, 0x13018), "r-x", "r-x", MMU_F_NO_TLB);
	w64(m, 0x10008, TABLE(0x11000) | D_APT(3));
	check_perms(r64(m, 0x13018), "r-x", "--x", MMU_F_NO_TLB);
	w64(m, 0x10008, TABLE(0x11000) | D_UXNT);
	w64(m, 0x13018, PAGE(0x45678000) | D_AP(3));
	check_perms(r64(m, 0x13018), "r-x", "r--", MMU_F_NO_TLB);
	w64(m, 0x10008, TABLE(0x11000));
	w64(m, 0x11008, TABLE(0x12000) | D_PXNT);
	check_perms(r64(m, 0x13018), "r--", "r-x", MMU_F_NO_TLB);
}

/* SCTLR.WXN: memory writable at an EL is execute-never at that EL (AArch64 permission
 * pseudocode: user_xn |= user_w && wxn; priv_xn |= priv_w && wxn; EL1 already never
 * executes EL0-writable memory).
 * Arm ARM "Access permissions for instruction execution"; SCTLR_EL1.WXN;
 * AArch64.S1ComputePermissions. */
static void s1_wxn_makes_writable_execute_never(void **state)
{
	(void)state;
	th_ctx(&ctx, m, SCTLR_ON | MMU_SCTLR_WXN, TCR_4K48, 0x10000, 0x20000);
	map4k_chain(0);
	check_perms(PAGE(0x45678000) | D_AP(0), "rw-", "--x", 0);
	check_perms(PAGE(0x45678000) | D_AP(1), "rw-", "rw-", 0);
	check_perms(PAGE(0x45678000) | D_AP(2), "r-x", "--x", 0);
	check_perms(PAGE(0x45678000) | D_AP(3), "r-x", "r-x", 0);
}

/* PSTATE.PAN: EL1 data accesses to EL0-accessible memory (AP[1] = 1) fault; fetches
 * and unprivileged (EL0 / LDTR) accesses are unaffected.
 * Arm ARM PSTATE.PAN ("The data access permission controls");
 * AArch64.S1HasPermissionsFault. */
static void s1_pan_blocks_el1_data_access_to_user_memory(void **state)
{
	(void)state;
	map4k_chain(0);
	check_perms(PAGE(0x45678000) | D_AP(1) | D_UXN, "---", "rw-", MMU_F_PAN);
	check_perms(PAGE(0x45678000) | D_AP(3) | D_UXN, "--x", "r--", MMU_F_PAN);
	check_perms(PAGE(0x45678000) | D_AP(0) | D_UXN, "rwx", "---", MMU_F_PAN);
	check_perms(PAGE(0x45678000) | D_AP(2) | D_UXN, "r-x", "---", MMU_F_PAN);
}

/* The walk trace lists every descriptor read: 4 for a 4-level stage 1.
 * Model diagnostic, no Arm ARM rule; the 4 reads are those of
 * AArch64.S1Walk for a 4-level 4K walk ("The algorithm for finding the
 * translation table entries"). */
static void s1_trace_records_each_descriptor_read(void **state)
{
	struct mmu_trace tr;
	struct mmu_result res;

	(void)state;
	map4k_chain(PAGE(0x45678000));
	ctx.trace = &tr;
	assert_int_equal(mmu__walk(&ctx, VA4, MMU_READ, 0, &res), 0);
	ctx.trace = NULL;
	assert_int_equal(tr.n, 4);
	assert_int_equal(tr.step[0].desc_pa, 0x10008);
	assert_int_equal(tr.step[0].desc.type, MMU_DESC_TABLE);
	assert_int_equal(tr.step[3].level, 3);
	assert_int_equal(tr.step[3].index, 3);
	assert_int_equal(tr.step[3].desc.type, MMU_DESC_PAGE);
	assert_int_equal(tr.step[3].desc.oa, 0x45678000);
	assert_int_equal(tr.step[3].raw, PAGE(0x45678000));
	char line[256];
	mmu__trace_format(&tr.step[3], line, sizeof(line));
	assert_string_equal(line, "S1 L3 in 0x8040203456: table 0x13000[3] @0x13018 = "
			    "0x0000000045678707 page -> 0x45678000 (2^12 bytes) AttrIndx=1 AP=00 "
			    "SH=3 AF");
	mmu__trace_format(&tr.step[0], line, sizeof(line));
	assert_string_equal(line, "S1 L0 in 0x8040203456: table 0x10000[1] @0x10008 = "
			    "0x0000000000011003 table -> table 0x11000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(s1_4k_48bit_walks_levels_0_to_3),
		T(s1_4k_39bit_starts_at_level1),
		T(s1_4k_level1_and_level2_blocks),
		T(s1_4k_level0_block_is_translation_fault_l0),
		T(s1_level3_block_encoding_is_translation_fault_l3),
		T(s1_invalid_descriptor_faults_at_its_level),
		T(s1_va55_selects_ttbr1_and_gap_faults_l0),
		T(s1_epd0_faults_l0_without_walk),
		T(s1_tbi_ignores_top_byte_tbid_data_only),
		T(s1_address_size_faults_ips40),
		T(s1_access_flag_fault_at_leaf_level),
		T(s1_access_flag_fault_before_permission_fault),
		T(s1_tcr_ha_sets_access_flag_in_memory),
		T(s1_tcr_hd_dbm_write_marks_dirty),
		T(s1_no_cmpxchg_callback_means_no_hw_update),
		T(s1_walk_read_error_is_external_abort_at_level),
		T(s1_16k_48bit_starts_level0_with_two_entries),
		T(s1_16k_47bit_starts_level1),
		T(s1_64k_48bit_starts_level1_no_level1_block),
		T(s1_64k_42bit_starts_level2),
		T(s1_tg1_encoding_differs_from_tg0),
		T(s1_asid_from_ttbr_per_a1_and_as),
		T(s1_mmu_off_is_identity_with_default_attrs),
		T(s1_attrindx_selects_mair_byte),
		T(s1_permission_matrix_ap_uxn_pxn),
		T(s1_table_limits_only_remove_permissions),
		T(s1_wxn_makes_writable_execute_never),
		T(s1_pan_blocks_el1_data_access_to_user_memory),
		T(s1_trace_records_each_descriptor_read),
	};
	return cmocka_run_group_tests_name("mmu stage 1", tests, NULL, NULL);
}
