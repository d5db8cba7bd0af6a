/*
 * Data and instruction aborts (Linux: arch/arm64/mm/fault.c). From EL0, and from the
 * kernel's user-copy instructions (those in __ex_table), do_page_fault() finds the VMA
 * (growing the stack if the address is below a VM_GROWSDOWN one), checks the access
 * against its flags (as arm64: exec needs VM_EXEC, write VM_WRITE, read any access
 * flag) and calls handle_mm_fault() (mm/memory.c). What cannot be resolved kills the
 * task with a report (user) or resumes at the copy's fixup (-EFAULT to the caller).
 * Any other abort at EL1: a test that armed an expectation (asm/traps.h) gets the
 * syndrome recorded and execution resumes; anything else is a kernel bug: the report
 * gives the decoded ESR, FAR, the walk of FAR through the tables (show_pte) and the
 * registers, then the run stops with a failure status.
 * Left out from Linux: the fault_info table per FSC (translation, access-flag and
 * permission faults are handled, the rest are fatal), VM_FAULT_RETRY and mmap_lock,
 * spurious-fault checks, KFENCE, vmalloc-area lazy syncing, hardware poison.
 */
#include <kernel.h>
#include <asm/esr.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>
#include <asm/traps.h>
#include <linux/mm.h>
#include <kallsyms.h>
#include <asm/uaccess.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/oom.h>

static const char *const level_names[] = { "pgd", "pud", "pmd", "pte" };

/* Print the walk of addr through the tables it would use, as Linux's show_pte. */
void show_pte(u64 addr)
{
	bool ttbr1 = addr >> 63;
	u64 ttbr = ttbr1 ? read_sysreg(ttbr1_el1) : read_sysreg(ttbr0_el1);
	phys_addr_t table = ttbr & PTE_ADDR_MASK;

	if ((addr >> 48) != 0 && (addr >> 48) != 0xffff) {
		printk("[%016lx] address between user and kernel address ranges\n", addr);
		return;
	}
	printk("%s pgtable: 4k pages, 48-bit VAs, pgdp=%016lx\n", ttbr1 ? "swapper" : "user",
	       table);
	printk("[%016lx] ", addr);
	for (int level = 0; level <= 3; level++) {
		pte_t e = table_va(table)[LEVEL_INDEX(addr, level)];
		printk("%s%s=%016lx", level ? ", " : "", level_names[level], e);
		if (!(e & PTE_VALID) || level == 3 || (e & PTE_TYPE_MASK) == PTE_TYPE_BLOCK)
			break;
		table = e & PTE_ADDR_MASK;
	}
	printk("\n");
}

static const char *fault_kind(u64 esr)
{
	unsigned int ec = ESR_ELx_EC(esr);
	if (ec == ESR_ELx_EC_IABT_CUR || ec == ESR_ELx_EC_IABT_LOW)
		return "execute";
	return (esr & ESR_ELx_WNR) && !(esr & ESR_ELx_CM) ? "write" : "read";
}

static bool user_mode(const struct pt_regs *regs)
{
	return (regs->pstate & 0xf) == 0;	/* M[3:0] = EL0t */
}

/* Returns only if the fault was resolved or fixed up. */
static void do_page_fault(u64 far, u64 esr, struct pt_regs *regs)
{
	struct mm_struct *mm = current ? current->mm : NULL;
	unsigned int ec = ESR_ELx_EC(esr), flags = 0, fsc = ESR_ELx_FSC_TYPE(esr);
	unsigned long need = VM_ACCESS_FLAGS;
	const char *why;
	struct vm_area_struct *vma;

	if (ec == ESR_ELx_EC_IABT_LOW) {
		flags |= FAULT_FLAG_INSTRUCTION;
		need = VM_EXEC;
	} else if ((esr & ESR_ELx_WNR) && !(esr & ESR_ELx_CM)) {
		flags |= FAULT_FLAG_WRITE;
		need = VM_WRITE;
	}
	if (user_mode(regs))
		flags |= FAULT_FLAG_USER;
	if (!mm || far >= TASK_SIZE) {
		why = far >= TASK_SIZE ? "address outside user space" : "no user address space";
		goto bad_area;
	}
	if (fsc != ESR_ELx_FSC_TRANS && fsc != ESR_ELx_FSC_ACCESS && fsc != ESR_ELx_FSC_PERM) {
		why = esr_fsc_string(esr);
		goto bad_area;
	}
	vma = find_vma(mm, far);
	if (!vma) {
		why = "no VMA at this address";
		goto bad_area;
	}
	if (vma->vm_start > far) {
		if (!(vma->vm_flags & VM_GROWSDOWN)) {
			why = "no VMA at this address";
			goto bad_area;
		}
		if (expand_stack(vma, far)) {
			why = "below the stack, beyond its limit or inside the stack guard gap";
			goto bad_area;
		}
	}
	if (!(vma->vm_flags & need)) {
		why = need == VM_EXEC ? "execute access to a VMA without PROT_EXEC" :
		      need == VM_WRITE ? "write access to a VMA without PROT_WRITE" :
		      "read access to a PROT_NONE VMA";
		goto bad_area;
	}
	int fault = handle_mm_fault(vma, far, flags);
	if (!(fault & VM_FAULT_ERROR))
		return;
	if ((fault & VM_FAULT_OOM) && user_mode(regs)) {
		/* the OOM killer, then the access is retried (or this task dies) */
		pagefault_out_of_memory();
		return;
	}
	why = fault & VM_FAULT_OOM ? "out of memory" :
	      fault & VM_FAULT_SIGBUS ? "beyond the end of the mapped file" : "bad access";
	if (user_mode(regs))
		force_sig_fault(fault & VM_FAULT_SIGBUS ? SIGBUS : SIGSEGV, regs, far, esr, why);
bad_area:
	if (user_mode(regs))
		force_sig_fault(SIGSEGV, regs, far, esr, why);
	if (fixup_exception(regs))
		return;
	printk("Unable to handle kernel access to user address %016lx (%s)\n", far, why);
	esr_describe(esr);
	die("Oops", regs);
}

void do_mem_abort(u64 far, u64 esr, struct pt_regs *regs)
{
	if (user_mode(regs) || search_exception_tables(regs->pc)) {
		do_page_fault(far, esr, regs);
		return;
	}
	if (fault_expect_take(regs))
		return;
	printk("Unable to handle kernel %s at virtual address %016lx (%s)\n", fault_kind(esr),
	       far, esr_fsc_string(esr));
	printk("  at pc %s\n", SYM(regs->pc));
	printk("Mem abort info:\n");
	esr_describe(esr);
	show_pte(far);
	die("Oops", regs);
}
