/*
 * MMIO accessors and ioremap (Linux: arch/arm64/include/asm/io.h, mm/ioremap.c).
 * Device registers are mapped Device-nGnRE in a region of their own between the end of
 * vmalloc and the fixmap (IOREMAP_START..IOREMAP_END), handed out by a bump pointer.
 * Left out from Linux: iounmap (mappings live for the whole run), write-combining and
 * cacheable variants, the generic ioremap_prot/vmalloc-area integration.
 */
#ifndef ASM_IO_H
#define ASM_IO_H
#include <types.h>
#include <asm/sysreg.h>

#define __iomem
#define IOREMAP_START 0xfffffbfff0000000UL	/* = VMALLOC_END */
#define IOREMAP_END 0xfffffbfff8000000UL	/* 128 MiB, below FIXADDR_START */

static inline u32 readl_relaxed(const volatile void __iomem *a)
{
	u32 v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a));
	return v;
}
static inline u64 readq_relaxed(const volatile void __iomem *a)
{
	u64 v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a));
	return v;
}
static inline void writel_relaxed(u32 v, volatile void __iomem *a)
{
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(a));
}
static inline void writeq_relaxed(u64 v, volatile void __iomem *a)
{
	__asm__ volatile("str %x0, [%1]" ::"rZ"(v), "r"(a));	/* %x0: xzr for 0 */
}
/* The ordered forms: reads complete before later accesses, writes after earlier ones. */
static inline u32 readl(const volatile void __iomem *a) { u32 v = readl_relaxed(a); dmb(oshld); return v; }
static inline void writel(u32 v, volatile void __iomem *a) { dmb(oshst); writel_relaxed(v, a); }

void __iomem *ioremap(phys_addr_t pa, size_t size);
#endif
