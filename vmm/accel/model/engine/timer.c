/* Generic timer (Arm ARM D11 "The Generic Timer in AArch64 state"): CNTPCT/CNTVCT
 * (both count virtual time from their offsets, 0 unless the VM was handed over from
 * KVM: docs/handover.md), CNTP_* and CNTV_* with CTL.{ENABLE, IMASK,
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

/* CNTPCT and CNTVCT: virtual time plus the counter's offset */
static uint64_t pcount(const struct cpu *c) { return timer__now(c) + c->vm->cnt_poff; }
static uint64_t vcount(const struct cpu *c) { return timer__now(c) + c->vm->cnt_voff; }

static uint64_t ctl_read(uint64_t count, uint64_t ctl, uint64_t cval)
{
	ctl &= CTL_ENABLE | CTL_IMASK;
	if ((ctl & CTL_ENABLE) && count >= cval)
		ctl |= CTL_ISTATUS;
	return ctl;
}

uint64_t timer__read(struct cpu *c, enum timer_reg reg)
{
	uint64_t p = pcount(c), v = vcount(c);
	switch (reg) {
	case CNTFRQ: return c->vm->cntfrq;
	case CNTPCT: return p;
	case CNTVCT: return v;
	case CNTP_TVAL: return (uint32_t)(c->sr.cntp_cval - p);
	case CNTP_CTL: return ctl_read(p, c->sr.cntp_ctl, c->sr.cntp_cval);
	case CNTP_CVAL: return c->sr.cntp_cval;
	case CNTV_TVAL: return (uint32_t)(c->sr.cntv_cval - v);
	case CNTV_CTL: return ctl_read(v, c->sr.cntv_ctl, c->sr.cntv_cval);
	case CNTV_CVAL: return c->sr.cntv_cval;
	}
	return 0;
}

int timer__write(struct cpu *c, enum timer_reg reg, uint64_t v)
{
	switch (reg) {
	case CNTP_TVAL: c->sr.cntp_cval = pcount(c) + (uint64_t)(int64_t)(int32_t)v; break;
	case CNTP_CTL: c->sr.cntp_ctl = v & (CTL_ENABLE | CTL_IMASK); break;
	case CNTP_CVAL: c->sr.cntp_cval = v; break;
	case CNTV_TVAL: c->sr.cntv_cval = vcount(c) + (uint64_t)(int64_t)(int32_t)v; break;
	case CNTV_CTL: c->sr.cntv_ctl = v & (CTL_ENABLE | CTL_IMASK); break;
	case CNTV_CVAL: c->sr.cntv_cval = v; break;
	default: return exc__undef(c); /* read-only: the table does not route writes here */
	}
	timer__update(c);
	return X_CTX; /* the interrupt line may have changed: re-check before going on */
}

static bool line(uint64_t count, uint64_t ctl, uint64_t cval)
{
	return (ctl & CTL_ENABLE) && !(ctl & CTL_IMASK) && count >= cval;
}

void timer__update(struct cpu *c)
{
	struct gicv3 *g = c->vm->gic;
	if (!g)
		return;
	gicv3__set_ppi(g, c->index, PPI_PHYS_TIMER, line(pcount(c), c->sr.cntp_ctl, c->sr.cntp_cval));
	gicv3__set_ppi(g, c->index, PPI_VIRT_TIMER, line(vcount(c), c->sr.cntv_ctl, c->sr.cntv_cval));
}

/* The virtual time at which a counter with offset off reaches cval (0: it has) */
static uint64_t when(uint64_t cval, uint64_t off)
{
	return cval > off ? cval - off : 0;
}

uint64_t timer__deadline(const struct cpu *c)
{
	uint64_t d = UINT64_MAX;
	if ((c->sr.cntp_ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE)
		d = when(c->sr.cntp_cval, c->vm->cnt_poff);
	if ((c->sr.cntv_ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE &&
	    when(c->sr.cntv_cval, c->vm->cnt_voff) < d)
		d = when(c->sr.cntv_cval, c->vm->cnt_voff);
	return d;
}
