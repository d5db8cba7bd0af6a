/* A side-effect-free mmu/ context over the target's memory (guest_mmu.h). */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "guest_mmu.h"

static int read64(void *opaque, uint64_t pa, uint64_t *val)
{
	struct guest_mmu *g = opaque;
	uint64_t le;
	int rc = g->tg->ops->read_phys(g->tg->t, pa, &le, sizeof(le));

	if (rc)
		return rc < 0 ? rc : -EFAULT;
	*val = le64toh(le);
	return 0;
}

/* Never called with MMU_F_NO_UPDATE; if it ever were, refuse and count it. */
static int refuse_cas(void *opaque, uint64_t pa, uint64_t *expected, uint64_t desired)
{
	struct guest_mmu *g = opaque;

	(void)pa;
	(void)expected;
	(void)desired;
	g->writes++;
	return -EPERM;
}

static const struct mmu_mem_ops guest_mem_ops = { .read64 = read64, .cmpxchg64 = refuse_cas };

void guest_mmu__set(struct guest_mmu *g, const struct mmu_sysregs *sr)
{
	g->sr = *sr;
	mmu__regime_set(&g->ctx.regime, &g->sr);
}

void guest_mmu__init(struct guest_mmu *g, struct target *tg, const struct vcpu_regs *r)
{
	struct mmu_sysregs sr = {
		.sctlr_el1 = r->sctlr_el1, .tcr_el1 = r->tcr_el1,
		.ttbr0_el1 = r->ttbr0_el1, .ttbr1_el1 = r->ttbr1_el1,
		.mair_el1 = r->mair_el1, .hcr_el2 = r->hcr_el2,
		.vtcr_el2 = r->vtcr_el2, .vttbr_el2 = r->vttbr_el2,
		.pa_bits = r->pa_bits,
	};

	memset(g, 0, sizeof(*g));
	g->tg = tg;
	mmu__ctx_init(&g->ctx, &guest_mem_ops, g);
	guest_mmu__set(g, &sr);
}

unsigned guest_mmu__el(const struct vcpu_regs *r)
{
	return (r->pstate >> 2) & 3;
}

unsigned guest_mmu__flags(const struct vcpu_regs *r, int el, bool pan)
{
	unsigned e = el >= 0 ? (unsigned)el : guest_mmu__el(r);

	return MMU_F_NO_UPDATE | (e == 0 ? MMU_F_EL0 : 0) | (e != 0 && pan ? MMU_F_PAN : 0);
}

int guest_mmu__va_to_pa(struct guest_mmu *g, uint64_t va, enum mmu_access acc,
			unsigned flags, uint64_t *pa, struct mmu_result *res)
{
	if (mmu__walk(&g->ctx, va, acc, flags | MMU_F_NO_UPDATE, res))
		return -EFAULT;
	*pa = res->pa;
	return 0;
}
