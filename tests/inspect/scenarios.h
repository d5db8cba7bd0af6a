/* The page-table layouts the tests and the benchmark build in the fake target, each
 * described next to its builder (scenarios.c) with the translations it must give. */
#ifndef TESTS_INSPECT_SCENARIOS_H
#define TESTS_INSPECT_SCENARIOS_H

#include "fake_target.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (64ull << 20)
#define TABLES_AT (48ull << 20)     /* tables from RAM_BASE + 48 MiB */

/* TCR_EL1 fields (Arm ARM "TCR_EL1, Translation Control Register (EL1)"): T0SZ[5:0],
 * EPD0[7], TG0[15:14] (00 4K, 01 64K, 10 16K), T1SZ[21:16], EPD1[23], TG1[31:30]
 * (01 16K, 10 4K, 11 64K), IPS[34:32], TBI0[37], TBI1[38], HA[39], HD[40] */
#define TCR_T0SZ(x) ((uint64_t)(x))
#define TCR_T1SZ(x) ((uint64_t)(x) << 16)
#define TCR_EPD0 (1ull << 7)
#define TCR_EPD1 (1ull << 23)
#define TCR_TG0_4K (0ull << 14)
#define TCR_TG0_64K (1ull << 14)
#define TCR_TG0_16K (2ull << 14)
#define TCR_TG1_4K (2ull << 30)
#define TCR_IPS48 (5ull << 32)
#define TCR_TBI0 (1ull << 37)
#define TCR_HA (1ull << 39)
#define TCR_HD (1ull << 40)
#define PSTATE_EL1H 0x3c5ull        /* DAIF masked, M = EL1h */
#define PSTATE_EL0T 0x000ull

/* 4K granule, 48-bit VA in both halves (scenarios.c lists every mapping). */
void scenario_4k(struct fake *f);
/* 16K granule TTBR0, 39-bit VA: start level 1; a 32 MiB level-2 block and 128
 * contiguous 16K pages. */
void scenario_16k(struct fake *f);
/* 64K granule TTBR0, 42-bit VA: start level 2; a 512 MiB level-2 block and 32
 * contiguous 64K pages. */
void scenario_64k(struct fake *f);
/* Stage 1 (4K, 48-bit) over the VMM's stage 2 (4K, 40-bit IPA, start level 1, two
 * concatenated tables), as the model engine runs guests. */
void scenario_two_stage(struct fake *f);
/* Bench: `pages` 4 KiB pages from VA 0x10000000 in TTBR0 (4K, 48-bit). With
 * alternate, every other page is read-only, so that no two pages merge. */
void scenario_bench(struct fake *f, uint64_t pages, bool alternate);

#endif
