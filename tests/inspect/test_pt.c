/* `vmm-inspect pt` against the real monitor over hand-built tables (scenarios.c):
 * ranges, sizes, permissions per EL, memory types, block/contiguous marks, for the
 * 4K, 16K and 64K granules and stage 2; text and JSON. Expected values are worked
 * out from the Arm ARM rules named at each test, not from the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "scenarios.h"

/*
 * D8.3 "Translation table descriptor formats"; Arm ARM "Memory access control" (AP[2:1]:
 * 00 EL1 RW, 01 RW both, 11 RO both; PXN/UXN; EL1 never executes what EL0 may write,
 * AArch64.S1ComputePermissions), "Hierarchical control of data access permissions"
 * (APTable, PXNTable); memory attributes through MAIR_EL1 (Attr1 = 0xff
 * Normal WB, Attr0 = Device-nGnRnE, which is Outer Shareable whatever SH says),
 * "The Contiguous bit". Ranges join entries with equal attributes whose VAs and
 * PAs both follow on (Linux ptdump's note_page, plus the PA).
 */
static void pt_4k_text_shows_ranges_permissions_and_types(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "pt"), 0);
	h_expect_lines(out,
		"---[ TTBR0_EL1 base 0x43000000, 4K granule, 48-bit VA (T0SZ=16), start level 0, ASID 5 ]---\n"
		/* L2 block: 2 MiB; AP=00: EL1 RW, EL0 nothing; UXN only: EL1 may execute */
		"0x0000000000400000-0x0000000000600000        2M L2 BLK -> 0x0000000040200000  EL1 rwx EL0 ---    AF            IS Normal-WB\n"
		/* 16 contiguous pages, AP=11 read-only at both ELs, executable at both */
		"0x0000000000600000-0x0000000000610000       64K L3 PG  -> 0x0000000040400000  EL1 r-x EL0 r-x nG AF CONT       IS Normal-WB\n"
		/* AP=01: RW at both ELs; PXN and UXN */
		"0x0000000000610000-0x0000000000612000        8K L3 PG  -> 0x0000000040500000  EL1 rw- EL0 rw- nG AF            IS Normal-WB\n"
		/* the same attributes but AF = 0: its own range */
		"0x0000000000612000-0x0000000000613000        4K L3 PG  -> 0x0000000040502000  EL1 rw- EL0 rw- nG               IS Normal-WB\n"
		/* Device memory: Outer Shareable */
		"0x0000000000613000-0x0000000000614000        4K L3 PG  -> 0x0000000009000000  EL1 rw- EL0 ---    AF            OS Device-nGnRnE\n"
		"0x0000000000615000-0x0000000000616000        4K L3 PG  -> 0x0000000040503000  EL1 rw- EL0 rw- nG AF            IS Normal-WB\n"
		/* bits[1:0] = 01 at level 3 is reserved (D8.3; AArch64.DecodeDescriptorType) */
		"0x0000000000616000-0x0000000000617000        4K L3 RESERVED descriptor 0x0000000040504001 @0x430040b0\n"
		/* AP=00 under APTable=10 (no writes) and PXNTable: EL1 read only; UXN = 0
		 * leaves EL0 execute */
		"0x0000000040000000-0x0000000040200000        2M L2 BLK -> 0x0000000040600000  EL1 r-- EL0 --x    AF            IS Normal-WB\n"
		"0x0000000080000000-0x00000000c0000000        1G L1 TABLE -> 0x10000000000  (cannot be read)\n"
		"(23 leaf entries in 7 ranges)\n"
		/* two 1 GiB blocks with consecutive PAs make one 2 GiB range */
		"---[ TTBR1_EL1 base 0x43001000, 4K granule, 48-bit VA (T1SZ=16), start level 0, ASID 5 ]---\n"
		"0xffff800000000000-0xffff800080000000        2G L1 BLK -> 0x0000000040000000  EL1 rwx EL0 ---    AF            IS Normal-WB\n"
		"(2 leaf entries in 1 ranges)\n");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

