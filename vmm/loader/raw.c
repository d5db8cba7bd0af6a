/* Raw binary loader: the file is copied to RAM base + 0x80000 and entered at its
 * first byte, as QEMU does for a -kernel it does not recognise. */
#include <errno.h>
#include <string.h>

#include "loader.h"

int loader__load_raw(const struct guest_ram *ram, const void *buf, size_t len,
		     struct boot_info *bi, char *why, size_t n)
{
	uint64_t load = ram->base + RAW_LOAD_OFFSET;

	if (len == 0)
		return loader__fail(why, n, -ENOEXEC, "the raw image is empty");
	if (!loader__in_ram(ram, load, len))
		return loader__fail(why, n, -E2BIG, "the raw image (%zu bytes at RAM offset 0x%llx) does not "
				    "fit in guest RAM (%llu bytes): use a larger --mem", len,
				    RAW_LOAD_OFFSET, (unsigned long long)ram->size);
	memcpy(ram->host + RAW_LOAD_OFFSET, buf, len);
	bi->entry = load;
	bi->kernel_start = load;
	bi->kernel_end = load + len;
	return 0;
}
