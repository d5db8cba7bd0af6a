/*
 * Slab allocator interface (mm/slub.c): object caches and kmalloc.
 */
#ifndef LINUX_SLAB_H
#define LINUX_SLAB_H
#include <types.h>
#include <setup.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#define SLAB_RED_ZONE 0x400u	/* redzone after each object */
#define SLAB_POISON 0x800u	/* poison free objects (0x6b ... 0xa5) */
#define SLAB_STORE_USER 0x10000u	/* record last alloc/free caller */
#define SLAB_DEBUG_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* kmalloc(0): a non-NULL pointer that faults when used (Linux: include/linux/slab.h) */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define KMALLOC_MAX_CACHE_SIZE 8192
#define KMALLOC_MIN_SIZE 8

struct page;
struct kmem_cache_cpu {
	void *freelist;		/* objects of slab, for this CPU only */
	struct page *slab;	/* the slab this CPU allocates from (frozen) */
};

struct kmem_cache {
	const char *name;
	unsigned int object_size;	/* what the user asked for */
	unsigned int size;		/* stride: object, redzone, free pointer, track */
	unsigned int align;
	unsigned int offset;		/* free pointer offset */
	unsigned int red_end;		/* redzone is [object_size, red_end) */
	unsigned int order, objects;
	unsigned int flags;
	spinlock_t list_lock;
	struct list_head partial;
	unsigned long nr_partial, min_partial, nr_slabs;
	long nr_inuse;			/* objects allocated and not freed (statistics) */
	struct kmem_cache_cpu cpu_slab[NR_CPUS];
	struct list_head list;
	char namebuf[24];
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags);
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);
void kmem_cache_flush_this_cpu(struct kmem_cache *s);	/* give back this CPU's slab */
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);
size_t ksize(const void *obj);
struct kmem_cache *kmalloc_cache_for(size_t size);	/* NULL above 8 KiB */
void kmem_cache_init(void);
void slabinfo_dump(void);
extern struct list_head slab_caches;	/* every cache (Linux: mm/slab.h) */
extern struct kmem_cache *kmalloc_caches[];
extern const unsigned int kmalloc_sizes[];
extern const unsigned int nr_kmalloc_sizes;
extern bool slub_debug_enabled;

/* A test that provokes a slab debug report arms this; the report is then recorded
 * (and the damage repaired) instead of stopping the run. */
struct slab_report {
	bool armed;
	int count;
	const char *what;	/* "Redzone overwritten", "double free", ... */
	const void *object;
	unsigned long alloc_caller, free_caller, culprit;
};
void slab_expect_report(struct slab_report *r);	/* NULL disarms */
#endif
