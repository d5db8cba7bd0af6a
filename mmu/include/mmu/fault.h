/* SPDX-License-Identifier: MIT */
/*
 * Syndrome encoders: struct mmu_fault -> ESR_ELx, FAR_ELx, HPFAR_EL2, PAR_EL1.
 * Field layouts: Arm ARM (ESR_EL1 ISS encoding for Data/Instruction Aborts),
 * HPFAR_EL2, PAR_EL1; what is modelled: docs/fidelity.md "Faults and syndromes".
 */
#ifndef MMU_FAULT_H
#define MMU_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

/* Exception classes used for aborts. */
#define MMU_EC_IABT_LOWER 0x20
#define MMU_EC_IABT_CUR   0x21
#define MMU_EC_DABT_LOWER 0x24
#define MMU_EC_DABT_CUR   0x25

/* Instruction-specific syndrome of a data abort (ISV = 1), supplied by the CPU. */
struct mmu_iss_insn {
	bool isv;     /* the fields below are valid */
	uint8_t sas;  /* access size: 0 byte, 1 half, 2 word, 3 double */
	bool sse;     /* sign extend */
	uint8_t srt;  /* register number */
	bool sf;      /* 64-bit register */
	bool ar;      /* acquire/release */
};

/* DFSC/IFSC code of a fault (6 bits). */
uint32_t mmu__fault_fsc(const struct mmu_fault *f);

/* ISS of the data or instruction abort (by f->access; fetch -> instruction abort).
 * insn may be NULL (ISV = 0). ISV is forced to 0 for S1PTW and cache maintenance. */
uint32_t mmu__fault_iss(const struct mmu_fault *f, const struct mmu_iss_insn *insn);

/* Full ESR_ELx: EC (from access and lower_el), IL = 1, ISS. */
uint64_t mmu__fault_esr(const struct mmu_fault *f, bool lower_el,
			const struct mmu_iss_insn *insn);

/* FAR_ELx: the faulting virtual address. */
uint64_t mmu__fault_far(const struct mmu_fault *f);

/* HPFAR_EL2: FIPA[43:4] = IPA[51:12] for stage-2 faults, 0 otherwise. */
uint64_t mmu__fault_hpfar(const struct mmu_fault *f);

/* PAR_EL1 with F = 1 for a fault: FST[6:1], PTW[8], S[9], RES1[11]. */
uint64_t mmu__par_fault(const struct mmu_fault *f);

/* PAR_EL1 with F = 0 for a result: PA[47:12], NS[9], SH[8:7], ATTR[63:56], RES1[11]. */
uint64_t mmu__par_ok(const struct mmu_result *r);

/* "translation", "permission", ... for tools. */
const char *mmu__fault_name(enum mmu_fault_kind k);

#endif
