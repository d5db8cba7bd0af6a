/* Register decoders for the text output (decode.h). Field positions from the Arm ARM
 * register descriptions, as named in each function. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define F(v, lo, w) (((v) >> (lo)) & ((1ull << (w)) - 1))

/* Append to buf (always NUL-terminated). */
static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* SCTLR_EL1: the bits that matter to memory and exceptions. */
const char *decode__sctlr(uint64_t v, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } b[] = {
		{ 0, "M" }, { 1, "A" }, { 2, "C" }, { 3, "SA" }, { 4, "SA0" }, { 12, "I" },
		{ 14, "DZE" }, { 15, "UCT" }, { 16, "nTWI" }, { 18, "nTWE" }, { 19, "WXN" },
		{ 23, "SPAN" }, { 24, "E0E" }, { 25, "EE" }, { 26, "UCI" },
	};

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (v & (1ull << b[i].bit))
			add(buf, len, "%s%s", buf[0] ? " " : "", b[i].name);
	add(buf, len, "%s(MMU %s)", buf[0] ? " " : "", (v & 1) ? "on" : "off");
	return buf;
}

static const char *tg0(unsigned tg) { return tg == 1 ? "64K" : tg == 2 ? "16K" : "4K"; }
static const char *tg1(unsigned tg) { return tg == 1 ? "16K" : tg == 3 ? "64K" : "4K"; }

/* TCR_EL1: T0SZ[5:0] EPD0[7] TG0[15:14] T1SZ[21:16] A1[22] EPD1[23] TG1[31:30]
 * IPS[34:32] AS[36] TBI0[37] TBI1[38] HA[39] HD[40] TBID0[51] TBID1[52]. */
const char *decode__tcr(uint64_t v, char *buf, size_t len)
{
	static const unsigned ips[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned t0 = F(v, 0, 6), t1 = F(v, 16, 6);

	buf[0] = 0;
	add(buf, len, "T0SZ=%u (%u-bit) TG0=%s%s  T1SZ=%u (%u-bit) TG1=%s%s  IPS=%u-bit",
	    t0, 64 - t0, tg0(F(v, 14, 2)), F(v, 7, 1) ? " EPD0" : "", t1, 64 - t1,
	    tg1(F(v, 30, 2)), F(v, 23, 1) ? " EPD1" : "", ips[F(v, 32, 3)]);
	add(buf, len, "  ASID from TTBR%u, %u-bit", (unsigned)F(v, 22, 1), F(v, 36, 1) ? 16 : 8);
	if (F(v, 37, 1))
		add(buf, len, " TBI0%s", F(v, 51, 1) ? " TBID0" : "");
	if (F(v, 38, 1))
		add(buf, len, " TBI1%s", F(v, 52, 1) ? " TBID1" : "");
	if (F(v, 39, 1))
		add(buf, len, " HA");
	if (F(v, 40, 1))
		add(buf, len, " HD");
	return buf;
}

/* ESR_ELx.EC (Arm ARM "ESR_EL1, Exception Syndrome Register (EL1)", EC field). */
const char *decode__ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "SVE/SIMD/FP access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC (AArch64)";
	case 0x16: return "HVC (AArch64)";
	case 0x17: return "SMC (AArch64)";
	case 0x18: return "MSR/MRS/system instruction";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort from the same EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort from the same EL";
	case 0x26: return "SP alignment fault";
	case 0x2c: return "FP exception";
	case 0x2f: return "SError";
	case 0x30: case 0x31: return "breakpoint";
	case 0x32: case 0x33: return "software step";
	case 0x34: case 0x35: return "watchpoint";
	case 0x3c: return "BRK";
	}
	return "reserved EC";
}

/* DFSC/IFSC (ISS encoding for a Data/Instruction Abort). */
const char *decode__fsc(unsigned fsc, char *buf, size_t len)
{
	static const char *const by_group[] = {
		"address size fault", "translation fault", "access flag fault",
		"permission fault",
	};
	unsigned lvl = fsc & 3;

	if (fsc < 0x10)
		snprintf(buf, len, "%s, level %u", by_group[fsc >> 2], lvl);
	else if (fsc == 0x10)
		snprintf(buf, len, "synchronous external abort");
	else if ((fsc & ~3u) == 0x14)
		snprintf(buf, len, "synchronous external abort on a table walk, level %u", lvl);
	else if (fsc == 0x21)
		snprintf(buf, len, "alignment fault");
	else if (fsc == 0x30)
		snprintf(buf, len, "TLB conflict abort");
	else
		snprintf(buf, len, "FSC %#x", fsc);
	return buf;
}

