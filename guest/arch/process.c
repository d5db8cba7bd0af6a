/*
 * Per-CPU set-up for user space and the return to it (Linux: arch/arm64/kernel/
 * cpufeature.c's PAN enable, entry-common.c exit_to_user_mode, process.c).
 *   - PAN: SCTLR_EL1.SPAN cleared, so every exception taken to EL1 sets PSTATE.PAN, and
 *     PSTATE.PAN set now: a plain kernel access to a user page is a permission fault;
 *     user memory is reached only by the LDTR/STTR copies (asm/uaccess.h).
 *   - 16-bit ASIDs (TCR_EL1.AS) when ID_AA64MMFR0_EL1.ASIDBits says so.
 * exit_to_user_mode() runs before every return to EL0: while a reschedule is asked for
 * (tick, IPI, wake-up), switch; return with IRQs masked so that none slips in between.
 * Left out from Linux: signal delivery (no handlers exist), TIF flags (need_resched is
 * the only work), ptrace/seccomp hooks, SVE/FP state (no FP/SIMD in user programs:
 * they are built with -mgeneral-regs-only, and no FP register is switched), TPIDR_EL0.
 */
#include <kernel.h>
#include <smp.h>
#include <asm/irqflags.h>
#include <asm/mmu_context.h>
#include <asm/sysreg.h>
#include <linux/sched.h>

#define SCTLR_EL1_SPAN (1UL << 23)
bool cpu_has_pan;

void cpu_user_init(void)
{
	cpu_has_pan = ((read_sysreg(id_aa64mmfr1_el1) >> 20) & 0xf) != 0;
	cpu_asid_init();
	if (cpu_has_pan) {
		write_sysreg(read_sysreg(sctlr_el1) & ~SCTLR_EL1_SPAN, sctlr_el1);
		isb();
		__asm__ volatile(".inst 0xd500419f" ::: "memory");	/* MSR PAN, #1 */
	}
}

bool pan_enabled(void)
{
	u64 v;
	if (!cpu_has_pan)
		return false;
	__asm__ volatile("mrs %0, S3_0_C4_C2_3" : "=r"(v));	/* PAN */
	return v & (1UL << 22);
}

void exit_to_user_mode(struct pt_regs *regs)
{
	if (current->sigkill_pending) {		/* the OOM killer's SIGKILL */
		local_irq_enable();
		do_exit(SIGKILL);
	}
	for (;;) {
		local_irq_disable();
		if (!need_resched())
			return;
		local_irq_enable();
		schedule();
	}
}
