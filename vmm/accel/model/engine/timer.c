/* Generic timer (Arm ARM D11 "The Generic Timer in AArch64 state"): CNTPCT/CNTVCT
 * (CNTVOFF = 0, so both count the same), CNTP_* and CNTV_* with CTL.{ENABLE, IMASK,
 * ISTATUS}, CVAL and TVAL, and CNTKCTL_EL1's EL0 access controls. The interrupt
 * outputs are the PPIs 30 (physical) and 27 (virtual) of the model's GICv3. */
#include "cpu/cpu.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "gic/gicv3.h"
#include <platform/memmap.h>

#define E(op0, op1, crn, crm, op2) SR_ENC(op0, op1, crn, crm, op2)
#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

uint64_t timer__now(const struct cpu *c)
{
	return *c->vtime + c->icount - c->q_start;
}

int timer__el0_access(struct cpu *c, unsigned enc, int write)
{
	uint64_t k = c->sr.cntkctl_el1;
	bool ok;
	switch (enc) {
	case E(3, 3, 14, 0, 0): ok = !write && (k & 3); break;          /* CNTFRQ */
	case E(3, 3, 14, 0, 1): ok = !write && (k & 1); break;          /* CNTPCT */
	case E(3, 3, 14, 0, 2): ok = !write && (k & 2); break;          /* CNTVCT */
	case E(3, 3, 14, 2, 0): case E(3, 3, 14, 2, 1): case E(3, 3, 14, 2, 2):
		ok = k & (1u << 9); break;                              /* CNTP_* */
	case E(3, 3, 14, 3, 0): case E(3, 3, 14, 3, 1): case E(3, 3, 14, 3, 2):
		ok = k & (1u << 8); break;                              /* CNTV_* */
	default: return -1;
	}
	if (write && (enc == E(3, 3, 14, 0, 0) || enc == E(3, 3, 14, 0, 1) || enc == E(3, 3, 14, 0, 2)))
		return -1;
	return ok ? 0 : 1;
}

static uint64_t ctl_read(const struct cpu *c, uint64_t ctl, uint64_t cval)
{
	ctl &= CTL_ENABLE | CTL_IMASK;
	if ((ctl & CTL_ENABLE) && timer__now(c) >= cval)
		ctl |= CTL_ISTATUS;
	return ctl;
}

int timer__read(struct cpu *c, unsigned enc, uint64_t *v)
{
	uint64_t now = timer__now(c);
	switch (enc) {
	case E(3, 3, 14, 0, 0): *v = MODEL_CNTFRQ; return 0;
	case E(3, 3, 14, 0, 1): case E(3, 3, 14, 0, 2): *v = now; return 0;
	case E(3, 3, 14, 2, 0): *v = (uint32_t)(c->sr.cntp_cval - now); return 0;
	case E(3, 3, 14, 2, 1): *v = ctl_read(c, c->sr.cntp_ctl, c->sr.cntp_cval); return 0;
	case E(3, 3, 14, 2, 2): *v = c->sr.cntp_cval; return 0;
	case E(3, 3, 14, 3, 0): *v = (uint32_t)(c->sr.cntv_cval - now); return 0;
	case E(3, 3, 14, 3, 1): *v = ctl_read(c, c->sr.cntv_ctl, c->sr.cntv_cval); return 0;
	case E(3, 3, 14, 3, 2): *v = c->sr.cntv_cval; return 0;
	default: return -1;
	}
}

int timer__write(struct cpu *c, unsigned enc, uint64_t v)
{
	uint64_t now = timer__now(c);
	switch (enc) {
	case E(3, 3, 14, 2, 0): c->sr.cntp_cval = now + (uint64_t)(int64_t)(int32_t)v; break;
	case E(3, 3, 14, 2, 1): c->sr.cntp_ctl = v & 3; break;
	case E(3, 3, 14, 2, 2): c->sr.cntp_cval = v; break;
	case E(3, 3, 14, 3, 0): c->sr.cntv_cval = now + (uint64_t)(int64_t)(int32_t)v; break;
	case E(3, 3, 14, 3, 1): c->sr.cntv_ctl = v & 3; break;
	case E(3, 3, 14, 3, 2): c->sr.cntv_cval = v; break;
	default: return -1;
	}
	timer__update(c);
	return X_CTX; /* the interrupt line may have changed: re-check before going on */
}

static bool line(const struct cpu *c, uint64_t ctl, uint64_t cval)
{
	return (ctl & CTL_ENABLE) && !(ctl & CTL_IMASK) && timer__now(c) >= cval;
}

void timer__update(struct cpu *c)
{
	struct gicv3 *g = c->vm->gic;
	if (!g)
		return;
	gicv3__set_ppi(g, c->index, PPI_PHYS_TIMER, line(c, c->sr.cntp_ctl, c->sr.cntp_cval));
	gicv3__set_ppi(g, c->index, PPI_VIRT_TIMER, line(c, c->sr.cntv_ctl, c->sr.cntv_cval));
}

uint64_t timer__deadline(const struct cpu *c)
{
	uint64_t d = UINT64_MAX;
	if ((c->sr.cntp_ctl & 3) == CTL_ENABLE)
		d = c->sr.cntp_cval;
	if ((c->sr.cntv_ctl & 3) == CTL_ENABLE && c->sr.cntv_cval < d)
		d = c->sr.cntv_cval;
	return d;
}
