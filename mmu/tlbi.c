/* SPDX-License-Identifier: MIT */
/*
 * TLB invalidation: each TLBI kind is a scope (which entries it may touch) in one
 * table, and one match function applies it to an entry (gem5 tlbi_op.hh in C).
 * Scopes: Arm ARM "TLB maintenance instructions" and the instruction
 * descriptions (TLBI VMALLE1, VAE1, VALE1, ASIDE1, VAAE1, VAALE1, IPAS2E1, IPAS2LE1,
 * VMALLS12E1, ALLE1); pseudocode AArch64.TLBI* and TLBIMatch.
 */
#include "internal.h"

enum {
	SC_S1 = 1 << 0,       /* stage-1 and combined stage-1+2 entries */
	SC_S2 = 1 << 1,       /* stage-2-only entries */
	SC_ANY_VMID = 1 << 2, /* every VMID (ALLE1), else the issuing PE's VMID */
	SC_ADDR = 1 << 3,     /* by VA (stage 1) or IPA (stage 2) */
	SC_ASID = 1 << 4,     /* the ASID must match unless the entry is global */
	SC_NG_ASID = 1 << 5,  /* only non-global entries of the ASID */
	SC_LAST = 1 << 6,     /* last level only */
};

static const uint8_t scope[MMU_TLBI_KINDS] = {
	[MMU_TLBI_VMALLE1] = SC_S1,
	[MMU_TLBI_VAE1] = SC_S1 | SC_ADDR | SC_ASID,
	[MMU_TLBI_VALE1] = SC_S1 | SC_ADDR | SC_ASID | SC_LAST,
	[MMU_TLBI_ASIDE1] = SC_S1 | SC_NG_ASID,
	[MMU_TLBI_VAAE1] = SC_S1 | SC_ADDR,
	[MMU_TLBI_VAALE1] = SC_S1 | SC_ADDR | SC_LAST,
	/* IPAS2*: stage-2-only entries; combined entries that used the IPA stay until a
	 * stage-1 invalidation (the Arm ARM's rule for IPAS2E1 + VMALLE1). */
	[MMU_TLBI_IPAS2E1] = SC_S2 | SC_ADDR,
	[MMU_TLBI_IPAS2LE1] = SC_S2 | SC_ADDR | SC_LAST,
	[MMU_TLBI_VMALLS12E1] = SC_S1 | SC_S2,
	[MMU_TLBI_ALLE1] = SC_S1 | SC_S2 | SC_ANY_VMID,
};

static const char *const names[MMU_TLBI_KINDS] = {
	[MMU_TLBI_VMALLE1] = "VMALLE1", [MMU_TLBI_VAE1] = "VAE1",
	[MMU_TLBI_VALE1] = "VALE1", [MMU_TLBI_ASIDE1] = "ASIDE1",
	[MMU_TLBI_VAAE1] = "VAAE1", [MMU_TLBI_VAALE1] = "VAALE1",
	[MMU_TLBI_IPAS2E1] = "IPAS2E1", [MMU_TLBI_IPAS2LE1] = "IPAS2LE1",
	[MMU_TLBI_VMALLS12E1] = "VMALLS12E1", [MMU_TLBI_ALLE1] = "ALLE1",
};

const char *mmu__tlbi_name(enum mmu_tlbi_kind k)
{
	return (unsigned)k < MMU_TLBI_KINDS ? names[k] : "?";
}

void mmu__tlbi_make(struct mmu_tlbi *op, enum mmu_tlbi_kind kind, bool is, uint64_t xt,
		    const struct mmu_regime *r)
{
	unsigned sc = (unsigned)kind < MMU_TLBI_KINDS ? scope[kind] : 0;

	op->kind = kind;
	op->broadcast = is;
	op->vmid = r->vmid;
	/* ASID in Xt[63:48]; with 8-bit ASIDs (TCR.AS = 0) Xt[63:56] are ignored */
	op->asid = FIELD(xt, 48, 16) & ((r->sr.tcr_el1 & MMU_TCR_AS) ? 0xffff : 0xff);
	op->last_level = sc & SC_LAST;
	if (sc & SC_S2)
		op->addr = (xt & MASK(36)) << 12;  /* IPA[47:12] in Xt[35:0] */
	else
		op->addr = (xt & MASK(44)) << 12;  /* VA[55:12] in Xt[43:0] */
}

/* Does the entry's range contain the operand address? VA[55:12] for stage 1 (the top
 * byte and the sign bits are not part of the operand), IPA for stage 2. */
static bool addr_match(const struct mmu_tlbi *op, const struct mmu_tlb_entry *e, bool s2)
{
	uint64_t diff = op->addr ^ e->va;

	if (!s2)
		diff &= VA56_MASK;
	return (diff >> e->shift) == 0;
}

/* TLBIMatch. The last-level forms leave walk-cache (table) entries. */
bool mmu__tlbi_match(const struct mmu_tlbi *op, const struct mmu_tlb_entry *e)
{
	unsigned sc = (unsigned)op->kind < MMU_TLBI_KINDS ? scope[op->kind] : 0;
	unsigned kind = e->tag & 3;
	bool s2 = kind == MMU_TLB_S2;

	if (!e->tag || !(sc & (s2 ? SC_S2 : SC_S1)) || ((sc & SC_LAST) && e->table))
		return false;
	if (!(sc & SC_ANY_VMID) && (e->tag >> 2) != op->vmid)
		return false;
	if ((sc & SC_ASID) && !e->global && e->asid != op->asid)
		return false;
	if ((sc & SC_NG_ASID) && (e->global || e->asid != op->asid))
		return false;
	return !(sc & SC_ADDR) || addr_match(op, e, s2);
}

void mmu__tlbi(struct mmu_ctx *ctx, const struct mmu_tlbi *op)
{
	struct mmu_domain *d = ctx->domain;
	struct mmu_check *check = ctx->check ? ctx->check : d ? d->check : NULL;

	if (op->broadcast && d) {
		for (unsigned i = 0; i < d->npe; i++)
			if (d->tlb[i])
				mmu__tlb_invalidate(d->tlb[i], op);
		if (ctx->tlb && !mmu_domain_has(d, ctx->tlb))
			mmu__tlb_invalidate(ctx->tlb, op);
	} else if (ctx->tlb) {
		mmu__tlb_invalidate(ctx->tlb, op);
	}
	if (check)
		mmu_check_tlbi(check, op, ctx->pe);
}
