/* Linux arm64 Image loader, per Documentation/arch/arm64/booting.rst:
 *
 *   u32 code0, code1; u64 text_offset; u64 image_size; u64 flags;
 *   u64 res2, res3, res4; u32 magic = "ARM\x64"; u32 res5;
 *
 * The image goes at a 2 MiB-aligned base plus text_offset, and image_size bytes from
 * there (bss included) must be free RAM. Our RAM base is 2 MiB aligned, so the kernel
 * goes at RAM base + text_offset: as close to the start of RAM as the rules allow,
 * which satisfies both settings of flags bit 3 (physical placement). */
#include <errno.h>
#include <string.h>

#include "loader.h"

#define IMAGE_HDR_SIZE 64
#define IMAGE_FLAG_BE (1ULL << 0)       /* kernel endianness: 1 = big-endian */
#define LEGACY_TEXT_OFFSET 0x80000ULL   /* image_size == 0: kernels before v3.17 */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int loader__load_image(const struct guest_ram *ram, const void *buf, size_t len,
		       struct boot_info *bi, char *why, size_t n)
{
	const uint8_t *h = buf;
	uint64_t text_offset, image_size, flags, load;

	if (len < IMAGE_HDR_SIZE || memcmp(h + 56, "ARM\x64", 4) != 0)
		return loader__fail(why, n, -ENOEXEC, "not a Linux arm64 Image (no \"ARM\\x64\" magic)");
	text_offset = le64(h + 8);
	image_size = le64(h + 16);
	flags = le64(h + 24);
	if (image_size == 0) {
		text_offset = LEGACY_TEXT_OFFSET;
		image_size = len;
	}
	if (flags & IMAGE_FLAG_BE)
		return loader__fail(why, n, -ENOEXEC, "big-endian arm64 Image: only little-endian guests run here");
	if (len > image_size)
		return loader__fail(why, n, -ENOEXEC, "malformed arm64 Image: the file (%zu bytes) is larger "
				    "than the image_size its header gives (%llu)", len,
				    (unsigned long long)image_size);
	if (text_offset % 4096)
		return loader__fail(why, n, -ENOEXEC, "malformed arm64 Image: text_offset 0x%llx is not "
				    "page aligned", (unsigned long long)text_offset);
	load = ram->base + text_offset;
	if (text_offset >= ram->size || !loader__in_ram(ram, load, image_size))
		return loader__fail(why, n, -E2BIG, "the arm64 Image needs %llu bytes at RAM offset 0x%llx; "
				    "guest RAM is %llu bytes: use a larger --mem",
				    (unsigned long long)image_size, (unsigned long long)text_offset,
				    (unsigned long long)ram->size);
	memcpy(ram->host + (load - ram->base), buf, len);
	memset(ram->host + (load - ram->base) + len, 0, image_size - len);
	bi->entry = load;
	bi->kernel_start = load;
	bi->kernel_end = load + image_size;
	return 0;
}
