/*
 * ioremap (Linux: arch/arm64/mm/ioremap.c, mm/ioremap.c): Device-nGnRE mappings of MMIO
 * in [IOREMAP_START, IOREMAP_END), between the vmalloc range and the fixmap, through the
 * same kernel_map_range() (and break-before-make rules) as every kernel mapping.
 * Left out from Linux: iounmap, the vmalloc-area bookkeeping (a bump pointer here: the
 * GIC, the only user, is mapped once), memory-type variants.
 */
#include <kernel.h>
#include <asm/io.h>
#include <asm/mmu.h>
#include <asm/memory.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

static u64 ioremap_next = IOREMAP_START;
static DEFINE_SPINLOCK(ioremap_lock);

void __iomem *ioremap(phys_addr_t pa, size_t size)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	u64 len = PAGE_ALIGN(pa + size) - base, va;

	spin_lock(&ioremap_lock);
	va = ioremap_next;
	if (va + len + PAGE_SIZE > IOREMAP_END) {
		spin_unlock(&ioremap_lock);
		return NULL;
	}
	ioremap_next = va + len + PAGE_SIZE;	/* an unmapped page between mappings */
	spin_unlock(&ioremap_lock);
	if (kernel_map_range(va, base, len, PROT_DEVICE_nGnRE, 0))
		return NULL;
	return (void __iomem *)(va + (pa - base));
}
