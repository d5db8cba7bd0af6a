/* SPDX-License-Identifier: MIT */
/*
 * TLB maintenance. A TLBI is one small struct and one match function (gem5
 * tlbi_op.hh in C): the TLB applies it without knowing the kinds.
 * Scopes: Arm ARM "TLB maintenance instructions" and each TLBI's description;
 * summed up in docs/mmu.md "TLB and TLBI".
 */
#ifndef MMU_TLBI_H
#define MMU_TLBI_H

#include <stdbool.h>
#include <stdint.h>

enum mmu_tlbi_kind {
	MMU_TLBI_VMALLE1 = 0,  /* all stage-1 entries of the current VMID */
	MMU_TLBI_VAE1,         /* by VA + ASID (global entries match any ASID), all levels */
	MMU_TLBI_VALE1,        /* same, last level only */
	MMU_TLBI_ASIDE1,       /* non-global entries of one ASID */
	MMU_TLBI_VAAE1,        /* by VA, all ASIDs */
	MMU_TLBI_VAALE1,       /* same, last level only */
	MMU_TLBI_IPAS2E1,      /* stage-2-only entries by IPA; combined entries stay */
	MMU_TLBI_IPAS2LE1,     /* same, last level only */
	MMU_TLBI_VMALLS12E1,   /* stage 1 and stage 2 of the current VMID */
	MMU_TLBI_ALLE1,        /* every EL1&0 entry, every VMID */
	MMU_TLBI_KINDS
};

struct mmu_tlbi {
	enum mmu_tlbi_kind kind;
	uint16_t vmid;
	uint16_t asid;
	uint64_t addr;      /* VA[55:12] or IPA[47:12], as an address (low 12 bits 0) */
	bool last_level;    /* only leaf entries (…LE1 forms) */
	bool broadcast;     /* IS form: every PE of the domain */
};

struct mmu_tlb_entry;
struct mmu_regime;
struct mmu_ctx;

/* Build op from a TLBI instruction: kind, IS or not, its Xt operand, and the regime of
 * the issuing PE (current VMID, ASID width). Operand layouts: VA[55:12] in Xt[43:0],
 * ASID in Xt[63:48]; IPAS2: IPA[47:12] in Xt[35:0]. */
void mmu__tlbi_make(struct mmu_tlbi *op, enum mmu_tlbi_kind kind, bool is, uint64_t xt,
		    const struct mmu_regime *r);

/* Does op invalidate e? */
bool mmu__tlbi_match(const struct mmu_tlbi *op, const struct mmu_tlb_entry *e);

/* Perform op as the PE of ctx: its own TLB, or every TLB of ctx->domain when
 * op->broadcast; tells ctx->check (or the domain's). */
void mmu__tlbi(struct mmu_ctx *ctx, const struct mmu_tlbi *op);

/* "VAE1", ... for tools. */
const char *mmu__tlbi_name(enum mmu_tlbi_kind k);

#endif
