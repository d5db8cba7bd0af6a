/*
 * Creating tasks (Linux: kernel/fork.c copy_process/kernel_clone, arch/arm64/kernel/
 * process.c copy_thread). A child gets a task_struct, a kernel stack from vmalloc
 * (THREAD_SIZE, the guard page of the area below it makes an overflow fault), a copy of
 * the parent's user registers with x0 = 0, the parent's open files, and a copy of its
 * address space (dup_mmap: the same VMAs, private pages shared copy-on-write). Its
 * first switch-in runs ret_from_fork (arch/entry.S).
 * kernel_spawn() is the kernel's way to start a program (Linux: kernel_execve from a
 * kernel thread, as init is started): a task without mm whose first step is execve.
 * Left out from Linux: threads and every CLONE_* flag (clone accepts only SIGCHLD, as
 * fork), credentials, namespaces, signals, rlimits, pid hashing (a list is searched).
 */
#include <kernel.h>
#include <string.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

DEFINE_SPINLOCK(tasklist_lock);
LIST_HEAD(task_list);
static int last_pid;
unsigned long nr_tasks_alive;

int do_execve_kernel(const char *path, const char *const argv[]);

void free_task(struct task_struct *p)
{
	vfree(p->stack);
	kfree(p);
	__atomic_sub_fetch(&nr_tasks_alive, 1, __ATOMIC_RELAXED);
}

struct task_struct *copy_process(struct pt_regs *regs, bool copy_mm,
				 int (*fn)(void *), void *arg)
{
	struct task_struct *parent = current, *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	p->stack = vmalloc(THREAD_SIZE);
	if (!p->stack) {
		kfree(p);
		return NULL;
	}
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->run_list);
	p->state = TASK_INTERRUPTIBLE;	/* until wake_up_new_task */
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	fpsimd_fork(p);
	if (copy_mm && parent->mm) {
		p->mm = mm_alloc();
		if (!p->mm || dup_mmap(p->mm, parent->mm)) {
			if (p->mm)
				mmput(p->mm);
			vfree(p->stack);
			kfree(p);
			return NULL;
		}
	}
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (parent->files[fd]) {
			p->files[fd] = parent->files[fd];
			get_file(p->files[fd]);
		}
	struct pt_regs *childregs = task_pt_regs(p);
	if (regs) {
		*childregs = *regs;
		childregs->regs[0] = 0;		/* fork returns 0 in the child */
	} else {
		memset(childregs, 0, sizeof(*childregs));
	}
	p->cpu_context.x19 = (u64)fn;
	p->cpu_context.x20 = (u64)arg;
	p->cpu_context.sp = (u64)childregs;
	p->cpu_context.pc = (u64)ret_from_fork;

	__atomic_add_fetch(&nr_tasks_alive, 1, __ATOMIC_RELAXED);
	spin_lock(&tasklist_lock);
	p->pid = ++last_pid;
	p->parent = parent;
	list_add_tail(&p->sibling, &parent->children);
	list_add_tail(&p->tasks, &task_list);
	spin_unlock(&tasklist_lock);
	return p;
}

long kernel_clone(unsigned long flags)
{
	if (flags != SIGCHLD)
		return -EINVAL;		/* fork only: no threads, no other exit signal */
	struct task_struct *p = copy_process(task_pt_regs(current), true, NULL, NULL);
	if (!p)
		return -ENOMEM;
	int pid = p->pid;
	wake_up_new_task(p);
	return pid;
}

/* A kernel thread running fn(arg) for good (Linux: kthread_create + wake_up_process):
 * nobody's child, not counted in nr_tasks_alive (tests compare that with 0). */
struct task_struct *kthread_create(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *p = copy_process(NULL, false, fn, arg);

	if (!p)
		return NULL;
	snprintf(p->comm, sizeof(p->comm), "%s", name);
	p->flags |= PF_KTHREAD;
	spin_lock(&tasklist_lock);
	list_del(&p->sibling);
	INIT_LIST_HEAD(&p->sibling);
	p->parent = NULL;
	spin_unlock(&tasklist_lock);
	__atomic_sub_fetch(&nr_tasks_alive, 1, __ATOMIC_RELAXED);
	wake_up_new_task(p);
	return p;
}

struct spawn_args {
	char path[64];
	const char *argv[9];
	char strings[256];
};

static int spawn_exec(void *data)
{
	struct spawn_args *a = data;
	int ret = do_execve_kernel(a->path, a->argv);

	if (ret) {
		printk("spawn: execve %s failed: %d\n", a->path, ret);
		kfree(a);
		do_exit((127 & 0xff) << 8);
	}
	kfree(a);
	return 0;
}

int kernel_spawn(const char *path, const char *const argv[])
{
	struct spawn_args *a = kzalloc(sizeof(*a), GFP_KERNEL);
	size_t used = 0;

	if (!a)
		return -ENOMEM;
	snprintf(a->path, sizeof(a->path), "%s", path);
	for (int i = 0; argv && argv[i] && i < 8; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (used + n > sizeof(a->strings))
			break;
		memcpy(a->strings + used, argv[i], n);
		a->argv[i] = a->strings + used;
		used += n;
	}
	struct task_struct *p = copy_process(NULL, false, spawn_exec, a);
	if (!p) {
		kfree(a);
		return -ENOMEM;
	}
	int pid = p->pid;
	wake_up_new_task(p);
	return pid;
}
