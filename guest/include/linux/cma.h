/* Contiguous Memory Allocator (mm/cma.c). */
#ifndef LINUX_CMA_H
#define LINUX_CMA_H
#include <types.h>

#define MAX_CMA_AREAS 4
struct page;
struct cma {
	unsigned long base_pfn, count;	/* pages */
	unsigned long *bitmap;		/* one bit per page: given out by cma_alloc */
	phys_addr_t bitmap_pa;
	char name[32];
};
extern struct cma cma_areas[MAX_CMA_AREAS];
extern unsigned int cma_area_count;

/* Boot, memblock time: the region (reserved in memblock) becomes a CMA area. */
int cma_init_reserved_mem(phys_addr_t base, u64 size, const char *name);
void cma_early_cmdline(void);	/* cma=SIZE: an area allocated from memblock */
void cma_init_reserved_areas(void);	/* after memblock_free_all: pages to the buddy */
struct page *cma_alloc(struct cma *cma, unsigned long count, unsigned int align);
bool cma_release(struct cma *cma, const struct page *pages, unsigned long count);
#endif