/* The same dump as JSON: every field of a range (docs/monitor.md "pt"). */
static void pt_4k_json_fields(void **state)
{
	struct json_doc d;
	const struct json *r = h_inspect_json(&d, "pt --ttbr0");
	const struct json *t = json__get(r, "trees")->u.kids.first;
	const struct json *g = json__get(t, "ranges")->u.kids.first->next; /* the 64K range */
	uint64_t v;

	(void)state;
	assert_string_equal(json__str(json__get(t, "name")), "ttbr0");
	assert_null(t->next);
	assert_true(json__u64(json__get(g, "ia"), &v) && v == 0x600000);
	assert_true(json__u64(json__get(g, "end"), &v) && v == 0x610000);
	assert_true(json__u64(json__get(g, "size"), &v) && v == 0x10000);
	assert_true(json__u64(json__get(g, "oa"), &v) && v == 0x40400000);
	assert_true(json__u64(json__get(g, "n"), &v) && v == 16);
	assert_true(json__u64(json__get(g, "level"), &v) && v == 3);
	assert_true(json__u64(json__get(g, "attr"), &v) && v == 0xff);
	assert_string_equal(json__str(json__get(g, "type")), "page");
	assert_string_equal(json__str(json__get(g, "el1")), "r-x");
	assert_string_equal(json__str(json__get(g, "el0")), "r-x");
	assert_string_equal(json__str(json__get(g, "mem")), "Normal-WB");
	assert_true(json__get(g, "contig")->u.b && json__get(g, "ng")->u.b);
	assert_true(json__u64(json__get(t, "leaves"), &v) && v == 23);
	json__free(&d);
}

/* --table ADDR: another tree read with TTBR0's TCR fields (TTBR1's tables, so the
 * VAs are TTBR0's: VA[47:39] = 256 is 0x800000000000); --asid names its ASID. */
static void pt_table_and_asid_options(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "pt --table 0x43001000 --asid 9"), 0);
	h_expect_lines(out,
		"---[ TTBR0_EL1 base 0x43001000, 4K granule, 48-bit VA (T0SZ=16), start level 0, ASID 9 ]---\n"
		"0x0000800000000000-0x0000800080000000        2G L1 BLK -> 0x0000000040000000  EL1 rwx EL0 ---    AF            IS Normal-WB\n");
	assert_null(strstr(out, "TTBR1_EL1"));
	free(out);
	free(err);
}

/* --dot: a Graphviz digraph, one record per table, an edge per table descriptor. */
static void pt_dot_draws_the_tree(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "pt --ttbr0 --dot"), 0);
	h_expect_lines(out,
		"digraph pt {\n"
		"  root0 -> t43000000;\n"
		"  t43000000:i0 -> t43002000;\n"
		"  t43002000:i0 -> t43003000;\n"
		"  t43003000:i3 -> t43004000;\n"
		"  t43002000:i1 -> t43005000;\n"
		"  t43000000 [label=\"{L0 table 0x43000000|<i0>[0] table}\"];\n"
		"  t43005000 [label=\"{L2 table 0x43005000|[0+1] 2M block -\\> 0x40600000 r--/--x Normal-WB}\"];\n"
		"}\n");
	{ /* Graphviz accepts it (tools/setup installs graphviz) */
		FILE *p = popen("dot -Tsvg -o /dev/null", "w");

		assert_non_null(p);
		fputs(out, p);
		assert_int_equal(pclose(p), 0);
	}
	free(out);
	free(err);
	/* --svg: the same drawing rendered by dot: an SVG document with the tables */
	assert_int_equal(h_inspect(&out, &err, "pt --ttbr0 --svg"), 0);
	assert_non_null(strstr(out, "<svg"));
	assert_non_null(strstr(out, "</svg>"));
	assert_non_null(strstr(out, "L2 table 0x43005000"));
	assert_non_null(strstr(out, "L0 table 0x43000000"));
	free(out);
	free(err);
}

