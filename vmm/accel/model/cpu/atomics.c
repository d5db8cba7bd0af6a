/* Exclusives (LDXR/STXR and pairs) with the exclusive monitor, load-acquire and
 * store-release, and the LSE atomics (LDADD and friends, SWP, CAS, CASP)
 * (Arm ARM B2.9 "Synchronization and semaphores", C3.2.12 "Atomic instructions").
 *
 * vCPUs interleave in one host thread, so every instruction is atomic with respect to
 * the others. The global monitor is modelled as in QEMU: an exclusive load records
 * address and value; the store-exclusive succeeds if the local monitor is still armed
 * for that address and memory still holds the value (a store by another vCPU of a
 * different value makes it fail). Exception entry, ERET and CLREX disarm it. */
#include "mem/mem.h"

static inline uint64_t zext_size(uint64_t v, unsigned size)
{
	return size == 8 ? v : v & ((1ull << (size * 8)) - 1);
}

/* An access that must be aligned whatever SCTLR.A says. */
static int rd_aligned(struct cpu *c, uint64_t a, unsigned size, uint64_t *v)
{
	if (a & (size - 1))
		return mem__read_slow(c, a, size, v, MEMF_ALIGN);
	return mem_read(c, a, size, v);
}

static int base_of(struct cpu *c, unsigned n, uint64_t *a)
{
	uint64_t v = c->x[n];
	*a = v;
	if (n == 31 && (v & 15) && (c->sr.sctlr_el1 & (c->el ? SCTLR_SA : SCTLR_SA0)))
		return exc__sync(c, EC_SP_ALIGN, 0, 0);
	*a = v;
	return 0;
}

/* LDXR/LDAXR, and LDXP/LDAXP when aux = 1 (pair). Register size in d->imm. The
 * monitor keeps the raw bytes read (up to 16). */
static int ldxr(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm, total = size * (d->aux ? 2 : 1);
	uint64_t a, v[2] = { 0, 0 };
	int r;
	if ((r = base_of(c, RN(i), &a)))
		return r;
	if (a & (total - 1))
		return mem__read_slow(c, a, total, &v[0], MEMF_ALIGN); /* alignment fault */
	if (total <= 8) {
		if ((r = mem_read(c, a, total, &v[0])))
			return r;
	} else if ((r = mem_read(c, a, 8, &v[0])) || (r = mem_read(c, a + 8, 8, &v[1]))) {
		return r;
	}
	c->excl_valid = true;
	c->excl_addr = a;
	c->excl_size = total;
	c->excl_val[0] = v[0];
	c->excl_val[1] = v[1];
	if (!d->aux) {
		wz(c, RD(i), v[0]);
	} else if (size == 4) {
		wz(c, RD(i), (uint32_t)v[0]);
		wz(c, RT2(i), v[0] >> 32);
	} else {
		wz(c, RD(i), v[0]);
		wz(c, RT2(i), v[1]);
	}
	return X_NEXT;
}

/* The host pointer for a read-modify-write of len bytes at [Xn|SP], or NULL with *r
 * set: a fault is then already raised in the guest (or the VM is stopping). */
static uint8_t *rmw_operand(struct cpu *c, uint32_t insn, unsigned len, unsigned flags,
			    uint64_t *addr, int *r)
{
	if ((*r = base_of(c, RN(insn), addr)))
		return NULL;
	return mem__rmw_ptr(c, *addr, len, flags, r);
}

/* STXR/STLXR/STXP/STLXP: succeeds if this vCPU's monitor is armed for the same
 * address and size and memory still holds what the exclusive load read. A fault
 * (translation, permission, alignment) is taken whatever the monitor says. */
static int stxr(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm, total = size * (d->aux ? 2 : 1);
	uint64_t a;
	int r;
	uint8_t *p = rmw_operand(c, i, total, MEMF_ALIGN, &a, &r); /* aligned: one page */
	if (!p)
		return r;
	bool ok = c->excl_valid && c->excl_addr == a && c->excl_size == total;
	if (ok) {
		uint64_t cur[2] = { 0, 0 };
		memcpy(cur, p, total);
		ok = cur[0] == c->excl_val[0] && cur[1] == c->excl_val[1];
	}
	if (ok) {
		uint64_t t = rz(c, RD(i)), t2 = d->aux ? rz(c, RT2(i)) : 0;
		if (!d->aux) {
			mem__rmw_store(c, p, size, t);
		} else if (size == 4) {
			mem__rmw_store(c, p, 8, (uint32_t)t | (t2 << 32));
		} else {
			mem__rmw_store(c, p, 8, t);
			mem__rmw_store(c, p + 8, 8, t2);
		}
	}
	c->excl_valid = false;
	wz(c, RS_(i), ok ? 0 : 1);
	return X_NEXT;
}

