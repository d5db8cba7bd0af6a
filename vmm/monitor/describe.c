/* Naming permissions, memory types and shareability (Arm ARM MAIR_EL1 "Attr<n>"
 * encodings; the translation table SH field). */
#include <stdio.h>

#include "describe.h"
#include "monitor.h"

const char *describe__perms(uint8_t perms, unsigned el, char buf[4])
{
	unsigned s = el ? 0 : 3;

	buf[0] = perms & (MMU_PERM_R1 << s) ? 'r' : '-';
	buf[1] = perms & (MMU_PERM_W1 << s) ? 'w' : '-';
	buf[2] = perms & (MMU_PERM_X1 << s) ? 'x' : '-';
	buf[3] = 0;
	return buf;
}

/* One Normal-memory nibble: 0100 NC, 00RW (RW != 00) / 10RW WT, 01RW (RW != 00) /
 * 11RW WB; 0000 inside a Normal byte is reserved. */
static const char *nibble(unsigned n)
{
	if (n == 0x4)
		return "NC";
	if (n == 0)
		return "reserved";
	return n & 0x4 ? "WB" : "WT";
}

const char *describe__memtype(uint8_t attr, char *buf, size_t len)
{
	static const char *const dev[4] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
	const char *i = nibble(attr & 0xf), *o = nibble(attr >> 4);

	if ((attr & 0xf0) == 0)
		snprintf(buf, len, "Device-%s", dev[(attr >> 2) & 3]);
	else if (i == o)
		snprintf(buf, len, "Normal-%s", i);
	else
		snprintf(buf, len, "Normal-i%s-o%s", i, o);
	return buf;
}

const char *describe__sh(uint8_t sh)
{
	return sh == 3 ? "IS" : sh == 2 ? "OS" : "NS";
}

uint8_t describe__s2_memattr(unsigned memattr)
{
	static const uint8_t nib[4] = { 0x4, 0x4, 0x8, 0xc }; /* 01 NC, 10 WT, 11 WB */
	unsigned o = (memattr >> 2) & 3, i = memattr & 3;

	if (o == 0)
		return (uint8_t)(i << 2); /* Device, [1:0] the type */
	return (uint8_t)(nib[o] << 4 | nib[i]);
}

void describe__access(struct jw *out, uint8_t perms, uint8_t attr, uint8_t sh)
{
	char p[4], mem[32];

	jw__str(out, "el1", describe__perms(perms, 1, p));
	jw__str(out, "el0", describe__perms(perms, 0, p));
	jw__u64(out, "attr", attr);
	jw__str(out, "mem", describe__memtype(attr, mem, sizeof(mem)));
	jw__str(out, "sh", describe__sh(sh));
}
