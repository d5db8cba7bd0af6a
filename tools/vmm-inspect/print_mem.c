/* mem as a hex dump, disas through capstone (the monitor sends instruction words;
 * the disassembler lives here so that vmm needs none). */
#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "symbols.h"

const struct symtab *print__symtab;

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void stopped(FILE *f, const struct json *r, uint64_t at)
{
	const struct json *s = json__get(r, "stopped");

	if (!s)
		return;
	if (json__get(s, "fault"))
		fprintf(f, "stopped at %#llx: %s, stage %llu, level %lld (ESR %#llx)\n",
			(unsigned long long)at, js(s, "fault"), (unsigned long long)ju(s, "stage"),
			(long long)ju(s, "level"), (unsigned long long)ju(s, "esr"));
	else
		fprintf(f, "stopped at %#llx: %s (PA %#llx)\n", (unsigned long long)at,
			js(s, "hole"), (unsigned long long)ju(s, "pa"));
}

void print__mem(FILE *f, const struct json *r)
{
	const char *hex = js(r, "bytes");
	uint64_t addr = ju(r, "addr"), n = strlen(hex) / 2;

	for (uint64_t i = 0; i < n; i += 16) {
		char ascii[17] = "";

		fprintf(f, "%016llx ", (unsigned long long)(addr + i));
		for (uint64_t j = 0; j < 16; j++) {
			int b = -1;

			if (i + j < n) {
				int hi = hexval(hex[2 * (i + j)]), lo = hexval(hex[2 * (i + j) + 1]);

				b = hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
			}
			if (b < 0)
				fprintf(f, "   ");
			else
				fprintf(f, " %02x", b);
			if (j == 7)
				fputc(' ', f);
			if (b >= 0)
				ascii[j] = b >= 0x20 && b < 0x7f ? (char)b : '.';
		}
		fprintf(f, "  |%s|\n", ascii);
	}
	stopped(f, r, addr + n);
}

/* With --symbols: "<func>:" (or "<func+0x1c>:") before the first instruction shown
 * of each function, as objdump does. */
static void function_label(FILE *f, uint64_t addr, char *cur, size_t n)
{
	char name[160];

	if (!print__symtab || symtab__name(print__symtab, addr, name, sizeof(name))) {
		cur[0] = 0;
		return;
	}
	size_t len = strcspn(name, "+");
	if (strlen(cur) != len || strncmp(cur, name, len)) {
		fprintf(f, "<%s>:\n", name);
		snprintf(cur, n, "%.*s", (int)len, name);
	}
}

/* With --symbols: " <func+0x1c>" after a PC-relative branch or ADR whose target (the
 * last "#0x..." operand) a symbol covers. */
static void target_name(FILE *f, const cs_insn *in)
{
	static const char *const pcrel[] = { "b", "bl", "cbz", "cbnz", "tbz", "tbnz", "adr" };
	const char *imm = strrchr(in->op_str, '#');
	bool branch = !strncmp(in->mnemonic, "b.", 2);
	char name[160];

	for (size_t k = 0; k < sizeof(pcrel) / sizeof(pcrel[0]) && !branch; k++)
		branch = !strcmp(in->mnemonic, pcrel[k]);
	if (!print__symtab || !branch || !imm || strncmp(imm, "#0x", 3))
		return;
	if (!symtab__name(print__symtab, strtoull(imm + 1, NULL, 16), name, sizeof(name)))
		fprintf(f, " <%s>", name);
}

void print__disas(FILE *f, const struct json *r)
{
	char func[160] = "";
	const struct json *insns = json__get(r, "insns");
	uint64_t addr = ju(r, "addr"), pc = ju(r, "pc");
	csh cs;
	bool have_cs = cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &cs) == CS_ERR_OK;

	for (const struct json *k = insns ? insns->u.kids.first : NULL; k; k = k->next,
	     addr += 4) {
		uint64_t w = 0;
		uint8_t b[4];
		cs_insn *in = NULL;

		json__u64(k, &w);
		if (!jb(r, "phys"))
			function_label(f, addr, func, sizeof(func));
		for (int i = 0; i < 4; i++)
			b[i] = (uint8_t)(w >> (8 * i));
		fprintf(f, "%s0x%016llx: %08llx  ", !jb(r, "phys") && addr == pc ? "=> " : "   ",
			(unsigned long long)addr, (unsigned long long)w);
		if (have_cs && cs_disasm(cs, b, 4, addr, 1, &in) == 1) {
			fprintf(f, "%s%s%s", in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
			target_name(f, in);
			fputc('\n', f);
			cs_free(in, 1);
		} else {
			fprintf(f, ".inst %#010llx\n", (unsigned long long)w);
		}
	}
	if (have_cs)
		cs_close(&cs);
	stopped(f, r, addr);
}
