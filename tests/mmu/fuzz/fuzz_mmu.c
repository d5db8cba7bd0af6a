/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target over random system-register configurations, random descriptor
 * memory and random accesses. Memory is a 16 KiB image that every physical address
 * wraps into, so any descriptor leads somewhere. Checks, beyond ASan/UBSan:
 *  - translate/walk return 0 or -EFAULT, and fault fields are in range;
 *  - a success keeps the offset bits inside the translation size;
 *  - the TLB path and a plain walk agree when nothing writes descriptors;
 *  - PAR from AT agrees with the walk's outcome;
 *  - TLBI, cache maintenance and the checks run over whatever the walks recorded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"

#define MEM (16u << 10)

struct fz {
	const uint8_t *p;
	size_t n;
	uint8_t mem[MEM];
};

static uint64_t take(struct fz *f, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && f->n; i++, f->p++, f->n--)
		v |= (uint64_t)*f->p << (8 * i);
	return v;
}

static int rd(void *o, uint64_t pa, uint64_t *v)
{
	struct fz *f = o;

	if ((pa >> 40) == 0xdead)  /* an address that reports an external abort */
		return -EIO;
	memcpy(v, f->mem + (pa & (MEM - 1) & ~7ull), 8);
	return 0;
}

static int cas(void *o, uint64_t pa, uint64_t *expected, uint64_t desired)
{
	struct fz *f = o;
	uint8_t *at = f->mem + (pa & (MEM - 1) & ~7ull);
	uint64_t cur;

	memcpy(&cur, at, 8);
	if (cur != *expected) {
		*expected = cur;
		return 1;
	}
	memcpy(at, &desired, 8);
	return 0;
}

static const struct mmu_mem_ops ops = { .read64 = rd, .cmpxchg64 = cas };

static void on_report(void *opaque, const struct mmu_check_report *r)
{
	(void)opaque;
	if ((unsigned)r->kind >= MMU_CHECK_KINDS || !r->what)
		abort();
}

/* Counts visits, stops after 256 (random trees can be enormous). */
static int count_visit(void *arg, const struct mmu_visit *v)
{
	unsigned *n = arg;

	if (v->level < 0 || v->level > 3 || v->shift < 12 || v->shift > 48)
		abort();
	return ++*n >= 256 ? -1 : 0;
}

static void visit_trees(struct mmu_ctx *ctx)
{
	for (int t = MMU_TABLES_TTBR0; t <= MMU_TABLES_S2; t++) {
		unsigned n = 0;
		int rc = mmu__tables_visit(ctx, (enum mmu_tables)t, count_visit, &n);
		if (rc != 0 && rc != -1 && rc != -EINVAL)
			abort();
	}
}

static void check_result(int rc, const struct mmu_result *res, uint64_t va, bool s1_on)
{
	if (rc != 0 && rc != -EFAULT)
		abort();
	if (rc) {
		const struct mmu_fault *f = &res->fault;
		if (f->kind == MMU_FAULT_NONE || f->level < 0 || f->level > 3 ||
		    (f->stage != 1 && f->stage != 2))
			abort();
		(void)mmu__fault_esr(f, true, NULL);
		(void)mmu__fault_hpfar(f);
		return;
	}
	if (res->shift < 12 || res->shift > 42)
		abort();
	if (s1_on && ((res->pa ^ va) & 0xfff))
		abort();
}

/* System registers from a few structured bytes, so that small inputs already reach
 * deep into the walker (valid TxSZ ranges, both granules, both stages). */
static void regs(struct fz *f, struct mmu_ctx *ctx, bool hw)
{
	uint64_t b = take(f, 8), tg = take(f, 1), v = take(f, 2);
	uint64_t tcr = (16 + (b & 0xff) % 28) | (16 + ((b >> 8) & 0xff) % 28) << 16 |
		       (tg & 3) << 14 | ((tg >> 2) & 3) << 30 | ((b >> 16) & 7) << 32 |
		       (b & (MMU_TCR_EPD0 | MMU_TCR_EPD1 | MMU_TCR_A1 | MMU_TCR_AS |
			     MMU_TCR_TBI0 | MMU_TCR_TBI1 | MMU_TCR_TBID0 | MMU_TCR_TBID1));
	uint64_t vtcr = (16 + (v & 0xff) % 28) | ((v >> 8) & 3) << 6 | ((tg >> 4) & 3) << 14 |
			((v >> 10) & 7) << 16 | (v & MMU_VTCR_VS);
	struct mmu_sysregs sr = {
		.sctlr_el1 = (b >> 24) & (MMU_SCTLR_M | MMU_SCTLR_C | MMU_SCTLR_I | MMU_SCTLR_WXN),
		.tcr_el1 = tcr, .ttbr0_el1 = take(f, 2) << 3 | take(f, 1) << 48,
		.ttbr1_el1 = take(f, 2) << 3 | take(f, 1) << 48, .mair_el1 = take(f, 8),
		.hcr_el2 = (b >> 40) & (MMU_HCR_VM | MMU_HCR_PTW), .vtcr_el2 = vtcr,
		.vttbr_el2 = take(f, 2) << 3 | take(f, 1) << 48, .pa_bits = 48,
	};
	if (hw) {
		sr.tcr_el1 |= (tg >> 6) * MMU_TCR_HA | (tg >> 7) * MMU_TCR_HD;
		sr.vtcr_el2 |= ((b >> 48) & 1) * MMU_VTCR_HA | ((b >> 49) & 1) * MMU_VTCR_HD;
	}
	mmu__regime_set(&ctx->regime, &sr);
}

