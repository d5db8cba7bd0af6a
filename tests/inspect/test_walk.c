/* `vmm-inspect walk`, `mem` and `disas` against the real monitor over hand-built
 * tables (scenarios.c): every step of both stages, the output or the fault and its
 * syndrome, and never a write to guest memory. Expected indexes, addresses and
 * syndromes are worked out from the Arm ARM rules named at each test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static uint64_t u(const struct json *obj, const char *key)
{
	uint64_t v = ~0ull;

	assert_non_null(json__get(obj, key));
	assert_true(json__u64(json__get(obj, key), &v));
	return v;
}

static const char *s(const struct json *obj, const char *key)
{
	const char *v = json__str(json__get(obj, key));

	assert_non_null(v);
	return v;
}

/* The fault object of a walk reply, checked for kind, level and the whole ESR. */
static void expect_fault(const char *args, const char *kind, unsigned level, uint64_t esr)
{
	struct json_doc d;
	const struct json *r = h_inspect_json(&d, "walk %s", args);
	const struct json *f = json__get(r, "fault");

	assert_non_null(f);
	assert_string_equal(s(f, "kind"), kind);
	assert_int_equal(u(f, "level"), level);
	assert_int_equal(u(f, "esr"), esr);
	json__free(&d);
}

/* AArch64.S1Walk, 4K granule, 48-bit: level n indexes VA[47-9n:39-9n];
 * VA 0x600123 -> indexes 0, 0, 3, 0; the level-3 entry at table + 3 * 8 (D8.3). */
static void walk_4k_shows_every_level(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "walk 0x600123"), 0);
	h_expect_lines(out,
		"walk 0x600123: read at EL1 on vCPU 0; stage 1 on, stage 2 off\n"
		" 1  S1       L0  0x600123           0x43000000      0  0x43000000   0x0000000043002003  table    -> 0x43002000\n"
		" 2  S1       L1  0x600123           0x43002000      0  0x43002000   0x0000000043003003  table    -> 0x43003000\n"
		" 3  S1       L2  0x600123           0x43003000      3  0x43003018   0x0000000043004003  table    -> 0x43004000\n"
		" 4  S1       L3  0x600123           0x43004000      0  0x43004000   0x0010000040400fc7  page     -> 0x40400000 AttrIndx=1 AP=11 SH=3 AF nG CONT\n"
		"result: PA 0x40400123 (IPA 0x40400123), 4K at level 3, EL1 r-x EL0 r-x, Normal-WB IS, nG\n");
	free(out);
	free(err);
}

/*
 * Syndromes (Arm ARM "ESR_EL1, Exception Syndrome Register (EL1)", ISS encoding for a Data Abort): EC 0x25 data abort at the
 * same EL, 0x24 from EL0; IL = 1 (bit 25); WnR bit 6; DFSC 0b0011LL permission,
 * 0b0010LL access flag, 0b0001LL translation, 0b0101LL external abort on a walk.
 */
static void walk_faults_give_the_architected_esr(void **state)
{
	(void)state;
	/* AP = 11 is read-only (Arm ARM "Memory access control", AP[2:1]) */
	expect_fault("0x600123 --write", "permission", 3, 0x96000000 | 0x40 | 0x0f);
	/* AF = 0 and TCR_EL1.HA = 0: Access flag fault (Arm ARM "The Access flag") */
	expect_fault("0x612000", "access flag", 3, 0x96000000 | 0x0b);
	/* AP = 00: no EL0 access; from EL0 the EC is 0x24 */
	expect_fault("0x613008 --el0", "permission", 3, 0x92000000 | 0x0f);
	/* APTable = 10 removes write permission below (Arm ARM "Hierarchical control of data access permissions") */
	expect_fault("0x40000010 --write", "permission", 2, 0x96000000 | 0x40 | 0x0e);
	/* PSTATE.PAN = 1: EL1 data access to EL0-accessible memory faults (FEAT_PAN, AArch64.S1ComputePermissions) */
	expect_fault("0x610000 --pan", "permission", 3, 0x96000000 | 0x0f);
	/* level-1 table at a PA with no memory: the level-2 read aborts */
	expect_fault("0x80000000", "synchronous external abort on table walk", 2,
		     0x96000000 | 0x16);
	/* VA[63:56] = 0x5a without TBI: outside both ranges, level 0 translation fault
	 * (Arm ARM "Address tagging"; AArch64.VAIsOutOfRange) */
	expect_fault("0x5a00000000600123", "translation", 0, 0x96000000 | 0x04);
}

