/* Register and descriptor bits the test scenarios are spelled with, from the Arm
 * ARM's layouts (no cmocka here: the fuzzer and the benchmark use them too). */
#ifndef TESTS_INSPECT_DESCS_H
#define TESTS_INSPECT_DESCS_H

#include <stdint.h>

/* Standard register values of the scenarios (Arm ARM field layouts). */
#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)
/* MAIR_EL1 Attr0 Device-nGnRnE (0x00), Attr1 Normal WB RW-alloc (0xff), Attr2 Normal
 * NC (0x44), Attr3 Device-nGnRE (0x04) */
#define MAIR_STD 0x000000000444ff00ull

/* Descriptor bits (D8.3 "Translation table descriptor formats"; VMSAv8-64 block and
 * page descriptor attribute fields) */
#define D_TABLE 3ull
#define D_BLOCK 1ull
#define D_PAGE 3ull
#define D_IDX(i) ((uint64_t)(i) << 2)
#define D_AP(a) ((uint64_t)(a) << 6)
#define D_SH(s) ((uint64_t)(s) << 8)
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)
#define D_DBM (1ull << 51)
#define D_CONT (1ull << 52)
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)
#define D_APTABLE(x) ((uint64_t)(x) << 61)
#define D_UXNTABLE (1ull << 60)
#define D_PXNTABLE (1ull << 59)
#define S2_MEMATTR(x) ((uint64_t)(x) << 2)
#define S2_AP(x) ((uint64_t)(x) << 6)

#endif
