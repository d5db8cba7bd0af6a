/*
 * Suite "boot": the foundation. Device-tree parsing, exceptions taken and returned
 * from (SVC, BRK), and a data abort on an unmapped address with the MMU on.
 */
#include <kernel.h>
#include <fdt.h>
#include <ktest.h>
#include <psci.h>
#include <setup.h>
#include <smp.h>
#include <asm/esr.h>
#include <asm/memory.h>
#include <asm/sysreg.h>
#include <asm/traps.h>
#include <linux/memblock.h>

static enum ktest_result dt_header_is_valid(void)
{
	KTEST_EXPECT_EQ(fdt__check_header(machine.fdt), 0);
	KTEST_EXPECT(machine.fdt_size >= 64 && machine.fdt_size <= 0x200000);
	ktest_diag("dtb at %lx, %u bytes, model \"%s\"", machine.fdt_pa, machine.fdt_size,
		   machine.model ? machine.model : "?");
	return KTEST_PASS;
}

static enum ktest_result dt_path_lookup_and_parent(void)
{
	const void *fdt = machine.fdt;
	int cpus = fdt__path_offset(fdt, "/cpus");

	KTEST_EXPECT_EQ(fdt__path_offset(fdt, "/"), 0);
	KTEST_EXPECT(cpus > 0);
	KTEST_EXPECT_EQ(fdt__parent_offset(fdt, cpus), 0);
	KTEST_EXPECT_EQ(fdt__path_offset(fdt, "/no-such-node"), FDT_ERR_NOTFOUND);
	KTEST_EXPECT(fdt__getprop(fdt, cpus, "no-such-prop", NULL) == NULL);
	int cpu = fdt__first_subnode(fdt, cpus);
	KTEST_EXPECT(cpu > 0);
	KTEST_EXPECT_EQ(fdt__parent_offset(fdt, cpu), cpus);
	return KTEST_PASS;
}

static enum ktest_result dt_memory_nodes_give_ram(void)
{
	KTEST_EXPECT(memblock.memory.cnt >= 1);
	KTEST_EXPECT(memblock_phys_mem_size() >= 16 * SZ_1M);
	KTEST_EXPECT(memblock_is_memory(kimage_phys_base));
	KTEST_EXPECT(memblock_is_reserved(kimage_phys_base));
	KTEST_EXPECT(memblock_is_reserved(machine.fdt_pa));
	return KTEST_PASS;
}

static enum ktest_result dt_initrd_is_reserved(void)
{
	if (machine.initrd_end <= machine.initrd_start) {
		ktest_skip_reason("no initrd in /chosen");
		return KTEST_SKIP;
	}
	ktest_diag("initrd [%lx-%lx)", machine.initrd_start, machine.initrd_end);
	KTEST_EXPECT(memblock_is_reserved(machine.initrd_start));
	KTEST_EXPECT(memblock_is_reserved(machine.initrd_end - 1));
	return KTEST_PASS;
}

/* /chosen/stdout-path names the enabled arm,pl011 the console uses. If it did not,
 * setup_console() would still have found a PL011 by its compatible (which is how this
 * line gets printed at all), so the check can fail while the console works. */
static enum ktest_result dt_stdout_is_pl011(void)
{
	ktest_diag("stdout-path \"%s\", pl011 at %lx", machine.stdout_path ? machine.stdout_path : "",
		   machine.uart_base);
	KTEST_EXPECT(machine.stdout_path != NULL);
	KTEST_EXPECT(machine.uart_is_stdout);
	KTEST_EXPECT(machine.uart_base != 0);
	return KTEST_PASS;
}

static enum ktest_result dt_psci_answers(void)
{
	KTEST_EXPECT(machine.psci_present);
	u32 v = psci__version();
	ktest_diag("%s via %s: version %u.%u", machine.psci_compat,
		   machine.psci_smc ? "smc" : "hvc", v >> 16, v & 0xffff);
	KTEST_EXPECT(v >= 0x00002 && v < 0x20000);
	return KTEST_PASS;
}

static enum ktest_result dt_cpus_include_boot_cpu(void)
{
	KTEST_EXPECT(machine.nr_cpus >= 1);
	KTEST_EXPECT_EQ(machine.cpu_mpidr[0], read_sysreg(mpidr_el1) & 0xff00ffffffUL);
	ktest_diag("%u CPU(s) in /cpus, entered at EL%d", machine.nr_cpus, machine.boot_el);
	return KTEST_PASS;
}

/* Every CPU the device tree lists was started with PSCI CPU_ON and came online. Without
 * this, a secondary that never starts only turns the SMP cases into "needs 2 CPUs"
 * skips. */
static enum ktest_result smp_every_dt_cpu_came_online(void)
{
	KTEST_EXPECT(machine.nr_cpus >= 1);
	KTEST_EXPECT_EQ(nr_cpus_online, machine.nr_cpus);
	return KTEST_PASS;
}

