/* Virtually contiguous kernel mappings (mm/vmalloc.c). */
#ifndef LINUX_VMALLOC_H
#define LINUX_VMALLOC_H
#include <types.h>
#include <linux/list.h>

#define VM_ALLOC 0x2u	/* pages allocated by vmalloc, freed by vfree */
#define VM_MAP 0x4u	/* pages given to vmap */
#define VM_NO_GUARD 0x40u

struct page;
struct vm_struct {
	struct list_head list;		/* sorted by address, in vmap_area_list */
	void *addr;
	unsigned long size;		/* including the guard page */
	unsigned int flags;
	struct page **pages;
	unsigned int nr_pages;
	unsigned long caller;
};

void vmalloc_init(void);
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *addr);
void *vmap(struct page **pages, unsigned int count, unsigned int flags, u64 prot);
void vunmap(const void *addr);
struct vm_struct *find_vm_area(const void *addr);
bool is_vmalloc_addr(const void *addr);
void vmallocinfo_dump(void);
unsigned long vmalloc_nr_areas(void);
#endif
