/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by the whole mmu/ library: access kinds, permission bits, the
 * memory callbacks, the fault structure and the translation result.
 *
 * The library is pure: it never touches memory or I/O itself. Every descriptor read
 * (and every hardware Access-flag / dirty-state update) goes through struct mmu_mem_ops.
 */
#ifndef MMU_TYPES_H
#define MMU_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* What the access is for (Arm ARM AccType: normal read, write, instruction fetch). */
enum mmu_access {
	MMU_READ = 0,
	MMU_WRITE = 1,
	MMU_FETCH = 2,
};

/* Flags of one translation request (bit mask, argument `flags`). */
enum {
	MMU_F_EL0 = 1u << 0,      /* unprivileged access (EL0, or LDTR/STTR at EL1) */
	MMU_F_PAN = 1u << 1,      /* PSTATE.PAN is 1 (applies to EL1 data accesses) */
	MMU_F_S1_ONLY = 1u << 2,  /* stop after stage 1: result is the IPA (AT S1E*) */
	MMU_F_NO_UPDATE = 1u << 3,/* no side effects: no HW AF/DBM update, no TLB fill */
	MMU_F_CM = 1u << 4,       /* cache maintenance by VA (fault reports ESR.ISS.CM = 1) */
	MMU_F_NO_TLB = 1u << 5,   /* mmu__translate: bypass the TLB (lookup and fill) */
	/* mmu__translate_slow only: the caller found no L1 TLB entry for va, so the
	 * lookup starts at the L2 (the inline mmu__translate calls
	 * mmu__translate_l1_missed on its miss instead) */
	MMU_F_L1_MISSED = 1u << 6,
};

/* Permission bits of a translation (after every stage, hierarchical limit and WXN). */
enum {
	MMU_PERM_R1 = 1u << 0, /* EL1 read */
	MMU_PERM_W1 = 1u << 1, /* EL1 write */
	MMU_PERM_X1 = 1u << 2, /* EL1 execute */
	MMU_PERM_R0 = 1u << 3, /* EL0 read */
	MMU_PERM_W0 = 1u << 4, /* EL0 write */
	MMU_PERM_X0 = 1u << 5, /* EL0 execute */
	MMU_PERM_USER = 1u << 6, /* stage-1 AP[1] = 1: EL0 data access allowed; PAN uses it */
};

/*
 * Memory callbacks. Addresses are physical (output of stage 2, or of stage 1 when stage
 * 2 is off). Values are the 64-bit little-endian descriptor values.
 */
struct mmu_mem_ops {
	/* Read 8 bytes at pa. Return 0, or a negative errno: the walk then reports a
	 * synchronous external abort on translation table walk. */
	int (*read64)(void *opaque, uint64_t pa, uint64_t *val);
	/* Optional (NULL: hardware AF/DBM updates are not performed, and an access that
	 * needs one faults as if TCR.HA/HD were 0). Atomically: if the 8 bytes at pa equal
	 * *expected, store desired and return 0; otherwise store the current value in
	 * *expected and return 1. Negative errno on error. */
	int (*cmpxchg64)(void *opaque, uint64_t pa, uint64_t *expected, uint64_t desired);
};

/* Fault kinds; mmu__fault_fsc() turns one into the DFSC/IFSC code (Arm ARM ESR_ELx
 * "ISS encoding for an exception from a Data Abort", DFSC; pseudocode EncodeLDFSC). */
enum mmu_fault_kind {
	MMU_FAULT_NONE = 0,
	MMU_FAULT_ADDR_SIZE,    /* 0b0000LL */
	MMU_FAULT_TRANSLATION,  /* 0b0001LL */
	MMU_FAULT_ACCESS,       /* 0b0010LL access flag */
	MMU_FAULT_PERMISSION,   /* 0b0011LL */
	MMU_FAULT_EXT_ABORT,    /* 0b010000 synchronous external abort, not on a walk */
	MMU_FAULT_EXT_ABORT_WALK, /* 0b0101LL synchronous external abort on a table walk */
	MMU_FAULT_ALIGNMENT,    /* 0b100001 (raised by the CPU, encoded here) */
	MMU_FAULT_TLB_CONFLICT, /* 0b110000 */
};

/* A fault, as QEMU's ARMMMUFaultInfo: turned into ESR/FAR/HPFAR/PAR by fault.c. */
struct mmu_fault {
	enum mmu_fault_kind kind;
	int8_t level;          /* lookup level the fault is reported at (0..3) */
	uint8_t stage;         /* 1 or 2 */
	bool s1ptw;            /* stage-2 fault on a stage-1 table walk (ESR.ISS.S1PTW) */
	bool wnr;              /* write not read (ESR.ISS.WnR) */
	bool cm;               /* cache maintenance (ESR.ISS.CM) */
	bool ipa_valid;        /* ipa holds the faulting IPA (stage-2 faults) */
	enum mmu_access access;
	uint64_t va;           /* input address as given (FAR_ELx) */
	uint64_t ipa;          /* faulting IPA (HPFAR_EL2) */
	uint64_t desc_pa;      /* physical address of the descriptor involved, if any */
};

/* A successful translation. asid..level are in the order of struct mmu_tlb_entry's
 * (tlb.h), so that a TLB hit copies them as one 8-byte word. */
struct mmu_result {
	uint64_t pa;          /* output address of this access (IPA with MMU_F_S1_ONLY) */
	uint64_t ipa;         /* intermediate physical address (== va when stage 1 is off) */
	uint16_t asid;        /* ASID the translation was tagged with */
	uint8_t shift;        /* log2 of the size of the translation (min of both stages) */
	bool global;          /* stage-1 nG was 0 */
	uint8_t perms;        /* MMU_PERM_* of the combined translation */
	uint8_t attr;         /* memory attributes, MAIR_ELx byte format, both stages combined */
	uint8_t sh;           /* shareability: 0 non, 2 outer, 3 inner */
	uint8_t level;        /* stage-1 level of the leaf (stage 2 when stage 1 is off) */
	bool ns;              /* non-secure output (always 1 for this model's EL1&0) */
	bool tlb_hit;         /* served from the TLB */
	struct mmu_fault fault; /* kind MMU_FAULT_NONE on success */
};

#endif
