/* ELF loader: ELF64, little-endian, AArch64, executable. Each PT_LOAD segment is
 * copied to its physical address (p_paddr: the MMU is off at entry) and its bss
 * zeroed. The entry point is e_entry translated from the virtual to the physical
 * address of the segment that holds it, so a kernel linked at a high virtual
 * address with low load addresses still starts at the right place; an e_entry that
 * is in no segment's virtual range but in one's physical range is already physical
 * (linker scripts often make it so for boot code) and is used as it is. Every offset and
 * size in the file is checked before use: a malformed file gives a message, never a
 * read outside the buffer. Headers are copied out of the file before use: e_phoff
 * may be any offset, and a misaligned Elf64_Phdr access is undefined behaviour. */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "loader.h"

static int check_header(const Elf64_Ehdr *eh, size_t len, char *why, size_t n)
{
	if (len < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return loader__fail(why, n, -ENOEXEC, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return loader__fail(why, n, -ENOEXEC, "32-bit ELF: only AArch64 (ELF64) guests run here");
	if (len < sizeof(*eh))
		return loader__fail(why, n, -ENOEXEC, "malformed ELF: file shorter than its header");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return loader__fail(why, n, -ENOEXEC, "big-endian ELF: only little-endian guests run here");
	if (eh->e_machine != EM_AARCH64)
		return loader__fail(why, n, -ENOEXEC, "ELF for machine %u, not AArch64 (%u)",
				    eh->e_machine, EM_AARCH64);
	if (eh->e_type != ET_EXEC)
		return loader__fail(why, n, -ENOEXEC, "ELF type %u is not an executable (ET_EXEC)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return loader__fail(why, n, -ENOEXEC, "malformed ELF: program headers outside the file");
	return 0;
}

static int load_segment(const struct guest_ram *ram, const uint8_t *file, size_t len,
			const Elf64_Phdr *ph, unsigned i, char *why, size_t n)
{
	if (ph->p_filesz > ph->p_memsz || ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return loader__fail(why, n, -ENOEXEC, "malformed ELF: segment %u lies outside the file", i);
	if (!loader__in_ram(ram, ph->p_paddr, ph->p_memsz))
		return loader__fail(why, n, -E2BIG, "ELF segment %u (0x%llx, %llu bytes) is not inside guest "
				    "RAM 0x%llx-0x%llx: use a larger --mem or relink", i,
				    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
				    (unsigned long long)ram->base,
				    (unsigned long long)(ram->base + ram->size));
	memcpy(ram->host + (ph->p_paddr - ram->base), file + ph->p_offset, ph->p_filesz);
	memset(ram->host + (ph->p_paddr - ram->base) + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	return 0;
}

int loader__load_elf(const struct guest_ram *ram, const void *buf, size_t len,
		     struct boot_info *bi, char *why, size_t n)
{
	Elf64_Ehdr ehdr;
	const Elf64_Ehdr *eh = &ehdr;
	Elf64_Phdr phdr;
	const Elf64_Phdr *ph = &phdr;
	uint64_t lo = UINT64_MAX, hi = 0, entry = 0;
	int err, found = 0;
	unsigned i;

	memset(&ehdr, 0, sizeof(ehdr));
	memcpy(&ehdr, buf, len < sizeof(ehdr) ? len : sizeof(ehdr));
	err = check_header(eh, len, why, n);
	if (err)
		return err;
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&phdr, (const uint8_t *)buf + eh->e_phoff + (size_t)i * sizeof(phdr), sizeof(phdr));
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		err = load_segment(ram, buf, len, ph, i, why, n);
		if (err)
			return err;
		lo = ph->p_paddr < lo ? ph->p_paddr : lo;
		hi = ph->p_paddr + ph->p_memsz > hi ? ph->p_paddr + ph->p_memsz : hi;
		if (found < 2 && eh->e_entry >= ph->p_vaddr && eh->e_entry - ph->p_vaddr < ph->p_memsz) {
			entry = eh->e_entry - ph->p_vaddr + ph->p_paddr;
			found = 2;
		} else if (!found && eh->e_entry >= ph->p_paddr && eh->e_entry - ph->p_paddr < ph->p_memsz) {
			entry = eh->e_entry;
			found = 1;
		}
	}
	if (hi == 0)
		return loader__fail(why, n, -ENOEXEC, "ELF has no loadable segment");
	if (!found)
		return loader__fail(why, n, -ENOEXEC, "ELF entry point 0x%llx is in no loadable segment",
				    (unsigned long long)eh->e_entry);
	bi->entry = entry;
	bi->kernel_start = lo;
	bi->kernel_end = hi;
	return 0;
}
