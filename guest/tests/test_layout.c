/*
 * Suite "layout": the kernel's own mappings, checked by walking the tables and by
 * taking the faults the permissions promise: text and rodata not writable, data and
 * the linear map not executable, the boot identity map gone, all RAM linearly mapped.
 */
#include <kernel.h>
#include <string.h>
#include <ktest.h>
#include <fdt.h>
#include <setup.h>
#include <asm/esr.h>
#include <asm/fixmap.h>
#include <asm/mmu.h>
#include <asm/traps.h>
#include <asm/sysreg.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slab.h>

static u64 read_ttbr0(void) { return read_sysreg(ttbr0_el1) & PTE_ADDR_MASK; }

static const u64 some_rodata[2] = { 0x1122334455667788UL, 1 };
static u32 data_ret_insn[4] __aligned(16) = { 0xd65f03c0 };	/* ret */

static struct fault_expect *store_expecting_fault(void *addr)
{
	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	__asm__ volatile("str xzr, [%0]" :: "r"(addr) : "memory");
	fault_expect_get()->armed = false;
	return fault_expect_get();
}

static struct fault_expect *call_expecting_fault(void *addr)
{
	fault_expect_arm(ESR_ELx_EC_IABT_CUR);
	((void (*)(void))addr)();
	fault_expect_get()->armed = false;
	return fault_expect_get();
}

static bool is_perm_fault(struct fault_expect *fe, u64 addr, unsigned int level)
{
	if (!fe->hit || fe->far != addr || ESR_ELx_FSC_TYPE(fe->esr) != ESR_ELx_FSC_PERM ||
	    ESR_ELx_FSC_LEVEL(fe->esr) != (int)level) {
		ktest_diag("hit %d far %lx esr %lx (wanted a level-%u permission fault at %lx)",
			   fe->hit, fe->far, fe->esr, level, addr);
		return false;
	}
	return true;
}

static enum ktest_result kernel_text_is_not_writable(void)
{
	void *text = (void *)kernel_text_is_not_writable;
	u32 insn = *(volatile u32 *)text;	/* readable */

	KTEST_EXPECT(insn != 0);
	struct fault_expect *fe = store_expecting_fault(text);
	KTEST_EXPECT(is_perm_fault(fe, (u64)text, 3));
	KTEST_EXPECT(fe->esr & ESR_ELx_WNR);
	KTEST_EXPECT_EQ(*(volatile u32 *)text, insn);
	return KTEST_PASS;
}

static enum ktest_result rodata_is_not_writable(void)
{
	struct fault_expect *fe = store_expecting_fault((void *)some_rodata);
	KTEST_EXPECT(is_perm_fault(fe, (u64)some_rodata, 3));
	KTEST_EXPECT_EQ(READ_ONCE(some_rodata[0]), 0x1122334455667788UL);
	return KTEST_PASS;
}

static enum ktest_result data_is_not_executable(void)
{
	struct fault_expect *fe = call_expecting_fault(data_ret_insn);
	KTEST_EXPECT(is_perm_fault(fe, (u64)data_ret_insn, 3));
	KTEST_EXPECT_EQ(ESR_ELx_EC(fe->esr), ESR_ELx_EC_IABT_CUR);
	return KTEST_PASS;
}

static enum ktest_result linear_map_is_not_executable(void)
{
	u32 *buf = kmalloc(64, GFP_KERNEL);
	int level;

	KTEST_EXPECT(buf);
	buf[0] = 0xd65f03c0;	/* ret: would return at once if it ran */
	__asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" :: "r"(buf) : "memory");
	KTEST_EXPECT(kernel_walk((u64)buf, &level));
	struct fault_expect *fe = call_expecting_fault(buf);
	KTEST_EXPECT(is_perm_fault(fe, (u64)buf, level));
	kfree(buf);
	return KTEST_PASS;
}

