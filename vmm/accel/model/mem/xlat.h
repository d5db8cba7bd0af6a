/* Address translation for the CPU: the one file (xlat.c) that talks to mmu/. Given a VA
 * and an access, it returns the physical address and what the micro-TLB may cache, or
 * a fault already shaped for the guest's ESR. */
#ifndef MODEL_XLAT_H
#define MODEL_XLAT_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

enum acc { ACC_READ, ACC_WRITE, ACC_EXEC };

struct xlat_out {
	uint64_t pa;
	uint8_t attr;    /* MAIR format, both stages combined (Device-nGnRnE for MMIO) */
	bool device;     /* Device memory: no unaligned access, no micro-TLB */
	bool cacheable_fast; /* the micro-TLB may keep this translation */
	bool writable;   /* a write would succeed without any fault or flag update */
	bool readable;   /* a read would succeed (the micro-TLB may map reads) */
};

struct xlat_fault {
	unsigned fsc;    /* DFSC/IFSC */
	bool s1ptw;
};

/* 0, or -EFAULT with *f filled. idx is the regime (MMU_EL0/EL1/EL1_PAN). */
int xlat__translate(struct cpu *c, uint64_t va, unsigned idx, enum acc acc,
		    struct xlat_out *o, struct xlat_fault *f);

/* TLB maintenance, translation-context changes, AT. Each returns an exec_r. */
int xlat__tlbi(struct cpu *c, unsigned op1, unsigned crm, unsigned op2, uint64_t xt);
int xlat__at(struct cpu *c, unsigned op2, uint64_t va);
void xlat__context_changed(struct cpu *c);
/* Cache maintenance instructions: mmu/'s enum mmu_cache_op under names of our own,
 * so that mmu/ headers stay in xlat.c (which asserts that the two agree). */
enum xlat_cache_op {
	XLAT_DC_IVAC, XLAT_DC_CVAC, XLAT_DC_CVAU, XLAT_DC_CIVAC, XLAT_DC_ZVA,
	XLAT_IC_IVAU, XLAT_IC_IALLU, XLAT_IC_IALLUIS,
};
/* IC / DC by VA: translate and apply to the cache model; returns an exec_r. */
int xlat__cache_maint(struct cpu *c, enum xlat_cache_op op, uint64_t va, uint64_t *pa);

struct model_vm;
int xlat__vm_init(struct model_vm *vm);
void xlat__vm_free(struct model_vm *vm);
int xlat__cpu_init(struct cpu *c);
void xlat__cpu_free(struct cpu *c);
/* mmu/ sanitizer checks (--checks): tell them about a store to RAM (before it
 * happens). No-op when checks are off. */
void xlat__check_store(struct cpu *c, uint64_t pa, unsigned size, const void *data);
/* --checks: the micro-TLB slot of va in regime idx allows a checked store while this
 * holds its tag (VA page | generation): set by a fill from a write translation. */
uint64_t *xlat__checked_wtag(struct cpu *c, unsigned idx, uint64_t va);
/* The micro-TLB generations start again (mem__flush_data): tags xlat.c keeps go too. */
void xlat__utlb_cleared(struct cpu *c);
/* The run loop entered the 64-byte line of va (at pa) with checks or caches attached:
 * the I-cache check and the I-cache model see one fetch. */
void xlat__fetch_line(struct cpu *c, uint64_t va, uint64_t pa);
/* --checks, for translated code's own test of a line it enters (jit/translate.c):
 * xlat__fetch_line(c, va, pa) does nothing while (1) the 64-bit word at offset
 * xlat__fetch_checked_offset() + 8 * (c->mmu_idx * XLAT_FETCH_CHECKED +
 * ((va >> 12) & (XLAT_FETCH_CHECKED - 1))) in *c->xlat equals (va & ~0xfff) |
 * c->utlb_gen (the page's fetch translation passed the stale check since the last
 * micro-TLB flush) and (2) bit *bit of *xlat__code_live(vm, pa, bit) is
 * clear (the I-cache check has no line of pa's page to report). NULL: no such bit
 * (outside RAM, I-cache check off): call xlat__fetch_line. */
#define XLAT_FETCH_CHECKED 256
size_t xlat__fetch_checked_offset(void);
const uint64_t *xlat__code_live(const struct model_vm *vm, uint64_t pa, unsigned *bit);
/* --checks: pa's RAM page holds a descriptor a walk read (sticky). The micro-TLBs map
 * only other pages for writing; a page that becomes one flushes them all. */
bool xlat__is_table_page(const struct model_vm *vm, uint64_t pa);
/* --checks: a store of size bytes at host (guest RAM) through a micro-TLB write
 * mapping (mem_write): no descriptor there, only the I-cache check's bookkeeping. */
void xlat__note_store(struct cpu *c, const void *host, unsigned size);
/* --checks: the I-cache check's per-page state (mmu/check.h, struct mmu_check_flat),
 * for translated code to do a store's bookkeeping inline; NULL: none needed. */
struct mmu_check_flat;
const struct mmu_check_flat *xlat__check_flat(const struct model_vm *vm);
/* A data access of size bytes through o, for the cache model (--caches). */
void xlat__cache_access(struct cpu *c, const struct xlat_out *o, unsigned size, bool write);
/* The kinds of mmu/ sanitizer check: enum mmu_check_kind under names of our own
 * (asserted in xlat.c). */
enum xlat_check_kind {
	XLAT_CHECK_STALE_TLB, XLAT_CHECK_BBM, XLAT_CHECK_ICACHE, XLAT_CHECK_CONTIG,
	XLAT_CHECK_ASID_REUSE, XLAT_CHECK_KINDS
};
/* Reports of one kind so far (0 when checks are off), and the kind's name. kind is
 * unsigned so that tests may pass mmu/'s own enum. */
uint64_t xlat__check_count(struct model_vm *vm, unsigned kind);
const char *xlat__check_name(enum xlat_check_kind kind);
/* The mmu/ objects whose statistics --stats prints (stats.c); caches may be NULL. */
struct mmu_tlb;
struct mmu_caches;
struct mmu_cache;
const struct mmu_tlb *xlat__tlb(const struct cpu *c);
/* --checks=strict, summed over the vCPUs: entries in the TLB keep stores now, their
 * peaks, lookups they served, entries TLBIs removed from them, entries lost to a full
 * store. */
void xlat__keep_stats(const struct model_vm *vm, uint64_t out[5]);
const struct mmu_caches *xlat__caches(const struct cpu *c);
const struct mmu_walk_stats *xlat__walk_stats(const struct cpu *c);
const struct mmu_cache *xlat__shared_l2(const struct model_vm *vm);
/* The VMM's stage-2 tables (mem/stage2.h) the walks go through: what an inspector
 * shows as HCR_EL2.VM = 1, VTCR_EL2, VTTBR_EL2 and reads at S2_TABLES_PA. */
struct stage2;
const struct stage2 *xlat__stage2(const struct model_vm *vm);
/* --dirty-log: write-protect the logged pages again and clear the log (the VM held
 * between quanta; the changes are made as vCPU 0). */
void xlat__dirty_reset(struct model_vm *vm);
/* Distinct RAM pages the guest's translations and walks reached (--stats). */
uint64_t xlat__pages_touched(const struct model_vm *vm);
/* ID_AA64MMFR0/1 fields that describe what mmu/ walks (PARange, ASID bits, granules;
 * hardware Access flag and dirty state). */
uint64_t xlat__mmfr0(void);
uint64_t xlat__mmfr1(void);

#endif
