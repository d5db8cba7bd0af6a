/* Runs the model CPU on a bare RAM buffer (no VMM): RAM at 0x4000_0000, an identity
 * map with the MMU on (code block EL1-only, data block EL0/EL1 read-write), EL1.
 * A guest HLT stops the run. */
#ifndef TESTS_CPU_HARNESS_H
#define TESTS_CPU_HARNESS_H

#include <stdint.h>

#include "cpu.h"
#include "vm.h"

#define H_RAM_BASE 0x40000000ull
#define H_RAM_SIZE 0x00400000ull      /* 4 MiB */
#define H_CODE     0x40000000ull      /* 2 MiB block: EL1 RWX */
#define H_TABLES   0x40100000ull
#define H_DATA     0x40200000ull      /* 2 MiB block: EL0+EL1 RW, XN */
#define H_DATA_SIZE 0x00200000ull

struct harness {
	struct model_vm *vm;
	struct cpu *c;
	uint8_t *ram;
	int hlt_seen;
	uint32_t hlt_imm;
};

int harness__init(struct harness *h, int mmu_on);
/* The same with the model's options (checks, caches); opts may be NULL. */
int harness__init_opts(struct harness *h, int mmu_on, const struct model_opts *opts);
void harness__free(struct harness *h);
/* Run from pc until HLT (or max instructions). Returns 0 on HLT, -1 otherwise. */
int harness__run(struct harness *h, uint64_t pc, uint64_t max);
/* The 32-bit word v at physical address pa (in RAM). */
void harness__put32(struct harness *h, uint64_t pa, uint32_t v);
/* A vector table at vbar (VBAR_EL1 set to it) holding HLT #(offset >> 7) at each of its
 * 16 entries: a run stops at the vector an exception took and hlt_imm says which
 * (4: current EL with SPx, 0x200; 8: lower EL, AArch64, 0x400). */
void harness__hlt_vectors(struct harness *h, uint64_t vbar);
/* code[0..n) written at pa (decoded code dropped), then harness__run from pa. */
int harness__run_code(struct harness *h, uint64_t pa, const uint32_t *code, unsigned n,
		      uint64_t max);

#endif
