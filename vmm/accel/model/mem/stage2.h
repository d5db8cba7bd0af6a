/* The VMM's stage-2 translation tables for the model (the VMM plays EL2): IPA = PA over
 * guest RAM, in 1 GiB / 2 MiB / 4 KiB blocks, read-write, Normal write-back; nothing
 * else is mapped, so an access outside RAM is a stage-2 translation fault that the
 * VMM turns into an MMIO access on the bus (docs/model.md). The tables live in a
 * host buffer at a physical address the guest cannot reach (above its 39-bit IPA
 * space); mmu/ reads them through the model's memory callbacks. */
#ifndef MODEL_STAGE2_H
#define MODEL_STAGE2_H

#include <stdint.h>

#define S2_TABLES_PA 0x8000000000ull /* 512 GiB: outside the guest's IPA space */
#define S2_MAX_TABLES 8
#define S2_VMID 1

struct stage2 {
	uint8_t *mem;          /* S2_MAX_TABLES pages at S2_TABLES_PA */
	unsigned used;         /* tables allocated */
	uint64_t vtcr, vttbr;  /* what the VMM programs in VTCR_EL2 / VTTBR_EL2 */
};

/* Build the tables mapping [ram_base, ram_base + ram_size). 0 or -errno. */
int stage2__build(struct stage2 *s, uint64_t ram_base, uint64_t ram_size);
void stage2__free(struct stage2 *s);
/* Host pointer of the 8 bytes at pa if pa is in the tables, else NULL. */
void *stage2__ptr(struct stage2 *s, uint64_t pa);

#endif
