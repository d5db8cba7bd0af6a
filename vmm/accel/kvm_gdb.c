/* The KVM engine seen by the gdb stub (vmm/gdb/gdb.h, docs/gdb.md).
 *
 * Every vCPU ioctl is made by the vCPU's own thread while the others are parked
 * (kvm_monitor__on_vcpu), as the KVM API asks: registers with KVM_GET/SET_ONE_REG, the
 * debug set-up with KVM_SET_GUEST_DEBUG, and a single step, which is one KVM_RUN (or a
 * few, through MMIO exits) with KVM_GUESTDBG_SINGLESTEP on the parked thread itself.
 *
 * Breakpoints: software ones are a BRK #0 written over the instruction in guest RAM
 * (KVM_GUESTDBG_USE_SW_BP makes every BRK of the guest exit to us), the original word
 * kept and put back at removal; the host writes through its own mapping of guest RAM
 * and then cleans and invalidates that range to the point of unification
 * (__builtin___clear_cache: DC CVAU + IC IVAU, broadcast to the inner-shareable
 * domain), because KVM invalidates the I-cache for a guest page only when it maps it
 * at stage 2, not when user space writes it later. Hardware breakpoints and
 * watchpoints are KVM_GUESTDBG_USE_HW with DBGBCR/DBGBVR and DBGWCR/DBGWVR values
 * (Arm ARM D2.9, D2.10), as many as KVM_CAP_GUEST_DEBUG_HW_BPS/WPS say, the same on
 * every vCPU. A software breakpoint at an address that does not translate yet (before
 * the guest turns its MMU on) takes a hardware breakpoint instead, matched by VA.
 *
 * A KVM_EXIT_DEBUG in the run loop (kvm_gdb__debug_exit) is reported to the stub,
 * which pauses the VM; the vCPU waits until that pause reaches it, so it runs nothing
 * more. A BRK that is not ours (the guest's own: KVM_GUESTDBG_USE_SW_BP sends every
 * BRK here) is given back to the guest: its exception entry to EL1 is made here with
 * KVM_SET_ONE_REG, as the CPU would have made it (inject_brk). */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kvm_priv.h"
#include "../machine.h"
#include "gdb/gdb.h"
#include "gdb/hw_watch.h"

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define CORE_REG32(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define VREG(n) (KVM_REG_ARM64 | KVM_REG_SIZE_U128 | KVM_REG_ARM_CORE | \
		 KVM_REG_ARM_CORE_REG(fp_regs.vregs[n]))

#define MAX_SW_BPS 64
#define BRK0 0xd4200000u          /* BRK #0 */
#define STEP_RUNS 16              /* KVM_RUNs one step may take (MMIO exits on the way) */

/* ESR_EL2.EC of the debug exits (Arm ARM D17.2.37) */
#define EC_BREAKPT_LOW 0x30
#define EC_SOFTSTP_LOW 0x32
#define EC_WATCHPT_LOW 0x34
#define EC_BRK64 0x3c

/* DBGBCR<n>_EL1: E, PMC = 0b11 (EL1 and EL0), BAS = 0b1111 (A64), BT = 0 (address) */
#define BCR_ADDR_MATCH (1u | 3u << 1 | 0xfu << 5)

static struct kvm_gdb {
	struct machine *m;
	int max_bps, max_wps;
	struct { uint64_t va, pa; uint32_t orig; } sw[MAX_SW_BPS];
	unsigned nsw;
	/* from_sw: a software breakpoint at an address that did not translate when it
	 * was inserted (the MMU still off), which the hardware matches by VA instead */
	struct { bool used, from_sw; uint64_t addr; } hw[KVM_ARM_MAX_DBG_REGS];
	/* a watched range takes npieces watchpoint registers (hw_watch.h) */
	struct { bool used; uint64_t addr, len; enum gdb_bp_type type; int npieces; } wp[KVM_ARM_MAX_DBG_REGS];
	struct kvm_guest_debug dbg;  /* what every vCPU has now */
	atomic_uint control;         /* dbg.control, for the vCPU threads */
	atomic_bool halting;         /* a stop was reported: vCPUs wait for the pause */
} kg;

static int one_reg(struct kvm_vcpu *v, unsigned long req, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->fd, req, &r) < 0 ? -errno : 0;
}

