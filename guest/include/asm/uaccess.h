/*
 * User memory access (Linux: arch/arm64/include/asm/uaccess.h, lib/copy_*_user.S).
 * PAN is on: a plain kernel load or store to a user page faults. The copies use the
 * unprivileged LDTR/STTR forms, which are checked against EL0's permissions and ignore
 * PAN; each such instruction has an exception-table entry (arch/uaccess.S), so a fault
 * that handle_mm_fault() cannot resolve resumes at the fixup, which returns the number
 * of bytes not copied. access_ok() is the range probe: [addr, addr + size) must lie
 * below TASK_SIZE without wrapping.
 * Left out from Linux: the uaccess_ttbr0 (SW PAN) variant, MTE tag checks, user_access
 * begin/end blocks, the optimised copy templates (byte and doubleword loops here).
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H
#include <types.h>
#include <asm/ptrace.h>
#include <linux/mm_types.h>

#define __user
static inline bool access_ok(const void __user *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;
	return size <= TASK_SIZE && a <= TASK_SIZE - size;
}

/* Return the number of bytes NOT copied (0 on success). */
unsigned long __arch_copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long __arch_copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long __arch_clear_user(void __user *to, unsigned long n);
/* Copy a string of at most n bytes (NUL included); length, or -1 on a fault. */
long __arch_strncpy_from_user(char *dst, const char __user *src, long n);

static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return access_ok(from, n) ? __arch_copy_from_user(to, from, n) : n;
}
static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return access_ok(to, n) ? __arch_copy_to_user(to, from, n) : n;
}
static inline unsigned long clear_user(void __user *to, unsigned long n)
{
	return access_ok(to, n) ? __arch_clear_user(to, n) : n;
}
/* -EFAULT on a bad pointer, -ENAMETOOLONG when no NUL within n, else the length. */
long strncpy_from_user(char *dst, const char __user *src, long n);
#define put_user(v, p) ({ __typeof__(*(p)) __pu = (v); \
	copy_to_user((p), &__pu, sizeof(__pu)) ? -14 : 0; })
#define get_user(v, p) ({ __typeof__(*(p) + 0) __gu; \
	int __r = copy_from_user(&__gu, (p), sizeof(__gu)) ? -14 : 0; (v) = __gu; __r; })

/* arch/extable.c */
struct exception_table_entry {
	unsigned long insn, fixup;
};
const struct exception_table_entry *search_exception_tables(unsigned long pc);
bool fixup_exception(struct pt_regs *regs);
unsigned long uaccess_fixups_taken(void);
#endif
