/*
 * Small system calls (Linux: kernel/sys.c, fs/open.c, fs/read_write.c, kernel/exit.c
 * sys_wait4/sys_exit, kernel/fork.c sys_clone, kernel/sched/core.c sys_sched_yield,
 * kernel/sys.c sys_getcpu) and the project's vmm_memstat.
 * write(2) on fd 1 and 2 goes to the console; other descriptors are initramfs files
 * opened with openat(2) (read-only data, O_RDWR allowed for shared mappings: the
 * page cache is the file). wait4 ignores rusage.
 * Left out from Linux: a real file-descriptor table with dup/pipe, stdin, lseek, stat,
 * process groups in wait4 (pid 0 and < -1 behave as -1).
 */
#include <kernel.h>
#include <string.h>
#include <smp.h>
#include <asm/mmu_context.h>
#include <asm/uaccess.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/sched.h>

long sys_write(unsigned int fd, const char __user *buf, unsigned long count)
{
	char kbuf[256];
	unsigned long done = 0;

	if (fd != 1 && fd != 2)
		return fd < NR_OPEN && current->files[fd] ? -EINVAL : -EBADF;
	if (!access_ok(buf, count))	/* the whole range first, as vfs_write */
		return -EFAULT;
	while (done < count) {
		unsigned long n = min(count - done, sizeof(kbuf));
		if (copy_from_user(kbuf, buf + done, n))
			return done ? (long)done : -EFAULT;
		printk("%.*s", (int)n, kbuf);
		done += n;
	}
	return done;
}

long sys_read(unsigned int fd, char __user *buf, unsigned long count)
{
	char kbuf[256];
	unsigned long done = 0;

	if (fd >= NR_OPEN || !current->files[fd])
		return -EBADF;
	struct file *f = current->files[fd];
	if ((f->f_flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	while (done < count) {
		unsigned long pos = f->f_pos;
		long n = kernel_read(f, kbuf, min(count - done, sizeof(kbuf)), &pos);
		if (n <= 0)
			return done ? (long)done : n;
		if (copy_to_user(buf + done, kbuf, n))
			return done ? (long)done : -EFAULT;
		f->f_pos = pos;
		done += n;
	}
	return done;
}

long sys_openat(int dfd, const char __user *upath, int flags, int mode)
{
	char path[128];
	long n = strncpy_from_user(path, upath, sizeof(path));

	if (n < 0)
		return n;
	if (flags & 0100)	/* O_CREAT: the initramfs is read-only in structure */
		return -EACCES;
	struct inode *in = initramfs_lookup(path);
	if (!in)
		return -ENOENT;
	for (int fd = 3; fd < NR_OPEN; fd++)
		if (!current->files[fd]) {
			struct file *f = filp_open(in, flags & O_ACCMODE);
			if (!f)
				return -ENOMEM;
			current->files[fd] = f;
			return fd;
		}
	return -EMFILE;
}

long sys_close(unsigned int fd)
{
	if (fd >= NR_OPEN || !current->files[fd])
		return -EBADF;
	fput(current->files[fd]);
	current->files[fd] = NULL;
	return 0;
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_sched_yield(void)
{
	schedule();
	return 0;
}

long sys_getcpu(unsigned int __user *cpu, unsigned int __user *node, void *cache)
{
	if (cpu && put_user(smp_processor_id(), cpu))
		return -EFAULT;
	if (node && put_user(0U, node))
		return -EFAULT;
	return 0;
}

long sys_getpid(void)
{
	return current->pid;
}

long sys_getppid(void)
{
	struct task_struct *p = current->parent;
	return p && !p->is_idle ? p->pid : 0;
}

long sys_clone(unsigned long flags, unsigned long newsp, int __user *ptid, unsigned long tls,
	       int __user *ctid)
{
	if (newsp)
		return -EINVAL;		/* no threads: the child uses the parent's stack copy */
	return kernel_clone(flags);
}

long sys_wait4(int pid, int __user *ustatus, int options, void __user *rusage)
{
	int status = 0;

	if (options & ~WNOHANG)
		return -EINVAL;
	if (pid == 0 || pid < -1)
		pid = -1;
	long ret = kernel_wait4(pid, &status, options);
	if (ret > 0 && ustatus && put_user(status, ustatus))
		return -EFAULT;
	return ret;
}

long sys_vmm_memstat(int pid, struct vmm_memstat __user *ust)
{
	struct vmm_memstat st;
	struct mm_struct *mm = current->mm;

	memset(&st, 0, sizeof(st));
	if (pid == VMM_MEMSTAT_SYSTEM) {
		st.pgfault = vm_events[MM_PGFAULT];
		st.zero_page_maps = vm_events[MM_ZERO_PAGE_MAPS];
		st.anon_faults = vm_events[MM_ANON_FAULTS];
		st.cow_copies = vm_events[MM_COW_COPIES];
		st.cow_reuses = vm_events[MM_COW_REUSES];
		st.file_faults = vm_events[MM_FILE_FAULTS];
		st.stack_grows = vm_events[MM_STACK_GROWS];
		st.pgtables = nr_user_pgtables;
		st.segv = nr_segv;
	} else if (pid == 0 || pid == current->pid) {
		st.rss_anon = mm->rss_stat[MM_ANONPAGES];
		st.rss_file = mm->rss_stat[MM_FILEPAGES];
		st.rss_shmem = mm->rss_stat[MM_SHMEMPAGES];
		st.pgtables = mm->pgtables;
		st.map_count = mm->map_count;
		st.pgfault = mm->events[MM_PGFAULT];
		st.zero_page_maps = mm->events[MM_ZERO_PAGE_MAPS];
		st.anon_faults = mm->events[MM_ANON_FAULTS];
		st.cow_copies = mm->events[MM_COW_COPIES];
		st.cow_reuses = mm->events[MM_COW_REUSES];
		st.file_faults = mm->events[MM_FILE_FAULTS];
		st.stack_grows = mm->events[MM_STACK_GROWS];
		st.asid = ASID(mm);
	} else {
		return -ESRCH;
	}
	st.asid_generation = asid_generation_count();
	st.nr_free_pages = nr_free_pages() + nr_free_pages_pcp();
	st.nr_cpus = nr_cpus_online;
	st.cpu = smp_processor_id();
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}
