/* Page-table layouts built by hand for the monitor's tests (scenarios.h). Every
 * descriptor is spelled from the Arm ARM's formats (D8.3 "Translation table
 * descriptor formats"), every index computed by fake__map (AArch64.S1Walk,
 * AArch64.S1StartLevel). */
#include <stdlib.h>
#include <string.h>

#include "descs.h"
#include "scenarios.h"

static void regs(struct fake *f, uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1)
{
	struct vcpu_regs *r = &f->regs[0];

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 31; i++)
		r->x[i] = 0x1000ull * i;
	r->pc = 0xffff800000001000ull;
	r->sp_el1 = 0xffff800000100000ull;
	r->pstate = PSTATE_EL1H;
	r->sctlr_el1 = SCTLR_M | SCTLR_C | SCTLR_I;
	r->tcr_el1 = tcr;
	r->ttbr0_el1 = ttbr0;
	r->ttbr1_el1 = ttbr1;
	r->mair_el1 = MAIR_STD;
	r->pa_bits = 48;
}

/*
 * TTBR0 (ASID 5):
 *   VA 0x400000   L2 block 2M -> PA 0x40200000, Normal WB, AP=00, UXN: EL1 rwx EL0 ---
 *   VA 0x600000   16 L3 pages, Contiguous, nG, AP=11 -> PA 0x40400000: EL1 r-x EL0 r-x
 *   VA 0x610000   2 pages, nG, AP=01, PXN UXN -> PA 0x40500000: EL1 rw- EL0 rw-
 *   VA 0x612000   1 page as above without AF -> PA 0x40502000
 *   VA 0x613000   1 page Device-nGnRnE (AttrIndx 0), AP=00, PXN UXN -> PA 0x09000000
 *   VA 0x615000   1 page as 0x610000 -> PA 0x40503000 (after a hole)
 *   VA 0x616000   a reserved level-3 descriptor (bits[1:0] = 01)
 *   VA 0x40000000 L2 block 2M -> PA 0x40600000, AP=00, under an L1 table descriptor
 *                 with APTable=10 and PXNTable: EL1 r-- EL0 --x
 *   VA 0x80000000 L1 table descriptor -> PA 0x10000000000 (no memory: unreadable)
 * TTBR1:
 *   VA 0xffff800000000000 L1 block 1G -> PA 0x40000000, AP=00, UXN: EL1 rwx EL0 ---
 *   VA 0xffff800040000000 L1 block 1G -> PA 0x80000000, same attributes
 */
void scenario_4k(struct fake *f)
{
	const uint64_t nrm = D_IDX(1) | D_SH(3), tcr = TCR_T0SZ(16) | TCR_T1SZ(16) |
		TCR_TG0_4K | TCR_TG1_4K | TCR_IPS48;
	struct fake_tree t0, t1;

	fake__init(f, RAM_BASE, RAM_SIZE, TABLES_AT);
	fake__tree(f, &t0, 12, 48);
	fake__tree(f, &t1, 12, 48);
	fake__map(f, &t0, 0x400000, 2, 0x40200000 | D_BLOCK | nrm | D_AF | D_UXN);
	for (uint64_t i = 0; i < 16; i++)
		fake__map(f, &t0, 0x600000 + i * 0x1000, 3, (0x40400000 + i * 0x1000) | D_PAGE |
			  nrm | D_AP(3) | D_AF | D_NG | D_CONT);
	for (uint64_t i = 0; i < 2; i++)
		fake__map(f, &t0, 0x610000 + i * 0x1000, 3, (0x40500000 + i * 0x1000) | D_PAGE |
			  nrm | D_AP(1) | D_AF | D_NG | D_PXN | D_UXN);
	fake__map(f, &t0, 0x612000, 3, 0x40502000 | D_PAGE | nrm | D_AP(1) | D_NG | D_PXN | D_UXN);
	fake__map(f, &t0, 0x613000, 3, 0x09000000 | D_PAGE | D_IDX(0) | D_AF | D_PXN | D_UXN);
	fake__map(f, &t0, 0x615000, 3, 0x40503000 | D_PAGE | nrm | D_AP(1) | D_AF | D_NG |
		  D_PXN | D_UXN);
	fake__map(f, &t0, 0x616000, 3, 0x40504000 | 1);
	t0.table_flags = D_APTABLE(2) | D_PXNTABLE;
	fake__map(f, &t0, 0x40000000, 2, 0x40600000 | D_BLOCK | nrm | D_AF);
	t0.table_flags = 0;
	fake__map(f, &t0, 0x80000000, 1, 0x10000000000ull | D_TABLE);
	fake__map(f, &t1, 0xffff800000000000ull, 1, 0x40000000 | D_BLOCK | nrm | D_AF | D_UXN);
	fake__map(f, &t1, 0xffff800040000000ull, 1, 0x80000000 | D_BLOCK | nrm | D_AF | D_UXN);
	regs(f, tcr, t0.root | 5ull << 48, t1.root);
}

/*
 * 16K granule, T0SZ = 25 (39-bit VA): start level 3 - (38 - 14) / 11 = 1; a level-2
 * entry maps 2^25 = 32 MiB, a level-3 one 16 KiB; Contiguous groups 128 level-3
 * entries (2 MiB) (Arm ARM "The Contiguous bit").
 *   VA 0x2000000  L2 block 32M -> PA 0x42000000, EL1 rw- (PXN, AP=00) EL0 ---
 *   VA 0x4000000  128 L3 pages, Contiguous -> PA 0x40800000.., AP=01, UXN PXN
 */
