/* A fake VM for the monitor's tests and benchmark: guest "RAM" in a host buffer at a
 * chosen physical address, vCPU registers set by the test, and a table builder that
 * computes every index from the Arm ARM's formula (AArch64.S1Walk, AArch64.S1StartLevel:
 * each level resolves granule-3 bits of the input address above the level's output
 * size), independently of mmu/. */
#ifndef TESTS_INSPECT_FAKE_TARGET_H
#define TESTS_INSPECT_FAKE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor.h"

#define FAKE_CPUS 2

struct fake {
	uint8_t *ram;
	uint64_t base, size;         /* physical [base, base + size) */
	uint64_t next;               /* table allocator: next free PA (grows up) */
	struct vcpu_regs regs[FAKE_CPUS];
	unsigned ncpus;
	bool paused;
	unsigned quits, pauses, resumes;
	uint64_t reads;              /* read_phys calls */
	/* what fake_model_ops' mmu_view shows (fake_ops has no mmu_view nor stats) */
	struct mmu_tlb *tlb;
	struct mmu_caches caches;
	struct mmu_walk_stats walks;
};

extern const struct monitor_target_ops fake_ops;        /* kvm-like: no model parts */
extern const struct monitor_target_ops fake_model_ops;  /* with mmu_view and stats */
extern const struct monitor_target_ops fake_kvm_ops;    /* with phys_map (pt --stage2) */

/* RAM of size bytes at base; tables are allocated from base + table_off upward. */
void fake__init(struct fake *f, uint64_t base, uint64_t size, uint64_t table_off);
void fake__free(struct fake *f);
void fake__w64(struct fake *f, uint64_t pa, uint64_t v);
uint64_t fake__r64(struct fake *f, uint64_t pa);
/* A zeroed table of `bytes`, aligned to its size (at least 64 bytes). */
uint64_t fake__table(struct fake *f, uint64_t bytes);

/* How one tree is laid out: granule (12, 14, 16), input size, start level. */
struct fake_tree {
	uint64_t root;
	unsigned gshift, ia_bits;
	int start;
	uint64_t table_flags;   /* bits OR-ed into every table descriptor it creates */
};
/* start level for ia_bits and gshift (AArch64.S1StartLevel: 3 - floor((ia - 1 - g) / (g - 3))) */
void fake__tree(struct fake *f, struct fake_tree *t, unsigned gshift, unsigned ia_bits);
/* Write desc at `level` for ia, creating table descriptors on the way; returns the
 * descriptor's PA. The descriptor at `level` is written as given. */
uint64_t fake__map(struct fake *f, const struct fake_tree *t, uint64_t ia, int level,
		   uint64_t desc);

#endif
