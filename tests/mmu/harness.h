/* SPDX-License-Identifier: MIT */
/*
 * Test harness for mmu/: a flat fake physical memory (32 MiB at PA 0) with the
 * callbacks, and descriptor spellings written from the Arm ARM's bit layouts
 * ("VMSAv8-64 translation table format descriptors", "Memory attribute fields in the
 * VMSAv8-64 translation table format descriptors"; the TCR_EL1, VTCR_EL2 and MAIR_EL1
 * field descriptions), independent of the library's code.
 */
#ifndef TESTS_MMU_HARNESS_H
#define TESTS_MMU_HARNESS_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <cmocka.h>

#include "mmu/mmu.h"

#define TMEM_SIZE (32u << 20)

struct tmem {
	uint8_t *buf;
	unsigned reads, cas;
	uint64_t fail_pa;     /* a read of this PA fails (external abort); 0: none */
};

extern const struct mmu_mem_ops tmem_ops;
extern const struct mmu_mem_ops tmem_ops_nocas;

struct tmem *tmem_new(void);
void tmem_free(struct tmem *m);
void w64(struct tmem *m, uint64_t pa, uint64_t v);
uint64_t r64(struct tmem *m, uint64_t pa);

/* Descriptor bits, spelled from the manual. */
#define D_VALID   (1ull << 0)
#define D_TABLE   (3ull)               /* bits[1:0] = 0b11: table (L0-2) or page (L3) */
#define D_BLOCK   (1ull)               /* bits[1:0] = 0b01 */
#define D_IDX(i)  ((uint64_t)(i) << 2) /* AttrIndx[4:2] */
#define D_AP(ap)  ((uint64_t)(ap) << 6)/* AP[2:1] at [7:6] */
#define D_SH(sh)  ((uint64_t)(sh) << 8)
#define D_AF      (1ull << 10)
#define D_NG      (1ull << 11)
#define D_DBM     (1ull << 51)
#define D_CONT    (1ull << 52)
#define D_PXN     (1ull << 53)
#define D_UXN     (1ull << 54)
#define D_APT(x)  ((uint64_t)(x) << 61)/* APTable[62:61] */
#define D_UXNT    (1ull << 60)
#define D_PXNT    (1ull << 59)
/* Stage 2 */
#define S2_MEMATTR(x) ((uint64_t)(x) << 2)
#define S2_AP(x)  ((uint64_t)(x) << 6)  /* S2AP[7:6]: 01 read, 10 write, 11 both */
#define S2_XN     (1ull << 54)

/* Normal page with AF, Inner Shareable, AttrIndx 1 (MAIR 0xff), EL1 RW. */
#define PAGE(pa)  ((uint64_t)(pa) | D_TABLE | D_AF | D_SH(3) | D_IDX(1))
#define BLOCK(pa) ((uint64_t)(pa) | D_BLOCK | D_AF | D_SH(3) | D_IDX(1))
#define TABLE(pa) ((uint64_t)(pa) | D_TABLE)
/* Stage-2 RW Normal WB page/block */
#define S2PAGE(pa)  ((uint64_t)(pa) | D_TABLE | D_AF | D_SH(3) | S2_MEMATTR(0xf) | S2_AP(3))
#define S2BLOCK(pa) ((uint64_t)(pa) | D_BLOCK | D_AF | D_SH(3) | S2_MEMATTR(0xf) | S2_AP(3))

/* TCR_EL1 pieces */
#define TCR_T0SZ(x) ((uint64_t)(x))
#define TCR_T1SZ(x) ((uint64_t)(x) << 16)
#define TCR_TG0_4K  (0ull << 14)
#define TCR_TG0_64K (1ull << 14)
#define TCR_TG0_16K (2ull << 14)
#define TCR_TG1_16K (1ull << 30)
#define TCR_TG1_4K  (2ull << 30)
#define TCR_TG1_64K (3ull << 30)
#define TCR_IPS(x)  ((uint64_t)(x) << 32)   /* 5: 48 bits, 2: 40 bits */
/* 4K granule, 48-bit VAs in both halves, 48-bit IPS */
#define TCR_4K48 (TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG0_4K | TCR_TG1_4K | TCR_IPS(5))

/* MAIR: 0 Device-nGnRnE, 1 Normal WB RW-alloc, 2 Normal NC, 3 Device-nGnRE,
 * 4 Normal WT (RA) */
#define MAIR_TEST 0x000000aa0444ff00ull

#define SCTLR_ON (MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_I)

/* VTCR: 4K granule, T0SZ 24 (40-bit IPA), SL0 = 1 (start level 1, 2 concatenated
 * tables), PS 40 bits */
#define VTCR_4K40 (24ull | 1ull << 6 | 0ull << 14 | 2ull << 16)

/*
 * The two-stage fixture of test_s2.c, test_at.c and test_dump.c, tables by hand:
 *   stage 2 (VTCR_4K40: 40-bit IPA, start level 1 with 2 concatenated tables at
 *   VTTBR S2BASE, IPA[39:30] indexes 1024 entries):
 *     L1[0] -> L2 table S2L2; S2L2[0]: 2 MiB block IPA 0 -> PA 0x800000 (IPA2PA)
 *     L1[1]: 1 GiB block IPA 0x40000000 -> PA 0x100000000
 *   stage 1 (4K, 48-bit, TTBR0 = IPA 0x10000 = PA 0x810000): VA4 -> the leaf, through
 *     L0[1] -> IPA 0x11000, L1[1] -> 0x12000, L2[1] -> 0x13000, L3[3] at PA S1LEAF
 */
#define VA4 0x8040203456ull /* VA[47:39] = 1, VA[38:30] = 1, VA[29:21] = 1, VA[20:12] = 3 */
#define S2BASE 0x400000ull
#define S2L2 0x403000ull
#define IPA2PA(ipa) ((ipa) + 0x800000ull)  /* IPAs below 2 MiB */
#define S1LEAF (IPA2PA(0x13000) + 3 * 8)   /* VA4's level-3 descriptor */

/* The stage-2 tables of the fixture, nothing else. */
void th_s2_tables(struct tmem *m);
/* The whole fixture: a context over m (SCTLR_ON, TCR_4K48, TTBR0 = IPA 0x10000,
 * stage 2 on with VTCR_4K40, VTTBR = S2BASE and vmid), both stages' tables, and leaf
 * as VA4's level-3 descriptor. */
void th_two_stage(struct mmu_ctx *ctx, struct tmem *m, uint16_t vmid, uint64_t leaf);

/* A ready context over m with these registers (pa_bits 48). */
void th_ctx(struct mmu_ctx *ctx, struct tmem *m, uint64_t sctlr, uint64_t tcr,
	    uint64_t ttbr0, uint64_t ttbr1);
void th_stage2(struct mmu_ctx *ctx, uint64_t vtcr, uint64_t vttbr);
void th_set(struct mmu_ctx *ctx, uint64_t sctlr, uint64_t tcr, uint64_t ttbr0,
	    uint64_t ttbr1, uint64_t hcr, uint64_t vtcr, uint64_t vttbr);

/* Translate and expect success / a fault. */
uint64_t ok_pa(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags);
void expect_fault(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
		  enum mmu_fault_kind kind, int stage, int level);

#endif

/* A 4K-granule 4-level map builder (index of level L = IA[47-9L:39-9L], per the
 * manual): maps one 4 KiB page ia -> leaf (a complete page descriptor), allocating
 * tables from *next (4 KiB each, zeroed). Returns nothing; asserts on misuse. */
void tb_map4k(struct tmem *m, uint64_t root, uint64_t *next, uint64_t ia, uint64_t leaf);
