#ifndef ASM_PTRACE_H
#define ASM_PTRACE_H
#include <types.h>
/* Saved by arch/entry.S on every exception; the layout is fixed by the assembly. */
struct pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
	u64 esr;
	u64 far;
};
#endif
