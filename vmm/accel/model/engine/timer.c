/* Generic timer (Arm ARM D11 "The Generic Timer in AArch64 state"): CNTPCT/CNTVCT
 * (CNTVOFF = 0, so both count the same), CNTP_* and CNTV_* with CTL.{ENABLE, IMASK,
 * ISTATUS}, CVAL and TVAL (encodings and CNTKCTL_EL1's EL0 controls: cpu/sysregs.c).
 * The interrupt outputs are the PPIs 30 (physical) and 27 (virtual) of the GICv3. */
#include "cpu/cpu.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "gic/gicv3.h"
#include <platform/memmap.h>

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

uint64_t timer__now(const struct cpu *c)
{
	return *c->vtime + c->icount - c->q_start;
}

static uint64_t ctl_read(const struct cpu *c, uint64_t ctl, uint64_t cval)
{
	ctl &= CTL_ENABLE | CTL_IMASK;
	if ((ctl & CTL_ENABLE) && timer__now(c) >= cval)
		ctl |= CTL_ISTATUS;
	return ctl;
}

uint64_t timer__read(struct cpu *c, enum timer_reg reg)
{
	uint64_t now = timer__now(c);
	switch (reg) {
	case CNTFRQ: return MODEL_CNTFRQ;
	case CNTPCT: case CNTVCT: return now; /* CNTVOFF = 0 */
	case CNTP_TVAL: return (uint32_t)(c->sr.cntp_cval - now);
	case CNTP_CTL: return ctl_read(c, c->sr.cntp_ctl, c->sr.cntp_cval);
	case CNTP_CVAL: return c->sr.cntp_cval;
	case CNTV_TVAL: return (uint32_t)(c->sr.cntv_cval - now);
	case CNTV_CTL: return ctl_read(c, c->sr.cntv_ctl, c->sr.cntv_cval);
	case CNTV_CVAL: return c->sr.cntv_cval;
	}
	return 0;
}

int timer__write(struct cpu *c, enum timer_reg reg, uint64_t v)
{
	uint64_t now = timer__now(c);
	switch (reg) {
	case CNTP_TVAL: c->sr.cntp_cval = now + (uint64_t)(int64_t)(int32_t)v; break;
	case CNTP_CTL: c->sr.cntp_ctl = v & (CTL_ENABLE | CTL_IMASK); break;
	case CNTP_CVAL: c->sr.cntp_cval = v; break;
	case CNTV_TVAL: c->sr.cntv_cval = now + (uint64_t)(int64_t)(int32_t)v; break;
	case CNTV_CTL: c->sr.cntv_ctl = v & (CTL_ENABLE | CTL_IMASK); break;
	case CNTV_CVAL: c->sr.cntv_cval = v; break;
	default: return exc__undef(c); /* read-only: the table does not route writes here */
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
	if ((c->sr.cntp_ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE)
		d = c->sr.cntp_cval;
	if ((c->sr.cntv_ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE && c->sr.cntv_cval < d)
		d = c->sr.cntv_cval;
	return d;
}
