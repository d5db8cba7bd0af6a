#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H
#include <types.h>
#include <asm/ptrace.h>

/*
 * Tests that take an exception on purpose arm an expectation first: the handler then
 * records ESR/FAR/ELR in it and resumes (after the instruction for aborts, SVC and BRK;
 * at the caller's return address for an instruction abort), instead of reporting.
 */
struct fault_expect {
	bool armed;
	bool hit;
	unsigned int ec;	/* exception class expected */
	u64 esr, far, elr;
};
void fault_expect_arm(unsigned int ec);
struct fault_expect *fault_expect_get(void);	/* this CPU's */
bool fault_expect_take(struct pt_regs *regs);
void die(const char *msg, struct pt_regs *regs) __attribute__((noreturn));
void show_regs(struct pt_regs *regs);
#endif
