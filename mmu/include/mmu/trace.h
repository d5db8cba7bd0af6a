/* SPDX-License-Identifier: MIT */
/*
 * Walk trace: every descriptor read of one translation, in order, so that a tool can
 * show the walk step by step. Set ctx->trace to a struct mmu_trace before translating;
 * mmu__translate()/mmu__walk() reset it (n = 0) and append a step per read.
 */
#ifndef MMU_TRACE_H
#define MMU_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desc.h"

/* 4 stage-1 levels x (4 stage-2 levels + 1) + 4 stage-2 levels = 24 reads, plus
 * room for a hardware-update retry. */
#define MMU_TRACE_MAX 32

struct mmu_trace_step {
	uint8_t stage;       /* 1 or 2 */
	int8_t level;
	bool s1ptw;          /* stage-2 step translating a stage-1 table address */
	uint64_t in_addr;    /* address being translated: VA (stage 1) or IPA (stage 2) */
	uint64_t table;      /* table base (an IPA for stage 1 when stage 2 is on) */
	unsigned index;      /* entry index in that table */
	uint64_t desc_pa;    /* physical address read */
	uint64_t raw;        /* descriptor value read */
	struct mmu_desc desc;/* decoded */
	bool updated;        /* hardware AF/DBM update written */
	uint64_t new_raw;    /* value written when updated */
};

struct mmu_trace {
	unsigned n;
	bool overflow;       /* more steps than MMU_TRACE_MAX; the rest were dropped */
	struct mmu_trace_step step[MMU_TRACE_MAX];
};

/* One line describing a step, for tools ("S1 L2 table 0x12000[1] @0x12008 = ...").
 * Writes at most len bytes (NUL-terminated); returns the length it needed, as
 * snprintf does. */
int mmu__trace_format(const struct mmu_trace_step *s, char *buf, size_t len);

#endif
