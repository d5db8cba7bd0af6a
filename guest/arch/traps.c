/*
 * Exception dispatch (Linux: arch/arm64/kernel/entry-common.c, traps.c). The vector
 * table (arch/entry.S) calls do_exception() with the saved registers and the vector
 * index. Synchronous exceptions at EL1 go to their handlers: aborts to do_mem_abort()
 * (mm/fault.c), SVC and BRK to the test expectations; anything unexpected is reported
 * with ESR decoded, FAR, ELR, SPSR and all registers, and stops the run (status 2).
 * IRQs (from EL1 or EL0) go to the GIC driver. From EL0: SVC to el0_svc
 * (arch/syscall.c), aborts to do_mem_abort (user faults), anything else kills the task
 * with a report (there are no signal handlers), then exit_to_user_mode() before the
 * return to user space.
 * Left out from Linux: debug exceptions, signals, FP/SVE traps (EL0 FP use is an
 * undefined-instruction kill here, as no FP state is kept), AArch32 EL0.
 */
#include <kernel.h>
#include <asm/esr.h>
#include <asm/ptrace.h>
#include <asm/traps.h>
#include <asm/sysreg.h>
#include <setup.h>
#include <vmm_exit.h>
#include <linux/mm.h>
#include <kallsyms.h>
#include <linux/irq.h>
#include <linux/sched.h>

static struct fault_expect fault_expect[NR_CPUS];
static const char *const vector_names[16] = {
	"Synchronous (EL1t)", "IRQ (EL1t)", "FIQ (EL1t)", "SError (EL1t)",
	"Synchronous (EL1h)", "IRQ (EL1h)", "FIQ (EL1h)", "SError (EL1h)",
	"Synchronous (EL0, AArch64)", "IRQ (EL0, AArch64)", "FIQ (EL0, AArch64)",
	"SError (EL0, AArch64)", "Synchronous (EL0, AArch32)", "IRQ (EL0, AArch32)",
	"FIQ (EL0, AArch32)", "SError (EL0, AArch32)",
};

struct fault_expect *fault_expect_get(void)
{
	return &fault_expect[smp_processor_id()];
}

void fault_expect_arm(unsigned int ec)
{
	struct fault_expect *fe = fault_expect_get();
	fe->ec = ec;
	fe->hit = false;
	fe->esr = fe->far = fe->elr = 0;
	barrier();
	fe->armed = true;
	barrier();
}

/*
 * An armed expectation of this class: record and resume. Aborts, BRK: resume after the
 * instruction; SVC: ELR already points past it; an instruction abort: return to the
 * caller (the test branched to the bad address with BLR, so x30 is the way back).
 */
bool fault_expect_take(struct pt_regs *regs)
{
	struct fault_expect *fe = fault_expect_get();
	unsigned int ec = ESR_ELx_EC(regs->esr);

	if (!fe->armed || fe->ec != ec)
		return false;
	fe->armed = false;
	fe->hit = true;
	fe->esr = regs->esr;
	fe->far = regs->far;
	fe->elr = regs->pc;
	if (ec == ESR_ELx_EC_IABT_CUR)
		regs->pc = regs->regs[30];
	else if (ec != ESR_ELx_EC_SVC64)
		regs->pc += 4;
	return true;
}

void show_regs(struct pt_regs *regs)
{
	printk("pc : %s\nlr : %s\n", SYM(regs->pc), SYM(regs->regs[30]));
	printk("pc : %016lx  sp : %016lx  pstate : %08lx\n", regs->pc, regs->sp, regs->pstate);
	printk("x30: %016lx\n", regs->regs[30]);
	for (int i = 29; i > 0; i -= 2)
		printk("x%-2d: %016lx x%-2d: %016lx\n", i, regs->regs[i], i - 1, regs->regs[i - 1]);
}

void printk_bust_lock(void);

void die(const char *msg, struct pt_regs *regs)
{
	static int dying;

	if (__atomic_fetch_add(&dying, 1, __ATOMIC_SEQ_CST))
		for (;;)	/* another CPU is already reporting */
			__asm__ volatile("wfe");
	printk_bust_lock();
	printk("Internal error: %s [#1] on CPU %u\n", msg, smp_processor_id());
	printk("FAR_EL1: %016lx  ELR_EL1: %016lx  SPSR_EL1: %016lx\n", regs->far, regs->pc,
	       regs->pstate);
	show_regs(regs);
	printk("# fatal exception: stopping the test run (status 2)\n");
	vmm_exit__fatal();
}

static void el1_sync(struct pt_regs *regs)
{
	unsigned int ec = ESR_ELx_EC(regs->esr);

	switch (ec) {
	case ESR_ELx_EC_DABT_CUR:
	case ESR_ELx_EC_IABT_CUR:
		do_mem_abort(regs->far, regs->esr, regs);
		return;
	case ESR_ELx_EC_SVC64:
	case ESR_ELx_EC_BRK64:
		if (fault_expect_take(regs))
			return;
		break;
	}
	printk("Unexpected synchronous exception at EL1:\n");
	esr_describe(regs->esr);
	die("Oops - unexpected synchronous exception", regs);
}

void el0_svc(struct pt_regs *regs);

static void el0_sync(struct pt_regs *regs)
{
	unsigned int ec = ESR_ELx_EC(regs->esr);

	switch (ec) {
	case ESR_ELx_EC_SVC64:
		el0_svc(regs);
		return;
	case ESR_ELx_EC_DABT_LOW:
	case ESR_ELx_EC_IABT_LOW:
		local_irq_enable();
		do_mem_abort(regs->far, regs->esr, regs);
		return;
	case ESR_ELx_EC_PC_ALIGN:
		force_sig_fault(SIGBUS, regs, regs->pc, regs->esr, "PC alignment fault");
	case ESR_ELx_EC_SP_ALIGN:
		force_sig_fault(SIGBUS, regs, regs->sp, regs->esr, "SP alignment fault");
	default:
		force_sig_fault(SIGILL, regs, regs->pc, regs->esr,
				"undefined or trapped instruction");
	}
}

void do_exception(struct pt_regs *regs, unsigned long vector)
{
	if (vector == 8 || vector == 9) {	/* from EL0, AArch64 */
		if (vector == 8)
			el0_sync(regs);
		else if (gic_info.present)
			gic_handle_irq(regs);
		exit_to_user_mode(regs);
		return;
	}
	if (vector == 4) {
		el1_sync(regs);
		return;
	}
	if ((vector == 5 || vector == 9) && gic_info.present) {	/* IRQ from EL1h or EL0 */
		gic_handle_irq(regs);
		return;
	}
	printk("Unexpected exception: %s (vector %lu)\n", vector_names[vector & 15], vector);
	esr_describe(regs->esr);
	die("Oops - bad mode", regs);
}
