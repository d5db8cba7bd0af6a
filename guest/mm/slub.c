/*
 * SLUB-like slab allocator (Linux: mm/slub.c, mm/slab_common.c). A slab is 2^order
 * pages cut into objects of one cache; free objects are chained through a free pointer
 * stored in them (mid-object, as Linux, when there is no debugging; after the object
 * and its redzone with it). Each CPU allocates from its own "frozen" slab through a
 * private freelist with no lock; frees of its objects by the same CPU go back there.
 * Frees from other CPUs, and of objects of slabs that are not the CPU's, go to the
 * slab's own freelist under the cache's list_lock, putting a full slab on the partial
 * list, and discarding an empty one beyond min_partial. A CPU whose freelist runs dry
 * first takes what others freed to its slab, then a partial slab, then a new slab from
 * the buddy allocator.
 *
 * kmalloc: caches of 8 B .. 8 KiB (larger sizes come straight from alloc_pages as
 * compound pages); power-of-two sizes are naturally aligned, debug or not, as Linux's
 * create_boot_cache guarantees; kmalloc(0) returns ZERO_SIZE_PTR.
 * Debug (CONFIG_DEBUG_VM builds, unless "slub_debug=-" is on the command line): every
 * object gets a redzone after it (0xcc while allocated, 0xbb while free), free objects
 * are poisoned (0x6b..., last byte 0xa5), and the last alloc and free callers are
 * stored. As in Linux, a debug cache has no per-CPU fast path: every alloc and free
 * takes the list_lock and works on the slab's freelist one object at a time
 * (alloc_single_from_partial, free_to_partial_list), so the checks see every object:
 * allocation checks the poison (write after free; the slab is then marked all used),
 * free checks the pointer, walks the slab's freelist for a double free ("Object already
 * free") and checks the redzone (overflow: the redzone is restored and the object is
 * not freed). A report names the object, the callers and the damage, then stops the
 * run, unless a test armed slab_expect_report().
 * Deliberate simplifications (Linux in brackets):
 *  - kmalloc-8 .. kmalloc-96/192 exist [arm64 6.1 has ARCH_KMALLOC_MINALIGN = 128, so
 *    its smallest kmalloc cache is kmalloc-128; from 6.5 the small caches are back when
 *    DMA is coherent or bounced, as on x86];
 *  - the free pointer is stored in the clear [CONFIG_SLAB_FREELIST_HARDENED xors it
 *    with a per-cache random value and its address];
 *  - the redzone is at least 8 bytes past the object rounded to 8 [Linux pads to the
 *    word and adds a word only when there is no padding; no left redzone here].
 * Left out from Linux: per-CPU partial lists, cmpxchg_double lockless paths, NUMA
 * nodes, cache merging, ctor, RCU freeing, memcg, kmalloc_node/krealloc, KASAN/KFENCE
 * hooks, sysfs, random freelist order, the full-slab list of debug caches, slab
 * shrinking on memory pressure.
 */
#include <kernel.h>
#include <string.h>
#include <asm/sysreg.h>
#include <smp.h>
#include <cmdline.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <kallsyms.h>

#define POISON_FREE 0x6b
#define POISON_END 0xa5
#define SLUB_RED_ACTIVE 0xcc
#define SLUB_RED_INACTIVE 0xbb

struct track {
	unsigned long alloc_addr, free_addr;
	u32 alloc_cpu, free_cpu;
};

const unsigned int kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
				       4096, 8192 };
const unsigned int nr_kmalloc_sizes = ARRAY_SIZE(kmalloc_sizes);
struct kmem_cache *kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];
static struct kmem_cache kmalloc_cache_structs[ARRAY_SIZE(kmalloc_sizes)];
static struct kmem_cache kmem_cache_cache;	/* for kmem_cache_create */
LIST_HEAD(slab_caches);
static DEFINE_SPINLOCK(slab_mutex);
static struct slab_report *expected_report;
#ifdef CONFIG_DEBUG_VM
bool slub_debug_enabled = true;
#else
bool slub_debug_enabled = false;
#endif

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline void *get_freepointer(struct kmem_cache *s, void *obj)
{
	return *(void **)((char *)obj + s->offset);
}

static inline void set_freepointer(struct kmem_cache *s, void *obj, void *next)
{
	*(void **)((char *)obj + s->offset) = next;
}

static struct track *get_track(struct kmem_cache *s, const void *obj)
{
	return (struct track *)((char *)obj + s->offset + sizeof(void *));
}

