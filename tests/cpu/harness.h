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

#endif
