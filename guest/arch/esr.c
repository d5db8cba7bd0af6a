/* Decoding ESR_EL1 into words (Linux: arch/arm64/kernel/traps.c esr_class_str, fault.c). */
#include <kernel.h>
#include <asm/esr.h>

const char *esr_get_class_string(u64 esr)
{
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_UNKNOWN: return "Unknown/Uncategorized";
	case 0x01: return "WFI/WFE";
	case 0x07: return "SIMD/FP";
	case 0x0e: return "Illegal execution state (PSTATE.IL)";
	case ESR_ELx_EC_SVC64: return "SVC (AArch64)";
	case ESR_ELx_EC_HVC64: return "HVC (AArch64)";
	case ESR_ELx_EC_SMC64: return "SMC (AArch64)";
	case ESR_ELx_EC_SYS64: return "MSR/MRS (AArch64)";
	case ESR_ELx_EC_IABT_LOW: return "IABT (lower EL)";
	case ESR_ELx_EC_IABT_CUR: return "IABT (current EL)";
	case ESR_ELx_EC_PC_ALIGN: return "PC Alignment";
	case ESR_ELx_EC_DABT_LOW: return "DABT (lower EL)";
	case ESR_ELx_EC_DABT_CUR: return "DABT (current EL)";
	case ESR_ELx_EC_SP_ALIGN: return "SP Alignment";
	case ESR_ELx_EC_SERROR: return "SError";
	case 0x30: return "Breakpoint (lower EL)";
	case 0x31: return "Breakpoint (current EL)";
	case 0x32: return "Software Step (lower EL)";
	case 0x33: return "Software Step (current EL)";
	case 0x34: return "Watchpoint (lower EL)";
	case 0x35: return "Watchpoint (current EL)";
	case ESR_ELx_EC_BRK64: return "BRK (AArch64)";
	default: return "UNRECOGNIZED EC";
	}
}

const char *esr_fsc_string(u64 esr)
{
	u64 fsc = ESR_ELx_FSC(esr);

	switch (fsc & 0x3c) {
	case 0x00: return "address size fault";
	case ESR_ELx_FSC_TRANS: return "translation fault";
	case ESR_ELx_FSC_ACCESS: return "access flag fault";
	case ESR_ELx_FSC_PERM: return "permission fault";
	}
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x14: case 0x15: case 0x16: case 0x17: return "synchronous external abort on table walk";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	default: return "unknown fault";
	}
}

static bool esr_is_abort(u64 esr)
{
	unsigned int ec = ESR_ELx_EC(esr);
	return ec == ESR_ELx_EC_DABT_CUR || ec == ESR_ELx_EC_DABT_LOW ||
	       ec == ESR_ELx_EC_IABT_CUR || ec == ESR_ELx_EC_IABT_LOW;
}

void esr_describe(u64 esr)
{
	printk("  ESR = 0x%016lx\n", esr);
	printk("  EC = 0x%02lx: %s, IL = %d bits\n", ESR_ELx_EC(esr), esr_get_class_string(esr),
	       (esr & ESR_ELx_IL) ? 32 : 16);
	if (!esr_is_abort(esr)) {
		printk("  ISS = 0x%07lx\n", ESR_ELx_ISS(esr));
		return;
	}
	printk("  SET = %lu, FnV = %lu, EA = %lu, S1PTW = %lu\n", (esr >> 11) & 3,
	       (esr >> 10) & 1, (esr >> 9) & 1, (esr >> 7) & 1);
	printk("  FSC = 0x%02lx: %s, level %d\n", ESR_ELx_FSC(esr), esr_fsc_string(esr),
	       ESR_ELx_FSC_LEVEL(esr));
	if (ESR_ELx_EC(esr) == ESR_ELx_EC_DABT_CUR || ESR_ELx_EC(esr) == ESR_ELx_EC_DABT_LOW)
		printk("Data abort info:\n  ISV = %lu, ISS = 0x%07lx\n  CM = %lu, WnR = %lu\n",
		       (esr >> 24) & 1, ESR_ELx_ISS(esr), (esr >> 8) & 1, (esr >> 6) & 1);
}