static enum ktest_result identity_map_is_gone(void)
{
	struct fault_expect *fe = fault_expect_get();
	u64 pa = kimage_phys_base, v;

	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(pa) : "memory");
	fe->armed = false;
	KTEST_EXPECT(fe->hit && fe->far == pa);
	KTEST_EXPECT_EQ(ESR_ELx_FSC(fe->esr), ESR_ELx_FSC_TRANS | 0);	/* level 0 */
	KTEST_EXPECT_EQ(read_ttbr0(), __pa_symbol(reserved_pg_dir));
	return KTEST_PASS;
}

static enum ktest_result kernel_image_permissions(void)
{
	struct { const char *name; u64 va; u64 set, clear; } want[] = {
		{ ".text", (u64)_stext, PTE_RDONLY | PTE_UXN, PTE_PXN },
		{ ".rodata", (u64)__start_rodata, PTE_RDONLY | PTE_PXN | PTE_UXN, 0 },
		{ ".data", (u64)_sdata, PTE_PXN | PTE_UXN, PTE_RDONLY },
		{ ".bss", (u64)__bss_start, PTE_PXN | PTE_UXN, PTE_RDONLY },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		int level;
		pte_t *ptep = kernel_walk(want[i].va, &level);
		KTEST_EXPECT(ptep);
		ktest_diag("%-7s %016lx: pte %016lx", want[i].name, want[i].va, *ptep);
		KTEST_EXPECT((*ptep & want[i].set) == want[i].set);
		KTEST_EXPECT((*ptep & want[i].clear) == 0);
		KTEST_EXPECT(!(*ptep & PTE_NG));	/* kernel mappings are global */
	}
	return KTEST_PASS;
}

static enum ktest_result linear_map_covers_all_ram(void)
{
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (r->flags & MEMBLOCK_NOMAP)
			continue;
		for (u64 off = 0; off < r->size; off += SZ_2M) {
			int level;
			pte_t *ptep = kernel_walk((u64)__va(r->base + off), &level);
			KTEST_EXPECT(ptep);
			KTEST_EXPECT((*ptep & PTE_ADDR_MASK) ==
				     ALIGN_DOWN(r->base + off, LEVEL_SIZE(level)));
			KTEST_EXPECT((*ptep & (PTE_PXN | PTE_UXN)) == (PTE_PXN | PTE_UXN));
			KTEST_EXPECT(!(*ptep & PTE_RDONLY));
		}
	}
	return KTEST_PASS;
}

/* Is pa inside a memory node of the device tree (not as memblock says: from the tree)? */
static bool dt_is_ram(phys_addr_t pa, u64 *total)
{
	const void *fdt = machine.fdt;
	bool in = false;
	int node;

	*total = 0;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt__getprop(fdt, node, "device_type", NULL);
		u64 base, size;
		if (!type || strcmp(type, "memory") || !fdt__node_is_enabled(fdt, node))
			continue;
		for (int i = 0; !fdt__get_reg(fdt, node, i, &base, &size); i++) {
			in |= pa >= base && pa < base + size;
			*total += ALIGN_DOWN(base + size, PAGE_SIZE) - ALIGN(base, PAGE_SIZE);
		}
	}
	return in;
}

/*
 * /reserved-memory, as Linux's early_init_dt_reserve_memory: a region is reserved, or,
 * with no-map, flagged MEMBLOCK_NOMAP instead, only where it is RAM: every page it
 * touches is then out of the linear map and never given to the allocator. A no-map
 * region outside RAM adds nothing: the RAM size is the device tree's.
 */
static enum ktest_result reserved_memory_is_honoured(void)
{
	const void *fdt = machine.fdt;
	int rmem = fdt__path_offset(fdt, "/reserved-memory"), node, n = 0;
	u64 base, size, ram;

