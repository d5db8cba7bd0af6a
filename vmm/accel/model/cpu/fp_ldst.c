/* Loads and stores of SIMD&FP registers (Arm ARM C4.1.88 "Loads and Stores", V = 1):
 * B/H/S/D/Q registers with every addressing form (unsigned offset, unscaled, pre/post-
 * index, register offset, literal), pairs (LDP/STP/LDNP/STNP of S/D/Q), and the
 * structure forms: LD1-LD4/ST1-ST4 of multiple structures, of a single structure (one
 * lane), LD1R-LD4R (replicate), each with or without post-index.
 *
 * A 128-bit access is two 64-bit ones (low address first); a load writes its registers
 * only after every access succeeded, so a fault leaves them unchanged. */
#include "mem/mem.h"
#include "cpu/fp.h"

/* aux of the single-register and pair forms */
#define A_SIZE(a) ((a) & 7)              /* log2 bytes: 0 B .. 4 Q */
#define A_LOAD 8u
#define A_WB(a) (((a) >> 4) & 3)
#define A_REG 64u                       /* register offset: option/S in the encoding */
enum { WB_NONE, WB_POST, WB_PRE };
#define MK(size, load, wb) ((size) | ((load) ? A_LOAD : 0) | ((wb) << 4))

static inline int base(struct cpu *c, unsigned n, uint64_t *addr)
{
	uint64_t v = c->x[n];
	*addr = v;
	if (unlikely(n == 31) && (v & 15)) {
		uint64_t sa = c->el ? SCTLR_SA : SCTLR_SA0;
		if (c->sr.sctlr_el1 & sa)
			return exc__sync(c, EC_SP_ALIGN, 0, 0);
	}
	return 0;
}

/* size-sized (log2 bytes, up to 4) value at addr into lo/hi */
static inline int vread(struct cpu *c, uint64_t addr, unsigned size, uint64_t *lo, uint64_t *hi)
{
	int r;
	*hi = 0;
	if (size == 4) {
		if ((r = mem_read(c, addr, 8, lo)) || (r = mem_read(c, addr + 8, 8, hi)))
			return r;
		return 0;
	}
	return mem_read(c, addr, 1u << size, lo);
}

static inline int vwrite(struct cpu *c, uint64_t addr, unsigned size, unsigned t)
{
	int r;
	if (size == 4) {
		if ((r = mem_write(c, addr, 8, c->v[t].d[0])) || (r = mem_write(c, addr + 8, 8, c->v[t].d[1])))
			return r;
		return 0;
	}
	uint64_t v = c->v[t].d[0];
	if (size < 3)
		v &= (1ull << (8u << size)) - 1;
	return mem_write(c, addr, 1u << size, v);
}

static inline int single(struct cpu *c, unsigned aux, unsigned t, uint64_t addr)
{
	uint64_t lo, hi;
	int r;
	if (!(aux & A_LOAD))
		return vwrite(c, addr, A_SIZE(aux), t);
	if ((r = vread(c, addr, A_SIZE(aux), &lo, &hi)))
		return r;
	vset(c, t, lo, hi);
	return 0;
}

/* [Xn, #imm], [Xn, #imm]!, [Xn], #imm */
static int v_ldst_imm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), wb = A_WB(d->aux);
	uint64_t b;
	int r;
	FP_CHECK(c);
	if ((r = base(c, n, &b)) || (r = single(c, d->aux, RD(i), wb == WB_POST ? b : b + d->imm)))
		return r;
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

/* the common ones: LDR/STR Q|D, [Xn, #uimm] */
static int v_ldr_q(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, lo, hi;
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)) || (r = mem_read(c, b + d->imm, 8, &lo)) ||
	    (r = mem_read(c, b + d->imm + 8, 8, &hi)))
		return r;
	vset(c, RD(i), lo, hi);
	return X_NEXT;
}

static int v_str_q(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)) || (r = mem_write(c, b + d->imm, 8, c->v[RD(i)].d[0])) ||
	    (r = mem_write(c, b + d->imm + 8, 8, c->v[RD(i)].d[1])))
		return r;
	return X_NEXT;
}

static int v_ldr_d(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, lo;
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)) || (r = mem_read(c, b + d->imm, 8, &lo)))
		return r;
	vset(c, RD(i), lo, 0);
	return X_NEXT;
}

static int v_str_d(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)))
		return r;
	return mem_write(c, b + d->imm, 8, c->v[RD(i)].d[0]);
}

static int v_ldst_reg(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned opt = BITS(i, 15, 13), sh = BIT(i, 12) ? A_SIZE(d->aux) : 0;
	uint64_t m = rz(c, RM(i)), b;
	int r;
	FP_CHECK(c);
	switch (opt) {
	case 2: m = (uint32_t)m; break;
	case 6: m = (uint64_t)(int64_t)(int32_t)m; break;
	default: break;
	}
	if ((r = base(c, RN(i), &b)) || (r = single(c, d->aux, RD(i), b + (m << sh))))
		return r;
	return X_NEXT;
}

