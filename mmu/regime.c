/* SPDX-License-Identifier: MIT */
/*
 * Decoding the EL1&0 regime's system registers (TCR_EL1, TTBRn_EL1, SCTLR_EL1,
 * HCR_EL2, VTCR_EL2, VTTBR_EL2) into the form the walker uses.
 * Pseudocode: AArch64.GetS1TTWParams, AArch64.GetS2TTWParams, AArch64.S1StartLevel,
 * AArch64.S2StartLevel, AArch64.PAMax.
 */
#include <stdatomic.h>
#include <string.h>

#include "internal.h"

/* TCR.IPS / VTCR.PS encodings (TCR_EL1.IPS): 32, 36, 40, 42, 44, 48, 52 bits. */
static unsigned ps_bits(unsigned enc, unsigned pa_bits)
{
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned b = bits[enc & 7];
	return b > pa_bits ? pa_bits : b;
}

/* TG0 (TCR and VTCR): 00 4K, 01 64K, 10 16K; TG1: 01 16K, 10 4K, 11 64K. A reserved
 * value behaves as a supported size (a CONSTRAINED UNPREDICTABLE choice): 4K here. */
static unsigned tg0_shift(unsigned tg)
{
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

static unsigned tg1_shift(unsigned tg)
{
	return tg == 1 ? 14 : tg == 3 ? 16 : 12;
}

/* TxSZ outside 16..39 (no FEAT_LVA, no FEAT_TTST) is treated as the nearest limit,
 * one of the behaviours the Arm ARM permits (AArch64.S1MinTxSZ / MaxTxSZ). */
static unsigned clamp_tsz(unsigned tsz)
{
	return tsz < 16 ? 16 : tsz > 39 ? 39 : tsz;
}

/* AArch64.S1StartLevel: the level at which the input size is resolved first. */
static int s1_start_level(unsigned ia_bits, unsigned gshift)
{
	unsigned stride = gshift - 3;
	return 3 - (int)((ia_bits - 1 - gshift) / stride);
}

/* Table base from a TTBR/VTTBR: BADDR[47:1], aligned down to the start table size
 * (64 bytes at least); bits above 47 are cleared (ASID/VMID live there). */
static uint64_t table_base(uint64_t ttbr, unsigned table_log2)
{
	if (table_log2 < 6)
		table_log2 = 6;
	return ttbr & MASK(48) & ~MASK(table_log2);
}

static void set_s1_half(struct mmu_table_cfg *t, uint64_t tcr, uint64_t ttbr, int half)
{
	unsigned lo = half ? 16 : 0; /* T1SZ.. fields sit 16 bits above T0SZ.. */
	unsigned tg = FIELD(tcr, lo + 14, 2);

	t->ia_bits = 64 - clamp_tsz(FIELD(tcr, lo, 6));
	t->gshift = half ? tg1_shift(tg) : tg0_shift(tg);
	t->start_level = s1_start_level(t->ia_bits, t->gshift);
	t->concat_log2 = 0;
	t->irgn = FIELD(tcr, lo + 8, 2);
	t->orgn = FIELD(tcr, lo + 10, 2);
	t->sh = FIELD(tcr, lo + 12, 2);
	t->disabled = (tcr & (half ? MMU_TCR_EPD1 : MMU_TCR_EPD0)) != 0;
	t->tbi = (tcr & (half ? MMU_TCR_TBI1 : MMU_TCR_TBI0)) != 0;
	t->tbid = (tcr & (half ? MMU_TCR_TBID1 : MMU_TCR_TBID0)) != 0;
	t->base = table_base(ttbr, t->ia_bits - mmu__level_shift(t->gshift, t->start_level) + 3);
}

/*
 * Stage 2 (AArch64.S2StartLevel, AArch64.S2InvalidSL, AArch64.S2InconsistentSL):
 * VTCR.SL0 with 4K: 0 -> level 2, 1 -> level 1, 2 -> level 0; with 16K/64K:
 * 0 -> level 3, 1 -> level 2, 2 -> level 1. The IPA bits left for the start level
 * must fit one table or up to 16 concatenated tables; otherwise every
 * stage-2 translation faults.
 */
static void set_s2(struct mmu_table_cfg *t, uint64_t vtcr, uint64_t vttbr)
{
	unsigned sl0 = FIELD(vtcr, 6, 2);
	unsigned stride, bits;

	memset(t, 0, sizeof(*t));
	t->ia_bits = 64 - clamp_tsz(FIELD(vtcr, 0, 6));
	t->gshift = tg0_shift(FIELD(vtcr, 14, 2));
	stride = t->gshift - 3;
	t->irgn = FIELD(vtcr, 8, 2);
	t->orgn = FIELD(vtcr, 10, 2);
	t->sh = FIELD(vtcr, 12, 2);
	if (sl0 == 3) { /* level 3 / level 0 start: FEAT_TTST / FEAT_LPA2, not modelled */
		t->disabled = true;
		return;
	}
	t->start_level = (t->gshift == 12 ? 2 : 3) - (int)sl0;
	if (t->ia_bits <= mmu__level_shift(t->gshift, t->start_level)) {
		t->disabled = true; /* start level too low: nothing left to resolve */
		return;
	}
	bits = t->ia_bits - mmu__level_shift(t->gshift, t->start_level);
	if (bits > stride + 4) {
		t->disabled = true; /* more than 16 concatenated tables */
		return;
	}
	t->concat_log2 = bits > stride ? bits - stride : 0;
	t->base = table_base(vttbr, bits + 3);
}

static _Atomic uint64_t next_id = 1;

int mmu__regime_set(struct mmu_regime *r, const struct mmu_sysregs *sr)
{
	uint64_t tcr = sr->tcr_el1, vtcr = sr->vtcr_el2;
	unsigned pa_bits = sr->pa_bits ? sr->pa_bits : 48;
	uint64_t asid_ttbr = (tcr & MMU_TCR_A1) ? sr->ttbr1_el1 : sr->ttbr0_el1;

	memset(r, 0, sizeof(*r));
	r->id = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
	r->sr = *sr;
	r->s1_on = sr->sctlr_el1 & MMU_SCTLR_M;
	r->s2_on = sr->hcr_el2 & MMU_HCR_VM;
	r->wxn = sr->sctlr_el1 & MMU_SCTLR_WXN;
	r->ha = tcr & MMU_TCR_HA;
	r->hd = r->ha && (tcr & MMU_TCR_HD); /* HD without HA is treated as 0 */
	r->s2_ha = vtcr & MMU_VTCR_HA;
	r->s2_hd = r->s2_ha && (vtcr & MMU_VTCR_HD);
	r->ptw = sr->hcr_el2 & MMU_HCR_PTW;
	r->oa_bits = ps_bits(FIELD(tcr, 32, 3), pa_bits);
	r->s2_oa_bits = ps_bits(FIELD(vtcr, 16, 3), pa_bits);
	r->asid = FIELD(asid_ttbr, 48, 16) & ((tcr & MMU_TCR_AS) ? 0xffff : 0xff);
	r->vmid = FIELD(sr->vttbr_el2, 48, 16) & ((vtcr & MMU_VTCR_VS) ? 0xffff : 0xff);
	set_s1_half(&r->tt[0], tcr, sr->ttbr0_el1, 0);
	set_s1_half(&r->tt[1], tcr, sr->ttbr1_el1, 1);
	set_s2(&r->s2, vtcr, sr->vttbr_el2);
	for (int h = 0; h < 2; h++)
		for (int a = MMU_READ; a <= MMU_FETCH; a++)
			r->tbi_key[h][a] = r->tt[h].tbi && !(r->tt[h].tbid && a == MMU_FETCH);
	for (int h = 0; h < 2; h++)
		r->fast_walk[h] = r->s1_on && !r->tt[h].disabled && r->tt[h].gshift == 12 &&
				  r->tt[h].start_level <= 2;
	if (r->s1_on)
		r->tlb_kind = r->s2_on ? MMU_TLB_S12 : MMU_TLB_S1;
	else
		r->tlb_kind = r->s2_on ? MMU_TLB_S2 : MMU_TLB_NONE;
	r->tlb_tag = ((uint32_t)r->vmid << 2) | r->tlb_kind;
	return 0;
}