/* PSTATE.M: EL1h uses SP_EL1, EL0t and EL1t SP_EL0 (regs.sp) */
static uint64_t sp_id(uint64_t pstate)
{
	return (pstate & 0xf) == 0x5 ? CORE_REG(sp_el1) : CORE_REG(regs.sp);
}

static int get_on_vcpu(struct kvm_vcpu *v, void *arg)
{
	struct gdb_regs *r = arg;
	uint64_t pstate;
	int rc = 0;

	for (unsigned i = 0; i < 31 && !rc; i++)
		rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.regs[i]), &r->x[i]);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pc), &r->pc);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pstate), &pstate);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, sp_id(pstate), &r->sp);
	for (unsigned i = 0; i < 32 && !rc; i++)
		rc = one_reg(v, KVM_GET_ONE_REG, VREG(i), r->v[i]);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG32(fp_regs.fpsr), &r->fpsr);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG32(fp_regs.fpcr), &r->fpcr);
	r->cpsr = (uint32_t)pstate;
	return rc;
}

static int set_on_vcpu(struct kvm_vcpu *v, void *arg)
{
	const struct gdb_regs *r = arg;
	uint64_t pstate;
	int rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pstate), &pstate);

	for (unsigned i = 0; i < 31 && !rc; i++)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.regs[i]), (void *)&r->x[i]);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.pc), (void *)&r->pc);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, sp_id(pstate), (void *)&r->sp);
	/* the flags only: the EL, SP selection and masks stay the CPU's */
	pstate = (pstate & ~0xf0000000ull) | (r->cpsr & 0xf0000000u);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &pstate);
	for (unsigned i = 0; i < 32 && !rc; i++)
		rc = one_reg(v, KVM_SET_ONE_REG, VREG(i), (void *)r->v[i]);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG32(fp_regs.fpsr), (void *)&r->fpsr);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG32(fp_regs.fpcr), (void *)&r->fpcr);
	return rc;
}

static int get_regs(void *t, unsigned cpu, struct gdb_regs *r)
{
	(void)t;
	return kvm_monitor__on_vcpu(kg.m, cpu, get_on_vcpu, r);
}

static int set_regs(void *t, unsigned cpu, const struct gdb_regs *r)
{
	(void)t;
	return kvm_monitor__on_vcpu(kg.m, cpu, set_on_vcpu, (void *)r);
}

/* The host wrote guest code through its own mapping: make the guest's fetches see it. */
static void sync_icache(void *p, size_t len)
{
	__builtin___clear_cache((char *)p, (char *)p + len);
}

static int write_phys(void *t, uint64_t pa, const void *buf, size_t len)
{
	void *p = machine__gpa_to_hva(kg.m, pa, len);

	(void)t;
	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	sync_icache(p, len);
	return 0;
}

/* ---- KVM_SET_GUEST_DEBUG ---- */

static int debug_on_vcpu(struct kvm_vcpu *v, void *arg)
{
	const struct kvm_guest_debug *d = arg;

	return ioctl(v->fd, KVM_SET_GUEST_DEBUG, d) < 0 ? -errno : 0;
}