/* TLB path vs plain walk on unchanging memory (no hardware updates). */
static void compare(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned fl)
{
	struct mmu_result a, b;
	int ra = mmu__translate(ctx, va, acc, fl, &a);
	int rb = mmu__walk(ctx, va, acc, fl, &b);

	check_result(ra, &a, va, ctx->regime.s1_on);
	check_result(rb, &b, va, ctx->regime.s1_on);
	if (ra != rb && !(ra == 0 && a.tlb_hit)) /* a hit may outlive a TLB-less view */
		abort();
	if (ra == 0 && rb == 0 && !a.tlb_hit && a.pa != b.pa)
		abort();
	if (ra == 0 && !(a.perms & (((fl & MMU_F_EL0) ? MMU_PERM_R0 : MMU_PERM_R1) << acc)))
		abort(); /* a success must carry the permission it was checked against */
}

/* AT S12E1R / S1E1R agree with a walk of the same access (PAR.F, PAR.PA). */
static void compare_at(struct mmu_ctx *ctx, uint64_t va)
{
	struct mmu_result res;
	int rc = mmu__walk(ctx, va, MMU_READ, 0, &res);
	uint64_t par = mmu__at(ctx, MMU_AT_S12E1R, va, false);

	if ((par & 1) != (rc != 0))
		abort();
	if (rc == 0 && ((par ^ res.pa) & 0xfffffffff000ull))
		abort();
	if (rc && ((par >> 1) & 0x3f) != mmu__fault_fsc(&res.fault))
		abort();
}

static void one_access(struct fz *f, struct mmu_ctx *ctx, bool hw)
{
	uint64_t va = take(f, 8);
	enum mmu_access acc = (enum mmu_access)(take(f, 1) % (MMU_FETCH + 1));
	unsigned fl = (unsigned)take(f, 1) & (MMU_F_EL0 | MMU_F_PAN | MMU_F_S1_ONLY);
	struct mmu_result res;
	struct mmu_tlbi op;
	uint64_t par;

	if (!hw) {
		compare(ctx, va, acc, fl);
		compare_at(ctx, va);
	} else {
		check_result(mmu__translate(ctx, va, acc, fl, &res), &res, va, ctx->regime.s1_on);
		mmu__check_fetch(ctx, va, res.pa);
		mmu__check_store(ctx, take(f, 4), 1u << (take(f, 1) & 3), take(f, 8));
	}
	par = mmu__at(ctx, (enum mmu_at_op)(take(f, 1) % (MMU_AT_S12E0W + 1)), va, fl & MMU_F_PAN);
	(void)par;
	mmu__tlbi_make(&op, (enum mmu_tlbi_kind)(take(f, 1) % MMU_TLBI_KINDS), take(f, 1) & 1,
		       take(f, 8), &ctx->regime);
	mmu__tlbi(ctx, &op);
	(void)mmu__cache_maint(ctx, (enum mmu_cache_op)(take(f, 1) % (MMU_IC_IALLUIS + 1)), va,
			       0, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;   /* not on the stack */
	struct mmu_check_config cc = { .report = on_report };
	struct mmu_trace tr;
	struct mmu_ctx ctx;
	struct mmu_domain dom = { 0 };
	bool hw;

	f.p = data;
	f.n = size;
	memset(f.mem, 0, MEM);
	hw = take(&f, 1) & 1;
	mmu__ctx_init(&ctx, &ops, &f);
	regs(&f, &ctx, hw);
	ctx.tlb = mmu__tlb_create(NULL);
	ctx.check = mmu__check_create(&cc);
	ctx.trace = (take(&f, 1) & 1) ? &tr : NULL;
	ctx.domain = &dom;
	mmu__domain_add(&dom, ctx.tlb, NULL);
	/* memory image: the next 16..4096 bytes of input, repeated over the image */
	size_t want = 16 * (take(&f, 1) + 1), img = f.n < want ? f.n : want;
	for (size_t off = 0; img && off < MEM; off += img)
		memcpy(f.mem + off, f.p, off + img <= MEM ? img : MEM - off);
	f.p += img;
	f.n -= img;
	for (int i = 0; i < 16 && f.n; i++)
		one_access(&f, &ctx, hw);
	visit_trees(&ctx);
	mmu__check_destroy(ctx.check);
	mmu__tlb_destroy(ctx.tlb);
	return 0;
}
