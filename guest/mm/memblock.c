/*
 * memblock (Linux: mm/memblock.c): two sorted arrays of physical ranges, "memory" and
 * "reserved". Adding merges with neighbours; allocation is top-down, first fit, in
 * memory minus reserved, and reserves what it returns. memblock_free_all() hands every
 * page that is memory and not reserved to the buddy allocator, then memblock retires.
 * Deliberate simplification: regions are whole pages - memory is rounded inwards,
 * reservations and no-map ranges outwards [Linux keeps byte ranges and rounds where it
 * uses them: PFN_UP/PFN_DOWN when freeing, page-aligned mappings].
 * Left out from Linux: NUMA node ids, hotplug, mirrored memory, resizing the arrays
 * (64 regions each here), memblock_alloc_range limits, KHO/scratch areas.
 */
#include <kernel.h>
#include <string.h>
#include <asm/memory.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

static bool memblock_retired;

struct memblock memblock = {
	.memory = { .name = "memory" },
	.reserved = { .name = "reserved" },
};

static void insert_region(struct memblock_type *t, unsigned int i, phys_addr_t base,
			  u64 size, u32 flags)
{
	if (t->cnt >= INIT_MEMBLOCK_REGIONS)
		panic("memblock: too many %s regions (max %d)", t->name, INIT_MEMBLOCK_REGIONS);
	memmove(&t->regions[i + 1], &t->regions[i], (t->cnt - i) * sizeof(t->regions[0]));
	t->regions[i] = (struct memblock_region){ base, size, flags };
	t->cnt++;
}

static void remove_region(struct memblock_type *t, unsigned int i)
{
	memmove(&t->regions[i], &t->regions[i + 1], (t->cnt - i - 1) * sizeof(t->regions[0]));
	t->cnt--;
}

/* Merge neighbours that touch or overlap and have the same flags. */
static void merge_regions(struct memblock_type *t)
{
	for (unsigned int i = 0; i + 1 < t->cnt;) {
		struct memblock_region *a = &t->regions[i], *b = &t->regions[i + 1];
		if (a->base + a->size >= b->base && a->flags == b->flags) {
			u64 end = max(a->base + a->size, b->base + b->size);
			a->size = end - a->base;
			remove_region(t, i + 1);
		} else {
			i++;
		}
	}
}

static int add_range(struct memblock_type *t, phys_addr_t base, u64 size, u32 flags)
{
	unsigned int i;

	if (!size)
		return 0;
	for (i = 0; i < t->cnt && t->regions[i].base < base; i++)
		;
	insert_region(t, i, base, size, flags);
	merge_regions(t);
	return 0;
}

/* Cut [base, base+size) out of t (splitting regions that straddle it). */
static void remove_range(struct memblock_type *t, phys_addr_t base, u64 size)
{
	phys_addr_t end = base + size;

	for (unsigned int i = 0; i < t->cnt;) {
		struct memblock_region *r = &t->regions[i];
		phys_addr_t rend = r->base + r->size;
		if (rend <= base || r->base >= end) {
			i++;
			continue;
		}
		if (r->base < base && rend > end) {
			insert_region(t, i + 1, end, rend - end, r->flags);
			r->size = base - r->base;
			i += 2;
		} else if (r->base < base) {
			r->size = base - r->base;
			i++;
		} else if (rend > end) {
			r->size = rend - end;
			r->base = end;
			i++;
		} else {
			remove_region(t, i);
		}
	}
}

int memblock_add(phys_addr_t base, u64 size)
{
	phys_addr_t end = ALIGN_DOWN(base + size, PAGE_SIZE);
	base = ALIGN(base, PAGE_SIZE);
	return end > base ? add_range(&memblock.memory, base, end - base, 0) : 0;
}

int memblock_reserve(phys_addr_t base, u64 size)
{
	phys_addr_t end = ALIGN(base + size, PAGE_SIZE);
	base = ALIGN_DOWN(base, PAGE_SIZE);
	return add_range(&memblock.reserved, base, end - base, 0);
}

int memblock_phys_free(phys_addr_t base, u64 size)
{
	remove_range(&memblock.reserved, base, size);
	return 0;
}

/*
 * NOMAP: the part of [base, base+size) that is memory stays "memory" but is left out of
 * the linear map and the allocator. As Linux's memblock_mark_nomap, only memory that
 * exists is flagged: a range outside RAM adds nothing. Regions here are whole pages, so
 * the range is widened to every page it touches (base rounded down, end up) - a page
 * holding any no-map byte is not mapped.
 */
int memblock_mark_nomap(phys_addr_t base, u64 size)
{
	phys_addr_t end = ALIGN(base + size, PAGE_SIZE);
	struct memblock_region cut[INIT_MEMBLOCK_REGIONS];
	unsigned int n = 0;

	base = ALIGN_DOWN(base, PAGE_SIZE);
	for (unsigned int i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];
		phys_addr_t s = max(base, r->base), e = min(end, r->base + r->size);
		if (s < e)
			cut[n++] = (struct memblock_region){ s, e - s, r->flags | MEMBLOCK_NOMAP };
	}
	for (unsigned int i = 0; i < n; i++) {
		remove_range(&memblock.memory, cut[i].base, cut[i].size);
		add_range(&memblock.memory, cut[i].base, cut[i].size, cut[i].flags);
	}
	return 0;
}

