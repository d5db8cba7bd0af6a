/*
 * FP/SIMD state of user tasks (Linux: arch/arm64/include/asm/fpsimd.h, struct
 * user_fpsimd_state). The kernel is built with -mgeneral-regs-only and never touches
 * the V registers, FPCR or FPSR, so only user tasks have state: it is saved and
 * restored eagerly at each context switch (arch/fpsimd.c).
 */
#ifndef ASM_FPSIMD_H
#define ASM_FPSIMD_H
#include <types.h>

struct user_fpsimd_state {
	u64 vregs[64];		/* V0-V31, low doubleword first */
	u32 fpsr, fpcr;
};

struct task_struct;
void fpsimd_thread_switch(struct task_struct *prev, struct task_struct *next);
void fpsimd_fork(struct task_struct *child);	/* the child starts with the parent's */
void fpsimd_flush_thread(void);			/* execve: a new program starts from zero */
#endif
