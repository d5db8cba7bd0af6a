/* Format detection, file reading and placement shared by the loaders. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"

#define PAGE_SIZE 0x1000ULL
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))

int loader__fail(char *why, size_t n, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && n) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return err;
}

int loader__in_ram(const struct guest_ram *ram, uint64_t addr, uint64_t len)
{
	return addr >= ram->base && len <= ram->size && addr - ram->base <= ram->size - len;
}

const char *loader__format_name(enum image_format f)
{
	switch (f) {
	case IMAGE_LINUX: return "Linux arm64 Image";
	case IMAGE_ELF: return "ELF";
	case IMAGE_RAW: return "raw binary";
	}
	return "?";
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int loader__detect(const void *buf, size_t len, enum image_format *fmt, char *why, size_t n)
{
	const uint8_t *p = buf;

	if (len == 0)
		return loader__fail(why, n, -ENOEXEC, "the file is empty");
	if (len >= 64 && memcmp(p + 56, "ARM\x64", 4) == 0)
		*fmt = IMAGE_LINUX;
	else if (len >= 4 && memcmp(p, "\177ELF", 4) == 0)
		*fmt = IMAGE_ELF;
	else if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return loader__fail(why, n, -ENOEXEC,
				    "gzip-compressed (a vmlinuz?): decompress it first (gzip -dc)");
	else if (len >= 0x28 && le32(p + 0x24) == 0x016f2818)
		return loader__fail(why, n, -ENOEXEC, "a 32-bit ARM zImage: only AArch64 guests run here");
	else if (len >= 2 && p[0] == 'M' && p[1] == 'Z')
		return loader__fail(why, n, -ENOEXEC, "a PE/EFI executable without an arm64 Image header");
	else
		*fmt = IMAGE_RAW;
	return 0;
}

int loader__load_kernel(const struct guest_ram *ram, const void *buf, size_t len,
			struct boot_info *bi, char *why, size_t n)
{
	enum image_format fmt;
	int err = loader__detect(buf, len, &fmt, why, n);

	if (err)
		return err;
	switch (fmt) {
	case IMAGE_LINUX: return loader__load_image(ram, buf, len, bi, why, n);
	case IMAGE_ELF: return loader__load_elf(ram, buf, len, bi, why, n);
	case IMAGE_RAW: return loader__load_raw(ram, buf, len, bi, why, n);
	}
	return -EINVAL;
}

int loader__place(const struct guest_ram *ram, uint64_t initrd_size, uint64_t dtb_max,
		  struct boot_info *bi, char *why, size_t n)
{
	uint64_t end = ram->base + ram->size, lowest;

	/* the check is on the page-aligned address: aligning down after checking could
	 * put the DTB over the kernel's last page */
	if (dtb_max > ram->size || ALIGN_DOWN(end - dtb_max, PAGE_SIZE) < bi->kernel_end)
		return loader__fail(why, n, -E2BIG, "no room for the device tree above the kernel "
				    "(kernel ends at 0x%llx, RAM at 0x%llx): use a larger --mem",
				    (unsigned long long)bi->kernel_end, (unsigned long long)end);
	bi->dtb_addr = ALIGN_DOWN(end - dtb_max, PAGE_SIZE);
	bi->initrd_start = bi->initrd_end = 0;
	if (!initrd_size)
		return 0;
	lowest = bi->dtb_addr - initrd_size;
	if (initrd_size > bi->dtb_addr - bi->kernel_end || ALIGN_DOWN(lowest, PAGE_SIZE) < bi->kernel_end)
		return loader__fail(why, n, -E2BIG, "the initrd (%llu bytes) does not fit in RAM "
				    "between the kernel and the device tree: use a larger --mem",
				    (unsigned long long)initrd_size);
	bi->initrd_start = ALIGN_DOWN(lowest, PAGE_SIZE);
	bi->initrd_end = bi->initrd_start + initrd_size;
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		done += (size_t)r;
	}
	return 0;
}

int loader__read_file(const char *path, const char *what, uint64_t max, void **buf,
		      size_t *len, char *why, size_t n)
{
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO would block open() until a writer came; it is refused below */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return loader__fail(why, n, -errno, "cannot open %s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return loader__fail(why, n, -EINVAL, "%s %s is not a regular file", what, path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return loader__fail(why, n, -EFBIG, "%s %s (%llu bytes) is larger than guest RAM "
				    "(%llu bytes): use a larger --mem", what, path,
				    (unsigned long long)st.st_size, (unsigned long long)max);
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	err = *buf ? read_all(fd, *buf, *len) : -ENOMEM;
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
		return loader__fail(why, n, err, "cannot read %s %s: %s", what, path, strerror(-err));
	}
	return 0;
}
