/*
 * Suite "slab": kmalloc size classes, per-class stress (distinct, aligned, intact
 * objects; the in-use count back to its baseline), concurrent use from two CPUs with
 * frees on the other CPU, large kmalloc from the buddy allocator, private caches, and
 * the debug checks (redzone overflow, double free, write after free) naming culprits.
 */
#include <kernel.h>
#include <string.h>
#include <ktest.h>
#include <random.h>
#include <smp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <kallsyms.h>

/* The report names the function: kallsyms resolves the recorded caller to it. */
static bool code_in(unsigned long addr, const char *fn)
{
	unsigned long off;
	const char *name = kallsyms_lookup(addr, &off);
	if (!name || strcmp(name, fn))
		ktest_diag("caller %#lx is %s, expected in %s", addr, name ? name : "?", fn);
	return name && !strcmp(name, fn);
}
#define CODE_NEAR(addr, fn) code_in(addr, #fn)

static enum ktest_result kmalloc_size_classes_8_to_8k(void)
{
	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size += (size < 256 ? 1 : 61)) {
		void *p[3];	/* several: the first object of a slab is aligned anyway */
		struct kmem_cache *s = kmalloc_cache_for(size);
		for (int i = 0; i < 3; i++) {
			p[i] = kmalloc(size, GFP_KERNEL);
			KTEST_EXPECT(p[i]);
			KTEST_EXPECT(s && ksize(p[i]) == s->object_size && ksize(p[i]) >= size);
			/* natural alignment of power-of-two sizes (create_boot_cache), debug or not */
			unsigned int osz = s->object_size, align = (osz & (osz - 1)) ? 8 : osz;
			if (!IS_ALIGNED((u64)p[i], align))
				ktest_diag("kmalloc(%lu) = %p, not %u-byte aligned", size, p[i], align);
			KTEST_EXPECT(IS_ALIGNED((u64)p[i], align));
			KTEST_EXPECT(PageSlab(virt_to_page(p[i])) || PageFlag(virt_to_page(p[i]), PG_tail));
		}
		for (int i = 0; i < 3; i++)
			kfree(p[i]);
	}
	KTEST_EXPECT(kmalloc_cache_for(KMALLOC_MAX_CACHE_SIZE + 1) == NULL);
	/* kmalloc(0): ZERO_SIZE_PTR, not NULL (not a failure); kfree takes it */
	void *z = kmalloc(0, GFP_KERNEL);
	KTEST_EXPECT(z == ZERO_SIZE_PTR);
	KTEST_EXPECT_EQ(ksize(z), 0);
	kfree(z);
	return KTEST_PASS;
}

#define STRESS_OBJS 200

static enum ktest_result stress_one_class(unsigned int size)
{
	static void *objs[STRESS_OBJS];
	struct kmem_cache *s = kmalloc_cache_for(size);
	long base = s->nr_inuse;

	for (int i = 0; i < STRESS_OBJS; i++) {
		objs[i] = kmalloc(size, GFP_KERNEL);
		KTEST_EXPECT(objs[i]);
		memset(objs[i], i & 0xff, size);
	}
	for (int i = 0; i < STRESS_OBJS; i++) {	/* overlap would have changed a byte */
		const u8 *p = objs[i];
		for (unsigned int b = 0; b < size; b += 7)
			if (p[b] != (i & 0xff)) {
				ktest_diag("kmalloc-%u object %d at %p overwritten", size, i, objs[i]);
				return KTEST_FAIL;
			}
	}
	for (int i = STRESS_OBJS - 1; i > 0; i--) {	/* free in random order */
		int j = prandom_below(i + 1);
		void *t = objs[i]; objs[i] = objs[j]; objs[j] = t;
	}
	for (int i = 0; i < STRESS_OBJS; i++)
		kfree(objs[i]);
	KTEST_EXPECT_EQ(s->nr_inuse, base);
	return KTEST_PASS;
}

static enum ktest_result slab_stress_per_size_class(void)
{
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++)
		if (stress_one_class(kmalloc_sizes[i]) != KTEST_PASS) {
			ktest_diag("size class %u failed", kmalloc_sizes[i]);
			return KTEST_FAIL;
		}
	slabinfo_dump();
	return KTEST_PASS;
}

/* Two CPUs allocate random sizes; each frees half of its own and half of the other's. */
#define XCPU_OBJS 256
static void *xcpu_objs[2][XCPU_OBJS];
static volatile int xcpu_phase;

static void xcpu_worker(void *arg)
{
	unsigned int me = (unsigned long)arg;
	u64 seed = 0xabcdef + me;

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < XCPU_OBJS; i++) {
			size_t size = 8 + prandom_u64_state(&seed) % 2000;
			xcpu_objs[me][i] = kmalloc(size, GFP_KERNEL);
			if (xcpu_objs[me][i])
				memset(xcpu_objs[me][i], 0x5a, size);
		}
		__atomic_add_fetch(&xcpu_phase, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&xcpu_phase, __ATOMIC_SEQ_CST) < 2 * (2 * round + 1))
			;
		for (int i = 0; i < XCPU_OBJS; i++)	/* the other CPU's even, my odd */
			kfree(xcpu_objs[(i & 1) ? me : !me][i]);
		__atomic_add_fetch(&xcpu_phase, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&xcpu_phase, __ATOMIC_SEQ_CST) < 2 * (2 * round + 2))
			;
	}
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++)
		kmem_cache_flush_this_cpu(kmalloc_caches[i]);
}