const char *decode__esr(uint64_t v, char *buf, size_t len)
{
	unsigned ec = F(v, 26, 6);
	char fsc[64];

	buf[0] = 0;
	add(buf, len, "EC=0x%02x (%s) IL=%u ISS=%#llx", ec, decode__ec_name(ec),
	    (unsigned)F(v, 25, 1), (unsigned long long)F(v, 0, 25));
	if (ec >= 0x20 && ec <= 0x25 && ec != 0x22 && ec != 0x23) {
		add(buf, len, ": %s", decode__fsc(F(v, 0, 6), fsc, sizeof(fsc)));
		if (ec >= 0x24) {
			if (F(v, 6, 1))
				add(buf, len, " WnR");
			if (F(v, 8, 1))
				add(buf, len, " CM");
			if (F(v, 24, 1))
				add(buf, len, " ISV SAS=%u SRT=%u", (unsigned)F(v, 22, 2),
				    (unsigned)F(v, 16, 5));
		}
		if (F(v, 7, 1))
			add(buf, len, " S1PTW");
		if (F(v, 10, 1))
			add(buf, len, " FnV");
	}
	if (ec == 0x15 || ec == 0x3c)
		add(buf, len, " imm=%#x", (unsigned)F(v, 0, 16));
	return buf;
}

/* SPSR_EL1 / PSTATE: N Z C V [31:28], PAN[22], SS[21], IL[20], D A I F [9:6],
 * M[4] (1: AArch32), M[3:0] (EL and SP). */
const char *decode__spsr(uint64_t v, char *buf, size_t len)
{
	static const char *const modes[16] = {
		[0] = "EL0t", [4] = "EL1t", [5] = "EL1h", [8] = "EL2t", [9] = "EL2h",
		[12] = "EL3t", [13] = "EL3h",
	};
	const char *m = modes[F(v, 0, 4)];

	buf[0] = 0;
	add(buf, len, "%s  %c%c%c%c  %c%c%c%c", F(v, 4, 1) ? "AArch32" : m ? m : "M=?",
	    F(v, 31, 1) ? 'N' : 'n', F(v, 30, 1) ? 'Z' : 'z', F(v, 29, 1) ? 'C' : 'c',
	    F(v, 28, 1) ? 'V' : 'v', F(v, 9, 1) ? 'D' : '-', F(v, 8, 1) ? 'A' : '-',
	    F(v, 7, 1) ? 'I' : '-', F(v, 6, 1) ? 'F' : '-');
	if (F(v, 22, 1))
		add(buf, len, " PAN");
	if (F(v, 21, 1))
		add(buf, len, " SS");
	if (F(v, 20, 1))
		add(buf, len, " IL");
	return buf;
}

const char *decode__memtype(uint8_t attr, char *buf, size_t len)
{
	static const char *const dev[4] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
	unsigned i = attr & 0xf, o = attr >> 4;
	const char *in = i == 4 ? "NC" : i == 0 ? "reserved" : (i & 4) ? "WB" : "WT";
	const char *out = o == 4 ? "NC" : (o & 4) ? "WB" : "WT";

	if (!o)
		snprintf(buf, len, "Device-%s", dev[(attr >> 2) & 3]);
	else if (!strcmp(in, out))
		snprintf(buf, len, "Normal-%s", in);
	else
		snprintf(buf, len, "Normal-i%s-o%s", in, out);
	return buf;
}

/* MAIR_EL1: Attr<n> = bits [8n+7:8n]. */
const char *decode__mair(uint64_t v, char *buf, size_t len)
{
	char m[32];

	buf[0] = 0;
	for (unsigned n = 0; n < 8; n++) {
		uint8_t a = (uint8_t)F(v, 8 * n, 8);

		if (a || n == 0)
			add(buf, len, "%s%u=%s", buf[0] ? " " : "", n,
			    decode__memtype(a, m, sizeof(m)));
	}
	return buf;
}

/* TTBRn_EL1: ASID[63:48], BADDR[47:1], CnP[0]. */
const char *decode__ttbr(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "ASID=%#x BADDR=%#llx%s", (unsigned)F(v, 48, 16),
		 (unsigned long long)(v & 0xfffffffffffeull), (v & 1) ? " CnP" : "");
	return buf;
}

/* PAR_EL1: F[0]; F = 0: PA[47:12], NS[9], SH[8:7], ATTR[63:56]; F = 1: FST[6:1],
 * PTW[8], S[9]. */
const char *decode__par(uint64_t v, char *buf, size_t len)
{
	char m[64];

	if (v & 1)
		snprintf(buf, len, "F=1 (AT faulted): %s%s%s",
			 decode__fsc(F(v, 1, 6), m, sizeof(m)), F(v, 8, 1) ? " PTW" : "",
			 F(v, 9, 1) ? " stage 2" : " stage 1");
	else
		snprintf(buf, len, "F=0 PA=%#llx SH=%u %s",
			 (unsigned long long)(v & 0xfffffffff000ull), (unsigned)F(v, 7, 2),
			 decode__memtype((uint8_t)F(v, 56, 8), m, sizeof(m)));
	return buf;
}
