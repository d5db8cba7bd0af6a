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

#endif
