/* The slow path of guest data accesses: translation through xlat.c (the mmu/ model),
 * alignment and page-crossing rules, RAM versus MMIO, aborts with their syndromes,
 * micro-TLB fills, and dropping decoded code a store overwrites. */
#include <errno.h>

#include "mem/mem.h"
#include "engine/vm.h"
#include "mem/xlat.h"

mem_watch_fn *mem_watch_hook;

/* A flush is a new generation: data micro-TLB tags carry it in their low 12 bits and
 * fetch-TLB entries in a field; every 4094 generations the tables are really cleared. */
void mem__flush_data(struct cpu *c)
{
	if (++c->utlb_gen >= 4095) { /* ~0 (never a tag) has 4095 in its low bits */
		memset(c->utlb, 0xff, sizeof(c->utlb));
		for (unsigned i = 0; i < ITLB_SIZE; i++)
			c->itlb[i] = (struct itlb_ent){ ~0ull, 0, 0 };
		c->utlb_gen = 1;
		if (c->xlat)
			xlat__utlb_cleared(c);
	}
}

void mem__flush(struct cpu *c)
{
	mem__flush_data(c);
}

static int data_abort(struct cpu *c, uint64_t va, bool write, unsigned flags, unsigned fsc,
		      bool s1ptw)
{
	uint32_t iss = fsc;
	if (write || (flags & MEMF_CM))
		iss |= ISS_WNR; /* cache maintenance reports WnR = 1 */
	if (flags & MEMF_CM)
		iss |= ISS_CM;
	if (s1ptw)
		iss |= ISS_S1PTW;
	return exc__sync(c, c->el ? EC_DABT_CUR : EC_DABT_LOW, iss, va);
}

static unsigned regime(const struct cpu *c, unsigned flags)
{
	return (flags & MEMF_UNPRIV) && c->el == 1 ? MMU_EL0 : c->mmu_idx;
}

/* Translate one page's part of an access. */
static int xlate(struct cpu *c, uint64_t va, unsigned idx, bool write, unsigned flags,
		 struct xlat_out *o)
{
	struct xlat_fault f;
	if (xlat__translate(c, va, idx, write ? ACC_WRITE : ACC_READ, o, &f) == 0)
		return 0;
	return data_abort(c, va, write, flags, f.fsc, f.s1ptw);
}

/* (inline, as phys_access: every miss makes one of each) */
static inline __attribute__((always_inline)) void fill(struct cpu *c, unsigned idx, uint64_t va, const struct xlat_out *o, void *host)
{
	struct utlb_ent *e = &c->utlb[idx][(va >> 12) & (UTLB_SIZE - 1)];
	uint64_t page = (va & ~0xfffull) | c->utlb_gen;
	if (o->device || !o->cacheable_fast || c->no_utlb || c->dbg.wp_any || mem_watch_hook)
		return; /* (watchpoints: every access must reach debug__watch, mem_watch_hook) */
	e->rtag = o->readable ? page : ~0ull;
	/* --checks: not for a page a walk read descriptors from (xlat.h), whose stores
	 * need the break-before-make check; the I-cache check's bookkeeping of the others
	 * is done by mem_write and translated code (xlat__note_store, emit_mem.c) */
	e->wtag = o->writable && !vm__is_code(c->vm, o->pa) &&
		  (!c->checks || !xlat__is_table_page(c->vm, o->pa)) ? page : ~0ull;
	e->addend = (uintptr_t)host - (uintptr_t)va;
	/* --checks: every store is checked, they come to checked_store(); not for decoded
	 * code, whose stores drop it (decoding a page flushes every micro-TLB) */
	if (c->checks)
		*xlat__checked_wtag(c, idx, va) =
			o->readable && o->writable && !vm__is_code(c->vm, o->pa) ? page : ~0ull;
}

/* --checks: a store whose page the micro-TLB maps (a translation that passed the stale
 * check and allowed the write, xlat.c; not decoded code: fill) needs no translation,
 * only the store checks. */
