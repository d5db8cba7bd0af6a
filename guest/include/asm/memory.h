/*
 * The kernel's virtual memory layout (48-bit VA, 4 KiB pages), after Linux's
 * Documentation/arch/arm64/memory.rst:
 *
 *   ffff000000000000  ffff7fffffffffff  128 TiB  linear map of all RAM (PAGE_OFFSET)
 *   ffff800080000000  ffff80008fffffff  256 MiB  kernel image (KIMAGE_VADDR)
 *   ffff800100000000  fffffbffefffffff  ~124 TiB vmalloc
 *   fffffbfffdc00000  fffffbfffdffffff    4 MiB  fixmap (top down from FIXADDR_TOP)
 *   fffffc0000000000  fffffdffffffffff    2 TiB  vmemmap (struct page array)
 *
 * TTBR0 (0x0000...) is left for user space; after boot it points at an empty table.
 */
#ifndef ASM_MEMORY_H
#define ASM_MEMORY_H
#include <types.h>

#define VA_BITS 48
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_OFFSET 0xffff000000000000UL
#define PAGE_END 0xffff800000000000UL
#define KIMAGE_VADDR 0xffff800080000000UL
#define KIMAGE_END 0xffff800090000000UL
#define VMALLOC_START 0xffff800100000000UL
#define VMALLOC_END 0xfffffbfff0000000UL
#define FIXADDR_TOP 0xfffffbfffe000000UL
#define FIXADDR_SIZE (4 * SZ_1M_)
#define FIXADDR_START (FIXADDR_TOP - FIXADDR_SIZE)
#define VMEMMAP_START 0xfffffc0000000000UL
#define VMEMMAP_END 0xfffffe0000000000UL
#define SZ_1M_ 0x100000UL

#ifndef __ASSEMBLER__
extern u64 kimage_voffset;	/* kernel image VA - PA */
extern phys_addr_t kimage_phys_base;	/* where the loader put the image */
extern u64 memstart_addr;	/* PA mapped at PAGE_OFFSET (lowest RAM, 1 GiB aligned) */
extern char _text[], _stext[], _etext[], __start_rodata[], __end_rodata[];
extern char _sdata[], _edata[], __bss_start[], __bss_stop[], _end[];

#define __va(pa) ((void *)((phys_addr_t)(pa) - memstart_addr + PAGE_OFFSET))
#define __pa_linear(va) ((phys_addr_t)(va) - PAGE_OFFSET + memstart_addr)
#define __pa_symbol(va) ((phys_addr_t)(va) - kimage_voffset)
static inline bool is_linear_addr(u64 va) { return va >= PAGE_OFFSET && va < PAGE_END; }
static inline bool is_kimage_addr(u64 va) { return va >= KIMAGE_VADDR && va < (u64)_end; }
/* __pa of any address in the linear map or the kernel image. */
static inline phys_addr_t __pa(const void *p)
{
	u64 va = (u64)p;
	return is_kimage_addr(va) ? __pa_symbol(va) : __pa_linear(va);
}
#define virt_to_phys(p) __pa(p)
#define phys_to_virt(pa) __va(pa)
#endif
#endif
