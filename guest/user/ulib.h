/*
 * The user runtime of the guest's test programs: system-call wrappers (Linux arm64
 * numbers, SVC #0, number in x8), strings, a small printf, malloc (brk below 128 KiB,
 * mmap from 128 KiB: Linux's M_MMAP_THRESHOLD default) and KTAP helpers that print a
 * nested subtest at the depth of a kernel test case (8 spaces).
 * No libc: programs are static, -nostdlib, -mgeneral-regs-only (no FP/SIMD).
 */
#ifndef ULIB_H
#define ULIB_H
#include "../include/uapi/vmm_memstat.h"

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;
#define NULL ((void *)0)
#define PAGE_SIZE 4096UL
#define noinline __attribute__((noinline))
#define barrier() __asm__ volatile("" ::: "memory")
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define __NR_openat 56
#define __NR_close 57
#define __NR_read 63
#define __NR_write 64
#define __NR_exit 93
#define __NR_exit_group 94
#define __NR_sched_yield 124
#define __NR_getcpu 168
#define __NR_getpid 172
#define __NR_getppid 173
#define __NR_brk 214
#define __NR_munmap 215
#define __NR_clone 220
#define __NR_execve 221
#define __NR_mmap 222
#define __NR_mprotect 226
#define __NR_madvise 233
#define __NR_wait4 260

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_FAILED ((void *)-1)
#define MADV_DONTNEED 4
#define O_RDONLY 0
#define O_RDWR 2
#define AT_FDCWD (-100)
#define SIGCHLD 17
#define WNOHANG 1
#define WIFEXITED(s) (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0)
#define WTERMSIG(s) ((s) & 0x7f)
#define EFAULT 14
#define EINVAL 22
#define ENOMEM 12
#define ENOSYS 38
#define EBADF 9
#define ECHILD 10
#define EACCES 13

long syscall6(long n, long a, long b, long c, long d, long e, long f);
#define syscall0(n) syscall6(n, 0, 0, 0, 0, 0, 0)
#define syscall1(n, a) syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b) syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define syscall4(n, a, b, c, d) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Raw system calls: they return -errno, there is no errno variable. */
static inline long sys_write(int fd, const void *b, size_t n) { return syscall3(__NR_write, fd, b, n); }
static inline long sys_read(int fd, void *b, size_t n) { return syscall3(__NR_read, fd, b, n); }
static inline long sys_open(const char *p, int flags) { return syscall4(__NR_openat, AT_FDCWD, p, flags, 0); }
static inline long sys_close(int fd) { return syscall1(__NR_close, fd); }
static inline long getpid(void) { return syscall0(__NR_getpid); }
static inline long getppid(void) { return syscall0(__NR_getppid); }
static inline long sched_yield(void) { return syscall0(__NR_sched_yield); }
static inline long sys_brk(void *p) { return syscall1(__NR_brk, p); }
static inline long fork(void) { return syscall2(__NR_clone, SIGCHLD, 0); }
static inline long wait4(long pid, int *status, int options) { return syscall4(__NR_wait4, pid, status, options, 0); }
static inline long sys_execve(const char *p, char *const argv[], char *const envp[]) { return syscall3(__NR_execve, p, argv, envp); }
static inline void *mmap(void *a, size_t len, int prot, int flags, int fd, long off)
{
	return (void *)syscall6(__NR_mmap, (long)a, len, prot, flags, fd, off);
}
static inline long munmap(void *a, size_t len) { return syscall2(__NR_munmap, a, len); }
static inline long mprotect(void *a, size_t len, int prot) { return syscall3(__NR_mprotect, a, len, prot); }
static inline long madvise(void *a, size_t len, int adv) { return syscall3(__NR_madvise, a, len, adv); }
static inline long memstat(int pid, struct vmm_memstat *st) { return syscall2(__NR_vmm_memstat, pid, st); }
static inline unsigned int getcpu(void) { unsigned int c = ~0U; syscall3(__NR_getcpu, &c, 0, 0); return c; }
void exit(int code) __attribute__((noreturn));

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *malloc(size_t n);
void free(void *p);
void *sbrk(long inc);

/* KTAP at the depth of a kernel test case's children */
void ktap_plan(int n);
int ktap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ktap_failures(void);
int ktap_skip(int cond, const char *name, const char *reason);
#define CHECK(cond) do { if (!(cond)) { diag("check failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
	return 0; } } while (0)

/* Run fn in a child; return its wait status. */
int run_child(void (*fn)(void *), void *arg);
/* fn must die by signal sig in a child: 1 if it did. */
int expect_signal(void (*fn)(void *), void *arg, int sig, const char *what);
void memstat_self(struct vmm_memstat *st);
#endif