/* Rebuild the debug set-up from the lists and give it to every vCPU. */
static int apply_debug(void)
{
	struct kvm_guest_debug d = { 0 };
	bool hw = false;
	int rc = 0;

	for (int k = 0; k < kg.max_bps; k++)
		if (kg.hw[k].used) {
			d.arch.dbg_bcr[k] = BCR_ADDR_MATCH;
			d.arch.dbg_bvr[k] = kg.hw[k].addr & ~3ull;
			hw = true;
		}
	for (int k = 0, slot = 0; k < kg.max_wps; k++)
		if (kg.wp[k].used) {
			/* LSC: 01 load, 10 store, 11 both */
			unsigned lsc = kg.wp[k].type == GDB_WP_READ ? 1 : kg.wp[k].type == GDB_WP_WRITE ? 2 : 3;
			struct hw_watch_piece p[KVM_ARM_MAX_DBG_REGS];
			int n = hw_watch__pieces(kg.wp[k].addr, kg.wp[k].len, p, kg.max_wps - slot);

			for (int i = 0; i < n; i++, slot++) { /* n > 0: set_wp counted them */
				d.arch.dbg_wcr[slot] = hw_watch__wcr(&p[i], lsc);
				d.arch.dbg_wvr[slot] = p[i].wvr;
			}
			hw = true;
		}
	if (kg.nsw || hw)
		d.control = KVM_GUESTDBG_ENABLE | (kg.nsw ? KVM_GUESTDBG_USE_SW_BP : 0) |
			    (hw ? KVM_GUESTDBG_USE_HW : 0);
	for (unsigned c = 0; c < kg.m->cfg.ncpus && !rc; c++)
		rc = kvm_monitor__on_vcpu(kg.m, c, debug_on_vcpu, &d);
	if (!rc) {
		kg.dbg = d;
		atomic_store(&kg.control, d.control);
	}
	return rc;
}

/* ---- breakpoints and watchpoints ---- */

static int set_sw(uint64_t va, uint64_t pa, bool insert)
{
	unsigned k;
	uint32_t *p, brk = BRK0;

	for (k = 0; k < kg.nsw && kg.sw[k].va != va; k++)
		;
	if (!insert) {
		if (k == kg.nsw)
			return 0;
		p = machine__gpa_to_hva(kg.m, kg.sw[k].pa, 4);
		if (p && !memcmp(p, &brk, 4)) { /* unless the guest wrote over it since */
			memcpy(p, &kg.sw[k].orig, 4);
			sync_icache(p, 4);
		}
		kg.sw[k] = kg.sw[--kg.nsw];
		return 0;
	}
	if (k < kg.nsw)
		return 0;
	if (kg.nsw == MAX_SW_BPS)
		return -ENOSPC;
	if (pa == ~0ull || (va & 3) || !(p = machine__gpa_to_hva(kg.m, pa, 4)))
		return -EFAULT; /* not mapped, or no RAM behind it: nothing to write into */
	kg.sw[kg.nsw].va = va;
	kg.sw[kg.nsw].pa = pa;
	memcpy(&kg.sw[kg.nsw++].orig, p, 4);
	memcpy(p, &brk, 4);
	sync_icache(p, 4);
	return 0;
}

static int set_hw(uint64_t addr, bool insert, bool from_sw)
{
	int k, free_k = -1;

	for (k = 0; k < kg.max_bps; k++) {
		if (kg.hw[k].used && kg.hw[k].addr == addr && kg.hw[k].from_sw == from_sw)
			break;
		if (!kg.hw[k].used && free_k < 0)
			free_k = k;
	}
	if (!insert) {
		if (k < kg.max_bps)
			kg.hw[k].used = false;
		return 0;
	}
	if (k < kg.max_bps)
		return 0;
	if (free_k < 0)
		return kg.max_bps ? -ENOSPC : -EOPNOTSUPP;
	kg.hw[free_k].used = true;
	kg.hw[free_k].from_sw = from_sw;
	kg.hw[free_k].addr = addr;
	return 0;
}

/* A watchpoint takes as many watchpoint registers as its range needs pieces
 * (hw_watch.h: a byte mask per partial doubleword, an aligned power-of-two block per
 * MASK); the registers are shared by all the watchpoints. */
