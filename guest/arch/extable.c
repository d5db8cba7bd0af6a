/*
 * Exception fixups (Linux: arch/arm64/mm/extable.c, kernel/extable.c). __ex_table (from
 * the _asm_extable entries of arch/uaccess.S, collected by kernel.lds) pairs each
 * instruction allowed to fault on a user address with where to resume. Entries are few
 * and searched linearly.
 * Left out from Linux: sorting and binary search, relative (32-bit) entries, the typed
 * entries (EX_TYPE_UACCESS_ERR_ZERO...), module tables, BPF.
 */
#include <kernel.h>
#include <asm/uaccess.h>

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];
static unsigned long fixups;

const struct exception_table_entry *search_exception_tables(unsigned long pc)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == pc)
			return e;
	return NULL;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->pc);

	if (!e)
		return false;
	regs->pc = e->fixup;
	__atomic_add_fetch(&fixups, 1, __ATOMIC_RELAXED);
	return true;
}

unsigned long uaccess_fixups_taken(void)
{
	return READ_ONCE(fixups);
}

long strncpy_from_user(char *dst, const char __user *src, long n)
{
	if (n <= 0)
		return 0;
	if (!access_ok(src, 1))
		return -14;
	/* never read past TASK_SIZE: a string running into the kernel half is a fault */
	long max = (long)min((unsigned long)n, TASK_SIZE - (unsigned long)src);
	long r = __arch_strncpy_from_user(dst, src, max);
	if (r < 0)
		return -14;		/* -EFAULT */
	if (r == max) {
		dst[max - 1] = 0;
		return max < n ? -14 : -36;	/* -EFAULT at TASK_SIZE, else -ENAMETOOLONG */
	}
	return r;
}