static bool checked_store(struct cpu *c, uint64_t va, unsigned size, uint64_t val,
			  unsigned flags)
{
	unsigned idx = regime(c, flags);
	struct utlb_ent *e = &c->utlb[idx][(va >> 12) & (UTLB_SIZE - 1)];
	uint64_t tag = (va & ~0xfffull) | c->utlb_gen;
	if (e->rtag != tag || *xlat__checked_wtag(c, idx, va) != tag ||
	    (va & 0xfff) > 4096 - size || (va & (size - 1) & (c->align_mask | -(uint64_t)(flags & MEMF_ALIGN))) ||
	    (flags & MEMF_CM) || c->dbg.wp_any || mem_watch_hook)
		return false;
	uint8_t *p = (uint8_t *)(uintptr_t)(va + e->addend);
	uint64_t pa = c->vm->ram_base + (uint64_t)(p - c->vm->ram);
	xlat__check_store(c, pa, size, &val);
	memcpy(p, &val, size);
	c->st.utlb_hits++;
	return true;
}

/* One access inside one page, already translated; p: its host address in RAM
 * (vm__ram), or NULL for MMIO. */
static inline __attribute__((always_inline)) int phys_access(struct cpu *c, uint64_t va, const struct xlat_out *o, unsigned size,
		       uint8_t *buf, bool write, unsigned flags, void *p)
{
	struct model_vm *vm = c->vm;
	if (unlikely(c->no_utlb))
		xlat__cache_access(c, o, size, write);
	if (p) {
		if (write) {
			vm__store_to_code(vm, o->pa);
			if (unlikely(c->checks))
				xlat__check_store(c, o->pa, size, buf);
			if (size == 8) /* the common sizes as one move each, not a call */
				memcpy(p, buf, 8);
			else if (size == 4)
				memcpy(p, buf, 4);
			else
				memcpy(p, buf, size);
		} else {
			memcpy(buf, p, size);
		}
		return 0;
	}
	/* MMIO: one bus access of the natural size, else byte by byte */
	int err;
	if (size == 1 || size == 2 || size == 4 || size == 8) {
		uint64_t v = 0;
		if (write) {
			memcpy(&v, buf, size);
			err = vm__bus_write(vm, c, o->pa, size, v);
		} else {
			err = vm__bus_read(vm, c, o->pa, size, &v);
			memcpy(buf, &v, size);
		}
	} else {
		err = 0;
		for (unsigned k = 0; k < size && !err; k++) {
			uint64_t v = buf[k];
			if (write)
				err = vm__bus_write(vm, c, o->pa + k, 1, v);
			else if (!(err = vm__bus_read(vm, c, o->pa + k, 1, &v)))
				buf[k] = (uint8_t)v;
		}
	}
	if (vm->stop)
		return X_STOP;
	if (err)
		return data_abort(c, va, write, flags, FSC_SEA, false);
	return 0;
}

/* The second page of an access that crosses one (o1: the first page's translation). */
static __attribute__((noinline)) int access_crossing(struct cpu *c, uint64_t va, unsigned size,
						     uint8_t *buf, bool write, unsigned flags,
						     unsigned idx, const struct xlat_out *o1,
						     unsigned first)
{
	struct xlat_out o2;
	int r;
	uint64_t va2 = va + first;
	if ((r = xlate(c, va2, idx, write, flags, &o2)))
		return r;
	if (unlikely(c->dbg.wp_any) &&
	    (r = debug__watch(c, va2, size - first, write, idx == MMU_EL0)))
		return r;
	if (unlikely(mem_watch_hook) && !(flags & MEMF_CM) &&
	    (r = mem_watch_hook(c, va2, size - first, write)))
		return r;
	if ((r = phys_access(c, va, o1, first, buf, write, flags, vm__ram(c->vm, o1->pa, first))))
		return r;
	return phys_access(c, va2, &o2, size - first, buf + first, write, flags,
			   vm__ram(c->vm, o2.pa, size - first));
}

/* The generic slow access: alignment, page crossing, translation, RAM or bus. Inline
 * in its two callers (every micro-TLB miss comes here), the crossing out of line. */