static struct page *virt_to_head_page(const void *obj)
{
	return compound_head(virt_to_page(obj));
}

static void *slab_base(struct page *page)
{
	return page_address(page);
}

/* ---- layout ---- */

static unsigned int calculate_order(unsigned int size)
{
	for (unsigned int order = 0; order < 3; order++)
		if ((PAGE_SIZE << order) / size >= 8)
			return order;
	return 3;
}

static void kmem_cache_setup(struct kmem_cache *s, const char *name, unsigned int size,
			     unsigned int align, unsigned int flags)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->object_size = size;
	s->align = ALIGN(max(align, 8u), 8u);	/* calculate_alignment */
	s->flags = flags;
	if (flags & SLAB_DEBUG_FLAGS) {
		s->red_end = ALIGN(size, 8) + 8;	/* at least 8 bytes of redzone */
		s->offset = s->red_end;		/* free pointer outside the poisoned object */
		s->size = ALIGN(s->offset + sizeof(void *) + sizeof(struct track), s->align);
	} else {
		/* calculate_sizes: mid-object, so that a small overflow off the end of the
		 * previous object does not hit it */
		s->red_end = size;
		s->offset = ALIGN_DOWN(size / 2, (unsigned int)sizeof(void *));
		s->size = ALIGN(max(size, (unsigned int)sizeof(void *)), s->align);
	}
	s->order = calculate_order(s->size);
	s->objects = (PAGE_SIZE << s->order) / s->size;
	s->min_partial = 5;
	spin_lock_init(&s->list_lock);
	INIT_LIST_HEAD(&s->partial);
	spin_lock(&slab_mutex);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock(&slab_mutex);
}

/* ---- debug checks ---- */

static void hexdump(const char *label, const u8 *p, unsigned int len)
{
	for (unsigned int i = 0; i < len; i += 16) {
		char line[80];
		int n = snprintf(line, sizeof(line), "%s %p: ", label, (void *)(p + i));
		for (unsigned int j = i; j < min(len, i + 16); j++)
			n += snprintf(line + n, sizeof(line) - n, "%02x ", p[j]);
		printk("%s\n", line);
	}
}

static void slab_bug(struct kmem_cache *s, struct page *page, const void *obj,
		     const char *what, unsigned long culprit, const char *fmt, ...)
{
	struct track *t = get_track(s, obj);
	char detail[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printk("=============================================================================\n");
	printk("BUG %s (Not tainted): %s\n", s->name, what);
	printk("-----------------------------------------------------------------------------\n");
	printk("INFO: %s\n", detail);
	printk("INFO: Object %p @offset=%lu, slab %p objects=%u used=%u\n", obj,
	       (unsigned long)((const char *)obj - (char *)slab_base(page)), (void *)page,
	       page->objects, page->inuse);
	printk("INFO: Allocated in %s cpu=%u\n", SYM(t->alloc_addr), t->alloc_cpu);
	printk("INFO: Freed in %s cpu=%u\n", SYM(t->free_addr), t->free_cpu);
	printk("INFO: Culprit: %s (%#lx)\n", SYM(culprit), culprit);
	hexdump("Object  ", obj, min(s->object_size, 64u));
	hexdump("Redzone ", (const u8 *)obj + s->object_size, s->red_end - s->object_size);
	struct slab_report *r = expected_report;
	if (r && r->armed) {
		r->count++;
		r->what = what;
		r->object = obj;
		r->alloc_caller = t->alloc_addr;
		r->free_caller = t->free_addr;
		r->culprit = culprit;
		printk("FIX %s: expected by the running test, continuing\n", s->name);
		return;
	}
	panic("slub: %s in %s (object %p)", what, s->name, obj);
}

static const u8 *check_bytes(const u8 *p, u8 value, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++)
		if (p[i] != value)
			return p + i;
	return NULL;
}

static void init_object(struct kmem_cache *s, void *obj, u8 red)
{
	u8 *p = obj;
	if (!(s->flags & SLAB_DEBUG_FLAGS))
		return;
	if (red == SLUB_RED_INACTIVE) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
	memset(p + s->object_size, red, s->red_end - s->object_size);
}

static bool check_valid_pointer(struct kmem_cache *s, struct page *page, const void *obj)
{
	long off = (const char *)obj - (char *)slab_base(page);
	return off >= 0 && off % s->size == 0 && off / s->size < page->objects;
}

