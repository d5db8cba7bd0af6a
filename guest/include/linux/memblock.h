/*
 * memblock: the boot-time physical memory map (mm/memblock.c). "memory" lists RAM from
 * the device tree's memory nodes; "reserved" lists what is in use (kernel, DTB, initrd,
 * /reserved-memory, early allocations). Regions are kept sorted and merged.
 */
#ifndef LINUX_MEMBLOCK_H
#define LINUX_MEMBLOCK_H
#include <types.h>

#define MEMBLOCK_NOMAP 0x4	/* as Linux: not in the linear map, never allocated */
struct memblock_region {
	phys_addr_t base;
	u64 size;
	u32 flags;
};
#define INIT_MEMBLOCK_REGIONS 64
struct memblock_type {
	unsigned int cnt;
	const char *name;
	struct memblock_region regions[INIT_MEMBLOCK_REGIONS];
};
struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};
extern struct memblock memblock;

int memblock_add(phys_addr_t base, u64 size);
int memblock_reserve(phys_addr_t base, u64 size);
int memblock_mark_nomap(phys_addr_t base, u64 size);
int memblock_phys_free(phys_addr_t base, u64 size);
phys_addr_t memblock_phys_alloc(u64 size, u64 align);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, u64 size);	/* overlaps a reservation */
bool memblock_overlaps_memory(phys_addr_t base, u64 size);
bool memblock_is_map_memory(phys_addr_t addr);
u64 memblock_phys_mem_size(void);
u64 memblock_reserved_size(void);
void memblock_dump_all(void);
unsigned long memblock_free_all(void);

#define for_each_mem_region(r) \
	for (r = memblock.memory.regions; r < memblock.memory.regions + memblock.memory.cnt; r++)
#define for_each_reserved_mem_region(r) \
	for (r = memblock.reserved.regions; r < memblock.reserved.regions + memblock.reserved.cnt; r++)
#endif
