/*
 * Kernel data and instruction aborts (Linux: arch/arm64/mm/fault.c). Every abort taken
 * at EL1 comes here. A test that armed an expectation (asm/traps.h) gets the syndrome
 * recorded and execution resumes; anything else is a kernel bug: the report gives the
 * decoded ESR, FAR, the walk of FAR through the kernel's tables (show_pte) and the
 * registers, then the run stops with a failure status.
 * Left out from Linux: user faults and handle_mm_fault (part 2), exception tables
 * (uaccess fixups), spurious-fault checks, KFENCE, vmalloc-area lazy syncing.
 */
#include <kernel.h>
#include <asm/esr.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>
#include <asm/traps.h>
#include <linux/mm.h>
#include <kallsyms.h>

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

void do_mem_abort(u64 far, u64 esr, struct pt_regs *regs)
{
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