/* Allocation: the object must still carry the poison and inactive redzone of a free
 * one. False if not: the caller then marks the slab all used (list_lock held). */
static bool alloc_debug_processing(struct kmem_cache *s, struct page *page, void *obj,
				   unsigned long caller)
{
	const u8 *bad;
	const u8 *p = obj;

	bad = check_bytes(p + s->object_size, SLUB_RED_INACTIVE, s->red_end - s->object_size);
	if (!bad) {
		bad = check_bytes(p, POISON_FREE, s->object_size - 1);
		if (!bad && p[s->object_size - 1] != POISON_END)
			bad = p + s->object_size - 1;
	}
	if (bad) {
		slab_bug(s, page, obj, "Poison overwritten", get_track(s, obj)->free_addr,
			 "%p: first byte %#x is not the poison of a free object "
			 "(written after the free in %s?)", (void *)bad, *bad,
			 SYM(get_track(s, obj)->free_addr));
		printk("FIX %s: Marking all objects used\n", s->name);
		return false;
	}
	init_object(s, obj, SLUB_RED_ACTIVE);
	struct track *t = get_track(s, obj);
	t->alloc_addr = caller;
	t->alloc_cpu = smp_processor_id();
	return true;
}

/* Is obj on the slab's freelist (Linux's on_freelist; list_lock held)? */
static bool on_freelist(struct kmem_cache *s, struct page *page, const void *obj)
{
	void *fp = page->freelist;

	for (unsigned int nr = 0; fp && nr <= page->objects; nr++) {
		if (fp == obj)
			return true;
		if (!check_valid_pointer(s, page, fp))
			break;	/* a corrupt chain: stop rather than follow it */
		fp = get_freepointer(s, fp);
	}
	return false;
}

/* Free (list_lock held): false if the free must not happen - a bad pointer, an object
 * already on the freelist, or an overwritten redzone (restored, object not freed). */
static bool free_debug_processing(struct kmem_cache *s, struct page *page, void *obj,
				  unsigned long caller)
{
	const u8 *p = obj, *bad;
	const unsigned int rz = s->red_end - s->object_size;

	if (!check_valid_pointer(s, page, obj)) {
		slab_bug(s, page, obj, "invalid pointer", caller,
			 "%p is not the start of an object; freed in %s", obj, SYM(caller));
		return false;
	}
	if (on_freelist(s, page, obj)) {
		slab_bug(s, page, obj, "Object already free", caller,
			 "double free: freed in %s, freed again in %s",
			 SYM(get_track(s, obj)->free_addr), SYM(caller));
		return false;
	}
	bad = check_bytes(p + s->object_size, SLUB_RED_ACTIVE, rz);
	if (bad) {
		slab_bug(s, page, obj, "Redzone overwritten", get_track(s, obj)->alloc_addr,
			 "%p @offset=%lu: first byte %#x instead of %#x: written past the end of "
			 "the %u-byte object allocated in %s", (void *)bad,
			 (unsigned long)(bad - p), *bad, SLUB_RED_ACTIVE, s->object_size,
			 SYM(get_track(s, obj)->alloc_addr));
		memset((u8 *)p + s->object_size, SLUB_RED_ACTIVE, rz);
		printk("FIX %s: Restoring Redzone; Object at %p not freed\n", s->name, obj);
		return false;
	}
	init_object(s, obj, SLUB_RED_INACTIVE);
	struct track *t = get_track(s, obj);
	t->free_addr = caller;
	t->free_cpu = smp_processor_id();
	return true;
}

void slab_expect_report(struct slab_report *r)
{
	if (r) {
		memset(r, 0, sizeof(*r));
		r->armed = true;
	}
	expected_report = r;
}

/* ---- slabs ---- */

static struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp)
{
	/* a compound page (s->allocflags has __GFP_COMP), so that virt_to_head_page
	 * finds the slab from any of its pages */
	struct page *page = alloc_pages(gfp | (s->order ? __GFP_COMP : 0), s->order);
	if (!page)
		return NULL;
	SetPageFlag(page, PG_slab);
	page->slab_cache = s;
	page->objects = s->objects;
	page->inuse = 0;
	page->frozen = 0;
	page->on_partial = 0;
	char *base = slab_base(page);
	for (unsigned int i = 0; i < s->objects; i++) {
		void *obj = base + i * s->size;
		init_object(s, obj, SLUB_RED_INACTIVE);
		set_freepointer(s, obj, i + 1 < s->objects ? base + (i + 1) * s->size : NULL);
	}
	page->freelist = base;
	__atomic_add_fetch(&s->nr_slabs, 1, __ATOMIC_RELAXED);
	return page;
}

