/*
 * Ending tasks and waiting for them (Linux: kernel/exit.c do_exit/do_wait/release_task,
 * kernel/signal.c force_sig_fault, arch/arm64/mm/fault.c's unhandled-fault report).
 * do_exit() drops the address space (TTBR0 goes to the reserved table first), the
 * files, hands living children to the child reaper, becomes a zombie with its wait
 * status, wakes its parent and switches away for good. wait4 finds a zombie child,
 * takes its status and frees it once its CPU has switched off its stack (on_cpu).
 * A fatal user fault kills the task as SIGSEGV would, after a report: the program,
 * pid, PC, address, the reason and the decoded ESR.
 * Left out from Linux: signals (a fault is always fatal, there are no handlers and no
 * kill()), process groups and sessions, ptrace, rusage (wait4 ignores it), exit_group
 * for threads (there are none), init as reaper (orphans are reaped by reap_orphans(),
 * called by the kernel tests' waits).
 */
#include <kernel.h>
#include <string.h>
#include <asm/esr.h>
#include <asm/irqflags.h>
#include <asm/mmu_context.h>
#include <asm/sysreg.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/oom.h>
#include <linux/sched.h>
#include <linux/slab.h>

static struct task_struct child_reaper = {
	.comm = "reaper",
	.children = LIST_HEAD_INIT(child_reaper.children),
	.is_idle = true,
	.cpu = 0,
};
unsigned long nr_segv;

void do_exit(int code)
{
	struct task_struct *tsk = current, *c, *n;
	struct mm_struct *mm = tsk->mm;

	if (mm) {
		u64 f = local_irq_save();
		tsk->mm = NULL;
		cpu_set_reserved_ttbr0();
		local_irq_restore(f);
		mmput(mm);
	}
	if (tsk->oom_victim)
		exit_oom_victim(tsk);
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (tsk->files[fd]) {
			fput(tsk->files[fd]);
			tsk->files[fd] = NULL;
		}
	spin_lock(&tasklist_lock);
	list_for_each_entry_safe(c, n, &tsk->children, sibling) {
		list_del(&c->sibling);
		c->parent = &child_reaper;
		list_add_tail(&c->sibling, &child_reaper.children);
	}
	tsk->exit_code = code;
	tsk->exit_state = EXIT_ZOMBIE;
	struct task_struct *parent = tsk->parent;
	spin_unlock(&tasklist_lock);
	if (parent != &child_reaper)
		wake_up_process(parent);
	local_irq_disable();
	tsk->state = TASK_DEAD;
	schedule();
	panic("do_exit: dead task %d ran again", tsk->pid);
}

static const char *signame(int sig)
{
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGILL ? "SIGILL" :
	       "signal";
}

void force_sig_fault(int sig, struct pt_regs *regs, unsigned long addr, u64 esr,
		     const char *why)
{
	struct task_struct *tsk = current;

	__atomic_add_fetch(&nr_segv, 1, __ATOMIC_RELAXED);
	tsk->sigsegv_addr = addr;
	printk("%s[%d]: unhandled fault at 0x%016lx: %s\n", tsk->comm, tsk->pid, addr, why);
	printk("  pc 0x%016lx sp 0x%016lx, CPU%u, ESR 0x%08lx: %s\n", regs->pc, regs->sp,
	       tsk->cpu, esr, esr_get_class_string(esr));
	esr_describe(esr);
	printk("  %s[%d]: killed by %s\n", tsk->comm, tsk->pid, signame(sig));
	local_irq_enable();
	do_exit(sig);
}

static void release_task(struct task_struct *p)
{
	while (__atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	free_task(p);
}

long kernel_wait4(int pid, int *status, int options)
{
	struct task_struct *me = current, *c;

	for (;;) {
		struct task_struct *found = NULL;
		bool have = false;

		spin_lock(&tasklist_lock);
		list_for_each_entry(c, &me->children, sibling) {
			if (pid > 0 && c->pid != pid)
				continue;
			have = true;
			if (c->exit_state == EXIT_ZOMBIE) {
				found = c;
				break;
			}
		}
		if (found) {
			list_del(&found->sibling);
			list_del(&found->tasks);
			found->exit_state = EXIT_DEAD;
			spin_unlock(&tasklist_lock);
			int ret = found->pid;
			if (status)
				*status = found->exit_code;
			release_task(found);
			return ret;
		}
		if (!have) {
			spin_unlock(&tasklist_lock);
			return -ECHILD;
		}
		if ((options & WNOHANG) || me->is_idle) {
			spin_unlock(&tasklist_lock);
			return 0;
		}
		if (me->sigkill_pending) {
			spin_unlock(&tasklist_lock);
			return -EINTR;
		}
		me->state = TASK_INTERRUPTIBLE;
		spin_unlock(&tasklist_lock);
		schedule();
	}
}

void reap_orphans(void)
{
	struct task_struct *c, *n;

	for (;;) {
		struct task_struct *found = NULL;
		spin_lock(&tasklist_lock);
		list_for_each_entry_safe(c, n, &child_reaper.children, sibling)
			if (c->exit_state == EXIT_ZOMBIE) {
				found = c;
				list_del(&c->sibling);
				list_del(&c->tasks);
				c->exit_state = EXIT_DEAD;
				break;
			}
		spin_unlock(&tasklist_lock);
		if (!found)
			return;
		release_task(found);
	}
}

/* A kernel test (the idle task of its CPU) waits: other tasks of this CPU run meanwhile. */
long kernel_wait_poll(int pid, int *status)
{
	for (;;) {
		long r = kernel_wait4(pid, status, WNOHANG);
		if (r)
			return r;
		u64 f = local_irq_save();
		cpu_idle_once();
		local_irq_restore(f);
	}
}