static bool type_contains(struct memblock_type *t, phys_addr_t addr)
{
	for (unsigned int i = 0; i < t->cnt; i++)
		if (addr >= t->regions[i].base && addr < t->regions[i].base + t->regions[i].size)
			return true;
	return false;
}

bool memblock_is_reserved(phys_addr_t addr) { return type_contains(&memblock.reserved, addr); }

static bool type_overlaps(struct memblock_type *t, phys_addr_t base, u64 size)
{
	for (unsigned int i = 0; i < t->cnt; i++)
		if (t->regions[i].base < base + size && base < t->regions[i].base + t->regions[i].size)
			return true;
	return false;
}

bool memblock_is_region_reserved(phys_addr_t base, u64 size)
{
	return type_overlaps(&memblock.reserved, base, size);
}

bool memblock_overlaps_memory(phys_addr_t base, u64 size)
{
	return type_overlaps(&memblock.memory, base, size);
}
bool memblock_is_memory(phys_addr_t addr) { return type_contains(&memblock.memory, addr); }

/* Memory that is in the linear map: memory and not MEMBLOCK_NOMAP. */
bool memblock_is_map_memory(phys_addr_t addr)
{
	for (unsigned int i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];
		if (addr >= r->base && addr < r->base + r->size)
			return !(r->flags & MEMBLOCK_NOMAP);
	}
	return false;
}

phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	if (!memblock.memory.cnt)
		return 0;
	struct memblock_region *r = &memblock.memory.regions[memblock.memory.cnt - 1];
	return r->base + r->size;
}

static u64 type_size(struct memblock_type *t)
{
	u64 s = 0;
	for (unsigned int i = 0; i < t->cnt; i++)
		s += t->regions[i].size;
	return s;
}

u64 memblock_phys_mem_size(void) { return type_size(&memblock.memory); }
u64 memblock_reserved_size(void) { return type_size(&memblock.reserved); }

/* The highest free aligned range of size in memory region r, or 0. */
static phys_addr_t find_in_region(struct memblock_region *r, u64 size, u64 align)
{
	phys_addr_t top = r->base + r->size;

	while (top >= r->base + size) {
		phys_addr_t cand = ALIGN_DOWN(top - size, align);
		if (cand < r->base)
			return 0;
		phys_addr_t clash = 0;
		for (unsigned int i = 0; i < memblock.reserved.cnt; i++) {
			struct memblock_region *x = &memblock.reserved.regions[i];
			if (x->base < cand + size && x->base + x->size > cand)
				clash = x->base;
		}
		if (!clash)
			return cand;
		top = clash;
	}
	return 0;
}

phys_addr_t memblock_phys_alloc(u64 size, u64 align)
{
	if (memblock_retired)
		panic("memblock_phys_alloc after memblock_free_all: use the page allocator");
	size = ALIGN(size, PAGE_SIZE);
	for (int i = memblock.memory.cnt - 1; i >= 0; i--) {
		struct memblock_region *r = &memblock.memory.regions[i];
		if (r->flags & MEMBLOCK_NOMAP)
			continue;
		phys_addr_t pa = find_in_region(r, size, align);
		if (pa) {
			memblock_reserve(pa, size);
			return pa;
		}
	}
	return 0;
}

void memblock_dump_all(void)
{
	struct memblock_type *types[] = { &memblock.memory, &memblock.reserved };

	for (unsigned int t = 0; t < 2; t++) {
		printk(" %s.cnt  = 0x%x, size 0x%lx\n", types[t]->name, types[t]->cnt,
		       type_size(types[t]));
		for (unsigned int i = 0; i < types[t]->cnt; i++) {
			struct memblock_region *r = &types[t]->regions[i];
			printk(" %s[0x%x]\t[0x%016lx-0x%016lx], 0x%08lx bytes flags: 0x%x\n",
			       types[t]->name, i, r->base, r->base + r->size - 1, r->size, r->flags);
		}
	}
}

/* Free [start, end) pfns in the largest aligned blocks that fit (and stay in a zone). */
static unsigned long free_range(unsigned long start, unsigned long end)
{
	unsigned long n = 0, split = PHYS_PFN(dma32_phys_limit);

	while (start < end) {
		unsigned long stop = (start < split && end > split) ? split : end;
		unsigned int order = MAX_PAGE_ORDER;
		while ((start & ((1UL << order) - 1)) || start + (1UL << order) > stop)
			order--;
		__free_pages_core(pfn_to_page(start), order);
		start += 1UL << order;
		n += 1UL << order;
	}
	return n;
}

/* Release every page that is memory, mapped and not reserved to the buddy allocator. */
unsigned long memblock_free_all(void)
{
	unsigned long freed = 0;
	struct memblock_region *m, *r;

	for_each_mem_region(m) {
		if (m->flags & MEMBLOCK_NOMAP)
			continue;
		phys_addr_t cur = m->base, end = m->base + m->size;
		for_each_reserved_mem_region(r) {
			if (r->base + r->size <= cur || r->base >= end)
				continue;
			if (r->base > cur)
				freed += free_range(PHYS_PFN(cur), PHYS_PFN(r->base));
			cur = max(cur, r->base + r->size);
		}
		if (cur < end)
			freed += free_range(PHYS_PFN(cur), PHYS_PFN(end));
	}
	memblock_retired = true;
	return freed;
}
