/* Code loaded from a file runs as the file says. ret_one's bytes are mapped executable
 * from /lib/codeload.bin (a copy of this program, so its page-cache pages are filled
 * only now) and called. Just before, NCODE pages of anonymous code with "mov w0, #2;
 * ret" at the same page offset were run and unmapped: the allocator gives recently
 * freed pages out first (LIFO), so the page cache's page for the file is likely one of
 * them, and the I-cache (the model's decoded code) may still hold the old instructions.
 * The kernel's DC CVAU + IC IVAU when the page is first mapped executable
 * (sync_icache_dcache) makes the new ones visible; the planted bug of
 * guest-bug-skip-icache.img skips it, and under `vmm --checks=strict` the call returns
 * 2. The data side always reads the file's word. */
#include "ulib.h"

#define PT_LOAD 1
#define NCODE 32
struct ehdr {
	u8 ident[16];
	unsigned short type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

static noinline __attribute__((aligned(4096))) int ret_one(void)
{
	return 1;
}

/* ret_one starts a page of its own: reading the ELF header (file page 0) must not
 * bring its file page into the page cache before the mapping does. */

/* The file offset of ret_one in the copy, or -1. */
static long file_offset(int fd)
{
	static u8 buf[4096];
	const struct ehdr *eh = (const void *)buf;
	u64 va = (u64)ret_one;

	if (sys_read(fd, buf, sizeof(buf)) < (long)sizeof(*eh) ||
	    eh->phoff + (u64)eh->phnum * sizeof(struct phdr) > sizeof(buf))
		return -1;
	for (int i = 0; i < eh->phnum; i++) {
		const struct phdr *ph = (const void *)(buf + eh->phoff + i * sizeof(struct phdr));
		if (ph->type == PT_LOAD && va >= ph->vaddr && va < ph->vaddr + ph->filesz)
			return (long)(va - ph->vaddr + ph->offset);
	}
	return -1;
}

int main(void)
{
	int fd = sys_open("/lib/codeload.bin", O_RDONLY);
	long off = fd >= 0 ? file_offset(fd) : -1;
	u32 want = *(volatile u32 *)(void *)ret_one;

	ktap_plan(3);
	if (off < 0) {
		diag("cannot find ret_one in /lib/codeload.bin (fd %d)", fd);
		for (int i = 0; i < 3; i++)
			ktap_ok(0, "setup");
		return ktap_failures();
	}
	unsigned long po = off & (PAGE_SIZE - 1);
	if (off < (long)PAGE_SIZE)
		diag("ret_one is in the file's first page (offset 0x%lx)", off);
	u8 *r = mmap(NULL, (NCODE + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int a = 2;
	for (int i = 0; i < NCODE; i++) {
		u32 *code = (u32 *)(r + i * PAGE_SIZE + po);
		code[0] = 0x52800040;	/* mov w0, #2 */
		code[1] = 0xd65f03c0;	/* ret */
	}
	r[NCODE * PAGE_SIZE] = 1;	/* the last page keeps the level-3 table */
	/* the kernel makes them coherent when it maps them executable */
	mprotect(r, NCODE * PAGE_SIZE, PROT_READ | PROT_EXEC);
	for (int i = 0; i < NCODE && a == 2; i++)
		a = ((int (*)(void))(void *)(r + i * PAGE_SIZE + po))();
	munmap(r, NCODE * PAGE_SIZE);	/* their pages go back to the allocator */
	u8 *f = mmap(r, PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd,
		     off & ~(long)(PAGE_SIZE - 1));
	u32 got = *(volatile u32 *)(void *)(f + po);
	int b = ((int (*)(void))(void *)(f + po))();
	if (b != 1)
		diag("the code loaded from the file returned %d (%s)", b,
		     b == 2 ? "the old instructions of the page: no I-cache maintenance" : "?");
	ktap_ok(a == 2, "anonymous_code_runs");
	ktap_ok(got == want, "data_side_reads_the_file");
	ktap_ok(b == 1, "loaded_code_runs_as_written");
	return ktap_failures();
}
