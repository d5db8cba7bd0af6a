/* Exception entry to EL1 and return (ERET): ESR/FAR/ELR/SPSR, the vector offset from
 * VBAR_EL1, PSTATE on entry, stack-pointer banking, illegal exception returns
 * (Arm ARM D1.3 "Exception entry", D1.4 "Exception return"). */
#include "cpu/cpu.h"
#include "mem/mem.h"
#include "engine/vm.h"
#include "mem/xlat.h"

static unsigned sp_bank(unsigned el, unsigned spsel) { return el == 0 ? 0 : spsel; }

void cpu__set_el_sp(struct cpu *c, unsigned el, unsigned spsel)
{
	unsigned from = sp_bank(c->el, c->spsel), to = sp_bank(el, spsel);
	if (from != to) {
		if (from) c->sp_el1 = c->x[31]; else c->sp_el0 = c->x[31];
		c->x[31] = to ? c->sp_el1 : c->sp_el0;
	}
	c->el = el;
	c->spsel = spsel;
}

uint64_t cpu__pstate(const struct cpu *c)
{
	return c->nzcv | ((uint64_t)c->pan << 22) | ((uint64_t)c->ss << SPSR_SS_BIT) |
	       ((uint64_t)c->il << 20) | c->daif | (c->el << 2) | c->spsel;
}

static bool ec_sets_far(unsigned ec)
{
	return ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_PC_ALIGN ||
	       ec == EC_DABT_LOW || ec == EC_DABT_CUR || ec == EC_WATCH_LOW || ec == EC_WATCH_CUR;
}

/* --stats: exceptions by class, aborts by fault status code */
static void count(struct cpu *c, enum exc_kind kind, uint32_t esr)
{
	unsigned ec = esr >> 26;
	if (kind == EXC_IRQ) {
		c->st.irq++;
		return;
	}
	c->st.exc_sync[ec]++;
	if (ec == EC_IABT_LOW || ec == EC_IABT_CUR)
		c->st.abort_fsc[0][ec == EC_IABT_CUR][esr & 0x3f]++;
	else if (ec == EC_DABT_LOW || ec == EC_DABT_CUR)
		c->st.abort_fsc[1][ec == EC_DABT_CUR][esr & 0x3f]++;
}

int exc__take(struct cpu *c, enum exc_kind kind, uint32_t esr, uint64_t far, uint64_t ret)
{
	if (kind == EXC_SYNC && c->pc == c->last_vector)
		return vm__fatal(c->vm, "model: vCPU %u: exception (ESR 0x%08x, FAR 0x%llx) raised by "
				 "the first instruction of its own vector at 0x%llx (VBAR_EL1 0x%llx): "
				 "the guest would loop forever; stopping", c->index, esr,
				 (unsigned long long)far, (unsigned long long)c->pc,
				 (unsigned long long)c->sr.vbar_el1);
	uint64_t off = c->el == 0 ? VEC_LOWER_A64 : c->spsel ? VEC_CURRENT_SPX : VEC_CURRENT_SP0;
	count(c, kind, esr);
	if (kind == EXC_SYNC && unlikely(c->vm->env->fault))
		c->vm->env->fault(c->vm->env_opaque, c, esr, far, ret);
	c->sr.spsr_el1 = cpu__pstate(c);
	c->sr.elr_el1 = ret;
	if (kind == EXC_SYNC) {
		c->sr.esr_el1 = esr;
		if (ec_sets_far(esr >> 26))
			c->sr.far_el1 = far;
	}
	cpu__set_el_sp(c, 1, 1);
	c->daif = DAIF_ALL;
	c->il = 0;
	c->ss = 0; /* SPSR_EL1.SS has it (cpu/debug.c) */
	c->dbg.stepped = false;
	if (!(c->sr.sctlr_el1 & SCTLR_SPAN))
		c->pan = 1;
	c->excl_valid = false;
	c->pc = (c->sr.vbar_el1 & ~0x7ffull) + off + kind;
	c->last_vector = c->pc;
	cpu__context_changed(c);
	if (unlikely(c->pmu.live)) /* the EL filters change */
		pmu__sync(c);
	return X_EXC;
}

int exc__undef(struct cpu *c)
{
	return exc__sync(c, EC_UNKNOWN, 0, 0);
}

/* An encoding the decoder has no handler for: unallocated, or not modelled */
int exec_undef(struct cpu *c, const struct dent *d)
{
	(void)d;
	undef__note(c); /* the environment reports each encoding once */
	return exc__undef(c);
}

/* ERET from EL1: PSTATE from SPSR_EL1, pc from ELR_EL1. A return to EL2/EL3, to
 * AArch32, or to EL0 with SP_ELx is illegal: PSTATE.IL is set, EL and SP unchanged
 * (Arm ARM D1.4.5 "Illegal return events"). */
void cpu__set_pstate(struct cpu *c, uint64_t spsr)
{
	unsigned m = spsr & 0x1f;
	bool illegal = (m & 0x10) || ((m >> 2) & 3) > 1 || m == 1 || (m & 2);
	c->nzcv = spsr & 0xf0000000u;
	c->daif = spsr & DAIF_ALL;
	c->pan = (spsr >> 22) & 1;
	if (illegal) {
		c->il = 1;
	} else {
		c->il = (spsr >> 20) & 1;
		cpu__set_el_sp(c, (m >> 2) & 3, m & 1);
	}
	debug__eret(c, spsr);
	cpu__context_changed(c);
}

int exec_eret(struct cpu *c, const struct dent *d)
{
	(void)d;
	if (c->el == 0)
		return exc__undef(c);
	uint64_t elr = c->sr.elr_el1;
	cpu__set_pstate(c, c->sr.spsr_el1);
	c->excl_valid = false;
	c->pc = elr;
	if (unlikely(c->pmu.live))
		pmu__sync(c);
	return X_EXC;
}

/* The regime the micro-TLBs are indexed by, and the alignment check; flush nothing:
 * entries are per regime. */
void cpu__context_changed(struct cpu *c)
{
	uint64_t sctlr = c->sr.sctlr_el1;
	c->mmu_idx = c->el == 0 ? MMU_EL0 : (c->pan ? MMU_EL1_PAN : MMU_EL1);
	c->align_mask = (sctlr & SCTLR_A) ? ~0ull : 0;
	/* FPEN: 0b01 traps EL0 only, 0b11 nothing, 0b00/0b10 both EL0 and EL1 */
	unsigned fpen = (c->sr.cpacr_el1 >> CPACR_FPEN_SHIFT) & 3;
	c->fp_off = fpen == 1 ? c->el == 0 : fpen != 3;
}

void cpu__reset(struct cpu *c)
{
	memset(c->x, 0, sizeof(c->x));
	c->pc = 0;
	c->nzcv = 0;
	c->daif = DAIF_ALL;
	c->el = 1;
	c->spsel = 1;
	c->pan = 0;
	c->il = 0;
	c->sp_el0 = c->sp_el1 = 0;
	memset(c->v, 0, sizeof(c->v));
	c->fpcr = c->fpsr = 0;
	sysreg__reset(c); /* from the table: cpu/sysregs.c */
	c->excl_valid = false;
	c->il = 0;
	c->last_vector = ~0ull;
	mem__flush(c);
	cpu__context_changed(c);
}