/* LDAR/STLR: ordinary aligned accesses here (one thread: already ordered). */
static int ldar(struct cpu *c, const struct dent *d)
{
	uint64_t a, v;
	int r;
	if ((r = base_of(c, RN(d->insn), &a)) || (r = rd_aligned(c, a, (unsigned)d->imm, &v)))
		return r;
	wz(c, RD(d->insn), v);
	return X_NEXT;
}

static int stlr(struct cpu *c, const struct dent *d)
{
	uint64_t a;
	unsigned size = (unsigned)d->imm;
	int r;
	if ((r = base_of(c, RN(d->insn), &a)))
		return r;
	if (a & (size - 1))
		return mem__write_slow(c, a, size, rz(c, RD(d->insn)), MEMF_ALIGN);
	return mem_write(c, a, size, rz(c, RD(d->insn)));
}

static uint64_t ld_host(const void *p, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, p, size);
	return v;
}

#define st_host(p, size, v) mem__rmw_store(c, (p), (size), (v))

static int cas(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm, s = RS_(i);
	uint64_t a;
	int r;
	void *p = rmw_operand(c, i, size, 0, &a, &r);
	if (!p)
		return r;
	uint64_t old = ld_host(p, size);
	if (old == zext_size(rz(c, s), size))
		st_host(p, size, rz(c, RD(i)));
	wz(c, s, old);
	return X_NEXT;
}

static int casp(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm, s = RS_(i), t = RD(i);
	uint64_t a;
	int r;
	uint8_t *p = rmw_operand(c, i, 2 * size, 0, &a, &r);
	if (!p)
		return r;
	uint64_t o1 = ld_host(p, size), o2 = ld_host(p + size, size);
	if (o1 == zext_size(rz(c, s), size) && o2 == zext_size(rz(c, s + 1), size)) {
		st_host(p, size, rz(c, t));
		st_host(p + size, size, rz(c, t + 1));
	}
	wz(c, s, o1);
	wz(c, s + 1, o2);
	return X_NEXT;
}

static int64_t sx(uint64_t v, unsigned size) { return sext(v, size * 8); }

/* LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN (aux = opc), SWP (aux 8) */
static int ldop(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned size = (unsigned)d->imm;
	uint64_t a;
	int r;
	void *p = rmw_operand(c, i, size, 0, &a, &r);
	if (!p)
		return r;
	uint64_t old = ld_host(p, size), s = zext_size(rz(c, RS_(i)), size), n;
	switch (d->aux) {
	case 0: n = old + s; break;
	case 1: n = old & ~s; break;
	case 2: n = old ^ s; break;
	case 3: n = old | s; break;
	case 4: n = sx(old, size) > sx(s, size) ? old : s; break;
	case 5: n = sx(old, size) < sx(s, size) ? old : s; break;
	case 6: n = old > s ? old : s; break;
	case 7: n = old < s ? old : s; break;
	default: n = s; break;
	}
	st_host(p, size, n);
	wz(c, RD(i), old);
	return X_NEXT;
}

static bool decode_excl(uint32_t i, struct dent *d)
{
	unsigned size = BITS(i, 31, 30), o2 = BIT(i, 23), l = BIT(i, 22), o1 = BIT(i, 21);
	unsigned o0 = BIT(i, 15);
	d->imm = 1u << size;
	if (!o2 && !o1) {
		d->aux = 0;
		d->fn = l ? ldxr : stxr;
		return true;
	}
	if (!o2 && o1) {
		if (size >= 2) {
			d->imm = size == 3 ? 8 : 4;
			d->aux = 1;
			d->fn = l ? ldxr : stxr;
			return true;
		}
		/* CASP: Rs and Rt even, Rt2 = 11111 */
		if (RT2(i) != 31 || (RS_(i) & 1) || (RD(i) & 1))
			return false;
		d->imm = size ? 8 : 4;
		d->fn = casp;
		return true;
	}
	if (o2 && !o1) {
		if (!o0)
			return false; /* LDLAR/STLLR (FEAT_LOR): not modelled */
		d->fn = l ? ldar : stlr;
		return true;
	}
	if (RT2(i) != 31)
		return false;
	d->fn = cas;
	return true;
}

bool decode__atomics(uint32_t i, struct dent *d)
{
	if (BITS(i, 29, 24) == 0x08)
		return decode_excl(i, d);
	if (BITS(i, 29, 24) == 0x19)
		return false; /* LDAPUR/STLUR (FEAT_LRCPC2): not modelled */
	unsigned o3 = BIT(i, 15), opc = BITS(i, 14, 12);
	d->imm = 1u << BITS(i, 31, 30);
	if (!o3) {
		d->aux = opc;
		d->fn = ldop;
		return true;
	}
	if (opc == 0) {
		d->aux = 8;
		d->fn = ldop;
		return true;
	}
	return false; /* LDAPR (FEAT_LRCPC) and the rest: not modelled */
}