/* TCR_EL1.TBI0 = 1: the top byte is ignored for TTBR0 addresses (Arm ARM "Address tagging"). */
static void walk_with_tbi_ignores_the_top_byte(void **state)
{
	struct json_doc d;
	const struct json *r;

	(void)state;
	hfake.regs[0].tcr_el1 |= TCR_TBI0;
	r = h_inspect_json(&d, "walk 0x5a00000000600123");
	hfake.regs[0].tcr_el1 &= ~TCR_TBI0;
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x40400123);
	json__free(&d);
}

/* With TCR_EL1.HA = 1 an access to an AF = 0 page succeeds and hardware sets AF
 * ("Hardware management of the Access flag", FEAT_HAFDBS); with DBM and HD a write to AP[2] = 1 succeeds and hardware
 * clears AP[2] ("Hardware management of the dirty state"). The inspector reports both and writes nothing. */
static void walk_reports_hardware_updates_but_writes_nothing(void **state)
{
	uint8_t *before = malloc(hfake.size);
	const struct json *r, *hw;
	struct json_doc d;
	uint64_t slot;

	(void)state;
	/* VA 0x616000: a writable-clean page (AP = 10, DBM), AF = 0 */
	slot = 0x430040b0;
	fake__w64(&hfake, slot, 0x40504000 | D_PAGE | D_IDX(1) | D_SH(3) | D_AP(2) | D_DBM |
		  D_PXN | D_UXN);
	hfake.regs[0].tcr_el1 |= TCR_HA | TCR_HD;
	memcpy(before, hfake.ram, hfake.size);
	r = h_inspect_json(&d, "walk 0x616010 --write");
	hw = json__get(r, "hw_update");
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x40504010);
	assert_string_equal(s(json__get(r, "result"), "el1"), "rw-");
	assert_non_null(hw);
	assert_int_equal(hw->u.kids.n, 2);
	assert_string_equal(json__str(hw->u.kids.first), "stage 1 AF");
	assert_string_equal(json__str(hw->u.kids.first->next), "stage 1 dirty (AP[2] cleared)");
	json__free(&d);
	r = h_inspect_json(&d, "walk 0x612000");
	assert_string_equal(json__str(json__get(r, "hw_update")->u.kids.first), "stage 1 AF");
	json__free(&d);
	assert_memory_equal(before, hfake.ram, hfake.size);
	/* pt marks it writable-clean */
	r = h_inspect_json(&d, "pt --ttbr0");
	hw = json__get(json__get(r, "trees")->u.kids.first, "ranges")->u.kids.first;
	while (hw && !json__get(hw, "clean")->u.b)
		hw = hw->next;
	assert_non_null(hw);
	assert_int_equal(u(hw, "ia"), 0x616000);
	json__free(&d);
	hfake.regs[0].tcr_el1 &= ~(TCR_HA | TCR_HD);
	fake__w64(&hfake, slot, 0x40504000 | 1);
	free(before);
}

/* TTBR1: VA[47:39] = 256 at level 0, a 1 GiB level-1 block (4K granule, D8.3). */
static void walk_ttbr1_block(void **state)
{
	struct json_doc d;
	const struct json *r, *st;

	(void)state;
	r = h_inspect_json(&d, "walk 0xffff800012345678 --fetch");
	st = json__get(r, "steps")->u.kids.first;
	assert_int_equal(u(st, "index"), 256);
	assert_int_equal(u(st, "desc_pa"), 0x43001000 + 256 * 8);
	assert_string_equal(s(st->next, "type"), "block");
	assert_null(st->next->next);
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x52345678);
	assert_int_equal(u(json__get(r, "result"), "size"), 1ull << 30);
	json__free(&d);
}

/* SCTLR_EL1.M = 0: no walk, VA = PA (AArch64.S1DisabledOutput). */
static void walk_with_the_mmu_off_is_flat(void **state)
{
	struct json_doc d;
	const struct json *r;

	(void)state;
	hfake.regs[0].sctlr_el1 &= ~SCTLR_M;
	r = h_inspect_json(&d, "walk 0x40001234");
	hfake.regs[0].sctlr_el1 |= SCTLR_M;
	assert_int_equal(json__get(r, "steps")->u.kids.n, 0);
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x40001234);
	json__free(&d);
}

/* mem by VA (through the tables, page by page) and by PA; a read stops at the first
 * page that faults (VA 0x616000 holds a reserved descriptor). */
