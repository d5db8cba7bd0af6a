/* The VMM's report of an UNDEFINED instruction (cpu/undef.c): one line the first time
 * each encoding is met, with the vCPU, EL, PC, encoding and its disassembly (capstone,
 * where vmm was built with it; else the A64 encoding class), e.g.
 *   vmm: model: vCPU 0 EL0 PC 0x4005d0: UNDEFINED 0x4e080c00 (dup v0.2d, x0): the model
 *   does not implement it (or it is unallocated); the guest takes an Undefined
 *   Instruction exception
 * Reports go through report_limited: a guest cannot flood the terminal. */
#include <stdio.h>

#include "cpu/cpu.h"
#include "engine/model.h"
#include "report.h"

#ifdef MODEL_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

REPORT_LIMIT(undef_limit, "distinct UNDEFINED instructions", 20);

/* Encodings already reported (open addressing; the scheduler is one thread). A full
 * set reports nothing more: report_limited would hold it back anyway. */
#define SEEN_SIZE 4096
static uint32_t seen[SEEN_SIZE];
static bool seen_zero;

static bool first_time(uint32_t insn)
{
	if (insn == 0) {
		bool first = !seen_zero;
		seen_zero = true;
		return first;
	}
	for (unsigned k = 0, i = (insn * 2654435761u) % SEEN_SIZE; k < SEEN_SIZE;
	     k++, i = (i + 1) % SEEN_SIZE) {
		if (seen[i] == insn)
			return false;
		if (seen[i] == 0) {
			seen[i] = insn;
			return true;
		}
	}
	return false;
}

/* The A64 top-level class (Arm ARM C4.1), for a vmm without a disassembler */
static const char *insn_class(uint32_t i)
{
	switch ((i >> 25) & 15) {
	case 0: return "reserved/UDF";
	case 1: return "SME";
	case 2: return "SVE";
	case 3: return "unallocated";
	case 8: case 9: return "data processing (immediate)";
	case 10: case 11:
		return (i & 0xffc00000u) == 0xd5000000u ? "system" : "branch/exception";
	case 5: case 13: return "data processing (register)";
	case 7: case 15: return "SIMD&FP data processing";
	default: return "load/store";
	}
}

static void disasm(uint64_t pc, uint32_t insn, char *out, size_t len)
{
#ifdef MODEL_HAVE_CAPSTONE
	static csh cs;
	static int state; /* 0 not opened, 1 open, -1 failed */
	cs_insn *ci;
	if (state == 0)
		state = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK ? 1 : -1;
	if (state == 1 && cs_disasm(cs, (const uint8_t *)&insn, 4, pc, 1, &ci) == 1) {
		snprintf(out, len, "%.31s%s%.160s", ci->mnemonic, ci->op_str[0] ? " " : "", ci->op_str);
		cs_free(ci, 1);
		return;
	}
	if (state == 1) {
		snprintf(out, len, "not an instruction to capstone; %s class", insn_class(insn));
		return;
	}
#endif
	(void)pc;
	snprintf(out, len, "%s class", insn_class(insn));
}

void model__undef_report(void *opaque, struct cpu *c, uint64_t pc, uint32_t insn)
{
	char text[200];
	(void)opaque;
	if (!first_time(insn))
		return;
	disasm(pc, insn, text, sizeof(text));
	report_limited(&undef_limit, REPORT_WARN, "model: vCPU %u EL%u PC 0x%llx: UNDEFINED "
		       "0x%08x (%s): the model does not implement it (or it is unallocated); the "
		       "guest takes an Undefined Instruction exception", c->index, c->el,
		       (unsigned long long)pc, insn, text);
}
