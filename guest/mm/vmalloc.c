/*
 * vmalloc (Linux: mm/vmalloc.c). Areas of the vmalloc range [VMALLOC_START,
 * VMALLOC_END) are handed out first fit from an address-sorted list, each followed by
 * an unmapped guard page, so running off the end of an area faults. vmalloc() backs
 * an area with single pages from the buddy allocator, mapped one by one; vmap() maps
 * pages the caller gives. vfree()/vunmap() clear the entries, invalidate the TLB for
 * the range on every CPU (TLBI VAALE1IS + DSB ISH) before any page is freed.
 * Left out from Linux: the rbtree and augmented free-space tree (a sorted list here),
 * lazy purging of freed areas, per-CPU vmap blocks (vm_map_ram), huge vmap mappings,
 * KASAN shadow, vread/remap_vmalloc_range, freeing empty page tables.
 */
#include <kernel.h>
#include <string.h>
#include <asm/memory.h>
#include <asm/mmu.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kallsyms.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

static LIST_HEAD(vmap_area_list);
static DEFINE_SPINLOCK(vmap_area_lock);
static unsigned long nr_areas;

bool is_vmalloc_addr(const void *addr)
{
	return (u64)addr >= VMALLOC_START && (u64)addr < VMALLOC_END;
}

/* First fit in the gaps between areas; inserts vm in address order. */
static int alloc_vmap_area(struct vm_struct *vm, unsigned long size)
{
	u64 start = VMALLOC_START;
	struct vm_struct *cur;

	spin_lock(&vmap_area_lock);
	list_for_each_entry(cur, &vmap_area_list, list) {
		if ((u64)cur->addr - start >= size)
			break;
		start = (u64)cur->addr + cur->size;
	}
	if (start + size > VMALLOC_END || start + size < start) {
		spin_unlock(&vmap_area_lock);
		return -12;
	}
	vm->addr = (void *)start;
	vm->size = size;
	__list_add(&vm->list, cur->list.prev, &cur->list);	/* before cur, or at the tail */
	nr_areas++;
	spin_unlock(&vmap_area_lock);
	return 0;
}

static struct vm_struct *get_vm_area(unsigned long size, unsigned int flags, unsigned long caller)
{
	struct vm_struct *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	if (!vm)
		return NULL;
	size = PAGE_ALIGN(size);
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	vm->flags = flags;
	vm->caller = caller;
	if (alloc_vmap_area(vm, size)) {
		kfree(vm);
		return NULL;
	}
	return vm;
}

static unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return vm->size - ((vm->flags & VM_NO_GUARD) ? 0 : PAGE_SIZE);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vm_struct *vm, *found = NULL;

	spin_lock(&vmap_area_lock);
	list_for_each_entry(vm, &vmap_area_list, list)
		if (vm->addr == addr) {
			found = vm;
			break;
		}
	spin_unlock(&vmap_area_lock);
	return found;
}

static struct vm_struct *remove_vm_area(const void *addr)
{
	struct vm_struct *vm = find_vm_area(addr);

	if (!vm)
		return NULL;
	kernel_unmap_range((u64)vm->addr, get_vm_area_size(vm));	/* + TLB invalidation */
	spin_lock(&vmap_area_lock);
	list_del(&vm->list);
	nr_areas--;
	spin_unlock(&vmap_area_lock);
	return vm;
}

static int vmap_pages_range(struct vm_struct *vm, struct page **pages, unsigned int nr, u64 prot)
{
	for (unsigned int i = 0; i < nr; i++) {
		int ret = kernel_map_range((u64)vm->addr + i * PAGE_SIZE, page_to_phys(pages[i]),
					   PAGE_SIZE, prot, 0);
		if (ret)
			return ret;
	}
	return 0;
}

static void free_area_pages(struct vm_struct *vm)
{
	for (unsigned int i = 0; i < vm->nr_pages; i++)
		if (vm->pages[i])
			__free_page(vm->pages[i]);
	kfree(vm->pages);
}

static void *__vmalloc(unsigned long size, gfp_t gfp, unsigned long caller)
{
	if (!size)
		return NULL;
	struct vm_struct *vm = get_vm_area(size, VM_ALLOC, caller);
	if (!vm)
		return NULL;
	vm->nr_pages = get_vm_area_size(vm) >> PAGE_SHIFT;
	vm->pages = kzalloc(vm->nr_pages * sizeof(struct page *), GFP_KERNEL);
	bool ok = vm->pages != NULL;
	/* no lock is held here: the pages may be reclaimed for (Linux's GFP_KERNEL) */
	for (unsigned int i = 0; ok && i < vm->nr_pages; i++)
		ok = (vm->pages[i] = alloc_page(gfp | __GFP_RECLAIM)) != NULL;
	if (ok)
		ok = !vmap_pages_range(vm, vm->pages, vm->nr_pages, PAGE_KERNEL);
	if (!ok) {
		printk("vmalloc: allocation failure: %lu bytes\n", size);
		remove_vm_area(vm->addr);
		if (vm->pages)
			free_area_pages(vm);
		kfree(vm);
		return NULL;
	}
	return vm->addr;
}

void *vmalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL, (unsigned long)__builtin_return_address(0));
}

void *vzalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL | __GFP_ZERO, (unsigned long)__builtin_return_address(0));
}

void vfree(const void *addr)
{
	if (!addr)
		return;
	struct vm_struct *vm = remove_vm_area(addr);
	if (!vm || !(vm->flags & VM_ALLOC))
		panic("vfree(%p) from %#lx: not a vmalloc area", addr,
		      (unsigned long)__builtin_return_address(0));
	free_area_pages(vm);
	kfree(vm);
}

void *vmap(struct page **pages, unsigned int count, unsigned int flags, u64 prot)
{
	struct vm_struct *vm = get_vm_area((unsigned long)count << PAGE_SHIFT, flags | VM_MAP,
					   (unsigned long)__builtin_return_address(0));
	if (!vm)
		return NULL;
	vm->nr_pages = count;
	if (vmap_pages_range(vm, pages, count, prot)) {
		remove_vm_area(vm->addr);
		kfree(vm);
		return NULL;
	}
	return vm->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct *vm = remove_vm_area(addr);
	if (!vm || !(vm->flags & VM_MAP))
		panic("vunmap(%p): not a vmap area", addr);
	kfree(vm);
}

unsigned long vmalloc_nr_areas(void)
{
	return READ_ONCE(nr_areas);
}

void vmallocinfo_dump(void)
{
	struct vm_struct *vm;

	spin_lock(&vmap_area_lock);
	list_for_each_entry(vm, &vmap_area_list, list)
		printk("0x%016lx-0x%016lx %8lu %s pages=%u%s%s\n", (u64)vm->addr,
		       (u64)vm->addr + vm->size, vm->size, SYM(vm->caller), vm->nr_pages,
		       (vm->flags & VM_ALLOC) ? " vmalloc" : "", (vm->flags & VM_MAP) ? " vmap" : "");
	spin_unlock(&vmap_area_lock);
}

void vmalloc_init(void)
{
	printk("vmalloc: [%#lx-%#lx), guard page after each area\n", VMALLOC_START, VMALLOC_END);
}