static void discard_slab(struct kmem_cache *s, struct page *page)
{
	ClearPageFlag(page, PG_slab);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->counters = 0;
	__atomic_sub_fetch(&s->nr_slabs, 1, __ATOMIC_RELAXED);
	__free_pages(page, s->order);
}

static void add_partial(struct kmem_cache *s, struct page *page)
{
	page->on_partial = 1;
	list_add_tail(&page->lru, &s->partial);
	s->nr_partial++;
}

static void remove_partial(struct kmem_cache *s, struct page *page)
{
	page->on_partial = 0;
	list_del(&page->lru);
	s->nr_partial--;
}

/* Give the CPU's slab back: its private freelist joins the slab's (list_lock held). */
static struct page *deactivate_slab_locked(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct page *page = c->slab;
	void *obj = c->freelist;

	while (obj) {
		void *next = get_freepointer(s, obj);
		set_freepointer(s, obj, page->freelist);
		page->freelist = obj;
		page->inuse--;
		obj = next;
	}
	c->slab = NULL;
	c->freelist = NULL;
	page->frozen = 0;
	if (page->inuse == 0 && s->nr_partial >= s->min_partial)
		return page;	/* to discard */
	if (page->freelist)
		add_partial(s, page);
	return NULL;
}

void kmem_cache_flush_this_cpu(struct kmem_cache *s)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[smp_processor_id()];
	struct page *discard = NULL;

	if (!c->slab)
		return;
	spin_lock(&s->list_lock);
	discard = deactivate_slab_locked(s, c);
	spin_unlock(&s->list_lock);
	if (discard)
		discard_slab(s, discard);
}

/* The slow path: refill this CPU's freelist. */
static void *___slab_alloc(struct kmem_cache *s, struct kmem_cache_cpu *c, gfp_t gfp)
{
	struct page *page, *discard = NULL;
	void *freelist = NULL;

	spin_lock(&s->list_lock);
	if (c->slab) {	/* objects other CPUs freed to our slab meanwhile */
		freelist = c->slab->freelist;
		c->slab->freelist = NULL;
		c->slab->inuse = c->slab->objects;
		if (!freelist)
			discard = deactivate_slab_locked(s, c);	/* full: drop it */
	}
	if (!freelist && !list_empty(&s->partial)) {
		page = list_first_entry(&s->partial, struct page, lru);
		remove_partial(s, page);
		page->frozen = 1;
		freelist = page->freelist;
		page->freelist = NULL;
		page->inuse = page->objects;
		c->slab = page;
	}
	spin_unlock(&s->list_lock);
	if (discard)
		discard_slab(s, discard);
	if (!freelist) {
		page = allocate_slab(s, gfp);
		if (!page)
			return NULL;
		page->frozen = 1;
		freelist = page->freelist;
		page->freelist = NULL;
		page->inuse = page->objects;
		c->slab = page;
	}
	c->freelist = get_freepointer(s, freelist);
	return freelist;
}

/* Debug caches (Linux: alloc_single_from_partial / alloc_single_from_new_slab): one
 * object from a partial slab, or from a new one, under the list_lock, checked. */
static void *alloc_single(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	struct page *page;
	void *obj;

	for (;;) {
		spin_lock(&s->list_lock);
		if (list_empty(&s->partial)) {
			spin_unlock(&s->list_lock);
			page = allocate_slab(s, gfp);
			if (!page)
				return NULL;
			spin_lock(&s->list_lock);
			add_partial(s, page);
		}
		page = list_first_entry(&s->partial, struct page, lru);
		obj = page->freelist;
		page->freelist = get_freepointer(s, obj);
		page->inuse++;
		if (!page->freelist)
			remove_partial(s, page);	/* full */
		if (alloc_debug_processing(s, page, obj, caller)) {
			spin_unlock(&s->list_lock);
			return obj;
		}
		/* the slab is not trusted any more: all used, never allocated from again */
		if (page->on_partial)
			remove_partial(s, page);
		page->inuse = page->objects;
		page->freelist = NULL;
		spin_unlock(&s->list_lock);
	}
}

