/* Loader rules: Linux arm64 Image per Documentation/arch/arm64/booting.rst, ELF64
 * AArch64 by p_paddr, raw binaries at RAM base + 0x80000, and every malformed or
 * foreign file refused with a message (never a read or write out of bounds). */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "loader/loader.h"
#include <platform/memmap.h>

#define RAM_SIZE MiB(8)

static struct guest_ram ram;
static struct boot_info bi;
static char why[LOADER_WHY];

static int setup(void **state)
{
	(void)state;
	ram.base = RAM_BASE;
	ram.size = RAM_SIZE;
	ram.host = calloc(1, RAM_SIZE);
	memset(&bi, 0, sizeof(bi));
	why[0] = 0;
	return ram.host ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(ram.host);
	return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An arm64 Image of len bytes (filled with 0xAA after the header). */
static uint8_t *make_image(size_t len, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *p = malloc(len);

	memset(p, 0xAA, len);
	memset(p, 0, 64);
	put64(p + 8, text_offset);
	put64(p + 16, image_size);
	put64(p + 24, flags);
	memcpy(p + 56, "ARM\x64", 4);
	return p;
}

static void image_loads_at_ram_base_plus_text_offset(void **state)
{
	uint8_t *img = make_image(4096, 0x80000, 0x10000, 0);

	(void)state;
	memset(ram.host, 0x55, RAM_SIZE);
	assert_int_equal(loader__load_kernel(&ram, img, 4096, &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.entry, RAM_BASE + 0x80000);
	assert_int_equal(bi.kernel_end, RAM_BASE + 0x80000 + 0x10000);
	assert_memory_equal(ram.host + 0x80000, img, 4096);
	/* image_size covers the bss: it must be cleared */
	assert_int_equal(ram.host[0x80000 + 4096], 0);
	assert_int_equal(ram.host[0x80000 + 0xffff], 0);
	free(img);
}

static void image_with_zero_image_size_uses_legacy_text_offset_0x80000(void **state)
{
	uint8_t *img = make_image(4096, 0x1234000, 0, 0);

	(void)state;
	assert_int_equal(loader__load_image(&ram, img, 4096, &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.entry, RAM_BASE + 0x80000);
	free(img);
}

static void image_big_endian_is_refused(void **state)
{
	uint8_t *img = make_image(4096, 0, 4096, 1);

	(void)state;
	assert_int_equal(loader__load_image(&ram, img, 4096, &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "big-endian"));
	free(img);
}

static void image_file_larger_than_its_image_size_is_malformed(void **state)
{
	uint8_t *img = make_image(8192, 0, 4096, 0);

	(void)state;
	assert_int_equal(loader__load_image(&ram, img, 8192, &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "malformed"));
	free(img);
}

static void image_whose_image_size_exceeds_ram_is_refused(void **state)
{
	uint8_t *img = make_image(4096, 0, RAM_SIZE + 4096, 0);

	(void)state;
	assert_int_equal(loader__load_image(&ram, img, 4096, &bi, why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "--mem"));
	free(img);
}

static void image_text_offset_beyond_ram_is_refused_without_overflow(void **state)
{
	uint8_t *img = make_image(4096, 0xfffffffffffff000ULL, 4096, 0);

	(void)state;
	assert_int_equal(loader__load_image(&ram, img, 4096, &bi, why, sizeof(why)), -E2BIG);
	free(img);
}

/* A minimal ELF64 AArch64 executable with one PT_LOAD segment. */
struct elf_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[64];
};

static void make_elf(struct elf_file *f, uint64_t vaddr, uint64_t paddr, uint64_t memsz)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_AARCH64;
	f->eh.e_entry = vaddr + 16;
	f->eh.e_phoff = offsetof(struct elf_file, ph);
	f->eh.e_phentsize = sizeof(Elf64_Phdr);
	f->eh.e_phnum = 1;
	f->ph[0].p_type = PT_LOAD;
	f->ph[0].p_offset = offsetof(struct elf_file, code);
	f->ph[0].p_vaddr = vaddr;
	f->ph[0].p_paddr = paddr;
	f->ph[0].p_filesz = sizeof(f->code);
	f->ph[0].p_memsz = memsz;
	memset(f->code, 0xC3, sizeof(f->code));
}

static void elf_segment_goes_to_paddr_and_entry_is_translated(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 0xffff800000000000ULL, RAM_BASE + 0x200000, 4096);
	memset(ram.host, 0x55, RAM_SIZE);
	assert_int_equal(loader__load_kernel(&ram, &f, sizeof(f), &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.entry, RAM_BASE + 0x200000 + 16);
	assert_int_equal(bi.kernel_start, RAM_BASE + 0x200000);
	assert_int_equal(bi.kernel_end, RAM_BASE + 0x200000 + 4096);
	assert_memory_equal(ram.host + 0x200000, f.code, sizeof(f.code));
	assert_int_equal(ram.host[0x200000 + 64], 0);   /* bss cleared */
	assert_int_equal(ram.host[0x200000 + 4096], 0x55); /* nothing past memsz */
}

static void elf_entry_given_as_a_physical_address_is_used_as_is(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 0xffff800080000000ULL, RAM_BASE + 0x200000, 4096);
	f.eh.e_entry = RAM_BASE + 0x200000 + 0x800;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.entry, RAM_BASE + 0x200800);
}

static void elf_for_another_machine_is_refused(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.eh.e_machine = EM_X86_64;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "not AArch64"));
}

static void elf_32bit_is_refused(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "32-bit"));
}

