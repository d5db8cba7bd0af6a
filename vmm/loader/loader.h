/* Loading the guest: the kernel (Linux arm64 Image, ELF, or raw binary), the initrd,
 * and the place of the device tree. Loaders work on a file already read into memory
 * and on a view of guest RAM, so the unit tests drive them without a VM. They return
 * 0 or a negative errno and describe the failure in why; they never print. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "../machine.h"

struct guest_ram {
	uint8_t *host;       /* host address of guest physical `base` */
	uint64_t base, size;
};

enum image_format {
	IMAGE_LINUX, /* Linux arm64 Image (header magic "ARM\x64") */
	IMAGE_ELF,   /* ELF64, AArch64, little-endian */
	IMAGE_RAW,   /* anything else we do not recognise as a foreign format */
};

#define RAW_LOAD_OFFSET 0x80000ULL  /* raw binaries: RAM base + 0x80000, as QEMU */
#define LOADER_WHY 256              /* enough room for any message */

const char *loader__format_name(enum image_format f);
/* -ENOEXEC when buf is a format we know but cannot boot (gzip, 32-bit ARM, ...). */
int loader__detect(const void *buf, size_t len, enum image_format *fmt, char *why, size_t n);

/* Each fills bi->entry, bi->kernel_start and bi->kernel_end. */
int loader__load_image(const struct guest_ram *ram, const void *buf, size_t len,
		       struct boot_info *bi, char *why, size_t n);
int loader__load_elf(const struct guest_ram *ram, const void *buf, size_t len,
		     struct boot_info *bi, char *why, size_t n);
int loader__load_raw(const struct guest_ram *ram, const void *buf, size_t len,
		     struct boot_info *bi, char *why, size_t n);
/* Detects the format and calls the loader for it. */
int loader__load_kernel(const struct guest_ram *ram, const void *buf, size_t len,
			struct boot_info *bi, char *why, size_t n);

/* Chooses where the DTB (dtb_max bytes, at the top of RAM) and an initrd of
 * initrd_size bytes (just below it; 0 = none) go, clear of the kernel. Fills
 * bi->dtb_addr, bi->initrd_start and bi->initrd_end. */
int loader__place(const struct guest_ram *ram, uint64_t initrd_size, uint64_t dtb_max,
		  struct boot_info *bi, char *why, size_t n);

/* Reads a whole regular file (at most max bytes; -EFBIG beyond, with "what" naming
 * it in the message). The caller frees *buf. */
int loader__read_file(const char *path, const char *what, uint64_t max, void **buf,
		      size_t *len, char *why, size_t n);

/* Shared by the loaders: printf into why, return err. */
int loader__fail(char *why, size_t n, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Is [addr, addr+len) inside RAM (with no overflow)? */
int loader__in_ram(const struct guest_ram *ram, uint64_t addr, uint64_t len);

#endif