static int v_ld_literal(struct cpu *c, const struct dent *d)
{
	int r;
	FP_CHECK(c);
	if ((r = single(c, d->aux, RD(d->insn), c->pc + d->imm)))
		return r;
	return X_NEXT;
}

static int v_ldst_pair(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), t = RD(i), t2 = RT2(i), wb = A_WB(d->aux), size = A_SIZE(d->aux);
	uint64_t b, addr, lo1, hi1, lo2, hi2;
	int r;
	FP_CHECK(c);
	if ((r = base(c, n, &b)))
		return r;
	addr = wb == WB_POST ? b : b + d->imm;
	if (d->aux & A_LOAD) {
		if ((r = vread(c, addr, size, &lo1, &hi1)) ||
		    (r = vread(c, addr + (1u << size), size, &lo2, &hi2)))
			return r;
		vset(c, t, lo1, hi1);
		vset(c, t2, lo2, hi2);
	} else {
		if ((r = vwrite(c, addr, size, t)) || (r = vwrite(c, addr + (1u << size), size, t2)))
			return r;
	}
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

/* ---- structures ---- */

/* aux: selem-1 (2 bits), rpt-1 (2 bits), esize log2 (2), Q, L, post, replicate, scalar
 * index (4 bits) */
#define S_SELEM(a) (((a) & 3) + 1)
#define S_RPT(a) ((((a) >> 2) & 3) + 1)
#define S_ESIZE(a) (((a) >> 4) & 3)
#define S_Q 0x40u
#define S_L 0x80u
#define S_POST 0x100u
#define S_REPL 0x200u
#define S_INDEX(a) (((a) >> 10) & 15)

static inline int post_index(struct cpu *c, uint32_t i, unsigned aux, uint64_t b, uint64_t offs)
{
	if (aux & S_POST)
		c->x[RN(i)] = b + (RM(i) == 31 ? offs : c->x[RM(i)]);
	return X_NEXT;
}

/* LD1-LD4/ST1-ST4 (multiple structures) */
static int v_ldst_multi(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned aux = d->aux, selem = S_SELEM(aux), rpt = S_RPT(aux), es = S_ESIZE(aux);
	unsigned t = RD(i), ebytes = 1u << es, elems = ((aux & S_Q) ? 16 : 8) >> es;
	union vreg tmp[4];
	uint64_t b, addr, v;
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)))
		return r;
	addr = b;
	bool load = aux & S_L;
	if (selem == 1 && !c->align_mask) { /* contiguous: whole 64-bit chunks */
		for (unsigned k = 0; k < rpt; k++) {
			unsigned tt = (t + k) & 31;
			for (unsigned h = 0; h < ((aux & S_Q) ? 2u : 1u); h++, addr += 8) {
				if (load) {
					if ((r = mem_read(c, addr, 8, &tmp[k].d[h])))
						return r;
				} else if ((r = mem_write(c, addr, 8, c->v[tt].d[h]))) {
					return r;
				}
			}
		}
	} else {
		for (unsigned k = 0; k < rpt; k++)
			for (unsigned e = 0; e < elems; e++)
				for (unsigned s = 0; s < selem; s++, addr += ebytes) {
					unsigned reg = k + s, tt = (t + reg) & 31;
					if (load) {
						if ((r = mem_read(c, addr, ebytes, &v)))
							return r;
						lane_set(&tmp[reg], es, e, v);
					} else if ((r = mem_write(c, addr, ebytes,
								  lane_get(&c->v[tt], es, e)))) {
						return r;
					}
				}
	}
	if (load)
		for (unsigned k = 0; k < rpt * selem; k++)
			vset_q(c, (t + k) & 31, &tmp[k], aux & S_Q);
	return post_index(c, i, aux, b, addr - b);
}

/* LD1-LD4/ST1-ST4 (single structure) and LD1R-LD4R */
static int v_ldst_one(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned aux = d->aux, selem = S_SELEM(aux), es = S_ESIZE(aux), idx = S_INDEX(aux);
	unsigned t = RD(i), ebytes = 1u << es;
	uint64_t b, addr, v[4];
	int r;
	FP_CHECK(c);
	if ((r = base(c, RN(i), &b)))
		return r;
	addr = b;
	for (unsigned s = 0; s < selem; s++, addr += ebytes) {
		if (aux & S_L) {
			if ((r = mem_read(c, addr, ebytes, &v[s])))
				return r;
		} else if ((r = mem_write(c, addr, ebytes, lane_get(&c->v[(t + s) & 31], es, idx)))) {
			return r;
		}
	}
	if (aux & S_L)
		for (unsigned s = 0; s < selem; s++) {
			unsigned tt = (t + s) & 31;
			if (aux & S_REPL) {
				union vreg x;
				for (unsigned e = 0; e < (16u >> es); e++)
					lane_set(&x, es, e, v[s]);
				vset_q(c, tt, &x, aux & S_Q);
			} else {
				lane_set(&c->v[tt], es, idx, v[s]);
			}
		}
	return post_index(c, i, aux, b, addr - b);
}

