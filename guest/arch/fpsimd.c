/*
 * FP/SIMD context switching (Linux: arch/arm64/kernel/fpsimd.c, eagerly, as before
 * Linux 4.x's lazy restore): CPACR_EL1.FPEN lets EL0 and EL1 use FP/SIMD (head.S), the
 * kernel itself never does (-mgeneral-regs-only), so the registers hold the running
 * user task's state. A switch saves the outgoing user task's V0-V31, FPSR, FPCR into
 * its task_struct and loads the incoming one's; a fork copies the parent's live state
 * into the child; an execve starts the new program with zeroed registers and FPCR.
 */
#include <linux/sched.h>
#include <string.h>

/* entry-fpsimd.S's fpsimd_save/fpsimd_restore; the assembler needs the extension named
 * since the C code is built without FP/SIMD */
static void fpsimd_save_state(struct user_fpsimd_state *st)
{
	u64 fpsr, fpcr;

	asm volatile(".arch_extension fp\n\t.arch_extension simd\n\t"
		     "stp q0, q1, [%0, #0]\n\tstp q2, q3, [%0, #32]\n\t"
		     "stp q4, q5, [%0, #64]\n\tstp q6, q7, [%0, #96]\n\t"
		     "stp q8, q9, [%0, #128]\n\tstp q10, q11, [%0, #160]\n\t"
		     "stp q12, q13, [%0, #192]\n\tstp q14, q15, [%0, #224]\n\t"
		     "stp q16, q17, [%0, #256]\n\tstp q18, q19, [%0, #288]\n\t"
		     "stp q20, q21, [%0, #320]\n\tstp q22, q23, [%0, #352]\n\t"
		     "stp q24, q25, [%0, #384]\n\tstp q26, q27, [%0, #416]\n\t"
		     "stp q28, q29, [%0, #448]\n\tstp q30, q31, [%0, #480]"
		     : : "r"(st->vregs) : "memory");
	asm volatile(".arch_extension fp\n\tmrs %0, fpsr\n\tmrs %1, fpcr" : "=r"(fpsr), "=r"(fpcr));
	st->fpsr = (u32)fpsr;
	st->fpcr = (u32)fpcr;
}

static void fpsimd_load_state(const struct user_fpsimd_state *st)
{
	asm volatile(".arch_extension fp\n\t.arch_extension simd\n\t"
		     "ldp q0, q1, [%0, #0]\n\tldp q2, q3, [%0, #32]\n\t"
		     "ldp q4, q5, [%0, #64]\n\tldp q6, q7, [%0, #96]\n\t"
		     "ldp q8, q9, [%0, #128]\n\tldp q10, q11, [%0, #160]\n\t"
		     "ldp q12, q13, [%0, #192]\n\tldp q14, q15, [%0, #224]\n\t"
		     "ldp q16, q17, [%0, #256]\n\tldp q18, q19, [%0, #288]\n\t"
		     "ldp q20, q21, [%0, #320]\n\tldp q22, q23, [%0, #352]\n\t"
		     "ldp q24, q25, [%0, #384]\n\tldp q26, q27, [%0, #416]\n\t"
		     "ldp q28, q29, [%0, #448]\n\tldp q30, q31, [%0, #480]\n\t"
		     "msr fpsr, %1\n\tmsr fpcr, %2"
		     : : "r"(st->vregs), "r"((u64)st->fpsr), "r"((u64)st->fpcr) : "memory");
}

void fpsimd_thread_switch(struct task_struct *prev, struct task_struct *next)
{
	if (prev->mm)
		fpsimd_save_state(&prev->fpsimd_state);
	if (next->mm)
		fpsimd_load_state(&next->fpsimd_state);
}

void fpsimd_fork(struct task_struct *child)
{
	if (current->mm)
		fpsimd_save_state(&child->fpsimd_state);
}

void fpsimd_flush_thread(void)
{
	struct user_fpsimd_state zero;

	memset(&zero, 0, sizeof(zero));
	fpsimd_load_state(&zero);
}