/* Debug caches (Linux: free_to_partial_list): checked, then back on the slab's list. */
static void free_single(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
	bool discard = false;

	spin_lock(&s->list_lock);
	if (!free_debug_processing(s, page, obj, caller)) {
		spin_unlock(&s->list_lock);
		return;
	}
	set_freepointer(s, obj, page->freelist);
	page->freelist = obj;
	page->inuse--;
	if (page->inuse == 0 && s->nr_partial >= s->min_partial) {
		if (page->on_partial)
			remove_partial(s, page);
		discard = true;
	} else if (!page->on_partial) {
		add_partial(s, page);	/* was full */
	}
	spin_unlock(&s->list_lock);
	__atomic_sub_fetch(&s->nr_inuse, 1, __ATOMIC_RELAXED);
	if (discard)
		discard_slab(s, page);
}

static void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[smp_processor_id()];
	void *obj;

	if (kmem_cache_debug(s)) {
		obj = alloc_single(s, gfp, caller);
	} else {
		obj = c->freelist;
		if (obj)
			c->freelist = get_freepointer(s, obj);
		else
			obj = ___slab_alloc(s, c, gfp);
	}
	if (!obj)
		return NULL;
	__atomic_add_fetch(&s->nr_inuse, 1, __ATOMIC_RELAXED);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

static void slab_free(struct kmem_cache *s, struct page *page, void *obj, unsigned long caller)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[smp_processor_id()];
	bool discard = false;

	if (kmem_cache_debug(s)) {
		free_single(s, page, obj, caller);
		return;
	}
	__atomic_sub_fetch(&s->nr_inuse, 1, __ATOMIC_RELAXED);
	if (page == c->slab) {	/* fast path: our own slab */
		set_freepointer(s, obj, c->freelist);
		c->freelist = obj;
		return;
	}
	spin_lock(&s->list_lock);
	bool was_full = !page->freelist;
	set_freepointer(s, obj, page->freelist);
	page->freelist = obj;
	page->inuse--;
	if (!page->frozen) {
		if (page->inuse == 0 && s->nr_partial >= s->min_partial) {
			if (page->on_partial)
				remove_partial(s, page);
			discard = true;
		} else if (was_full && !page->on_partial) {
			add_partial(s, page);
		}
	}
	spin_unlock(&s->list_lock);
	if (discard)
		discard_slab(s, page);
}

/* ---- the API ---- */

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, (unsigned long)__builtin_return_address(0));
}

static void cache_free(struct kmem_cache *s, void *obj, unsigned long caller)
{
	struct page *page = virt_to_head_page(obj);

	if (!PageSlab(page) || page->slab_cache != s) {
		printk("kmem_cache_free(%s, %p) from %#lx: object is not from this cache\n",
		       s->name, obj, caller);
		panic("slub: free of a foreign object");
	}
	slab_free(s, page, obj, caller);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!ZERO_OR_NULL_PTR(obj))
		cache_free(s, obj, (unsigned long)__builtin_return_address(0));
}

struct kmem_cache *kmalloc_cache_for(size_t size)
{
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++)
		if (size <= kmalloc_sizes[i])
			return kmalloc_caches[i];
	return NULL;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	struct page *page = alloc_pages(gfp | __GFP_COMP, order);
	return page ? page_address(page) : NULL;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (!size)
		return ZERO_SIZE_PTR;
	struct kmem_cache *s = kmalloc_cache_for(size);
	if (!s)
		return kmalloc_large(size, gfp);
	return slab_alloc(s, gfp, (unsigned long)__builtin_return_address(0));
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void kfree(const void *obj)
{
	if (ZERO_OR_NULL_PTR(obj))
		return;
	struct page *page = virt_to_head_page(obj);
	unsigned long caller = (unsigned long)__builtin_return_address(0);

	if (PageSlab(page)) {
		slab_free(page->slab_cache, page, (void *)obj, caller);
		return;
	}
	if (page_address(page) != obj || !page->_refcount)
		panic("kfree(%p) from %#lx: not a kmalloc'ed address", obj, caller);
	__free_pages(page, compound_order(page));
}