/* SCTLR_EL1.M = 0: the tables are shown, with a note that they are not in use. */
static void pt_with_the_mmu_off_says_so(void **state)
{
	char *out, *err;

	(void)state;
	hfake.regs[0].sctlr_el1 &= ~SCTLR_M;
	assert_int_equal(h_inspect(&out, &err, "pt --ttbr1"), 0);
	hfake.regs[0].sctlr_el1 |= SCTLR_M;
	h_expect_lines(out, "note: SCTLR_EL1.M = 0: stage 1 is off, these tables are not in use\n");
	free(out);
	free(err);
}

/*
 * 16K granule, T0SZ = 25: AArch64.S1StartLevel gives 3 - (39 - 1 - 14) / 11 = 1; a level-2
 * block maps 2^(14 + 11) = 32 MiB; 128 contiguous level-3 entries ("The Contiguous bit", 16K) are
 * 2 MiB; TCR_EL1.EPD1 = 1 disables TTBR1 walks.
 */
static void pt_16k_granule(void **state)
{
	char *out, *err;

	(void)state;
	fake__free(&hfake);
	scenario_16k(&hfake);
	assert_int_equal(h_inspect(&out, &err, "pt"), 0);
	h_expect_lines(out,
		"---[ TTBR0_EL1 base 0x43000000, 16K granule, 39-bit VA (T0SZ=25), start level 1, ASID 0 ]---\n"
		"0x0000000002000000-0x0000000004000000       32M L2 BLK -> 0x0000000042000000  EL1 rw- EL0 ---    AF            IS Normal-WB\n"
		"0x0000000004000000-0x0000000004200000        2M L3 PG  -> 0x0000000040800000  EL1 rw- EL0 rw-    AF CONT       IS Normal-WB\n"
		"(129 leaf entries in 2 ranges)\n"
		"---[ TTBR1_EL1 walks disabled (TCR_EL1.EPD1 = 1) ]---\n");
	free(out);
	free(err);
}

/*
 * 64K granule, T0SZ = 22: start level 3 - (42 - 1 - 16) / 13 = 2; a level-2 block
 * maps 2^(16 + 13) = 512 MiB; 32 contiguous 64K pages are 2 MiB ("The Contiguous bit", 64K).
 */
static void pt_64k_granule(void **state)
{
	char *out, *err;

	(void)state;
	fake__free(&hfake);
	scenario_64k(&hfake);
	assert_int_equal(h_inspect(&out, &err, "pt --ttbr0"), 0);
	h_expect_lines(out,
		"---[ TTBR0_EL1 base 0x43000000, 64K granule, 42-bit VA (T0SZ=22), start level 2, ASID 0 ]---\n"
		"0x0000000010000000-0x0000000010200000        2M L3 PG  -> 0x0000000041000000  EL1 r-x EL0 r-x    AF CONT       IS Normal-WB\n"
		"0x0000000020000000-0x0000000040000000      512M L2 BLK -> 0x0000000040000000  EL1 rw- EL0 ---    AF            IS Normal-WB\n"
		"(33 leaf entries in 2 ranges)\n");
	free(out);
	free(err);
}

/*
 * Stage 2 (--stage2): VTCR_EL2 T0SZ = 24, SL0 = 1 with 4K: start level 1, 2^(40-30)
 * = 1024 entries in two concatenated tables (Arm ARM "Concatenated translation tables", AArch64.S2StartLevel); S2AP = 11 read/write, XN = 0:
 * both ELs may execute; MemAttr 1111 Normal WB. Stage 1 tables sit at IPAs.
 */
