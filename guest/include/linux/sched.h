/*
 * Tasks and the scheduler (Linux: include/linux/sched.h, kernel/sched/sched.h,
 * arch/arm64/include/asm/processor.h's cpu_context). A task is a process (one thread):
 * its kernel stack is a vmalloc area (a guard page below it: an overflow faults), with
 * its user registers (struct pt_regs) at the top while it runs at EL0.
 */
#ifndef LINUX_SCHED_H
#define LINUX_SCHED_H
#include <types.h>
#include <setup.h>
#include <asm/ptrace.h>
#include <asm/fpsimd.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#define THREAD_SIZE (16 * 1024)
#define TASK_COMM_LEN 16
#define NR_OPEN 16

/* Callee-saved registers kept by cpu_switch_to (arch/entry.S): the offsets are fixed. */
struct cpu_context {
	u64 x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	u64 fp, sp, pc;
};

#define PF_MEMALLOC 0x800		/* reclaiming: may use the reserves, does not recurse */
#define PF_KSWAPD 0x20000		/* kswapd */
#define PF_KTHREAD 0x200000		/* a kernel thread (no mm, never exits) */

#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1
#define TASK_DEAD 64
#define EXIT_ZOMBIE 16
#define EXIT_DEAD 32

struct mm_struct;
struct file;

struct task_struct {
	struct cpu_context cpu_context;	/* first: arch/entry.S uses offset 0 */
	volatile long state;		/* TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_DEAD */
	int exit_state;			/* 0, EXIT_ZOMBIE, EXIT_DEAD */
	int exit_code;			/* wait4 status */
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned int cpu;		/* its run queue: fixed at fork (no migration) */
	bool on_rq;			/* queued or running */
	volatile int on_cpu;		/* still on its CPU (until the switch away is done) */
	bool is_idle;
	unsigned int flags;		/* PF_* */
	struct list_head run_list;
	struct mm_struct *mm;		/* NULL for kernel threads */
	void *stack;			/* THREAD_SIZE, vmalloc */
	struct task_struct *parent;
	struct list_head children, sibling, tasks;
	struct file *files[NR_OPEN];
	unsigned long nvcsw, nivcsw, ticks;
	unsigned long sigsegv_addr;	/* the address of the fault that killed it */
	volatile int sigkill_pending;	/* the OOM killer chose it: dies at exit to user */
	bool oom_victim;
	struct user_fpsimd_state fpsimd_state;	/* user tasks' FP/SIMD (arch/fpsimd.c) */
};

struct rq {
	spinlock_t lock;
	struct list_head queue;		/* runnable, not running */
	unsigned int nr_running;	/* queued */
	struct task_struct *curr, *idle;
	volatile bool need_resched;
	unsigned long nr_switches;
};
extern struct rq runqueues[NR_CPUS];

struct task_struct *get_current(void);
#define current get_current()
static inline struct pt_regs *task_pt_regs(struct task_struct *p)
{
	return (struct pt_regs *)((u8 *)p->stack + THREAD_SIZE) - 1;
}

/* kernel/sched/core.c */
void sched_init(void);			/* boot CPU, before smp_init */
void sched_init_secondary(unsigned int cpu);
void schedule(void);
void wake_up_process(struct task_struct *p);
void wake_up_new_task(struct task_struct *p);
void schedule_tail(struct task_struct *prev);
bool need_resched(void);
void set_tsk_need_resched(void);
unsigned int sched_select_cpu(void);
void cpu_do_idle(void);
void cpu_idle_once(void);
extern unsigned int sched_force_cpu;	/* tests: place new tasks here (-1U: spread) */

/* kernel/fork.c */
extern spinlock_t tasklist_lock;
extern struct list_head task_list;
struct task_struct *copy_process(struct pt_regs *regs, bool share_nothing,
				 int (*fn)(void *), void *arg);
long kernel_clone(unsigned long flags);
int kernel_spawn(const char *path, const char *const argv[]);
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *name);
void free_task(struct task_struct *p);
extern unsigned long nr_tasks_alive;

/* kernel/do_exit.c */
void do_exit(int code) __attribute__((noreturn));
void force_sig_fault(int sig, struct pt_regs *regs, unsigned long addr, u64 esr,
		     const char *why) __attribute__((noreturn));
long kernel_wait4(int pid, int *status, int options);
long kernel_wait_poll(int pid, int *status);	/* from a kernel test (idle task) */
void reap_orphans(void);
#define WNOHANG 1
#define SIGSEGV 11
#define SIGILL 4
#define SIGBUS 7
#define SIGKILL 9
#define SIGCHLD 17

/* arch: entry.S / process.c */
struct task_struct *cpu_switch_to(struct task_struct *prev, struct task_struct *next);
void ret_from_fork(void);
void exit_to_user_mode(struct pt_regs *regs);
#endif