size_t ksize(const void *obj)
{
	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	struct page *page = virt_to_head_page(obj);
	if (PageSlab(page))
		return page->slab_cache->object_size;
	return PAGE_SIZE << compound_order(page);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags)
{
	struct kmem_cache *s = kmem_cache_alloc(&kmem_cache_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	if (slub_debug_enabled)
		flags |= SLAB_DEBUG_FLAGS;
	kmem_cache_setup(s, name, size, align, flags);
	return s;
}

static void flush_cpu_slab(void *arg)
{
	kmem_cache_flush_this_cpu(arg);
}

/* Linux's flush_all_cpus_locked: every CPU gives its slab back. The secondaries run the
 * flush as work (smp_call_on; there are no IPIs); the boot CPU only flushes its own
 * when it is the caller, since it takes no work. A CPU that cannot be reached keeps its
 * slab, and the cache then counts as busy. */
static void flush_all_cpus(struct kmem_cache *s)
{
	kmem_cache_flush_this_cpu(s);
	for (unsigned int cpu = 1; cpu < NR_CPUS; cpu++)
		if (cpu != smp_processor_id() && s->cpu_slab[cpu].slab &&
		    !smp_call_on(cpu, flush_cpu_slab, s))
			smp_wait(cpu);
}

/* Linux's __kmem_cache_shutdown: flush the CPU slabs, discard the empty partial slabs;
 * busy (nonzero) if any slab is left: objects still in use. */
static int __kmem_cache_shutdown(struct kmem_cache *s)
{
	struct page *page, *n;
	LIST_HEAD(discard);

	flush_all_cpus(s);
	spin_lock(&s->list_lock);
	list_for_each_entry_safe(page, n, &s->partial, lru) {
		if (page->inuse)
			continue;
		remove_partial(s, page);
		list_add(&page->lru, &discard);
	}
	spin_unlock(&s->list_lock);
	list_for_each_entry_safe(page, n, &discard, lru) {
		list_del(&page->lru);
		discard_slab(s, page);
	}
	return READ_ONCE(s->nr_slabs) != 0;
}

/*
 * As Linux's kmem_cache_destroy/shutdown_cache: a cache that still has objects in use
 * (in full or partial slabs, or a CPU's slab) is reported and kept - its slabs point at
 * it, and a later kfree of one of its objects must still work. Only an empty cache is
 * unlisted and freed.
 */
void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	spin_lock(&slab_mutex);
	list_del(&s->list);	/* no one else finds it while it is shut down */
	spin_unlock(&slab_mutex);
	if (__kmem_cache_shutdown(s)) {
		printk("kmem_cache_destroy %s: Slab cache still has objects when called from %s "
		       "(%ld in use, %lu slabs)\n", s->name,
		       SYM((unsigned long)__builtin_return_address(0)), s->nr_inuse, s->nr_slabs);
		spin_lock(&slab_mutex);
		list_add_tail(&s->list, &slab_caches);
		spin_unlock(&slab_mutex);
		return;
	}
	kmem_cache_free(&kmem_cache_cache, s);
}

void kmem_cache_init(void)
{
	char arg[8];

	/* Linux: "slub_debug=-" turns off the debugging that CONFIG_SLUB_DEBUG_ON enables */
	if (cmdline_get("slub_debug", arg, sizeof(arg)) && !strcmp(arg, "-"))
		slub_debug_enabled = false;
	unsigned int dbg = slub_debug_enabled ? SLAB_DEBUG_FLAGS : 0;

	kmem_cache_setup(&kmem_cache_cache, "kmem_cache", sizeof(struct kmem_cache), 64, dbg);
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++) {
		struct kmem_cache *s = &kmalloc_cache_structs[i];
		unsigned int size = kmalloc_sizes[i];
		/* create_boot_cache: natural alignment for power-of-two sizes, debug or not */
		kmem_cache_setup(s, NULL, size, (size & (size - 1)) ? 8 : size, dbg);
		snprintf(s->namebuf, sizeof(s->namebuf), "kmalloc-%u", kmalloc_sizes[i]);
		s->name = s->namebuf;
		kmalloc_caches[i] = s;
	}
	printk("SLUB: kmalloc %u..%u bytes in %u caches, debug %s\n", kmalloc_sizes[0],
	       kmalloc_sizes[nr_kmalloc_sizes - 1], nr_kmalloc_sizes,
	       dbg ? "on (redzone, poison, store user)" : "off");
}

void slabinfo_dump(void)
{
	struct kmem_cache *s;

	printk("# name            <active_objs> <objsize> <stride> <objperslab> <order> <slabs> <partial>\n");
	spin_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		printk("%-17s %12ld %9u %8u %12u %7u %7lu %9lu\n", s->name, s->nr_inuse,
		       s->object_size, s->size, s->objects, s->order, s->nr_slabs, s->nr_partial);
	spin_unlock(&slab_mutex);
}