static void pt_stage2_and_stage1_through_it(void **state)
{
	char *out, *err;

	(void)state;
	fake__free(&hfake);
	scenario_two_stage(&hfake);
	assert_int_equal(h_inspect(&out, &err, "pt --stage2"), 0);
	h_expect_lines(out,
		"---[ stage 2 (VTTBR_EL2) base 0x43000000, 4K granule, 40-bit IPA (T0SZ=24), start level 1 (2 concatenated), VMID 1 ]---\n"
		"0x0000000040000000-0x0000000080000000        1G L1 BLK -> 0x0000000040000000  EL1 rwx EL0 rwx    AF            IS Normal-WB\n"
		"(1 leaf entries in 1 ranges)\n");
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "pt --ttbr0"), 0);
	h_expect_lines(out,
		"0x0000008040203000-0x0000008040204000        4K L3 PG  -> 0x0000000040700000  EL1 rw- EL0 ---    AF            IS Normal-WB\n");
	free(out);
	free(err);
}

/* pt --stage2 on an engine whose stage 2 cannot be read (KVM: HCR_EL2 reads 0) but
 * which lists the map it gives the host kernel (phys_map): one line per range, in
 * address order, memslots with their host address and flags, the rest unmapped. */
static void pt_stage2_on_kvm_lists_the_vmm_map(void **state)
{
	char *out, *err;
	struct json_doc doc;
	const struct json *r, *t;
	uint64_t v;

	(void)state;
	h_stop();
	fake__free(&hfake);
	scenario_4k(&hfake); /* HCR_EL2 = 0 */
	h_start(&fake_kvm_ops);
	assert_int_equal(h_inspect(&out, &err, "pt --stage2"), 0);
	h_expect_lines(out,
		"---[ stage 2: the host kernel's (KVM); the VMM's map it is built from ]---\n"
		"0x0000000008000000-0x0000000008010000       64K KERNEL  gicv3-distributor (KVM vGIC): unmapped, emulated in the host kernel\n"
		"0x0000000009000000-0x0000000009001000        4K MMIO    pl011: unmapped, exit to the VMM\n"
		"0x0000000040000000-0x0000000050000000      256M MEMSLOT 0 -> host 0x00007f1234560000  rwx DIRTY-LOG\n"
		"(3 ranges)\n");
	free(out);
	free(err);
	r = h_inspect_json(&doc, "pt --stage2");
	t = json__get(r, "trees")->u.kids.first;
	assert_string_equal(json__str(json__get(t, "source")), "vmm-map");
	t = json__get(t, "ranges")->u.kids.first->next->next;
	assert_string_equal(json__str(json__get(t, "type")), "memslot");
	assert_true(json__u64(json__get(t, "oa"), &v) && v == 0x7f1234560000ull);
	assert_true(json__get(t, "dirty_log")->u.b && !json__get(t, "readonly")->u.b);
	json__free(&doc);
	/* without phys_map (fake_ops): the note alone, as before */
	h_stop();
	h_start(&fake_ops);
	assert_int_equal(h_inspect(&out, &err, "pt --stage2"), 0);
	assert_null(strstr(out, "MEMSLOT"));
	free(out);
	free(err);
}

/* Bad options and arguments: usage (2) from the client, InvalidArgument (1) from the
 * server, and the monitor keeps serving. */
static void pt_bad_arguments(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(h_inspect(&out, &err, "pt --table nope"), 2);
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "--cpu 7 pt"), 1);
	assert_non_null(strstr(err, "InvalidArgument: no vCPU 7 (the VM has 1)"));
	free(out);
	free(err);
	assert_int_equal(h_inspect(&out, &err, "status"), 0);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pt_4k_text_shows_ranges_permissions_and_types),
		cmocka_unit_test(pt_4k_json_fields),
		cmocka_unit_test(pt_table_and_asid_options),
		cmocka_unit_test(pt_dot_draws_the_tree),
		cmocka_unit_test(pt_with_the_mmu_off_says_so),
		cmocka_unit_test(pt_bad_arguments),
		cmocka_unit_test(pt_16k_granule),
		cmocka_unit_test(pt_64k_granule),
		cmocka_unit_test(pt_stage2_and_stage1_through_it),
		cmocka_unit_test(pt_stage2_on_kvm_lists_the_vmm_map),
	};
	return cmocka_run_group_tests_name("vmm-inspect pt", tests, h_setup_4k, h_teardown);
}
