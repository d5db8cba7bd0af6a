/*
 * System calls from EL0 (Linux: arch/arm64/kernel/syscall.c el0_svc/invoke_syscall,
 * include/uapi/asm-generic/unistd.h numbers). SVC #0 with the number in x8 and up to six
 * arguments in x0-x5; the result (or -errno) goes back in x0. IRQs are unmasked while a
 * system call runs. The project-specific vmm_memstat is number 1024, above Linux's range.
 * Left out from Linux: everything not listed in the table (-ENOSYS), syscall tracing,
 * restart, compat (AArch32).
 */
#include <kernel.h>
#include <asm/irqflags.h>
#include <asm/ptrace.h>
#include <uapi/vmm_memstat.h>
#include <uapi/vmm_page.h>
#include <uapi/vmm_vmstat.h>

typedef long (*syscall_fn_t)(u64, u64, u64, u64, u64, u64);
/* Arguments are passed in x0-x5 whatever the handler's types (AAPCS64: an int reads w0). */
#define SYS(n, f) [n] = (syscall_fn_t)(void (*)(void))f

long sys_openat(int dfd, const char *path, int flags, int mode);
long sys_close(unsigned int fd);
long sys_read(unsigned int fd, char *buf, unsigned long count);
long sys_write(unsigned int fd, const char *buf, unsigned long count);
long sys_exit(int code);
long sys_sched_yield(void);
long sys_getcpu(unsigned int *cpu, unsigned int *node, void *cache);
long sys_getpid(void);
long sys_getppid(void);
long sys_brk(unsigned long brk);
long sys_munmap(unsigned long addr, unsigned long len);
long sys_clone(unsigned long flags, unsigned long sp, int *ptid, unsigned long tls, int *ctid);
long sys_execve(const char *filename, const char *const *argv, const char *const *envp);
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off);
long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot);
long sys_madvise(unsigned long start, unsigned long len, int advice);
long sys_wait4(int pid, int *status, int options, void *rusage);
long sys_vmm_memstat(int pid, struct vmm_memstat *st);
long sys_vmm_vmstat(unsigned long *values, unsigned long n);
long sys_vmm_page(unsigned long addr, int op, struct vmm_page_info *info);

#define NR_SYSCALLS 261
static const syscall_fn_t sys_call_table[NR_SYSCALLS] = {
	SYS(56, sys_openat), SYS(57, sys_close), SYS(63, sys_read), SYS(64, sys_write),
	SYS(93, sys_exit), SYS(94, sys_exit), SYS(124, sys_sched_yield), SYS(168, sys_getcpu),
	SYS(172, sys_getpid), SYS(173, sys_getppid), SYS(214, sys_brk), SYS(215, sys_munmap),
	SYS(220, sys_clone), SYS(221, sys_execve), SYS(222, sys_mmap), SYS(226, sys_mprotect),
	SYS(233, sys_madvise), SYS(260, sys_wait4),
};

void el0_svc(struct pt_regs *regs)
{
	u64 nr = regs->regs[8];
	syscall_fn_t fn = NULL;
	long ret;

	local_irq_enable();
	if (nr < NR_SYSCALLS)
		fn = sys_call_table[nr];
	else if (nr == __NR_vmm_memstat)
		fn = (syscall_fn_t)(void (*)(void))sys_vmm_memstat;
	else if (nr == __NR_vmm_vmstat)
		fn = (syscall_fn_t)(void (*)(void))sys_vmm_vmstat;
	else if (nr == __NR_vmm_page)
		fn = (syscall_fn_t)(void (*)(void))sys_vmm_page;
	if (fn)
		ret = fn(regs->regs[0], regs->regs[1], regs->regs[2], regs->regs[3], regs->regs[4],
			 regs->regs[5]);
	else
		ret = -38;	/* -ENOSYS */
	regs->regs[0] = ret;
}