	if (rmem < 0) {
		ktest_skip_reason("no /reserved-memory in the device tree");
		return KTEST_SKIP;
	}
	fdt_for_each_subnode(node, fdt, rmem) {
		bool nomap = fdt__getprop(fdt, node, "no-map", NULL) != NULL;
		for (int i = 0; !fdt__get_reg(fdt, node, i, &base, &size); i++, n++) {
			int level;
			ktest_diag("%s [%lx-%lx)%s%s", fdt__get_name(fdt, node), base, base + size,
				   nomap ? " no-map" : "", dt_is_ram(base, &ram) ? "" : " outside RAM");
			if (!nomap) {
				KTEST_EXPECT(memblock_is_reserved(base) &&
					     memblock_is_reserved(base + size - 1));
				KTEST_EXPECT(kernel_walk((u64)__va(base), &level));
				KTEST_EXPECT(PageReserved(pfn_to_page(PHYS_PFN(base))));
				continue;
			}
			for (u64 pa = ALIGN_DOWN(base, PAGE_SIZE); pa < base + size; pa += PAGE_SIZE) {
				if (!dt_is_ram(pa, &ram)) {
					if (memblock_is_memory(pa))
						ktest_diag("%lx: not RAM, but memblock memory", pa);
					KTEST_EXPECT(!memblock_is_memory(pa));
					continue;
				}
				if (kernel_walk((u64)__va(pa), &level))
					ktest_diag("%lx: no-map page in the linear map", pa);
				KTEST_EXPECT(!kernel_walk((u64)__va(pa), &level));
				KTEST_EXPECT(memblock_is_memory(pa) && !memblock_is_map_memory(pa));
				KTEST_EXPECT(PageReserved(pfn_to_page(PHYS_PFN(pa))));
			}
		}
	}
	KTEST_EXPECT(n > 0);
	dt_is_ram(0, &ram);
	KTEST_EXPECT_EQ(memblock_phys_mem_size(), ram);
	return KTEST_PASS;
}

/* arm64's vmemmap: offset by the start of RAM, mapped with 2 MiB blocks (one per
 * 128 MiB section of RAM). */
static enum ktest_result vmemmap_is_offset_and_block_mapped(void)
{
	int level;

	KTEST_EXPECT(vmemmap == (struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT));
	for (unsigned long pfn = min_low_pfn; pfn < max_pfn; pfn += 1UL << (27 - PAGE_SHIFT)) {
		if (!pfn_valid(pfn))
			continue;
		pte_t *ptep = kernel_walk((u64)pfn_to_page(pfn), &level);
		KTEST_EXPECT(ptep);
		if (level != 2)
			ktest_diag("struct page of pfn %#lx mapped at level %d", pfn, level);
		KTEST_EXPECT_EQ(level, 2);
	}
	return KTEST_PASS;
}

static enum ktest_result fixmap_holds_fdt_and_uart(void)
{
	int level;
	pte_t *fdt = kernel_walk((u64)machine.fdt, &level);
	pte_t *uart = kernel_walk(__fix_to_virt(FIX_EARLYCON_MEM_BASE), &level);

	KTEST_EXPECT(fdt && (*fdt & PTE_RDONLY));
	KTEST_EXPECT_EQ(*fdt & PTE_ADDR_MASK, machine.fdt_pa & PAGE_MASK);
	KTEST_EXPECT(uart);
	KTEST_EXPECT_EQ(*uart & PTE_ATTRINDX_MASK, PTE_ATTRINDX(MT_DEVICE_nGnRE));
	KTEST_EXPECT_EQ(*uart & PTE_ADDR_MASK, machine.uart_base & PAGE_MASK);
	return KTEST_PASS;
}

static const struct ktest_case layout_cases[] = {
	{ "kernel_text_is_not_writable", kernel_text_is_not_writable },
	{ "rodata_is_not_writable", rodata_is_not_writable },
	{ "data_is_not_executable", data_is_not_executable },
	{ "linear_map_is_not_executable", linear_map_is_not_executable },
	{ "identity_map_is_gone", identity_map_is_gone },
	{ "kernel_image_permissions", kernel_image_permissions },
	{ "linear_map_covers_all_ram", linear_map_covers_all_ram },
	{ "reserved_memory_is_honoured", reserved_memory_is_honoured },
	{ "vmemmap_is_offset_and_block_mapped", vmemmap_is_offset_and_block_mapped },
	{ "fixmap_holds_fdt_and_uart", fixmap_holds_fdt_and_uart },
};
KTEST_SUITE(layout, layout_cases);
