/* Advanced SIMD copies, permutes and lookups (Arm ARM C4.1.95): DUP (element, general),
 * INS (element, general), UMOV, SMOV, scalar DUP (MOV Vd, Vn.T[i]), ZIP1/2, UZP1/2,
 * TRN1/2, EXT, TBL and TBX with one to four table registers. */
#include "cpu/fp.h"

/* bytes of a result: 16, 8, or a scalar's */
static inline void vset_bytes(struct cpu *c, unsigned n, const union vreg *r, unsigned bytes)
{
	union vreg t = *r;
	if (bytes < 16) {
		t.d[1] = 0;
		if (bytes < 8)
			t.d[0] &= (1ull << (8 * bytes)) - 1;
	}
	c->v[n] = t;
}

/* aux: size (log2 bytes of the element) in bits 1:0, index in bits 7:4, Q in bit 8,
 * source index (INS element) in bits 15:12 */
#define P_SIZE(a) ((a) & 3)
#define P_IDX(a) (((a) >> 4) & 15)
#define P_Q(a) (((a) >> 8) & 1)
#define P_IDX2(a) (((a) >> 12) & 15)

static int dup_elem(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux), n = 16u >> sz;
	FP_CHECK(c);
	uint64_t v = lane_get(&c->v[RN(i)], sz, P_IDX(d->aux));
	union vreg r;
	for (unsigned k = 0; k < n; k++)
		lane_set(&r, sz, k, v);
	vset_q(c, RD(i), &r, P_Q(d->aux));
	return X_NEXT;
}

static int dup_gen(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux), n = 16u >> sz;
	FP_CHECK(c);
	uint64_t v = rz(c, RN(i));
	union vreg r;
	for (unsigned k = 0; k < n; k++)
		lane_set(&r, sz, k, v);
	vset_q(c, RD(i), &r, P_Q(d->aux));
	return X_NEXT;
}

static int dup_scalar(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux);
	FP_CHECK(c);
	vset(c, RD(i), lane_get(&c->v[RN(i)], sz, P_IDX(d->aux)), 0);
	return X_NEXT;
}

static int ins_gen(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	FP_CHECK(c);
	lane_set(&c->v[RD(i)], P_SIZE(d->aux), P_IDX(d->aux), rz(c, RN(i)));
	return X_NEXT;
}

static int ins_elem(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux);
	FP_CHECK(c);
	lane_set(&c->v[RD(i)], sz, P_IDX(d->aux), lane_get(&c->v[RN(i)], sz, P_IDX2(d->aux)));
	return X_NEXT;
}

/* UMOV (aux bit 9 clear) and SMOV (set; Q: to X, else to W) */
static int mov_to_gen(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux);
	FP_CHECK(c);
	uint64_t v = lane_get(&c->v[RN(i)], sz, P_IDX(d->aux));
	if (d->aux & 0x200) {
		v = (uint64_t)sext(v, 8u << sz);
		if (!P_Q(d->aux))
			v = (uint32_t)v;
	}
	wz(c, RD(i), v);
	return X_NEXT;
}

/* ZIP/UZP/TRN: aux bits 11:9 the opcode */
static int permute(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = P_SIZE(d->aux), q = P_Q(d->aux), op = (d->aux >> 9) & 7;
	unsigned n = (q ? 16u : 8u) >> sz, part = op >> 2, half = n / 2;
	FP_CHECK(c);
	const union vreg a = c->v[RN(i)], b = c->v[RM(i)];
	union vreg r = { .d = { 0, 0 } };
	switch (op & 3) {
	case 1: /* UZP */
		for (unsigned k = 0; k < n; k++) {
			unsigned e = 2 * k + part;
			lane_set(&r, sz, k, e < n ? lane_get(&a, sz, e) : lane_get(&b, sz, e - n));
		}
		break;
	case 2: /* TRN */
		for (unsigned p = 0; p < half; p++) {
			lane_set(&r, sz, 2 * p, lane_get(&a, sz, 2 * p + part));
			lane_set(&r, sz, 2 * p + 1, lane_get(&b, sz, 2 * p + part));
		}
		break;
	default: /* ZIP */
		for (unsigned p = 0; p < half; p++) {
			lane_set(&r, sz, 2 * p, lane_get(&a, sz, p + part * half));
			lane_set(&r, sz, 2 * p + 1, lane_get(&b, sz, p + part * half));
		}
		break;
	}
	vset_q(c, RD(i), &r, q);
	return X_NEXT;
}