static void elf_program_headers_past_end_of_file_are_malformed(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.eh.e_phnum = 60000;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "malformed"));
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.eh.e_phoff = ~0ULL - 8;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
}

static void elf_segment_data_past_end_of_file_is_malformed(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.ph[0].p_offset = ~0ULL - 4;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
	make_elf(&f, RAM_BASE, RAM_BASE, 16); /* filesz 64 > memsz 16 */
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
}

static void elf_segment_outside_ram_is_refused(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 0x1000, 0x1000, 4096);
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -E2BIG);
	make_elf(&f, RAM_BASE, RAM_BASE + RAM_SIZE - 100, 4096);
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -E2BIG);
}

static void elf_entry_outside_every_segment_is_refused(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.eh.e_entry = RAM_BASE + 8192;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "entry point"));
}

static void elf_without_loadable_segment_is_refused(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, RAM_BASE, RAM_BASE, 4096);
	f.ph[0].p_type = PT_NOTE;
	assert_int_equal(loader__load_elf(&ram, &f, sizeof(f), &bi, why, sizeof(why)), -ENOEXEC);
}

static void raw_binary_loads_at_ram_base_plus_0x80000(void **state)
{
	uint8_t code[16] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(loader__load_kernel(&ram, code, sizeof(code), &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.entry, RAM_BASE + 0x80000);
	assert_memory_equal(ram.host + 0x80000, code, sizeof(code));
}

static void raw_binary_larger_than_ram_is_refused(void **state)
{
	size_t len = RAM_SIZE;
	uint8_t *big = calloc(1, len);

	(void)state;
	assert_int_equal(loader__load_raw(&ram, big, len, &bi, why, sizeof(why)), -E2BIG);
	free(big);
}

static void foreign_formats_are_named_not_run_as_raw(void **state)
{
	uint8_t gz[16] = { 0x1f, 0x8b, 8 };
	uint8_t zimage[64] = { 0 };
	uint8_t pe[128] = { 'M', 'Z' };
	enum image_format fmt;

	(void)state;
	assert_int_equal(loader__detect(gz, sizeof(gz), &fmt, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "gzip"));
	put64(zimage + 0x24, 0x016f2818);
	assert_int_equal(loader__detect(zimage, sizeof(zimage), &fmt, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "32-bit ARM"));
	assert_int_equal(loader__detect(pe, sizeof(pe), &fmt, why, sizeof(why)), -ENOEXEC);
	assert_int_equal(loader__detect(pe, 0, &fmt, why, sizeof(why)), -ENOEXEC);
	assert_non_null(strstr(why, "empty"));
}

static void dtb_goes_at_top_of_ram_and_initrd_just_below(void **state)
{
	(void)state;
	bi.kernel_end = RAM_BASE + MiB(1);
	assert_int_equal(loader__place(&ram, 10000, MiB(2), &bi, why, sizeof(why)), 0);
	assert_int_equal(bi.dtb_addr, RAM_BASE + RAM_SIZE - MiB(2));
	assert_int_equal(bi.initrd_end - bi.initrd_start, 10000);
	assert_true(bi.initrd_end <= bi.dtb_addr);
	assert_int_equal(bi.initrd_start % 4096, 0);
	assert_true(bi.initrd_start >= bi.kernel_end);
}

static void initrd_that_overlaps_the_kernel_is_refused(void **state)
{
	(void)state;
	bi.kernel_end = RAM_BASE + MiB(4);
	assert_int_equal(loader__place(&ram, MiB(2) + 1, MiB(2), &bi, why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "initrd"));
	bi.kernel_end = RAM_BASE + RAM_SIZE - MiB(1);
	assert_int_equal(loader__place(&ram, 0, MiB(2), &bi, why, sizeof(why)), -E2BIG);
}

static void missing_file_is_reported_with_its_path(void **state)
{
	void *buf;
	size_t len;

	(void)state;
	assert_int_equal(loader__read_file("/nonexistent/img", "image", RAM_SIZE, &buf, &len,
					   why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "/nonexistent/img"));
	assert_int_equal(loader__read_file("/", "image", RAM_SIZE, &buf, &len, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(loader__read_file("/proc/self/exe", "image", 16, &buf, &len, why,
					   sizeof(why)), -EFBIG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(image_loads_at_ram_base_plus_text_offset),
		T(image_with_zero_image_size_uses_legacy_text_offset_0x80000),
		T(image_big_endian_is_refused),
		T(image_file_larger_than_its_image_size_is_malformed),
		T(image_whose_image_size_exceeds_ram_is_refused),
		T(image_text_offset_beyond_ram_is_refused_without_overflow),
		T(elf_segment_goes_to_paddr_and_entry_is_translated),
		T(elf_entry_given_as_a_physical_address_is_used_as_is),
		T(elf_for_another_machine_is_refused),
		T(elf_32bit_is_refused),
		T(elf_program_headers_past_end_of_file_are_malformed),
		T(elf_segment_data_past_end_of_file_is_malformed),
		T(elf_segment_outside_ram_is_refused),
		T(elf_entry_outside_every_segment_is_refused),
		T(elf_without_loadable_segment_is_refused),
		T(raw_binary_loads_at_ram_base_plus_0x80000),
		T(raw_binary_larger_than_ram_is_refused),
		T(foreign_formats_are_named_not_run_as_raw),
		T(dtb_goes_at_top_of_ram_and_initrd_just_below),
		T(initrd_that_overlaps_the_kernel_is_refused),
		T(missing_file_is_reported_with_its_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
