/* The fake VM (fake_target.h). */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target.h"

void fake__init(struct fake *f, uint64_t base, uint64_t size, uint64_t table_off)
{
	memset(f, 0, sizeof(*f));
	f->ram = calloc(1, size);
	if (!f->ram)
		abort();
	f->base = base;
	f->size = size;
	f->next = base + table_off;
	f->ncpus = 1;
}

void fake__free(struct fake *f)
{
	free(f->ram);
	if (f->tlb)
		mmu__tlb_destroy(f->tlb);
	memset(f, 0, sizeof(*f));
}

static uint8_t *at(struct fake *f, uint64_t pa, size_t len)
{
	if (pa < f->base || pa - f->base > f->size || len > f->size - (pa - f->base)) {
		fprintf(stderr, "fake: PA %#llx outside RAM\n", (unsigned long long)pa);
		abort();
	}
	return f->ram + (pa - f->base);
}

void fake__w64(struct fake *f, uint64_t pa, uint64_t v)
{
	uint64_t le = htole64(v);

	memcpy(at(f, pa, 8), &le, 8);
}

uint64_t fake__r64(struct fake *f, uint64_t pa)
{
	uint64_t le;

	memcpy(&le, at(f, pa, 8), 8);
	return le64toh(le);
}

uint64_t fake__table(struct fake *f, uint64_t bytes)
{
	uint64_t pa;

	if (bytes < 64)
		bytes = 64;
	pa = (f->next + bytes - 1) & ~(bytes - 1);
	f->next = pa + bytes;
	memset(at(f, pa, bytes), 0, bytes);
	return pa;
}

void fake__tree(struct fake *f, struct fake_tree *t, unsigned gshift, unsigned ia_bits)
{
	unsigned stride = gshift - 3, top;

	t->gshift = gshift;
	t->ia_bits = ia_bits;
	t->start = 3 - (int)((ia_bits - 1 - gshift) / stride);
	/* the start table holds 2^(bits left above its level's output size) entries */
	top = ia_bits - (gshift + (unsigned)(3 - t->start) * stride);
	t->root = fake__table(f, 8ull << top);
	t->table_flags = 0;
}

uint64_t fake__map(struct fake *f, const struct fake_tree *t, uint64_t ia, int level,
		   uint64_t desc)
{
	unsigned stride = t->gshift - 3;
	uint64_t table = t->root;

	for (int l = t->start;; l++) {
		unsigned shift = t->gshift + (unsigned)(3 - l) * stride;
		unsigned bits = l == t->start ? t->ia_bits - shift : stride;
		uint64_t idx = (ia >> shift) & ((1ull << bits) - 1), pa = table + 8 * idx, d;

		if (l == level) {
			fake__w64(f, pa, desc);
			return pa;
		}
		d = fake__r64(f, pa);
		if (!(d & 1)) { /* no table yet: a new one of one granule */
			d = fake__table(f, 1ull << t->gshift) | 3 | t->table_flags;
			fake__w64(f, pa, d);
		}
		table = d & 0xfffffffff000ull & ~((1ull << t->gshift) - 1);
	}
}

/* ---- the target ops ---- */

static unsigned ncpus(void *t) { return ((struct fake *)t)->ncpus; }
static bool paused(void *t) { return ((struct fake *)t)->paused; }

static int pause_(void *t)
{
	struct fake *f = t;

	f->pauses++;
	f->paused = true;
	return 0;
}

static int resume(void *t)
{
	struct fake *f = t;

	f->resumes++;
	f->paused = false;
	return 0;
}

static int quit(void *t)
{
	((struct fake *)t)->quits++;
	return 0;
}

static int get_regs(void *t, unsigned cpu, struct vcpu_regs *out)
{
	struct fake *f = t;

	if (cpu >= f->ncpus)
		return -EINVAL;
	*out = f->regs[cpu];
	return 0;
}

static int read_phys(void *t, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = t;

	f->reads++;
	if (pa < f->base || pa - f->base > f->size || len > f->size - (pa - f->base))
		return -EFAULT;
	memcpy(buf, f->ram + (pa - f->base), len);
	return 0;
}

static int mmu_view(void *t, unsigned cpu, monitor_mmu_fn *fn, void *arg)
{
	struct fake *f = t;
	struct monitor_mmu_view v = { f->tlb, &f->caches, &f->walks };

	if (cpu >= f->ncpus)
		return -EINVAL;
	fn(arg, &v);
	return 0;
}

static int stats(void *t, monitor_stat_fn *put, void *arg)
{
	struct fake *f = t;

	put(arg, "cpu0.insns", 12345);
	put(arg, "monitor.reads", f->reads);
	return 0;
}

/* KVM's map as kvm_monitor.c gives it (in address order): a made-up host address and a
 * slot with dirty logging, to see every field. */
static int phys_map(void *t, monitor_phys_fn *put, void *arg)
{
	static const struct monitor_phys_range r[] = {
		{ .ipa = 0x08000000, .size = 0x10000, .kind = MONITOR_PHYS_KERNEL_DEV,
		  .name = "gicv3-distributor (KVM vGIC)", .slot = -1 },
		{ .ipa = 0x09000000, .size = 0x1000, .kind = MONITOR_PHYS_MMIO, .name = "pl011",
		  .slot = -1 },
		{ .ipa = 0x40000000, .size = 0x10000000, .kind = MONITOR_PHYS_MEMSLOT, .name = "ram",
		  .slot = 0, .host = 0x7f1234560000ull, .flags = 1, .dirty_log = true },
	};

	(void)t;
	for (unsigned k = 0; k < sizeof(r) / sizeof(r[0]); k++)
		put(arg, &r[k]);
	return 0;
}

const struct monitor_target_ops fake_kvm_ops = {
	.ncpus = ncpus, .pause = pause_, .resume = resume, .paused = paused, .quit = quit,
	.get_regs = get_regs, .read_phys = read_phys, .phys_map = phys_map,
};

const struct monitor_target_ops fake_ops = {
	.ncpus = ncpus, .pause = pause_, .resume = resume, .paused = paused, .quit = quit,
	.get_regs = get_regs, .read_phys = read_phys,
};

const struct monitor_target_ops fake_model_ops = {
	.ncpus = ncpus, .pause = pause_, .resume = resume, .paused = paused, .quit = quit,
	.get_regs = get_regs, .read_phys = read_phys, .mmu_view = mmu_view, .stats = stats,
};