static int set_wp(enum gdb_bp_type type, uint64_t addr, uint64_t len, bool insert)
{
	struct hw_watch_piece p[KVM_ARM_MAX_DBG_REGS];
	int k, free_k = -1, used = 0, n;

	for (k = 0; k < kg.max_wps; k++) {
		if (kg.wp[k].used && kg.wp[k].addr == addr && kg.wp[k].type == type)
			break;
		if (kg.wp[k].used)
			used += kg.wp[k].npieces;
		else if (free_k < 0)
			free_k = k;
	}
	if (!insert) {
		if (k < kg.max_wps)
			kg.wp[k].used = false;
		return 0;
	}
	if (k < kg.max_wps)
		return 0;
	if (!kg.max_wps)
		return -EOPNOTSUPP;
	n = hw_watch__pieces(addr, len, p, kg.max_wps - used);
	if (n == -2)
		return -EINVAL;
	if (n < 0 || free_k < 0)
		return -ENOSPC;
	kg.wp[free_k].used = true;
	kg.wp[free_k].addr = addr;
	kg.wp[free_k].len = len;
	kg.wp[free_k].type = type;
	kg.wp[free_k].npieces = n;
	return 0;
}

static int set_break(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t pa, uint64_t len,
		     bool insert)
{
	int rc;

	(void)t;
	if (type == GDB_BP_SW) {
		rc = set_sw(addr, pa, insert);
		if ((rc == -EFAULT && pa == ~0ull) || !insert) /* see from_sw */
			rc = set_hw(addr, insert, true);
	} else if (type == GDB_BP_HW) {
		rc = set_hw(addr, insert, false);
	} else {
		rc = set_wp(type, addr, len, insert);
	}
	if (!rc && (rc = apply_debug()) && insert) {
		/* KVM refused: take it out again rather than leave a BRK nobody catches */
		if (type == GDB_BP_SW) {
			set_sw(addr, pa, false);
			set_hw(addr, false, true);
		} else if (type == GDB_BP_HW) {
			set_hw(addr, false, false);
		} else {
			set_wp(type, addr, len, false);
		}
		apply_debug();
	}
	return rc;
}

/* ---- stops ---- */

/* What a KVM_EXIT_DEBUG was, for vCPU v at pc. */
static struct gdb_stop classify(struct kvm_vcpu *v)
{
	const struct kvm_debug_exit_arch *d = &v->run->debug.arch;
	struct gdb_stop s = { .kind = GDB_STOP_BREAK, .cpu = v->id };
	unsigned ec = d->hsr >> 26;

	if (ec == EC_SOFTSTP_LOW || ec == EC_SOFTSTP_LOW + 1) {
		s.kind = GDB_STOP_STEP;
	} else if (ec == EC_WATCHPT_LOW || ec == EC_WATCHPT_LOW + 1) {
		s.kind = GDB_STOP_WATCH;
		s.addr = d->far;
		s.wtype = GDB_WP_WRITE;
		/* FAR may be any address the access touched: report the watched one */
		for (int k = 0; k < kg.max_wps; k++) {
			uint64_t a = kg.wp[k].addr;

			if (kg.wp[k].used && d->far < a + kg.wp[k].len && d->far + 8 > a) {
				s.addr = d->far > a ? d->far : a;
				s.wtype = kg.wp[k].type;
				break;
			}
		}
	}
	/* EC_BRK64 (ours or the guest's) and EC_BREAKPT_LOW: a breakpoint stop */
	return s;
}

#define SYS_VBAR_EL1 ARM64_SYS_REG(3, 0, 12, 0, 0)
#define SYS_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SYS_ESR_EL1 ARM64_SYS_REG(3, 0, 5, 2, 0)
#define SCTLR_SPAN (1ull << 23)
#define PSTATE_PAN (1ull << 22)

/* Is the BRK at the PC one of ours? (pc: read back for the caller) */
static bool our_brk(struct kvm_vcpu *v, uint64_t *pc)
{
	if (one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pc), pc))
		return true; /* cannot tell: stop rather than guess */
	for (unsigned k = 0; k < kg.nsw; k++)
		if (kg.sw[k].va == *pc)
			return true;
	return false;
}

/* The guest's own BRK, trapped only because software breakpoints are set: take the
 * Breakpoint Instruction exception to EL1 as the CPU would (Arm ARM D1.10
 * "Exception entry"): ELR_EL1 = the BRK (its preferred return address), SPSR_EL1 =
 * PSTATE, ESR_EL1 = the syndrome (EC 0x3c, IL, the immediate: what ESR_EL2 holds), PSTATE
 * = EL1h with D, A, I, F set, PAN set when SCTLR_EL1.SPAN is 0, SS and IL clear, the
 * flags kept; PC = VBAR_EL1 + 0x200 from EL1 with SP_EL1, + 0x0 with SP_EL0, + 0x400 from
 * EL0. 0, or -errno (the caller then stops the VM for the debugger instead). */
