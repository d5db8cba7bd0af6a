/* The VMM's stage-2 translation tables for the model (the VMM plays EL2): IPA = PA over
 * guest RAM, Normal write-back; nothing else is mapped, so an access outside RAM is a
 * stage-2 translation fault that the VMM turns into an MMIO access on the bus
 * (docs/stage2.md). The tables live in a host buffer at a physical address the guest
 * cannot reach (above its 39-bit IPA space); mmu/ reads them through the model's
 * memory callbacks.
 *
 * Modes (vmm run --stage2): block (1 GiB / 2 MiB blocks where aligned, 4 KiB pages
 * elsewhere: the default, all of RAM mapped at start), page (4 KiB pages only, all
 * mapped at start), lazy (nothing mapped at start: a stage-2 translation fault on RAM
 * maps its 4 KiB page and the access is retried, as KVM's user_mem_abort).
 * --dirty-log maps RAM read-only: a write's stage-2 permission fault splits a block
 * down to pages, logs the page and makes it writable.
 *
 * Every change to a valid descriptor is break-before-make (invalid descriptor, TLBI
 * IPAS2E1IS for the IPA, TLBI VMALLE1IS for the combined entries, new descriptor),
 * done through struct stage2_sync, which xlat.c implements with mmu/'s TLBI and
 * sanitizer-check operations. */
#ifndef MODEL_STAGE2_H
#define MODEL_STAGE2_H

#include <stdbool.h>
#include <stdint.h>

#define S2_TABLES_PA 0x8000000000ull /* 512 GiB: outside the guest's IPA space */
#define S2_VMID 1

enum stage2_mode { STAGE2_BLOCK = 0, STAGE2_PAGE, STAGE2_LAZY };

/* What a fault handled by stage2__fault did (the monitor's events). */
enum stage2_event {
	S2EV_NONE = 0,     /* nothing to do: another vCPU resolved it (spurious) */
	S2EV_FIRST_TOUCH,  /* lazy: a RAM page mapped on first access */
	S2EV_SPLIT,        /* dirty log: a block split one level down (access retried) */
	S2EV_DIRTY,        /* dirty log: a page logged and made writable */
	S2EV_MMIO,         /* not RAM: the access went to the bus (xlat.c) */
	S2EV_KINDS
};

struct stage2_stats {
	uint64_t first_touch;  /* pages mapped on a translation fault (lazy) */
	uint64_t first_writes; /* of which by a write, logged at once (lazy, dirty log) */
	uint64_t dirty_faults; /* write-permission faults that logged a page */
	uint64_t splits;       /* blocks split */
	uint64_t spurious;     /* faults found already resolved */
	uint64_t changes;      /* valid descriptors changed (break-before-make) */
	uint64_t resets;       /* dirty-log resets */
};

/* How the tables' changes are made visible: xlat.c's, with mmu/. */
struct stage2_sync {
	/* store val to the descriptor at pa (tells the sanitizer checks first) */
	void (*store)(void *opaque, uint64_t pa, uint64_t val);
	/* TLBI IPAS2E1IS for ipa, then TLBI VMALLE1IS (and flush the micro-TLBs) */
	void (*invalidate)(void *opaque, uint64_t ipa);
	void *opaque;
};

struct stage2 {
	uint8_t *mem;          /* max tables of 4 KiB at S2_TABLES_PA */
	unsigned used, max;    /* tables allocated, room for */
	uint64_t vtcr, vttbr;  /* what the VMM programs in VTCR_EL2 / VTTBR_EL2 */
	enum stage2_mode mode;
	bool dirty_log;
	bool no_bbm;           /* test only (VMM_TEST_STAGE2_NO_BBM): skip the break */
	uint64_t ram_base, ram_size;
	uint64_t *dirty;       /* one bit per RAM page (dirty_log) */
	uint64_t ndirty;       /* bits set */
	struct stage2_stats st;
};

/* Build the tables for [ram_base, ram_base + ram_size). 0 or -errno. */
int stage2__build(struct stage2 *s, uint64_t ram_base, uint64_t ram_size,
		  enum stage2_mode mode, bool dirty_log);
void stage2__free(struct stage2 *s);
/* Host pointer of the 8 bytes at pa if pa is in the tables, else NULL. */
void *stage2__ptr(struct stage2 *s, uint64_t pa);
/* A stage-2 fault at ipa (write: the access was a write). 0 when the VMM resolved it
 * (*ev says how; the access is to be retried), -ENOENT when ipa is not RAM (MMIO),
 * -EFAULT when it cannot be resolved, -ENOSPC when out of tables. */
int stage2__fault(struct stage2 *s, const struct stage2_sync *y, uint64_t ipa, bool write,
		  enum stage2_event *ev);
/* Write-protect again the pages logged dirty and clear the log. */
void stage2__dirty_reset(struct stage2 *s, const struct stage2_sync *y);
bool stage2__is_dirty(const struct stage2 *s, uint64_t ipa);
/* 4 KiB pages of RAM the tables map now (a block counts its pages). */
uint64_t stage2__mapped_pages(const struct stage2 *s);

#endif