static enum ktest_result svc_is_taken_and_returns(void)
{
	struct fault_expect *fe = fault_expect_get();
	u64 x0;

	fault_expect_arm(ESR_ELx_EC_SVC64);
	/* x0 survives the exception: the handler restores every register */
	__asm__ volatile("mov x0, #0x1234\n svc #0x42\n mov %0, x0" : "=r"(x0) :: "x0", "memory");
	KTEST_EXPECT(fe->hit);
	KTEST_EXPECT_EQ(ESR_ELx_EC(fe->esr), ESR_ELx_EC_SVC64);
	KTEST_EXPECT_EQ(fe->esr & 0xffff, 0x42);
	KTEST_EXPECT_EQ(x0, 0x1234);
	return KTEST_PASS;
}

static enum ktest_result brk_is_taken_and_skipped(void)
{
	struct fault_expect *fe = fault_expect_get();
	u64 at;

	fault_expect_arm(ESR_ELx_EC_BRK64);
	__asm__ volatile("adr %0, 1f\n1: brk #0x7" : "=r"(at) :: "memory");
	KTEST_EXPECT(fe->hit);
	KTEST_EXPECT_EQ(ESR_ELx_EC(fe->esr), ESR_ELx_EC_BRK64);
	KTEST_EXPECT_EQ(fe->esr & 0xffff, 0x7);
	KTEST_EXPECT_EQ(fe->elr, at);
	return KTEST_PASS;
}

static enum ktest_result mmu_on_and_running_high(void)
{
	KTEST_EXPECT(read_sysreg(sctlr_el1) & SCTLR_EL1_M);
	KTEST_EXPECT((u64)mmu_on_and_running_high >= KIMAGE_VADDR);
	KTEST_EXPECT_EQ(read_sysreg(currentel) >> 2, 1);
	return KTEST_PASS;
}

static u64 load_expecting_abort(u64 addr)
{
	u64 v;
	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	__asm__ volatile("mov %0, #0x5a\n ldr %0, [%1]" : "=&r"(v) : "r"(addr) : "memory");
	return v;
}

static enum ktest_result data_abort_on_unmapped_load(void)
{
	struct fault_expect *fe = fault_expect_get();
	const u64 addr = 0x1000;	/* TTBR0: no user mappings, empty table */

	u64 v = load_expecting_abort(addr);
	KTEST_EXPECT(fe->hit);
	KTEST_EXPECT_EQ(v, 0x5a);	/* the load was skipped */
	KTEST_EXPECT_EQ(ESR_ELx_EC(fe->esr), ESR_ELx_EC_DABT_CUR);
	KTEST_EXPECT_EQ(ESR_ELx_FSC_TYPE(fe->esr), ESR_ELx_FSC_TRANS);
	KTEST_EXPECT_EQ(fe->far, addr);
	KTEST_EXPECT(!(fe->esr & ESR_ELx_WNR));
	return KTEST_PASS;
}

static enum ktest_result data_abort_on_unmapped_store(void)
{
	struct fault_expect *fe = fault_expect_get();
	const u64 addr = PAGE_END - 0x100000000UL;	/* top of the linear map: no RAM there */

	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	__asm__ volatile("str xzr, [%0]" :: "r"(addr) : "memory");
	KTEST_EXPECT(fe->hit);
	KTEST_EXPECT_EQ(ESR_ELx_FSC_TYPE(fe->esr), ESR_ELx_FSC_TRANS);
	KTEST_EXPECT_EQ(fe->far, addr);
	KTEST_EXPECT(fe->esr & ESR_ELx_WNR);
	return KTEST_PASS;
}

static const struct ktest_case boot_cases[] = {
	{ "dt_header_is_valid", dt_header_is_valid },
	{ "dt_path_lookup_and_parent", dt_path_lookup_and_parent },
	{ "dt_memory_nodes_give_ram", dt_memory_nodes_give_ram },
	{ "dt_initrd_is_reserved", dt_initrd_is_reserved },
	{ "dt_stdout_is_pl011", dt_stdout_is_pl011 },
	{ "dt_psci_answers", dt_psci_answers },
	{ "dt_cpus_include_boot_cpu", dt_cpus_include_boot_cpu },
	{ "smp_every_dt_cpu_came_online", smp_every_dt_cpu_came_online },
	{ "mmu_on_and_running_high", mmu_on_and_running_high },
	{ "svc_is_taken_and_returns", svc_is_taken_and_returns },
	{ "brk_is_taken_and_skipped", brk_is_taken_and_skipped },
	{ "data_abort_on_unmapped_load", data_abort_on_unmapped_load },
	{ "data_abort_on_unmapped_store", data_abort_on_unmapped_store },
};
KTEST_SUITE(boot, boot_cases);