static bool decode_multi(uint32_t i, struct dent *d)
{
	static const signed char sel[16] = { 4, -1, 1, -1, 3, -1, 1, 1, 2, -1, 1, -1, -1, -1, -1, -1 };
	static const signed char rpt[16] = { 1, -1, 4, -1, 1, -1, 3, 1, 1, -1, 2, -1, -1, -1, -1, -1 };
	unsigned op = BITS(i, 15, 12), size = BITS(i, 11, 10), q = BIT(i, 30);
	if (BIT(i, 31) || BIT(i, 21) || sel[op] < 0)
		return false;
	if (!BIT(i, 23) && RM(i) != 0)
		return false;
	if (size == 3 && !q && sel[op] != 1)
		return false;
	d->aux = (unsigned)(sel[op] - 1) | ((unsigned)(rpt[op] - 1) << 2) | (size << 4) |
		 (q ? S_Q : 0) | (BIT(i, 22) ? S_L : 0) | (BIT(i, 23) ? S_POST : 0);
	d->fn = v_ldst_multi;
	return true;
}

static bool decode_one(uint32_t i, struct dent *d)
{
	unsigned op = BITS(i, 15, 13), s = BIT(i, 12), size = BITS(i, 11, 10), q = BIT(i, 30);
	unsigned selem = (((op & 1) << 1) | BIT(i, 21)) + 1, scale = op >> 1, idx = 0;
	bool repl = false;
	if (BIT(i, 31) || (!BIT(i, 23) && RM(i) != 0))
		return false;
	switch (scale) {
	case 3:
		if (!BIT(i, 22) || s)
			return false;
		scale = size;
		repl = true;
		break;
	case 0:
		idx = (q << 3) | (s << 2) | size;
		break;
	case 1:
		if (size & 1)
			return false;
		idx = (q << 2) | (s << 1) | (size >> 1);
		break;
	default:
		if (size & 2)
			return false;
		if (!(size & 1)) {
			idx = (q << 1) | s;
		} else {
			if (s)
				return false;
			idx = q;
			scale = 3;
		}
		break;
	}
	d->aux = (selem - 1) | (scale << 4) | (q ? S_Q : 0) | (BIT(i, 22) ? S_L : 0) |
		 (BIT(i, 23) ? S_POST : 0) | (repl ? S_REPL : 0) | (idx << 10);
	d->fn = v_ldst_one;
	return true;
}

/* ---- registers ---- */

static bool decode_literal(uint32_t i, struct dent *d)
{
	unsigned opc = BITS(i, 31, 30);
	if (opc == 3)
		return false;
	d->aux = MK(opc + 2, 1, WB_NONE);
	d->imm = (uint64_t)sext(BITS(i, 23, 5), 19) << 2;
	d->fn = v_ld_literal;
	return true;
}

static bool decode_pair(uint32_t i, struct dent *d)
{
	unsigned opc = BITS(i, 31, 30), mode = BITS(i, 24, 23);
	if (opc == 3)
		return false;
	unsigned size = opc + 2, wb = mode == 1 ? WB_POST : mode == 3 ? WB_PRE : WB_NONE;
	d->imm = (uint64_t)sext(BITS(i, 21, 15), 7) << size;
	d->aux = MK(size, BIT(i, 22), wb);
	d->fn = v_ldst_pair;
	return true;
}

static bool decode_single(uint32_t i, struct dent *d)
{
	unsigned size = BITS(i, 31, 30), opc = BITS(i, 23, 22);
	bool load = opc & 1;
	if (opc & 2) {
		if (size)
			return false;
		size = 4; /* Q */
	}
	if (BIT(i, 24)) {
		d->imm = (uint64_t)BITS(i, 21, 10) << size;
		d->aux = MK(size, load, WB_NONE);
		d->fn = v_ldst_imm;
		if (size == 4)
			d->fn = load ? v_ldr_q : v_str_q;
		else if (size == 3)
			d->fn = load ? v_ldr_d : v_str_d;
		return true;
	}
	if (BIT(i, 21)) {
		if (BITS(i, 11, 10) != 2 || !BIT(i, 14))
			return false;
		d->aux = MK(size, load, WB_NONE) | A_REG;
		d->fn = v_ldst_reg;
		return true;
	}
	unsigned op4 = BITS(i, 11, 10);
	if (op4 == 2)
		return false; /* no unprivileged SIMD&FP forms */
	d->imm = (uint64_t)sext(BITS(i, 20, 12), 9);
	d->aux = MK(size, load, op4 == 1 ? WB_POST : op4 == 3 ? WB_PRE : WB_NONE);
	d->fn = v_ldst_imm;
	return true;
}

bool decode__fp_ldst(uint32_t i, struct dent *d)
{
	switch (BITS(i, 29, 28)) {
	case 0:
		if (BIT(i, 24))
			return decode_one(i, d);
		return decode_multi(i, d);
	case 1:
		if (BIT(i, 24))
			return false;
		return decode_literal(i, d);
	case 2:
		return decode_pair(i, d);
	default:
		return decode_single(i, d);
	}
}