static void mem_reads_by_va_and_pa(void **state)
{
	char *out, *err;

	(void)state;
	memcpy(hfake.ram + (0x40503ff8 - RAM_BASE), "vmm-mem!", 8);
	assert_int_equal(h_inspect(&out, &err, "mem 0x615ff8 16"), 0);
	h_expect_lines(out,
		"0000000000615ff8  76 6d 6d 2d 6d 65 6d 21                           |vmm-mem!|\n"
		"stopped at 0x616000: translation, stage 1, level 3 (ESR 0x96000007)\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "mem 0x40503ff8 8 --phys"), 0);
	h_expect_lines(out, "0000000040503ff8  76 6d 6d 2d 6d 65 6d 21                           |vmm-mem!|\n");
	free(out);
	free(err);
}

/* disas: the words at VA 0x600000 (PA 0x40400000), decoded by capstone; "=>" at PC. */
static void disas_decodes_at_pc(void **state)
{
	static const uint32_t code[] = { 0xd503201f, 0xd2800020, 0xd65f03c0 }; /* nop; movz x0, #1; ret */
	char *out, *err;

	(void)state;
	memcpy(hfake.ram + (0x40400000 - RAM_BASE), code, sizeof(code));
	hfake.regs[0].pc = 0x600004;
	assert_int_equal(h_inspect(&out, &err, "disas 0x600000 3"), 0);
	hfake.regs[0].pc = 0xffff800000001000ull;
	h_expect_lines(out,
		"   0x0000000000600000: d503201f  nop\n"
		"=> 0x0000000000600004: d2800020  movz x0, #0x1\n"
		"   0x0000000000600008: d65f03c0  ret\n");
	free(out);
	free(err);
}

/* disas --symbols: objdump-style "<func>:" lines where a function starts, and the
 * targets of B and B.cond named. The words are encoded by hand (Arm ARM C6.2: B
 * imm26 = +1 word -> 0x14000001; B.NE back 12 bytes, imm19 = -3 -> 0x54ffffa1) and match
 * disas-symbols.S, whose ELF gives only the symbols. */
static void disas_names_functions_and_targets(void **state)
{
	static const uint32_t code[] = { 0xd503201f, 0x14000001, 0xd2800020, 0x54ffffa1,
					 0xd65f03c0 };
	char *out, *err;

	(void)state;
	memcpy(hfake.ram + (0x40400000 - RAM_BASE), code, sizeof(code));
	hfake.regs[0].pc = 0x600008;
	assert_int_equal(h_inspect(&out, &err, "disas 0x600000 5 --symbols %s", DISAS_ELF), 0);
	hfake.regs[0].pc = 0xffff800000001000ull;
	h_expect_lines(out,
		"<first_fn>:\n"
		"   0x0000000000600000: d503201f  nop\n"
		"   0x0000000000600004: 14000001  b #0x600008 <second_fn>\n"
		"<second_fn>:\n"
		"=> 0x0000000000600008: d2800020  movz x0, #0x1\n"
		"   0x000000000060000c: 54ffffa1  b.ne #0x600000 <first_fn>\n"
		"   0x0000000000600010: d65f03c0  ret\n");
	free(out);
	free(err);
	/* starting inside a function names it with its offset */
	assert_int_equal(h_inspect(&out, &err, "disas 0x60000c 1 --symbols %s", DISAS_ELF), 0);
	h_expect_lines(out,
		"<second_fn+0x4>:\n"
		"   0x000000000060000c: 54ffffa1  b.ne #0x600000 <first_fn>\n");
	free(out);
	free(err);
}

/* --symbols with a file that is not an ELF: status 1 and the reason, nothing asked. */
static void disas_symbols_refuses_a_non_elf_file(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "disas --symbols %s", __FILE__), 1);
	assert_non_null(strstr(err, "--symbols "));
	assert_string_equal(out, "");
	free(out);
	free(err);
}

/* 16K granule, 39-bit VA (AArch64.S1Walk): level 1 indexes VA[38:36], level 2 VA[35:25],
 * level 3 VA[24:14]: VA 0x4004567 -> 0, 2, 1; 128 contiguous pages from PA
 * 0x40800000, so page 1 is 0x40804000. */
