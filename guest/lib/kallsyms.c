/*
 * Naming code addresses (Linux: kernel/kallsyms.c, much reduced). The table of text
 * symbols is generated from a first link by scripts/kallsyms and linked into the final
 * image; lookups are a binary search. Used by fault, oops and slab reports.
 */
#include <kernel.h>
#include <kallsyms.h>
#include <asm/memory.h>

extern const u64 kallsyms_num;
extern const u64 kallsyms_addresses[];
extern const u32 kallsyms_offsets[];
extern const char kallsyms_names[];

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset)
{
	u64 lo = 0, hi = kallsyms_num;

	if (!kallsyms_num || addr < kallsyms_addresses[0] || addr >= (unsigned long)_etext)
		return NULL;
	while (hi - lo > 1) {	/* the last symbol at or below addr */
		u64 mid = (lo + hi) / 2;
		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - kallsyms_addresses[lo];
	return kallsyms_names + kallsyms_offsets[lo];
}

/* "name+0xoff" or the bare address; buf must hold KSYM_NAME_LEN bytes. */
const char *sprint_symbol(char *buf, unsigned long addr)
{
	unsigned long off;
	const char *name = kallsyms_lookup(addr, &off);

	if (!addr)
		snprintf(buf, KSYM_NAME_LEN, "(none)");
	else if (name)
		snprintf(buf, KSYM_NAME_LEN, "%s+%#lx", name, off);
	else
		snprintf(buf, KSYM_NAME_LEN, "%#lx", addr);
	return buf;
}