static int inject_brk(struct kvm_vcpu *v, uint64_t pc)
{
	uint64_t pstate, vbar, sctlr, esr = v->run->debug.arch.hsr, off, npstate;
	int rc = one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pstate), &pstate);

	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, SYS_VBAR_EL1, &vbar);
	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, SYS_SCTLR_EL1, &sctlr);
	if (rc)
		return rc;
	off = (pstate & 0xc) == 0 ? 0x400 : (pstate & 1) ? 0x200 : 0x0;
	npstate = (pstate & 0xf0000000ull) | 0x3c5 |
		  (!(sctlr & SCTLR_SPAN) ? PSTATE_PAN : (pstate & PSTATE_PAN));
	rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(elr_el1), &pc);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(spsr[KVM_SPSR_EL1]), &pstate);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, SYS_ESR_EL1, &esr);
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &npstate);
	vbar += off;
	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.pc), &vbar);
	return rc;
}

void kvm_gdb__debug_exit(struct kvm_vcpu *v)
{
	struct gdb_stop s;
	const struct timespec ms = { 0, 1000000 };
	uint64_t pc;

	if ((v->run->debug.arch.hsr >> 26) == EC_BRK64 && !our_brk(v, &pc) &&
	    inject_brk(v, pc) == 0)
		return; /* the guest's own: it takes it */
	if (!atomic_load(&kg.control))
		return; /* a late exit after the debugger went: nothing to stop for */
	s = classify(v);
	if (s.kind == GDB_STOP_STEP)
		return; /* a step is the stepping thread's own (step_on_vcpu) */
	atomic_store(&kg.halting, true);
	gdb__notify_stop(&s);
	/* run nothing more until the stub's pause reaches this thread (it then parks
	 * before KVM_RUN), or the debugger goes, or the VM stops */
	while (!kvm_monitor__stop_wanted() && !machine__stopping(kg.m) &&
	       atomic_load(&kg.control) && atomic_load(&kg.halting))
		nanosleep(&ms, NULL);
}

/* PSTATE.I and F: masked while a step runs, so that the step executes the instruction
 * at the PC rather than enter an IRQ handler because the timer fired meanwhile (KVM
 * has no flag for it on arm64; QEMU's TCG stub does the same by default). */
#define PSTATE_IF 0xc0ull

struct step_req {
	uint32_t insn;   /* the instruction at the PC, when insn_ok */
	bool insn_ok;
};

/* Not to be stepped with I and F forced: MSR DAIFSet/DAIFClr, MSR DAIF, Xt, ERET,
 * ERETAA, ERETAB set them themselves, and MRS Xt, DAIF would read the forced value. */
static bool uses_daif(uint32_t insn)
{
	return (insn & 0xfffff0dfu) == 0xd50340dfu || (insn & 0xffffffe0u) == 0xd51b4220u ||
	       (insn & 0xffffffe0u) == 0xd53b4220u ||
	       insn == 0xd69f03e0u || insn == 0xd69f0bffu || insn == 0xd69f0fffu;
}

