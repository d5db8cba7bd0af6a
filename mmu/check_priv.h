/* SPDX-License-Identifier: MIT */
/* State of the sanitizer checks, shared by check.c and check_icache.c (private). */
#ifndef MMU_CHECK_PRIV_H
#define MMU_CHECK_PRIV_H

#include "hmap.h"
#include "internal.h"

struct desc_rec {
	uint64_t cached;      /* value a walk read (what a TLB may hold) */
	uint64_t in_base;     /* VA/IPA of the region the descriptor covers */
	uint32_t pes;         /* PEs whose walks read it (bit n: PE n; PEs >= 32 share 31) */
	uint16_t vmid, asid;
	uint8_t stage, level, gshift;
	bool global, leaf;
	bool pending;         /* a BBM finding waits for the ASID's next use */
	uint64_t pend_new;    /* the value stored then */
	struct mmu_check_where pend_at, writer; /* that store; the last store changing it */
};

#define CHECK_MAX_PE 32

struct mmu_check {
	struct mmu_check_config cfg;
	struct hmap desc;     /* desc PA -> struct desc_rec */
	struct hmap code;     /* PA >> 12 -> struct mmu_check_code_page (outside the flat range) */
	/* the pages of [flat_base, + flat_pages * 4 KiB) (cfg.flat_*): flat[i] is page i's
	 * struct mmu_check_code_page when bit i of flat_live is set (it has lines to report) */
	struct mmu_check_flat flat; /* (flat.pages == 0: none) */
	uint64_t count[MMU_CHECK_KINDS];
	uint32_t *pending_by_asid; /* [65536]: deferred BBM findings per ASID */
	uint64_t npending;
	uint32_t cur_asid[CHECK_MAX_PE]; /* ASID + 1 each PE translated with last (0: none) */
	uint64_t cur_ttb0[CHECK_MAX_PE]; /* and its TTBR0 table base */
	struct mmu_check_where switched[CHECK_MAX_PE]; /* where it last changed either */
};

/* Where PE pe is now (cfg.where), into w: on every store (inline: it is that often). */
static inline void mmu_check_where(struct mmu_check *c, unsigned pe, struct mmu_check_where *w)
{
	w->pe = pe;
	w->pc = w->lr = 0;
	w->known = c->cfg.where != NULL;
	if (w->known)
		c->cfg.where(c->cfg.opaque, pe, &w->pc, &w->lr);
}

static inline bool mmu_check_enabled(const struct mmu_check *c, enum mmu_check_kind k)
{
	return c->cfg.enable & (1u << k);
}
void mmu_check_report(struct mmu_check *c, struct mmu_check_report *r);
void mmu_check_icache_store(struct mmu_check *c, unsigned pe, uint64_t pa, unsigned size);

#endif
