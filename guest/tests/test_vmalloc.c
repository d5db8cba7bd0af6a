/*
 * Suite "vmalloc": areas mapped page by page, guard pages that fault, vfree unmapping
 * with TLB invalidation (a later access faults), vmap of given pages, and the area list.
 */
#include <kernel.h>
#include <string.h>
#include <ktest.h>
#include <random.h>
#include <smp.h>
#include <asm/esr.h>
#include <asm/mmu.h>
#include <asm/traps.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

static bool load_faults(const void *addr, u64 *esr)
{
	struct fault_expect *fe = fault_expect_get();
	u64 v;

	fault_expect_arm(ESR_ELx_EC_DABT_CUR);
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	fe->armed = false;
	if (esr)
		*esr = fe->esr;
	return fe->hit && fe->far == (u64)addr;
}

static enum ktest_result vmalloc_maps_pages_one_by_one(void)
{
	const unsigned long size = 5 * PAGE_SIZE + 100;
	u8 *v = vmalloc(size);

	KTEST_EXPECT(v && is_vmalloc_addr(v));
	struct vm_struct *vm = find_vm_area(v);
	KTEST_EXPECT(vm && vm->nr_pages == 6 && vm->size == 7 * PAGE_SIZE);
	for (unsigned long i = 0; i < size; i++)
		v[i] = (u8)(i * 7);
	for (unsigned int i = 0; i < vm->nr_pages; i++) {
		int level;
		pte_t *ptep = kernel_walk((u64)v + i * PAGE_SIZE, &level);
		KTEST_EXPECT(ptep && level == 3);
		KTEST_EXPECT_EQ(*ptep & PTE_ADDR_MASK, page_to_phys(vm->pages[i]));
		KTEST_EXPECT((*ptep & PTE_PXN) && (*ptep & PTE_UXN) && !(*ptep & PTE_RDONLY));
		const u8 *alias = page_address(vm->pages[i]);	/* the linear map sees the same */
		KTEST_EXPECT_EQ(alias[1], (u8)((i * PAGE_SIZE + 1) * 7));
	}
	vfree(v);
	return KTEST_PASS;
}

static enum ktest_result guard_page_access_faults(void)
{
	u8 *v = vmalloc(2 * PAGE_SIZE);
	u64 esr;

	KTEST_EXPECT(v);
	v[2 * PAGE_SIZE - 1] = 1;	/* the last byte is fine */
	KTEST_EXPECT(load_faults(v + 2 * PAGE_SIZE, &esr));
	KTEST_EXPECT_EQ(ESR_ELx_FSC_TYPE(esr), ESR_ELx_FSC_TRANS);
	KTEST_EXPECT_EQ(ESR_ELx_FSC_LEVEL(esr), 3);
	vfree(v);
	return KTEST_PASS;
}

static enum ktest_result vfree_unmaps_and_flushes_tlb(void)
{
	volatile u64 *v = vmalloc(PAGE_SIZE);

	KTEST_EXPECT(v);
	*v = 42;		/* the translation is now in the TLB */
	KTEST_EXPECT_EQ(*v, 42);
	vfree((void *)v);
	KTEST_EXPECT(load_faults((const void *)v, NULL));
	return KTEST_PASS;
}

static enum ktest_result vmap_aliases_given_pages(void)
{
	struct page *pages[3];

	for (int i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KTEST_EXPECT(pages[i]);
	}
	struct page *tmp = pages[0];	/* map them out of order */
	pages[0] = pages[2];
	pages[2] = tmp;
	u64 *v = vmap(pages, 3, 0, PAGE_KERNEL);
	KTEST_EXPECT(v);
	for (int i = 0; i < 3; i++)
		v[i * PAGE_SIZE / 8] = 0x1000 + i;
	for (int i = 0; i < 3; i++)
		KTEST_EXPECT_EQ(*(u64 *)page_address(pages[i]), 0x1000 + i);
	vunmap(v);
	KTEST_EXPECT(load_faults(v, NULL));
	for (int i = 0; i < 3; i++)
		__free_page(pages[i]);
	return KTEST_PASS;
}

