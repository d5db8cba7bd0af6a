/* init (PID 1) for Debian's kernel on the model engine that checks two things the
 * model gives Linux user space, through Linux's own interfaces:
 *   - FP/SIMD: loops the compiler vectorises (built with -O3 -ftree-vectorize) give
 *     the results a scalar computation gives (exact: integers, and floats whose sums
 *     and products are exactly representable);
 *   - the PMU: perf_event_open() counters, as `perf stat -e instructions,
 *     dTLB-load-misses` would read them, count what the model did: a loop of known
 *     length retires at least that many instructions, and touching more pages than
 *     any TLB level holds refills the L1 data TLB about once a page (Linux maps
 *     dTLB-load-misses to the PMUv3 event L1D_TLB_REFILL).
 * Prints "init: hello from user space" and the CPUs online (tests/model/run-linux
 * checks them), then one line per check ("init: fpsimd: ok", "init: pmu: ok ..."),
 * and powers off when every check passed (vmm status 0), or reboots when one failed
 * (PSCI SYSTEM_RESET: vmm status 3, so the test fails). */
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define N 4096
#define PAGES 8192 /* 32 MiB: more pages than the model's TLBs hold (docs/mmu.md) */

static float fa[N], fb[N], fc[N];
static int32_t ia[N], ib[N], ic[N];

/* The same sums without vectorisation: one element at a time through volatile. */
static int fpsimd_check(void)
{
	volatile float vf;
	volatile int32_t vi;
	int bad = 0;

	for (int i = 0; i < N; i++) {
		fa[i] = (float)(i % 97);
		fb[i] = (float)(i % 13) * 0.5f;
		ia[i] = i * 7 - 3000;
		ib[i] = (i % 31) - 15;
	}
	for (int i = 0; i < N; i++) { /* vectorised: FMUL/FADD, MUL/ADD on 4 lanes */
		fc[i] = fa[i] * fb[i] + fa[i];
		ic[i] = ia[i] * ib[i] + (ia[i] >> 2);
	}
	float fsum = 0;
	int64_t isum = 0;
	for (int i = 0; i < N; i++) /* reductions: vectorised, exact for these values */
		isum += ic[i];
	for (int i = 0; i < N; i++)
		fsum += fb[i];
	for (int i = 0; i < N; i++) {
		vf = fa[i];
		vf = vf * fb[i] + fa[i];
		vi = ia[i];
		vi = vi * ib[i] + (ia[i] >> 2);
		if (fc[i] != vf || ic[i] != vi)
			bad++;
	}
	int64_t ref = 0;
	float fref = 0;
	for (int i = 0; i < N; i++) {
		vi = ic[i];
		ref += vi;
		vf = fb[i];
		fref = fref + vf;
	}
	if (isum != ref || fsum != fref)
		bad++;
	printf("init: fpsimd: %s (%d of %d elements differ)\n", bad ? "FAILED" : "ok", bad, N);
	return bad;
}

static int counter(uint32_t type, uint64_t config)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.exclude_kernel = 1; /* user space only: the loops below */
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static uint64_t count(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int pmu_check(void)
{
	const uint64_t dtlb_read_miss = PERF_COUNT_HW_CACHE_DTLB |
		PERF_COUNT_HW_CACHE_OP_READ << 8 | PERF_COUNT_HW_CACHE_RESULT_MISS << 16;
	int insns = counter(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS);
	int dtlb = counter(PERF_TYPE_HW_CACHE, dtlb_read_miss);
	volatile char *mem = mmap(NULL, (size_t)PAGES * 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	volatile uint64_t spin = 0;
	unsigned sum = 0;

	if (insns < 0 || dtlb < 0 || mem == MAP_FAILED) {
		printf("init: pmu: FAILED (perf_event_open: %s)\n", insns < 0 || dtlb < 0 ?
		       "no counter" : "no memory");
		return 1;
	}
	for (int p = 0; p < PAGES; p++) /* every page mapped and in the page tables */
		sum += mem[(size_t)p * 4096];

	ioctl(insns, PERF_EVENT_IOC_ENABLE, 0);
	for (int i = 0; i < 1000000; i++) /* at least a load, an add, a store, a branch */
		spin = spin + 1;
	ioctl(insns, PERF_EVENT_IOC_DISABLE, 0);

	ioctl(dtlb, PERF_EVENT_IOC_ENABLE, 0);
	for (int pass = 0; pass < 2; pass++)
		for (int p = 0; p < PAGES; p++)
			sum += mem[(size_t)p * 4096];
	ioctl(dtlb, PERF_EVENT_IOC_DISABLE, 0);

	uint64_t n_insns = count(insns), n_dtlb = count(dtlb);
	/* 2 x 8192 pages through a TLB that holds fewer: about one refill a page */
	int bad = n_insns < 4000000 || n_dtlb < PAGES;
	printf("init: pmu: %s: instructions %llu for a 1000000-iteration loop, "
	       "dTLB-load-misses %llu over %d page reads (sum %u)\n", bad ? "FAILED" : "ok",
	       (unsigned long long)n_insns, (unsigned long long)n_dtlb, 2 * PAGES, sum);
	return bad;
}

static void print_file(const char *label, const char *path)
{
	char buf[256] = "?";
	FILE *f = fopen(path, "r");

	if (f && fgets(buf, sizeof(buf), f))
		buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
	printf("init: %s: %s\n", label, buf);
}

int main(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("init: hello from user space\n");
	print_file("CPUs online", "/sys/devices/system/cpu/online");
	int bad = fpsimd_check() + pmu_check();
	printf("init: %s\n", bad ? "FAILURES; rebooting" : "all checks passed; powering off");
	sync();
	reboot(bad ? RB_AUTOBOOT : RB_POWER_OFF);
	return 1;
}