static int step_on_vcpu(struct kvm_vcpu *v, void *arg)
{
	const struct step_req *q = arg;
	struct kvm_guest_debug d = kg.dbg;
	struct kvm_mp_state mp = { 0 };
	uint64_t pstate = 0, masks = 0, pc = 0, vbar = 0;
	bool forced = false;
	int rc = -EIO;

	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) == 0 && mp.mp_state == KVM_MP_STATE_STOPPED)
		return -EINVAL; /* powered off (PSCI): nothing to step */
	if (q->insn_ok && !uses_daif(q->insn) &&
	    !one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pstate), &pstate) &&
	    (pstate & PSTATE_IF) != PSTATE_IF) {
		masks = pstate & PSTATE_IF;
		pstate |= PSTATE_IF;
		forced = !one_reg(v, KVM_SET_ONE_REG, CORE_REG(regs.pstate), &pstate);
	}
	d.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &d) < 0)
		rc = -errno;
	v->run->immediate_exit = 0;
	for (int k = 0; k < STEP_RUNS && rc == -EIO && !machine__stopping(kg.m); k++) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rc = -errno;
			break;
		}
		kvm_vcpu__trace_exit(v, v->run->exit_reason);
		if (v->run->exit_reason == KVM_EXIT_DEBUG) {
			struct gdb_stop s = classify(v);
			uint64_t at;

			/* the guest's own BRK: it takes the exception, the step ends in its vector */
			if ((v->run->debug.arch.hsr >> 26) == EC_BRK64 && !our_brk(v, &at) &&
			    inject_brk(v, at) == 0)
				s.kind = GDB_STOP_STEP;
			if (s.kind != GDB_STOP_STEP)
				gdb__notify_stop(&s); /* a breakpoint or watchpoint on the way */
			rc = 0;
			break;
		}
		kvm_vcpu__handle_exit(v); /* MMIO and the rest, then on to the step's end */
	}
	v->run->exit_reason = KVM_EXIT_INTR; /* nothing left for the run loop to complete */
	/* give I and F back: to PSTATE, or when the instruction took an exception (the PC
	 * is in the vector table: its entry masked them itself) to the PSTATE it saved in
	 * SPSR_EL1, so that its ERET restores the guest's own masks */
	if (forced && !one_reg(v, KVM_GET_ONE_REG, CORE_REG(regs.pc), &pc) &&
	    !one_reg(v, KVM_GET_ONE_REG, SYS_VBAR_EL1, &vbar)) {
		uint64_t id = pc >= vbar && pc < vbar + 0x800 ? CORE_REG(spsr[KVM_SPSR_EL1]) :
			      CORE_REG(regs.pstate);

		if (!one_reg(v, KVM_GET_ONE_REG, id, &pstate)) {
			pstate = (pstate & ~PSTATE_IF) | masks;
			one_reg(v, KVM_SET_ONE_REG, id, &pstate);
		}
	}
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &kg.dbg) < 0 && !rc)
		rc = -errno;
	if (rc == -EIO)
		rc = -ETIMEDOUT; /* no debug exit after STEP_RUNS runs */
	return machine__stopping(kg.m) ? -ECANCELED : rc;
}

static int step(void *t, unsigned cpu)
{
	struct step_req q = { 0 };
	struct gdb_regs r;

	(void)t;
	if (kvm_monitor__on_vcpu(kg.m, cpu, get_on_vcpu, &r) == 0)
		q.insn_ok = gdb__read_virt(cpu, r.pc, &q.insn, 4) == 4;
	return kvm_monitor__on_vcpu(kg.m, cpu, step_on_vcpu, &q);
}

static void before_resume(void *t)
{
	(void)t;
	atomic_store(&kg.halting, false);
}

static const struct gdb_target_ops ops = {
	.get_regs = get_regs, .set_regs = set_regs, .step = step, .write_phys = write_phys,
	.set_break = set_break, .before_resume = before_resume,
};

/* Called before the VM is created (machine__run creates it): the capabilities come
 * from /dev/kvm itself. */
const struct gdb_target_ops *kvm_gdb__ops(struct machine *m, void **target)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) <= 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	kg.m = m;
	kg.max_bps = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_BPS);
	kg.max_wps = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_WPS);
	close(fd);
	if (kg.max_bps < 0 || kg.max_bps > KVM_ARM_MAX_DBG_REGS)
		kg.max_bps = kg.max_bps < 0 ? 0 : KVM_ARM_MAX_DBG_REGS;
	if (kg.max_wps < 0 || kg.max_wps > KVM_ARM_MAX_DBG_REGS)
		kg.max_wps = kg.max_wps < 0 ? 0 : KVM_ARM_MAX_DBG_REGS;
	*target = &kg;
	return &ops;
}
