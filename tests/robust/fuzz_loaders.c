/* libFuzzer target over what vmm builds from untrusted input before the guest runs:
 *
 *   mode 0: the kernel loaders (loader__load_kernel: format detection, Linux arm64
 *           Image, ELF, raw) on a guest RAM of fuzzed size, then loader__place for a
 *           fuzzed initrd size and DTB size;
 *   mode 1: the device tree (fdt__build) from a fuzzed description (vCPUs, MPIDRs,
 *           RAM, initrd, bootargs) into a buffer of fuzzed size.
 *
 * RAM and the DTB buffer are allocated at their exact size so that ASan sees any
 * write past them. Besides sanitizer reports, a broken promise of the API (a kernel
 * said loaded outside RAM, a DTB overlapping the kernel, a tree fdt_check_full
 * rejects) aborts: libFuzzer reports it as a crash with the input that caused it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <sanitizer/asan_interface.h>

#include "loader/loader.h"
#include "vmm_fdt.h"

#define RAM_BASE_ADDR 0x40000000ull
#define PAGE 0x1000ull

#define EXPECT(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_loaders: broken promise: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

#define RAM_MAX (8ull << 20)
#define FILE_MAX (1u << 20) /* run it with -max_len below this */

/* A 16-byte aligned buffer of n bytes near the end of a pool allocated once, with
 * the rest of the pool poisoned: ASan reports an access on either side, without a
 * large malloc per run. */
static void *exact(uint8_t **pool, size_t max, size_t n)
{
	size_t room = (n + 15) & ~(size_t)15;

	if (!*pool)
		*pool = malloc(max);
	if (!*pool || room > max)
		abort();
	uint8_t *p = *pool + max - room;
	ASAN_UNPOISON_MEMORY_REGION(*pool, max);
	ASAN_POISON_MEMORY_REGION(*pool, max - room);
	ASAN_POISON_MEMORY_REGION(p + n, room - n);
	return p;
}

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static void check_why(const char *why, size_t n)
{
	EXPECT(memchr(why, 0, n) != NULL, "message not terminated");
	EXPECT(why[0] != 0, "failure without a message");
}

static void fuzz_load(struct input *in)
{
	uint64_t size = (1 + take(in, 2) % 128) * 0x10000; /* 64 KiB .. 8 MiB, as --mem steps */
	uint64_t initrd = take(in, 4) % (16ull << 20);
	uint64_t dtb_max = take(in, 1) & 1 ? FDT_MAX_SIZE : take(in, 3);
	static uint8_t *pool;
	struct guest_ram ram = { exact(&pool, RAM_MAX, size), RAM_BASE_ADDR, size };
	struct boot_info bi;
	char why[LOADER_WHY];
	uint64_t end = RAM_BASE_ADDR + size;

	static uint8_t *file_pool;
	/* vmm reads the file into a malloc'd (aligned) buffer of its exact size: so here */
	uint8_t *file = exact(&file_pool, FILE_MAX, in->left);

	memcpy(file, in->p, in->left);
	memset(&bi, 0, sizeof(bi));
	why[0] = 0;
	int err = loader__load_kernel(&ram, file, in->left, &bi, why, sizeof(why));
	if (err) {
		EXPECT(err < 0, "positive error %d", err);
		check_why(why, sizeof(why));
		return;
	}
	EXPECT(bi.kernel_start >= RAM_BASE_ADDR && bi.kernel_start < bi.kernel_end &&
	       bi.kernel_end <= end, "kernel 0x%llx-0x%llx outside RAM",
	       (unsigned long long)bi.kernel_start, (unsigned long long)bi.kernel_end);
	EXPECT(bi.entry >= bi.kernel_start && bi.entry < bi.kernel_end,
	       "entry 0x%llx outside the kernel", (unsigned long long)bi.entry);
	err = loader__place(&ram, initrd, dtb_max, &bi, why, sizeof(why));
	if (err) {
		check_why(why, sizeof(why));
		return;
	}
	EXPECT(bi.dtb_addr % PAGE == 0 && bi.dtb_addr >= bi.kernel_end &&
	       bi.dtb_addr - RAM_BASE_ADDR + dtb_max <= size,
	       "DTB at 0x%llx (%llu bytes) overlaps the kernel (ends 0x%llx) or leaves RAM",
	       (unsigned long long)bi.dtb_addr, (unsigned long long)dtb_max,
	       (unsigned long long)bi.kernel_end);
	if (initrd) {
		EXPECT(bi.initrd_start % PAGE == 0 && bi.initrd_start >= bi.kernel_end &&
		       bi.initrd_end - bi.initrd_start == initrd && bi.initrd_end <= bi.dtb_addr,
		       "initrd 0x%llx-0x%llx overlaps the kernel or the DTB",
		       (unsigned long long)bi.initrd_start, (unsigned long long)bi.initrd_end);
	} else {
		EXPECT(bi.initrd_start == 0 && bi.initrd_end == 0, "initrd placed with none");
	}
}

static void fuzz_fdt(struct input *in)
{
	uint64_t mpidr[123];
	char bootargs[4096];
	struct fdt_desc d;
	char why[256];
	size_t size = take(in, 1) & 1 ? FDT_MAX_SIZE : take(in, 2);
	unsigned i;

	memset(&d, 0, sizeof(d));
	d.ncpus = 1 + take(in, 1) % 123;
	for (i = 0; i < d.ncpus; i++)
		mpidr[i] = take(in, 1) & 1 ? i : take(in, 8);
	d.mpidr = mpidr;
	d.ram_base = take(in, 1) & 1 ? RAM_BASE_ADDR : take(in, 8);
	d.ram_size = take(in, 8);
	if (take(in, 1) & 1) {
		d.initrd_start = take(in, 8);
		d.initrd_end = take(in, 8);
	}
	if (take(in, 1) & 1) {
		size_t n = in->left < sizeof(bootargs) - 1 ? in->left : sizeof(bootargs) - 1;
		memcpy(bootargs, in->p, n);
		bootargs[n] = 0;
		d.bootargs = bootargs;
	}
	static uint8_t *pool;
	void *buf = exact(&pool, FDT_MAX_SIZE, size);
	why[0] = 0;
	int err = fdt__build(&d, buf, size, why, sizeof(why));
	if (err) {
		EXPECT(err < 0, "positive error %d", err);
		check_why(why, sizeof(why));
	} else {
		EXPECT(fdt_totalsize(buf) <= size, "tree of %u bytes in a buffer of %zu",
		       fdt_totalsize(buf), size);
		EXPECT(fdt_check_full(buf, size) == 0, "fdt_check_full rejects the tree");
		EXPECT(fdt_path_offset(buf, "/memory@40000000") >= 0 || d.ram_base != RAM_BASE_ADDR,
		       "no memory node");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct input in = { data, len };

	if (take(&in, 1) & 1)
		fuzz_fdt(&in);
	else
		fuzz_load(&in);
	return 0;
}
