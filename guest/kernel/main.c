/*
 * start_kernel: the order of boot (Linux: init/main.c). Entered from arch/head.S on the
 * boot CPU, MMU on, running at the kernel's link address.
 */
#include <kernel.h>
#include <linux/vmstat.h>
#include <cmdline.h>
#include <ktest.h>
#include <psci.h>
#include <setup.h>
#include <smp.h>
#include <vmm_exit.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <asm/sysreg.h>
#include <linux/memblock.h>
#include <linux/mmzone.h>
#include <linux/irq.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/swap.h>
#include <asm/mmu_context.h>

static u64 boot_ticks;

/*
 * The least RAM the suites are written for: below it the 8 MiB vmalloc area, the storms
 * and the watermark tests cannot all be satisfied (the kernel itself, the DTB, struct
 * pages and tables take about 1 MiB). Below it the guest does not run tests that would
 * fail for want of memory: it says so in KTAP ("Bail out!") and powers off with status 1.
 */
#define GUEST_MIN_RAM (16 * SZ_1M)

static void check_minimum_ram(void)
{
	u64 ram = memblock_phys_mem_size();

	if (ram >= GUEST_MIN_RAM)
		return;
	printk("KTAP version 1\n");
	printk("Bail out! needs at least %lu MiB of RAM, the device tree gives %lu KiB\n",
	       GUEST_MIN_RAM >> 20, ram >> 10);
	vmm_exit__poweroff(1);
}

static void print_ram_map(void)
{
	struct memblock_region *r;

	printk("RAM map (from the device tree):\n");
	for_each_mem_region(r)
		printk("  RAM      [mem %#014lx-%#014lx] %lu MiB%s\n", r->base, r->base + r->size - 1,
		       r->size >> 20, (r->flags & MEMBLOCK_NOMAP) ? " nomap" : "");
	for_each_reserved_mem_region(r)
		printk("  reserved [mem %#014lx-%#014lx] %lu KiB\n", r->base, r->base + r->size - 1,
		       r->size >> 10);
}

static void print_banner(void)
{
	printk("\nguest: miniature Linux-style arm64 kernel (vmm project)\n");
	printk("Booted at EL%d, image at phys %#lx, kimage_voffset %#lx\n", machine.boot_el,
	       kimage_phys_base, kimage_voffset);
	printk("Machine model: %s\n", machine.model ? machine.model : "(none)");
	printk("Kernel command line: %s\n", machine.cmdline);
	if (machine.psci_present) {
		u32 v = psci__version();
		printk("psci: PSCIv%u.%u detected in firmware, %s conduit\n", v >> 16, v & 0xffff,
		       machine.psci_smc ? "smc" : "hvc");
	}
	printk("vmm exit path: %s\n", machine.exit_base ? "vmm,exit present" : "none (PSCI only)");
}

/* The GIC, IPIs and the tick (Linux: init_IRQ, time_init); this CPU's part too. */
static void init_IRQ(void)
{
	int ret = gic_init();

	if (ret) {
		printk("GICv3: none usable in the device tree (%d): no interrupts, no tick\n", ret);
		return;
	}
	smp_ipi_init();
	arch_timer_init();
	secondary_irq_init();	/* the boot CPU's CPU interface, tick, IRQs unmasked */
}

void cpu_user_init(void);

/* Processes: ASIDs, PAN, the zero page, the initramfs (Linux: parts of mm_init,
 * proc_caches_init, populate_rootfs). */
static void proc_init(void)
{
	asids_init();
	cpu_user_init();
	user_mm_init();
	lru_init();
	populate_rootfs();
	swap_setup();
}

void start_kernel(phys_addr_t dtb_pa, phys_addr_t phys_base, int boot_el)
{
	char sel[128];

	boot_ticks = read_sysreg(cntvct_el0);
	kimage_phys_base = phys_base;
	kimage_voffset = KIMAGE_VADDR - phys_base;
	machine.boot_el = boot_el;
	setup_machine_fdt(dtb_pa);
	print_banner();
	setup_memory_from_fdt();
	print_ram_map();
	check_minimum_ram();
	paging_init();
	mm_core_init();
	sched_init();
	init_IRQ();
	proc_init();

	smp_init();
	zone_pcp_update_all();	/* pcp high is shared by the CPUs now online */
	kswapd_run();
	u64 ms = (read_sysreg(cntvct_el0) - boot_ticks) * 1000 / machine.timer_freq;
	printk("Boot to tests: %lu ms (virtual counter)\n", ms);

	if (!cmdline_get("ktest", sel, sizeof(sel)))
		snprintf(sel, sizeof(sel), "all");
	int failed = ktest_run_all(sel);
	show_vmstat();
	if (cmdline_has("idle")) {
		/* `idle`: stay alive for an inspector (vmm --monitor): WFI, IRQs on */
		printk("# ktest: %s; idle (WFI): not powering off\n",
		       failed ? "FAILURES" : "all passed");
		for (;;) {
			u64 flags = local_irq_save();
			cpu_idle_once();	/* runs queued tasks (kswapd), else WFI */
			local_irq_restore(flags);
		}
	}
	printk("# ktest: %s; powering off (status %d)\n", failed ? "FAILURES" : "all passed",
	       failed ? 1 : 0);
	vmm_exit__poweroff(failed ? 1 : 0);
}