static enum ktest_result areas_are_disjoint_with_guards(void)
{
	void *areas[16];
	unsigned long base = vmalloc_nr_areas();

	for (int i = 0; i < 16; i++) {
		areas[i] = vmalloc((i % 5 + 1) * PAGE_SIZE);
		KTEST_EXPECT(areas[i]);
	}
	for (int i = 0; i < 16; i += 3) {	/* holes for first fit to reuse */
		vfree(areas[i]);
		areas[i] = vmalloc(PAGE_SIZE);
		KTEST_EXPECT(areas[i]);
	}
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++) {
			struct vm_struct *a = find_vm_area(areas[i]), *b = find_vm_area(areas[j]);
			if (i != j && (u64)a->addr < (u64)b->addr)
				KTEST_EXPECT((u64)a->addr + a->size <= (u64)b->addr);
		}
	KTEST_EXPECT_EQ(vmalloc_nr_areas(), base + 16);
	vmallocinfo_dump();
	for (int i = 0; i < 16; i++)
		vfree(areas[i]);
	KTEST_EXPECT_EQ(vmalloc_nr_areas(), base);
	return KTEST_PASS;
}

static enum ktest_result vmalloc_large_area(void)
{
	const unsigned long size = 8 * SZ_1M;
	u64 *v = vmalloc(size);

	KTEST_EXPECT(v);
	for (unsigned long i = 0; i < size / 8; i += 512)
		v[i] = i;
	for (unsigned long i = 0; i < size / 8; i += 512)
		KTEST_EXPECT_EQ(v[i], i);
	vfree(v);
	return KTEST_PASS;
}

struct vmalloc_worker {
	u64 seed;
	bool ok;
};

/* vmalloc, fill, check and vfree in a loop: two CPUs share the tables and the area list. */
static void vmalloc_worker(void *arg)
{
	struct vmalloc_worker *w = arg;

	w->ok = true;
	for (int i = 0; i < 300 && w->ok; i++) {
		unsigned long pages = 1 + prandom_u64_state(&w->seed) % 8;
		u64 *v = vmalloc(pages * PAGE_SIZE);
		if (!v) {
			w->ok = false;
			break;
		}
		for (unsigned long p = 0; p < pages; p++)
			v[p * PAGE_SIZE / 8] = w->seed + p;
		for (unsigned long p = 0; p < pages; p++)
			w->ok &= v[p * PAGE_SIZE / 8] == w->seed + p;
		vfree(v);
	}
}

static enum ktest_result vmalloc_on_two_cpus(void)
{
	static struct vmalloc_worker w[2] = { { .seed = 11 }, { .seed = 23 } };
	unsigned long base = vmalloc_nr_areas();

	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	KTEST_EXPECT_EQ(smp_call_on(1, vmalloc_worker, &w[1]), 0);
	vmalloc_worker(&w[0]);
	smp_wait(1);
	KTEST_EXPECT(w[0].ok && w[1].ok);
	KTEST_EXPECT_EQ(vmalloc_nr_areas(), base);
	return KTEST_PASS;
}

static const struct ktest_case vmalloc_cases[] = {
	{ "vmalloc_maps_pages_one_by_one", vmalloc_maps_pages_one_by_one },
	{ "guard_page_access_faults", guard_page_access_faults },
	{ "vfree_unmaps_and_flushes_tlb", vfree_unmaps_and_flushes_tlb },
	{ "vmap_aliases_given_pages", vmap_aliases_given_pages },
	{ "areas_are_disjoint_with_guards", areas_are_disjoint_with_guards },
	{ "vmalloc_large_area", vmalloc_large_area },
	{ "vmalloc_on_two_cpus", vmalloc_on_two_cpus },
};
KTEST_SUITE(vmalloc, vmalloc_cases);
