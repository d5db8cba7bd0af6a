/* SPDX-License-Identifier: MIT */
/*
 * Visiting a whole translation table tree (an inspector's "show the tables"): every
 * valid descriptor of TTBR0's, TTBR1's or the stage-2 tree, depth first in address
 * order, handed to a visitor (the shape of Linux's kvm_pgtable_walk). Reading has no
 * side effects: no hardware updates, no TLB fills. With stage 2 on, stage-1 table
 * addresses are IPAs, translated through stage 2 to be read.
 */
#ifndef MMU_DUMP_H
#define MMU_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "desc.h"

struct mmu_ctx;

enum mmu_tables {
	MMU_TABLES_TTBR0,
	MMU_TABLES_TTBR1,
	MMU_TABLES_S2,
};

struct mmu_visit {
	unsigned stage;
	int level;
	uint64_t in_addr;     /* first VA (TTBR1: sign-extended) or IPA the entry covers */
	uint8_t shift;        /* log2 of the size it covers */
	uint64_t table;       /* table base (an IPA for stage 1 when stage 2 is on) */
	unsigned index;
	uint64_t desc_pa;     /* where the descriptor was read */
	uint64_t raw;
	struct mmu_desc desc; /* decoded (table, block, page or reserved) */
	bool unreadable;      /* the table this entry points to could not be read */
};

/* Return 0 to go on, 1 to skip a table's subtree, a negative value to stop. */
typedef int (*mmu_visit_fn)(void *arg, const struct mmu_visit *v);

/* Visit every valid descriptor. Returns 0, the visitor's negative value, or -EINVAL
 * for a disabled tree (EPDn = 1 or an invalid stage-2 configuration). */
int mmu__tables_visit(struct mmu_ctx *ctx, enum mmu_tables which, mmu_visit_fn fn, void *arg);

/*
 * The same visit, with what each leaf translates to (a ptdump's view): every block
 * and page descriptor comes with the permissions, memory attributes and shareability
 * a walk would give it, the limits of the tables above it included. Table and
 * reserved descriptors are visited too (perms, attr, sh 0); returning 1 for a table
 * skips its subtree.
 */
struct mmu_leaf {
	const struct mmu_visit *v; /* the descriptor, as mmu__tables_visit gives it */
	/* MMU_PERM_*. Stage 1: AP, UXN, PXN, the APTable/UXNTable/PXNTable limits of
	 * the tables above, SCTLR_EL1.WXN, and a writable-clean page (DBM with TCR.HA and
	 * HD) as writable. Stage 2: S2AP and XN (both ELs). */
	uint8_t perms;
	uint8_t attr;   /* MAIR byte format: MAIR_EL1[AttrIndx] (stage 1), MemAttr (stage 2) */
	uint8_t sh;     /* effective: Device and Non-cacheable memory are Outer Shareable */
	/* writable-clean: DBM = 1 under TCR.HA+HD (VTCR.HA+HD) and AP[2] = 1 (S2AP[1] = 0):
	 * writable, and the first write will mark it dirty */
	bool clean;
};
typedef int (*mmu_leaf_fn)(void *arg, const struct mmu_leaf *l);

/* Visit the leaves of a tree in address order; return values as mmu__tables_visit. */
int mmu__leaves_visit(struct mmu_ctx *ctx, enum mmu_tables which, mmu_leaf_fn fn, void *arg);

#endif
