/* SPDX-License-Identifier: MIT */
/*
 * Syndromes. ESR_ELx ISS for Data Aborts (ISV[24] SAS[23:22] SSE[21] SRT[20:16] SF[15]
 * AR[14] FnV[10] EA[9] CM[8] S1PTW[7] WnR[6] DFSC[5:0]) and Instruction Aborts
 * (FnV[10] EA[9] S1PTW[7] IFSC[5:0]); HPFAR_EL2.FIPA[43:4] = IPA[51:12]; PAR_EL1.
 * Fault status codes: Arm ARM ESR_ELx "DFSC"; pseudocode EncodeLDFSC.
 */
#include "internal.h"

/* EncodeLDFSC: the level goes in the low 2 bits of the level-encoded codes. */
uint32_t mmu__fault_fsc(const struct mmu_fault *f)
{
	uint32_t lvl = (uint32_t)f->level & 3;

	switch (f->kind) {
	case MMU_FAULT_ADDR_SIZE: return 0x00 | lvl;
	case MMU_FAULT_TRANSLATION: return 0x04 | lvl;
	case MMU_FAULT_ACCESS: return 0x08 | lvl;
	case MMU_FAULT_PERMISSION: return 0x0c | lvl;
	case MMU_FAULT_EXT_ABORT: return 0x10;
	case MMU_FAULT_EXT_ABORT_WALK: return 0x14 | lvl;
	case MMU_FAULT_ALIGNMENT: return 0x21;
	case MMU_FAULT_TLB_CONFLICT: return 0x30;
	case MMU_FAULT_NONE: break;
	}
	return 0;
}

/* The instruction syndrome is given for stage-2 data aborts only (what a hypervisor
 * needs to emulate MMIO); never for a walk (S1PTW) or cache maintenance. */
static uint32_t insn_syndrome(const struct mmu_fault *f, const struct mmu_iss_insn *in)
{
	if (!in || !in->isv || f->stage != 2 || f->s1ptw || f->cm)
		return 0;
	return BIT(24) | (uint32_t)(in->sas & 3) << 22 | (uint32_t)in->sse << 21 |
	       (uint32_t)(in->srt & 31) << 16 | (uint32_t)in->sf << 15 |
	       (uint32_t)in->ar << 14;
}

uint32_t mmu__fault_iss(const struct mmu_fault *f, const struct mmu_iss_insn *insn)
{
	uint32_t iss = mmu__fault_fsc(f);

	if (f->s1ptw)
		iss |= BIT(7);
	if (f->access == MMU_FETCH)
		return iss;
	if (f->cm)
		iss |= BIT(8);
	if (f->wnr || f->cm) /* CM = 1 reports WnR = 1 */
		iss |= BIT(6);
	return iss | insn_syndrome(f, insn);
}

uint64_t mmu__fault_esr(const struct mmu_fault *f, bool lower_el,
			const struct mmu_iss_insn *insn)
{
	uint32_t ec;

	if (f->access == MMU_FETCH)
		ec = lower_el ? MMU_EC_IABT_LOWER : MMU_EC_IABT_CUR;
	else
		ec = lower_el ? MMU_EC_DABT_LOWER : MMU_EC_DABT_CUR;
	return (uint64_t)ec << 26 | BIT(25) | mmu__fault_iss(f, insn);
}

uint64_t mmu__fault_far(const struct mmu_fault *f)
{
	return f->va;
}

uint64_t mmu__fault_hpfar(const struct mmu_fault *f)
{
	if (f->stage != 2 || !f->ipa_valid)
		return 0;
	return ((f->ipa >> 12) & MASK(40)) << 4;
}

/* PAR_EL1, F = 1: FST[6:1], PTW[8] (stage-2 fault on the stage-1 walk), S[9] (stage
 * 2), bit 11 RES1. */
uint64_t mmu__par_fault(const struct mmu_fault *f)
{
	uint64_t par = 1 | (uint64_t)mmu__fault_fsc(f) << 1 | BIT(11);

	if (f->s1ptw)
		par |= BIT(8);
	if (f->stage == 2)
		par |= BIT(9);
	return par;
}

/* PAR_EL1, F = 0: SH[8:7], NS[9], RES1[11], PA[47:12], ATTR[63:56]. */
uint64_t mmu__par_ok(const struct mmu_result *r)
{
	return (uint64_t)(r->sh & 3) << 7 | (uint64_t)r->ns << 9 | BIT(11) |
	       (r->pa & MASK(48) & ~MASK(12)) | (uint64_t)r->attr << 56;
}

const char *mmu__fault_name(enum mmu_fault_kind k)
{
	static const char *const n[] = {
		[MMU_FAULT_NONE] = "none", [MMU_FAULT_ADDR_SIZE] = "address size",
		[MMU_FAULT_TRANSLATION] = "translation", [MMU_FAULT_ACCESS] = "access flag",
		[MMU_FAULT_PERMISSION] = "permission",
		[MMU_FAULT_EXT_ABORT] = "synchronous external abort",
		[MMU_FAULT_EXT_ABORT_WALK] = "synchronous external abort on table walk",
		[MMU_FAULT_ALIGNMENT] = "alignment", [MMU_FAULT_TLB_CONFLICT] = "TLB conflict",
	};
	return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}
