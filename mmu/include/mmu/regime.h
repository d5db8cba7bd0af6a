/* SPDX-License-Identifier: MIT */
/*
 * The EL1&0 translation regime, configured from system-register values.
 *
 * The caller (CPU model, inspector, tests) keeps the raw register values in
 * struct mmu_sysregs and calls mmu__regime_set() whenever one of them changes; the
 * decoded form (granules, start levels, ASID, VMID) is what the walker and the TLB use.
 */
#ifndef MMU_REGIME_H
#define MMU_REGIME_H

#include <stdbool.h>
#include <stdint.h>

struct mmu_sysregs {
	uint64_t sctlr_el1;
	uint64_t tcr_el1;
	uint64_t ttbr0_el1;
	uint64_t ttbr1_el1;
	uint64_t mair_el1;
	uint64_t hcr_el2;   /* VM[0] enables stage 2; PTW[2] */
	uint64_t vtcr_el2;
	uint64_t vttbr_el2;
	uint8_t pa_bits;    /* implemented PA size (ID_AA64MMFR0_EL1.PARange); 0 means 48 */
};

/* SCTLR_EL1 / HCR_EL2 / TCR_EL1 / VTCR_EL2 bits the model uses. */
#define MMU_SCTLR_M   (1ull << 0)
#define MMU_SCTLR_C   (1ull << 2)
#define MMU_SCTLR_I   (1ull << 12)
#define MMU_SCTLR_WXN (1ull << 19)
#define MMU_HCR_VM    (1ull << 0)
#define MMU_HCR_PTW   (1ull << 2)
#define MMU_TCR_EPD0  (1ull << 7)
#define MMU_TCR_EPD1  (1ull << 23)
#define MMU_TCR_A1    (1ull << 22)
#define MMU_TCR_AS    (1ull << 36)
#define MMU_TCR_TBI0  (1ull << 37)
#define MMU_TCR_TBI1  (1ull << 38)
#define MMU_TCR_HA    (1ull << 39)
#define MMU_TCR_HD    (1ull << 40)
#define MMU_TCR_TBID0 (1ull << 51)
#define MMU_TCR_TBID1 (1ull << 52)
#define MMU_VTCR_VS   (1ull << 19)
#define MMU_VTCR_HA   (1ull << 21)
#define MMU_VTCR_HD   (1ull << 22)

/* One stage-1 half (TTBR0 or TTBR1) or the stage-2 table, decoded. */
struct mmu_table_cfg {
	uint64_t base;        /* table base address (TTBR.BADDR / VTTBR.BADDR) */
	uint8_t ia_bits;      /* input address size: 64 - TxSZ */
	uint8_t gshift;       /* granule: 12 (4K), 14 (16K), 16 (64K) */
	int8_t start_level;   /* first lookup level */
	uint8_t concat_log2;  /* stage 2: log2 of the number of concatenated start tables */
	uint8_t irgn, orgn, sh; /* walk cacheability and shareability */
	bool disabled;        /* EPDn = 1 (stage 1), or an invalid stage-2 configuration */
	bool tbi;             /* top byte ignored (stage 1) */
	bool tbid;            /* TBI applies to data accesses only */
};

/* TLB entry kinds, also the low bits of mmu_regime.tlb_tag. */
enum mmu_tlb_kind {
	MMU_TLB_NONE = 0,   /* both stages off: identity, nothing cached */
	MMU_TLB_S1 = 1,     /* stage 1 only (HCR_EL2.VM = 0) */
	MMU_TLB_S12 = 2,    /* combined stage 1 + stage 2 */
	MMU_TLB_S2 = 3,     /* stage 2 only: IPA -> PA */
};

struct mmu_regime {
	struct mmu_sysregs sr;      /* raw copy */
	bool s1_on;                 /* SCTLR_EL1.M */
	bool s2_on;                 /* HCR_EL2.VM */
	bool wxn;                   /* SCTLR_EL1.WXN */
	bool ha, hd;                /* stage 1 TCR_EL1.HA / HD */
	bool s2_ha, s2_hd;          /* VTCR_EL2.HA / HD */
	bool ptw;                   /* HCR_EL2.PTW */
	uint8_t oa_bits;            /* stage-1 output size (TCR.IPS, capped at pa_bits) */
	uint8_t s2_oa_bits;         /* stage-2 output size (VTCR.PS, capped at pa_bits) */
	uint16_t asid;              /* current ASID (TTBR0 or TTBR1 per TCR.A1; 8/16 bits) */
	uint16_t vmid;              /* current VMID (VTTBR; 8/16 bits per VTCR.VS) */
	uint8_t tlb_kind;           /* enum mmu_tlb_kind of entries this regime makes */
	uint32_t tlb_tag;           /* vmid << 2 | tlb_kind: what a TLB entry must carry */
	struct mmu_table_cfg tt[2]; /* stage 1: TTBR0 and TTBR1 halves */
	struct mmu_table_cfg s2;    /* stage 2 */
	bool tbi_key[2][3];         /* [VA[55]][access]: TBI applies (VA[63:56] ignored) */
	uint64_t id;                /* unique to this mmu__regime_set call (never 0): what a
				     * decoding cached for this regime is valid for */
	bool fast_walk[2];          /* [VA[55]]: stage 1 on, the half enabled, 4 KiB granule,
				     * start level <= 2: the fast walk's shape (walk_fast.h) */
};

/* Decode sr into r. Always succeeds; bad stage-2 configurations make every stage-2
 * translation fault (level 0 translation fault), as the Arm ARM permits
 * (AArch64.S2InvalidSL / VTCR_EL2.SL0 consistency). Returns 0. */
int mmu__regime_set(struct mmu_regime *r, const struct mmu_sysregs *sr);

#endif