static enum ktest_result slab_cross_cpu_frees(void)
{
	long base[16];

	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++)
		base[i] = kmalloc_caches[i]->nr_inuse;
	xcpu_phase = 0;
	KTEST_EXPECT_EQ(smp_call_on(1, xcpu_worker, (void *)1UL), 0);
	xcpu_worker((void *)0UL);
	smp_wait(1);
	for (unsigned int i = 0; i < nr_kmalloc_sizes; i++)
		KTEST_EXPECT_EQ(kmalloc_caches[i]->nr_inuse, base[i]);
	return KTEST_PASS;
}

static enum ktest_result kmalloc_large_comes_from_buddy(void)
{
	drain_all_pages();
	unsigned long before = nr_free_pages();
	void *p = kmalloc(3 * PAGE_SIZE + 1, GFP_KERNEL);

	KTEST_EXPECT(p);
	struct page *page = virt_to_page(p);
	KTEST_EXPECT(!PageSlab(page) && PageFlag(page, PG_head));
	KTEST_EXPECT_EQ(compound_order(page), 2);	/* __GFP_COMP: a compound page */
	KTEST_EXPECT(IS_ALIGNED((u64)p, PAGE_SIZE));
	KTEST_EXPECT_EQ(ksize(p), 4 * PAGE_SIZE);
	memset(p, 0xee, 3 * PAGE_SIZE + 1);
	kfree(p);
	drain_all_pages();
	KTEST_EXPECT_EQ(nr_free_pages(), before);
	return KTEST_PASS;
}

static enum ktest_result kmem_cache_create_aligned_objects(void)
{
	struct kmem_cache *s = kmem_cache_create("test-200", 200, 64, 0);
	static void *objs[100];

	KTEST_EXPECT(s);
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KTEST_EXPECT(objs[i] && IS_ALIGNED((u64)objs[i], 64));
	}
	KTEST_EXPECT_EQ(s->nr_inuse, 100);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	KTEST_EXPECT_EQ(s->nr_inuse, 0);
	kmem_cache_destroy(s);
	return KTEST_PASS;
}

static bool cache_is_listed(struct kmem_cache *s)
{
	struct kmem_cache *t;
	list_for_each_entry(t, &slab_caches, list)
		if (t == s)
			return true;
	return false;
}

/* As Linux's shutdown_cache: a cache whose objects are still in use (in a full slab, a
 * partial one, the CPU's slab) is reported and kept; freed, it can be destroyed. */
#define BUSY_OBJS 100
static enum ktest_result kmem_cache_destroy_keeps_a_busy_cache(void)
{
	static void *objs[BUSY_OBJS];
	struct kmem_cache *s = kmem_cache_create("test-busy", 512, 8, 0);

	KTEST_EXPECT(s);
	for (int i = 0; i < BUSY_OBJS; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KTEST_EXPECT(objs[i]);
	}
	KTEST_EXPECT(s->nr_slabs > 2);	/* full slabs, and the CPU's */
	kmem_cache_destroy(s);
	KTEST_EXPECT(cache_is_listed(s));	/* still there, not freed under its objects */
	KTEST_EXPECT_EQ(s->nr_inuse, BUSY_OBJS);
	for (int i = 0; i < BUSY_OBJS; i++)	/* a free after the refused destroy is fine */
		kmem_cache_free(s, objs[i]);
	KTEST_EXPECT_EQ(s->nr_inuse, 0);
	kmem_cache_destroy(s);
	KTEST_EXPECT(!cache_is_listed(s));
	return KTEST_PASS;
}

/* kmem_cache_destroy flushes every CPU's slab (Linux: flush_all_cpus_locked), so that
 * the slab another CPU allocated from goes back to the page allocator too. */
static struct kmem_cache *remote_cache;
static void *remote_objs[64];
static void alloc_remote(void *arg)
{
	(void)arg;
	for (int i = 0; i < 64; i++)
		remote_objs[i] = kmem_cache_alloc(remote_cache, GFP_KERNEL);
}

static enum ktest_result kmem_cache_destroy_frees_other_cpus_slabs(void)
{
	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	remote_cache = kmem_cache_create("test-remote", 64, 8, 0);
	KTEST_EXPECT(remote_cache);
	drain_all_pages();
	unsigned long before = nr_free_pages();
	KTEST_EXPECT_EQ(smp_call_on(1, alloc_remote, NULL), 0);
	smp_wait(1);
	for (int i = 0; i < 64; i++) {
		KTEST_EXPECT(remote_objs[i]);
		kmem_cache_free(remote_cache, remote_objs[i]);	/* frees from this CPU */
	}
	KTEST_EXPECT_EQ(remote_cache->nr_inuse, 0);
	kmem_cache_destroy(remote_cache);
	KTEST_EXPECT(!cache_is_listed(remote_cache));
	drain_all_pages();
	ktest_diag("free pages %lu before the allocations, %lu after the destroy", before,
		   nr_free_pages());
	KTEST_EXPECT(nr_free_pages() >= before);
	return KTEST_PASS;
}

