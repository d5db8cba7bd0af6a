/* Writes the seed corpus of fuzz_loaders into DIR: each seed is the fuzz target's
 * input layout (mode byte, then the fields fuzz_loaders.c takes, then the image):
 * a valid Linux arm64 Image, a legacy one (image_size 0), a valid ELF whose entry is
 * a virtual address, a raw binary, the foreign formats vmm refuses by name, truncated
 * versions of each, and device-tree descriptions. Built here rather than checked in
 * as blobs so that what they hold is readable. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];
static unsigned char buf[16384];
static size_t len;

static void put(const void *p, size_t n)
{
	memcpy(buf + len, p, n);
	len += n;
}

static void put_le(unsigned long long v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		buf[len++] = (unsigned char)(v >> (8 * i));
}

/* mode 0 prefix: RAM size in 64 KiB units - 1, initrd size, DTB size choice (1 = 2 MiB) */
static void load_prefix(unsigned ram_units, unsigned initrd)
{
	len = 0;
	put_le(0, 1);
	put_le(ram_units - 1, 2);
	put_le(initrd, 4);
	put_le(1, 1);
}

static void save(const char *name, size_t n)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void arm64_image(unsigned long long text_offset, unsigned long long image_size)
{
	static const unsigned code[] = { 0xd503201f /* nop */, 0x14000000 /* b . */ };

	put_le(0x14000010, 4); /* code0: b +64 */
	put_le(0, 4);
	put_le(text_offset, 8);
	put_le(image_size, 8);
	put_le(0xa, 8); /* flags: LE, 4K pages, anywhere */
	put_le(0, 24);
	put("ARM\x64", 4);
	put_le(0, 4);
	put(code, sizeof(code));
}

/* phoff: where the program headers go (sizeof(Elf64_Ehdr) normally; any offset is
 * legal, and an odd one once made the loader read a misaligned Elf64_Phdr). */
static void elf(size_t phoff)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[2] = { { 0 } };
	const unsigned long long va = 0xffff800010080000ull, pa = 0x40080000ull;
	size_t hdrs = phoff + sizeof(ph);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = va;
	eh.e_phoff = phoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, hdrs, va, pa, 8, 8, 0x1000 };
	ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, hdrs + 8, va + 0x1000, pa + 0x1000, 8, 0x3000,
			      0x1000 };
	put(&eh, sizeof(eh));
	put_le(0, phoff - sizeof(eh));
	put(ph, sizeof(ph));
	put_le(0x14000000d503201full, 8); /* nop; b . */
	put_le(0x1122334455667788ull, 8); /* data */
}

static void fdt_desc(const char *name, unsigned buf_choice, unsigned ncpus, const char *bootargs)
{
	len = 0;
	put_le(1, 1);            /* mode: device tree */
	put_le(buf_choice, 1);   /* 1: FDT_MAX_SIZE buffer; else the next 2 bytes */
	if (!(buf_choice & 1))
		put_le(600, 2);
	put_le(ncpus - 1, 1);
	for (unsigned i = 0; i < ncpus; i++)
		put_le(1, 1);    /* MPIDR = index, as vmm gives */
	put_le(1, 1);            /* RAM at 0x4000_0000 */
	put_le(256ull << 20, 8);
	put_le(1, 1);            /* an initrd */
	put_le(0x48000000, 8);
	put_le(0x48100000, 8);
	put_le(1, 1);            /* bootargs: the rest */
	put(bootargs, strlen(bootargs));
	save(name, len);
}

int main(int argc, char **argv)
{
	size_t full;

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);

	load_prefix(64, 0);
	arm64_image(0x80000, 0x10000);
	full = len;
	save("image-valid", full);
	save("image-truncated-header", full - 40);
	load_prefix(64, 0x1000);
	arm64_image(0, 0);
	save("image-legacy-with-initrd", len);
	load_prefix(8, 0);
	arm64_image(0x200000, 0x800000);
	save("image-larger-than-ram", len);

	load_prefix(64, 0x3000);
	elf(sizeof(Elf64_Ehdr));
	full = len;
	save("elf-valid", full);
	save("elf-truncated-phdrs", 8 + sizeof(Elf64_Ehdr) + 20);
	save("elf-truncated-header", 8 + 30);
	load_prefix(64, 0);
	elf(sizeof(Elf64_Ehdr) + 1);
	save("elf-odd-phoff", len); /* regression: misaligned Elf64_Phdr read (UBSan) */

	load_prefix(64, 0);
	put_le(0xd503201fd503201full, 8);
	save("raw", len);
	/* regression: a DTB size that is not a page multiple, right above the kernel,
	 * was aligned down into the kernel's last page by loader__place */
	len = 0;
	put_le(0, 1);
	put_le(63, 2);                         /* 4 MiB: RAM ends at 0x4040_0000 */
	put_le(0, 4);
	put_le(0, 1);                          /* DTB size: the next 3 bytes */
	put_le(0x400000 - 0x80000 - 16, 3);    /* ends exactly where the kernel ends */
	put_le(0xd503201fd503201full, 8);
	put_le(0x14000000d503201full, 8);     /* 16 bytes: kernel ends at 0x4008_0010 */
	save("place-dtb-size-not-page-multiple", len);

	load_prefix(64, 0);
	put("\x1f\x8b\x08\x00", 4);
	save("gzip", len);
	load_prefix(64, 0);
	put_le(0, 0x24);
	put_le(0x016f2818, 4);
	save("zimage", len);
	load_prefix(64, 0);
	put("MZ", 2);
	save("pe", len);

	fdt_desc("fdt-1cpu", 1, 1, "console=ttyAMA0 ktest=all");
	fdt_desc("fdt-4cpu-small-buffer", 0, 4, "");
	fdt_desc("fdt-123cpu", 1, 123, "x");
	return 0;
}