static void walk_16k(void **state)
{
	struct json_doc d;
	const struct json *r, *st;

	(void)state;
	fake__free(&hfake);
	scenario_16k(&hfake);
	r = h_inspect_json(&d, "walk 0x4004567");
	st = json__get(r, "steps")->u.kids.first;
	assert_int_equal(u(st, "level"), 1);
	assert_int_equal(u(st, "index"), 0);
	assert_int_equal(u(st->next, "index"), 2);
	assert_int_equal(u(st->next->next, "index"), 1);
	assert_int_equal(u(st->next->next, "size"), 16384);
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x40804567);
	json__free(&d);
	/* EPD1 = 1: a TTBR1 address faults at level 0 without a walk (AArch64.S1Translate) */
	expect_fault("0xffffffff00000000", "translation", 0, 0x96000004);
}

/* 64K granule, 42-bit VA: level 2 indexes VA[41:29], level 3 VA[28:16]:
 * VA 0x10012345 -> 0, 0x1001; page 1 of the 32 from PA 0x41000000. */
static void walk_64k(void **state)
{
	struct json_doc d;
	const struct json *r, *st;

	(void)state;
	fake__free(&hfake);
	scenario_64k(&hfake);
	r = h_inspect_json(&d, "walk 0x10012345");
	st = json__get(r, "steps")->u.kids.first;
	assert_int_equal(u(st, "level"), 2);
	assert_int_equal(u(st->next, "index"), 0x1001);
	assert_true(json__get(json__get(st->next, "fields"), "contig")->u.b);
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x41012345);
	assert_int_equal(u(json__get(r, "result"), "size"), 65536);
	json__free(&d);
}

/*
 * Two stages (AArch64.S1Walk over AArch64.S2Translate): each
 * stage-1 table address is an IPA that stage 2 translates first (S1PTW), then the
 * output IPA; stage 2 starts at level 1 (one read each). 4 x (1 + 1) + 1 = 9 reads.
 * IPA[39:30] = 1 indexes the concatenated level-1 tables: entry 1.
 */
static void walk_two_stages(void **state)
{
	struct json_doc d;
	const struct json *r, *st;
	unsigned i = 0;

	(void)state;
	fake__free(&hfake);
	scenario_two_stage(&hfake);
	r = h_inspect_json(&d, "walk 0x8040203456");
	for (st = json__get(r, "steps")->u.kids.first; st; st = st->next, i++) {
		assert_int_equal(u(st, "stage"), i % 2 == 0 ? 2 : 1);
		assert_int_equal(json__get(st, "s1ptw")->u.b, i % 2 == 0 && i < 8);
		if (i % 2 == 0)
			assert_int_equal(u(st, "desc_pa"), 0x43000008);
	}
	assert_int_equal(i, 9);
	assert_int_equal(u(json__get(r, "result"), "pa"), 0x40700456);
	json__free(&d);
	/* --stage2: the IPA through stage 2 alone, its 1 GiB block, Normal WB (MemAttr
	 * 1111, S2AttrDecode) */
	r = h_inspect_json(&d, "walk 0x40001234 --stage2");
	assert_int_equal(json__get(r, "steps")->u.kids.n, 1);
	assert_int_equal(u(json__get(r, "result"), "size"), 1ull << 30);
	assert_string_equal(s(json__get(r, "result"), "mem"), "Normal-WB");
	json__free(&d);
	/* an IPA outside stage 2's mapping: stage-2 translation fault, level 1, IPA
	 * reported (HPFAR_EL2.FIPA = IPA[47:12] at bits [43:4]) */
	r = h_inspect_json(&d, "walk 0x1000 --stage2");
	assert_string_equal(s(json__get(r, "fault"), "kind"), "translation");
	assert_int_equal(u(json__get(r, "fault"), "stage"), 2);
	assert_int_equal(u(json__get(r, "fault"), "hpfar"), 0x10);
	json__free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walk_4k_shows_every_level),
		cmocka_unit_test(walk_faults_give_the_architected_esr),
		cmocka_unit_test(walk_with_tbi_ignores_the_top_byte),
		cmocka_unit_test(walk_reports_hardware_updates_but_writes_nothing),
		cmocka_unit_test(walk_ttbr1_block),
		cmocka_unit_test(walk_with_the_mmu_off_is_flat),
		cmocka_unit_test(mem_reads_by_va_and_pa),
		cmocka_unit_test(disas_decodes_at_pc),
		cmocka_unit_test(disas_names_functions_and_targets),
		cmocka_unit_test(disas_symbols_refuses_a_non_elf_file),
		cmocka_unit_test(walk_16k),
		cmocka_unit_test(walk_64k),
		cmocka_unit_test(walk_two_stages),
	};
	return cmocka_run_group_tests_name("vmm-inspect walk, mem, disas", tests, h_setup_4k,
					   h_teardown);
}
