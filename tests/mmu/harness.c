/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int rd(void *o, uint64_t pa, uint64_t *v)
{
	struct tmem *m = o;

	m->reads++;
	if (pa + 8 > TMEM_SIZE || (m->fail_pa && pa == m->fail_pa))
		return -EIO;
	memcpy(v, m->buf + pa, 8);
	return 0;
}

static int cas(void *o, uint64_t pa, uint64_t *expected, uint64_t desired)
{
	struct tmem *m = o;
	uint64_t cur;

	m->cas++;
	if (pa + 8 > TMEM_SIZE)
		return -EIO;
	memcpy(&cur, m->buf + pa, 8);
	if (cur != *expected) {
		*expected = cur;
		return 1;
	}
	memcpy(m->buf + pa, &desired, 8);
	return 0;
}

const struct mmu_mem_ops tmem_ops = { .read64 = rd, .cmpxchg64 = cas };
const struct mmu_mem_ops tmem_ops_nocas = { .read64 = rd };

struct tmem *tmem_new(void)
{
	struct tmem *m = calloc(1, sizeof(*m));
	m->buf = calloc(1, TMEM_SIZE);
	return m;
}

void tmem_free(struct tmem *m)
{
	free(m->buf);
	free(m);
}

void w64(struct tmem *m, uint64_t pa, uint64_t v)
{
	assert_true(pa + 8 <= TMEM_SIZE);
	memcpy(m->buf + pa, &v, 8);
}

uint64_t r64(struct tmem *m, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, m->buf + pa, 8);
	return v;
}

void th_set(struct mmu_ctx *ctx, uint64_t sctlr, uint64_t tcr, uint64_t ttbr0,
	    uint64_t ttbr1, uint64_t hcr, uint64_t vtcr, uint64_t vttbr)
{
	struct mmu_sysregs sr = {
		.sctlr_el1 = sctlr, .tcr_el1 = tcr, .ttbr0_el1 = ttbr0, .ttbr1_el1 = ttbr1,
		.mair_el1 = MAIR_TEST, .hcr_el2 = hcr, .vtcr_el2 = vtcr, .vttbr_el2 = vttbr,
		.pa_bits = 48,
	};
	mmu__regime_set(&ctx->regime, &sr);
}

void th_ctx(struct mmu_ctx *ctx, struct tmem *m, uint64_t sctlr, uint64_t tcr,
	    uint64_t ttbr0, uint64_t ttbr1)
{
	mmu__ctx_init(ctx, &tmem_ops, m);
	th_set(ctx, sctlr, tcr, ttbr0, ttbr1, 0, 0, 0);
}

void th_stage2(struct mmu_ctx *ctx, uint64_t vtcr, uint64_t vttbr)
{
	struct mmu_sysregs sr = ctx->regime.sr;

	sr.hcr_el2 |= MMU_HCR_VM;
	sr.vtcr_el2 = vtcr;
	sr.vttbr_el2 = vttbr;
	mmu__regime_set(&ctx->regime, &sr);
}

void th_s2_tables(struct tmem *m)
{
	w64(m, S2BASE + 0, TABLE(S2L2));
	w64(m, S2L2, S2BLOCK(IPA2PA(0)));
	w64(m, S2BASE + 8, S2BLOCK(0x100000000ull));
}

void th_two_stage(struct mmu_ctx *ctx, struct tmem *m, uint16_t vmid, uint64_t leaf)
{
	th_ctx(ctx, m, SCTLR_ON, TCR_4K48, 0x10000, 0);
	th_stage2(ctx, VTCR_4K40, S2BASE | (uint64_t)vmid << 48);
	th_s2_tables(m);
	w64(m, IPA2PA(0x10000) + 1 * 8, TABLE(0x11000));
	w64(m, IPA2PA(0x11000) + 1 * 8, TABLE(0x12000));
	w64(m, IPA2PA(0x12000) + 1 * 8, TABLE(0x13000));
	w64(m, S1LEAF, leaf);
}

uint64_t ok_pa(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags)
{
	struct mmu_result res;
	int rc = mmu__translate(ctx, va, acc, flags, &res);

	if (rc)
		print_error("unexpected fault kind %d stage %d level %d at va %#llx\n",
			    res.fault.kind, res.fault.stage, res.fault.level,
			    (unsigned long long)va);
	assert_int_equal(rc, 0);
	return res.pa;
}

void expect_fault(struct mmu_ctx *ctx, uint64_t va, enum mmu_access acc, unsigned flags,
		  enum mmu_fault_kind kind, int stage, int level)
{
	struct mmu_result res;
	int rc = mmu__translate(ctx, va, acc, flags, &res);

	if (rc == 0)
		print_error("no fault at va %#llx (pa %#llx)\n", (unsigned long long)va,
			    (unsigned long long)res.pa);
	assert_int_equal(rc, -EFAULT);
	assert_int_equal(res.fault.kind, kind);
	assert_int_equal(res.fault.stage, stage);
	assert_int_equal(res.fault.level, level);
	assert_int_equal(res.fault.va, va);
}

void tb_map4k(struct tmem *m, uint64_t root, uint64_t *next, uint64_t ia, uint64_t leaf)
{
	uint64_t table = root;

	for (int level = 0; level < 3; level++) {
		uint64_t slot = table + 8 * ((ia >> (39 - 9 * level)) & 511);
		uint64_t d = r64(m, slot);

		if (!(d & 1)) {
			d = TABLE(*next);
			memset(m->buf + *next, 0, 4096);
			*next += 4096;
			w64(m, slot, d);
		}
		table = d & 0x0000fffffffff000ull;
	}
	w64(m, table + 8 * ((ia >> 12) & 511), leaf);
}