static enum ktest_result debug_redzone_catches_overflow(void)
{
	struct slab_report r;

	if (!slub_debug_enabled)
		return ktest_skip_reason("slab debug off (GUEST_DEBUG_VM=OFF or slub_debug=-)"), KTEST_SKIP;
	struct kmem_cache *s = kmalloc_cache_for(32);
	char *p = kmalloc(32, GFP_KERNEL);
	KTEST_EXPECT(p);
	/* a debug cache has no CPU slab: every alloc and free goes through the checks */
	KTEST_EXPECT(!s->cpu_slab[smp_processor_id()].slab);
	long base = s->nr_inuse;
	p[32] = 'A';		/* one byte past the end */
	slab_expect_report(&r);
	kfree(p);
	slab_expect_report(NULL);
	KTEST_EXPECT_EQ(r.count, 1);
	KTEST_EXPECT(!strcmp(r.what, "Redzone overwritten"));
	KTEST_EXPECT(r.object == p);
	KTEST_EXPECT(CODE_NEAR(r.culprit, debug_redzone_catches_overflow));
	KTEST_EXPECT_EQ(s->nr_inuse, base);	/* as Linux: the object is not freed */
	return KTEST_PASS;
}

static enum ktest_result debug_double_free_is_caught(void)
{
	struct slab_report r;

	if (!slub_debug_enabled)
		return ktest_skip_reason("slab debug off (GUEST_DEBUG_VM=OFF or slub_debug=-)"), KTEST_SKIP;
	long base = kmalloc_cache_for(64)->nr_inuse;
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	slab_expect_report(&r);
	kfree(p);		/* the second free */
	slab_expect_report(NULL);
	KTEST_EXPECT_EQ(r.count, 1);
	KTEST_EXPECT(!strcmp(r.what, "Object already free"));	/* found on the freelist */
	KTEST_EXPECT(CODE_NEAR(r.culprit, debug_double_free_is_caught));
	KTEST_EXPECT(CODE_NEAR(r.free_caller, debug_double_free_is_caught));
	KTEST_EXPECT_EQ(kmalloc_cache_for(64)->nr_inuse, base);	/* not freed twice */
	return KTEST_PASS;
}

static enum ktest_result debug_poison_catches_write_after_free(void)
{
	struct slab_report r;

	if (!slub_debug_enabled)
		return ktest_skip_reason("slab debug off (GUEST_DEBUG_VM=OFF or slub_debug=-)"), KTEST_SKIP;
	struct kmem_cache *s = kmem_cache_create("test-uaf", 128, 8, 0);
	KTEST_EXPECT(s);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	p[5] = 1;		/* write after free */
	slab_expect_report(&r);
	u8 *q = kmem_cache_alloc(s, GFP_KERNEL);	/* finds p first: LIFO freelist */
	slab_expect_report(NULL);
	KTEST_EXPECT_EQ(r.count, 1);
	KTEST_EXPECT(r.object == p);
	KTEST_EXPECT(!strcmp(r.what, "Poison overwritten"));
	KTEST_EXPECT(CODE_NEAR(r.free_caller, debug_poison_catches_write_after_free));
	/* as Linux: the damaged slab is marked all used; q comes from a new slab */
	KTEST_EXPECT(q && virt_to_page(q) != virt_to_page(p));
	kmem_cache_free(s, q);
	/* the cache keeps the slab it gave up on, so it stays (kmem_cache_destroy would
	 * refuse it, as Linux's would) */
	return KTEST_PASS;
}

static const struct ktest_case slab_cases[] = {
	{ "kmalloc_size_classes_8_to_8k", kmalloc_size_classes_8_to_8k },
	{ "slab_stress_per_size_class", slab_stress_per_size_class },
	{ "slab_cross_cpu_frees", slab_cross_cpu_frees },
	{ "kmalloc_large_comes_from_buddy", kmalloc_large_comes_from_buddy },
	{ "kmem_cache_create_aligned_objects", kmem_cache_create_aligned_objects },
	{ "kmem_cache_destroy_keeps_a_busy_cache", kmem_cache_destroy_keeps_a_busy_cache },
	{ "kmem_cache_destroy_frees_other_cpus_slabs", kmem_cache_destroy_frees_other_cpus_slabs },
	{ "debug_redzone_catches_overflow", debug_redzone_catches_overflow },
	{ "debug_double_free_is_caught", debug_double_free_is_caught },
	{ "debug_poison_catches_write_after_free", debug_poison_catches_write_after_free },
};
KTEST_SUITE(slab, slab_cases);