void scenario_16k(struct fake *f)
{
	const uint64_t nrm = D_IDX(1) | D_SH(3);
	struct fake_tree t0;

	fake__init(f, RAM_BASE, RAM_SIZE, TABLES_AT);
	fake__tree(f, &t0, 14, 39);
	fake__map(f, &t0, 0x2000000, 2, 0x42000000 | D_BLOCK | nrm | D_AF | D_PXN | D_UXN);
	for (uint64_t i = 0; i < 128; i++)
		fake__map(f, &t0, 0x4000000 + i * 0x4000, 3, (0x40800000 + i * 0x4000) | D_PAGE |
			  nrm | D_AP(1) | D_AF | D_CONT | D_PXN | D_UXN);
	regs(f, TCR_T0SZ(25) | TCR_TG0_16K | TCR_EPD1 | TCR_IPS48, t0.root, 0);
}

/*
 * 64K granule, T0SZ = 22 (42-bit VA): start level 3 - (41 - 16) / 13 = 2; a level-2
 * entry maps 2^29 = 512 MiB, a level-3 one 64 KiB; Contiguous groups 32 level-3
 * entries (2 MiB).
 *   VA 0x20000000 L2 block 512M -> PA 0x40000000, EL1 rw- EL0 ---
 *   VA 0x10000000 32 L3 pages, Contiguous -> PA 0x41000000.., AP=11: EL1 r-x EL0 r-x
 */
void scenario_64k(struct fake *f)
{
	const uint64_t nrm = D_IDX(1) | D_SH(3);
	struct fake_tree t0;

	fake__init(f, RAM_BASE, RAM_SIZE, TABLES_AT);
	fake__tree(f, &t0, 16, 42);
	fake__map(f, &t0, 0x20000000, 2, 0x40000000 | D_BLOCK | nrm | D_AF | D_PXN | D_UXN);
	for (uint64_t i = 0; i < 32; i++)
		fake__map(f, &t0, 0x10000000 + i * 0x10000, 3, (0x41000000 + i * 0x10000) |
			  D_PAGE | nrm | D_AP(3) | D_AF | D_CONT);
	regs(f, TCR_T0SZ(22) | TCR_TG0_64K | TCR_EPD1 | TCR_IPS48, t0.root, 0);
}

/*
 * Stage 2 (VTCR_EL2: T0SZ = 24 -> 40-bit IPA, SL0 = 1 -> start level 1, TG0 = 4K,
 * PS = 40 bits): 2^(40-30) = 1024 level-1 entries, two concatenated 4 KiB tables
 * (Arm ARM "Concatenated translation tables"). VMID 1.
 *   IPA 0x40000000 L1 block 1G -> PA 0x40000000 (identity over RAM), Normal WB
 *   (MemAttr 1111), S2AP 11, AF
 * Stage 1 (4K, 48-bit, tables at IPAs = PAs):
 *   VA 0x8040203000 L3 page -> IPA 0x40700000, AP=00 (EL1 rw), PXN UXN
 */
void scenario_two_stage(struct fake *f)
{
	const uint64_t vtcr = 24 | 1ull << 6 | 0ull << 14 | 2ull << 16;
	struct fake_tree t0, s2 = { .gshift = 12, .ia_bits = 40, .start = 1 };

	fake__init(f, RAM_BASE, RAM_SIZE, TABLES_AT);
	s2.root = fake__table(f, 8192);
	fake__tree(f, &t0, 12, 48);
	fake__map(f, &s2, 0x40000000, 1, 0x40000000 | D_BLOCK | S2_MEMATTR(0xf) | S2_AP(3) |
		  D_SH(3) | D_AF);
	fake__map(f, &t0, 0x8040203000ull, 3, 0x40700000 | D_PAGE | D_IDX(1) | D_SH(3) | D_AF |
		  D_PXN | D_UXN);
	regs(f, TCR_T0SZ(16) | TCR_TG0_4K | TCR_EPD1 | TCR_IPS48, t0.root, 0);
	f->regs[0].hcr_el2 = 1;
	f->regs[0].vtcr_el2 = vtcr;
	f->regs[0].vttbr_el2 = s2.root | 1ull << 48;
}

void scenario_bench(struct fake *f, uint64_t pages, bool alternate)
{
	const uint64_t nrm = D_PAGE | D_IDX(1) | D_SH(3) | D_AF | D_PXN | D_UXN;
	uint64_t tables = (pages / 512 + 8) * 4096;
	struct fake_tree t0;

	/* the pages map PA 0 upward (never read); only the tables need memory */
	fake__init(f, RAM_BASE, tables + 65536, 0);
	fake__tree(f, &t0, 12, 48);
	for (uint64_t i = 0; i < pages; i++)
		fake__map(f, &t0, 0x10000000 + i * 4096, 3, (i * 4096) | nrm |
			  (alternate && (i & 1) ? D_AP(2) : 0));
	regs(f, TCR_T0SZ(16) | TCR_TG0_4K | TCR_EPD1 | TCR_IPS48, t0.root, 0);
}