static inline __attribute__((always_inline)) int access(struct cpu *c, uint64_t va,
							unsigned size, uint8_t *buf, bool write,
							unsigned flags)
{
	unsigned idx = regime(c, flags);
	bool unaligned = (va & (size - 1)) != 0;
	struct xlat_out o1;
	int r;

	if (unaligned && ((flags & MEMF_ALIGN) || c->align_mask))
		return data_abort(c, va, write, flags, FSC_ALIGN, false);
	if ((r = xlate(c, va, idx, write, flags, &o1)))
		return r;
	if (o1.device && unaligned)
		return data_abort(c, va, write, flags, FSC_ALIGN, false);
	unsigned first = 4096 - (va & 0xfff);
	if (unlikely(c->dbg.wp_any) &&
	    (r = debug__watch(c, va, first < size ? first : size, write, idx == MMU_EL0)))
		return r;
	if (unlikely(mem_watch_hook) && !(flags & MEMF_CM) &&
	    (r = mem_watch_hook(c, va, first < size ? first : size, write)))
		return r;
	if (first >= size) {
		/* RAM is whole pages: the page's first byte in RAM is all of it */
		void *host = vm__ram(c->vm, o1.pa, 1);
		if (host)
			fill(c, idx, va, &o1, host);
		return phys_access(c, va, &o1, size, buf, write, flags, host);
	}
	return access_crossing(c, va, size, buf, write, flags, idx, &o1, first);
}

int mem__read_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t *val, unsigned flags)
{
	uint64_t v = 0;
	c->st.utlb_misses++;
	int r = access(c, va, size, (uint8_t *)&v, false, flags);
	if (r == 0)
		*val = v;
	return r;
}

int mem__write_slow(struct cpu *c, uint64_t va, unsigned size, uint64_t val, unsigned flags)
{
	if (unlikely(c->checks) && checked_store(c, va, size, val, flags))
		return 0;
	c->st.utlb_misses++;
	return access(c, va, size, (uint8_t *)&val, true, flags);
}

void *mem__rmw_ptr(struct cpu *c, uint64_t va, unsigned size, unsigned flags, int *r)
{
	unsigned idx = regime(c, flags);
	struct xlat_out o;
	if (va & (size - 1)) {
		*r = data_abort(c, va, true, flags, FSC_ALIGN, false);
		return 0;
	}
	/* fast path: the micro-TLB maps the page for reading and writing (so it is RAM,
	 * not decoded code, and with --checks not a table page: mem__rmw_store checks) */
	struct utlb_ent *e = &c->utlb[idx][(va >> 12) & (UTLB_SIZE - 1)];
	uint64_t tag = (va & ~0xfffull) | c->utlb_gen;
	if (e->wtag == tag && e->rtag == tag) {
		c->st.utlb_hits++;
		*r = 0;
		return (void *)(uintptr_t)(va + e->addend);
	}
	/* --checks: a slot a write translation filled (readable and writable RAM, not
	 * decoded code): as checked_store, no translation; the store itself is checked by
	 * mem__rmw_store */
	if (c->checks && e->rtag == tag && *xlat__checked_wtag(c, idx, va) == tag &&
	    (va & 0xfff) <= 4096 - size && !c->dbg.wp_any && !mem_watch_hook) {
		c->st.utlb_hits++;
		*r = 0;
		return (void *)(uintptr_t)(va + e->addend);
	}
	c->st.utlb_misses++;
	/* a read-modify-write needs read permission too: check it first */
	if ((*r = xlate(c, va, idx, false, flags, &o)))
		return 0;
	if ((*r = xlate(c, va, idx, true, flags, &o)))
		return 0;
	if (unlikely(c->dbg.wp_any) && (*r = debug__watch_rw(c, va, size, 2, idx == MMU_EL0)))
		return 0;
	if (unlikely(mem_watch_hook) && (*r = mem_watch_hook(c, va, size, 2)))
		return 0;
	void *p = vm__ram(c->vm, o.pa, size);
	if (!p) {
		*r = data_abort(c, va, true, flags, FSC_SEA, false);
		return 0;
	}
	vm__store_to_code(c->vm, o.pa);
	if (unlikely(c->no_utlb))
		xlat__cache_access(c, &o, size, true);
	if (o.readable)
		fill(c, idx, va, &o, p);
	*r = 0;
	return p;
}

void mem__rmw_store(struct cpu *c, void *host, unsigned size, uint64_t val)
{
	if (c->checks)
		xlat__check_store(c, c->vm->ram_base + (uint64_t)((uint8_t *)host - c->vm->ram), size,
				  &val);
	memcpy(host, &val, size);
}