static int ext(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned q = P_Q(d->aux), pos = P_IDX(d->aux), n = q ? 16 : 8;
	FP_CHECK(c);
	const union vreg a = c->v[RN(i)], b = c->v[RM(i)];
	union vreg r = { .d = { 0, 0 } };
	for (unsigned k = 0; k < n; k++) {
		unsigned e = pos + k;
		r.b[k] = e < n ? a.b[e] : b.b[e - n];
	}
	vset_q(c, RD(i), &r, q);
	return X_NEXT;
}

/* TBL/TBX: aux bits 5:4 len - 1, bit 6 TBX */
static int tbl(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned q = P_Q(d->aux), regs = ((d->aux >> 4) & 3) + 1, n = q ? 16 : 8;
	FP_CHECK(c);
	uint8_t table[64];
	for (unsigned k = 0; k < regs; k++)
		memcpy(table + 16 * k, &c->v[(RN(i) + k) & 31], 16);
	const union vreg idx = c->v[RM(i)];
	union vreg r = (d->aux & 0x40) ? c->v[RD(i)] : (union vreg){ .d = { 0, 0 } };
	for (unsigned k = 0; k < n; k++)
		if (idx.b[k] < 16 * regs)
			r.b[k] = table[idx.b[k]];
	vset_q(c, RD(i), &r, q);
	return X_NEXT;
}

/* imm5: the lowest set bit gives the size, the bits above it the index */
static bool imm5_size(unsigned imm5, unsigned *sz, unsigned *idx)
{
	if (!(imm5 & 15))
		return false;
	*sz = (unsigned)__builtin_ctz(imm5);
	*idx = imm5 >> (*sz + 1);
	return true;
}

bool decode__simd_perm(uint32_t i, struct dent *d)
{
	unsigned q = BIT(i, 30), u = BIT(i, 29), sz, idx;
	bool scalar = BIT(i, 28);
	if (BITS(i, 24, 21) == 0 && !BIT(i, 15) && BIT(i, 10)) { /* copy */
		unsigned imm5 = BITS(i, 20, 16), imm4 = BITS(i, 14, 11);
		if (!imm5_size(imm5, &sz, &idx))
			return false;
		d->aux = sz | (idx << 4) | (q << 8);
		if (scalar) {
			if (u || imm4)
				return false;
			d->fn = dup_scalar;
			return true;
		}
		if (u) { /* INS (element) */
			if (!q)
				return false;
			d->aux |= (imm4 >> sz) << 12;
			d->fn = ins_elem;
			return true;
		}
		switch (imm4) {
		case 0:
			if (sz == 3 && !q)
				return false;
			d->fn = dup_elem;
			return true;
		case 1:
			if (sz == 3 && !q)
				return false;
			d->fn = dup_gen;
			return true;
		case 3:
			if (!q)
				return false;
			d->fn = ins_gen;
			return true;
		case 5: /* SMOV */
			if (sz == 3 || (sz == 2 && !q))
				return false;
			d->aux |= 0x200;
			d->fn = mov_to_gen;
			return true;
		case 7: /* UMOV */
			if (q ? sz != 3 : sz == 3)
				return false;
			d->fn = mov_to_gen;
			return true;
		default:
			return false;
		}
	}
	if (scalar || BIT(i, 24) || BIT(i, 21) || BIT(i, 15))
		return false;
	sz = BITS(i, 23, 22);
	if (!u && BITS(i, 11, 10) == 2) { /* ZIP/UZP/TRN */
		unsigned op = BITS(i, 14, 12);
		if ((op & 3) == 0 || (sz == 3 && !q))
			return false;
		d->aux = sz | (q << 8) | (op << 9);
		d->fn = permute;
		return true;
	}
	if (u && sz == 0 && !BIT(i, 10)) { /* EXT */
		unsigned imm4 = BITS(i, 14, 11);
		if (!q && (imm4 & 8))
			return false;
		d->aux = (imm4 << 4) | (q << 8);
		d->fn = ext;
		return true;
	}
	if (!u && sz == 0 && BITS(i, 11, 10) == 0) { /* TBL, TBX */
		d->aux = (BITS(i, 14, 13) << 4) | (BIT(i, 12) << 6) | (q << 8);
		d->fn = tbl;
		return true;
	}
	return false;
}
