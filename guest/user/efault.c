/* Bad user pointers given to system calls return -EFAULT (kernel addresses, unmapped
 * ones, ranges that wrap or run into the kernel half, read-only buffers for output). */
#include "ulib.h"
#define KADDR ((void *)0xffff000000001000UL)

static int t_write(void)
{
	CHECK(sys_write(1, KADDR, 8) == -EFAULT);
	CHECK(sys_write(1, NULL, 8) == -EFAULT);
	CHECK(sys_write(1, (void *)0x7000000000UL, 8) == -EFAULT);		/* unmapped */
	CHECK(sys_write(1, (void *)0xfffffffffffff000UL, 0x2000) == -EFAULT);	/* wraps */
	CHECK(sys_write(1, (void *)0xfffffffff000UL, 0x2000) == -EFAULT);	/* to TASK_SIZE */
	return 1;
}

static int t_read_into_bad(void)
{
	int fd = sys_open("/etc/pattern.txt", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(sys_read(fd, KADDR, 16) == -EFAULT);
	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(sys_read(fd, ro, 16) == -EFAULT);		/* read-only destination */
	CHECK(ro[0] == 0);
	char ok[8];
	CHECK(sys_read(fd, ok, 8) == 8);
	sys_close(fd);
	return 1;
}

static int t_strings(void)
{
	CHECK(sys_open(KADDR, O_RDONLY) == -EFAULT);
	CHECK(sys_open(NULL, O_RDONLY) == -EFAULT);
	/* a path running off the end of a mapping */
	char *m = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m + PAGE_SIZE, PAGE_SIZE);
	memset(m, 'x', PAGE_SIZE);
	CHECK(sys_open(m + PAGE_SIZE - 10, O_RDONLY) == -EFAULT);
	CHECK(sys_execve(KADDR, NULL, NULL) == -EFAULT);
	char *argv[] = { KADDR, NULL };
	CHECK(sys_execve("/bin/basic", argv, NULL) == -EFAULT);
	CHECK(sys_execve("/bin/basic", (char **)KADDR, NULL) == -EFAULT);
	return 1;
}

static void nothing(void *arg) { }

static int t_out_pointers(void)
{
	long pid = fork();
	if (pid == 0)
		exit(0);
	int *bad = KADDR;
	CHECK(wait4(pid, bad, 0) == -EFAULT);		/* reaped, status not stored */
	CHECK(wait4(-1, NULL, 0) == -ECHILD);
	CHECK(memstat(0, KADDR) == -EFAULT);
	CHECK(syscall3(__NR_getcpu, KADDR, 0, 0) == -EFAULT);
	CHECK(run_child(nothing, NULL) == 0);
	return 1;
}

static int t_mm_args(void)
{
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == (void *)-EINVAL);
	CHECK(mmap((void *)0x1001, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      (void *)-EINVAL);
	CHECK(mmap(KADDR, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      (void *)-EINVAL);
	CHECK(mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 42, 0) == (void *)-EBADF);
	CHECK(munmap(KADDR, PAGE_SIZE) == -EINVAL);
	CHECK(mprotect(KADDR, PAGE_SIZE, PROT_READ) == -ENOMEM);
	return 1;
}

int main(void)
{
	ktap_plan(5);
	ktap_ok(t_write(), "write_from_bad_buffers_efault");
	ktap_ok(t_read_into_bad(), "read_into_bad_buffers_efault");
	ktap_ok(t_strings(), "bad_path_and_argv_efault");
	ktap_ok(t_out_pointers(), "bad_result_pointers_efault");
	ktap_ok(t_mm_args(), "bad_mmap_munmap_mprotect_arguments");
	return ktap_failures();
}
