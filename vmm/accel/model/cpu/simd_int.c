/* Advanced SIMD integer instructions, vector and scalar (Arm ARM C4.1.95): three same
 * (arithmetic, halving, saturating, compares, shifts by register, min/max, absolute
 * difference, multiply(-accumulate), doubling high multiplies, pairwise, logic), three
 * different (long, wide, narrowing high half, multiply long), two-register
 * miscellaneous, across lanes, shifts by immediate (incl. narrowing and saturating),
 * modified immediate (MOVI, MVNI, ORR, BIC, FMOV vector), by element.
 *
 * The commonest three-same operations have a handler each whose element loop is
 * specialised per element size; the rest share one handler per group with the
 * operation in aux. */
#include "cpu/fp.h"

/* aux: element size (log2 bytes) bits 1:0, lanes bits 8:4, U bit 9, op bits 31:16 */
#define SZ(a) ((a) & 3)
#define NL(a) (((a) >> 4) & 31)
#define U_(a) (((a) >> 9) & 1)
#define OP(a) ((a) >> 16)
#define Q_BIT 0x400u      /* the "2" (upper half) forms, narrowing and long */
#define MK(sz, n, u, op) ((sz) | ((n) << 4) | ((u) << 9) | ((unsigned)(op) << 16))

static inline void vres(struct cpu *c, unsigned n, const union vreg *r, unsigned bytes)
{
	union vreg t = *r;
	if (bytes < 16) {
		t.d[1] = 0;
		if (bytes < 8)
			t.d[0] &= (1ull << (8 * bytes)) - 1;
	}
	c->v[n] = t;
}

typedef __int128 i128;
static inline int64_t S(uint64_t x, unsigned E) { return E >= 64 ? (int64_t)x : sext(x, E); }
static inline uint64_t MASK(unsigned E) { return E >= 64 ? ~0ull : (1ull << E) - 1; }

static inline uint64_t sat_s(struct cpu *c, i128 v, unsigned E)
{
	i128 hi = ((i128)1 << (E - 1)) - 1, lo = -((i128)1 << (E - 1));
	if (v > hi) { c->fpsr |= FPSR_QC; v = hi; }
	else if (v < lo) { c->fpsr |= FPSR_QC; v = lo; }
	return (uint64_t)v & MASK(E);
}

static inline uint64_t sat_u(struct cpu *c, i128 v, unsigned E)
{
	i128 hi = (i128)MASK(E);
	if (v > hi) { c->fpsr |= FPSR_QC; v = hi; }
	else if (v < 0) { c->fpsr |= FPSR_QC; v = 0; }
	return (uint64_t)v;
}

/* SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL (by register) */
static inline uint64_t shl_reg(struct cpu *c, uint64_t a, uint64_t b, unsigned E, bool sgn,
			       bool rnd, bool sat)
{
	int sh = (int8_t)(b & 0xff);
	i128 v = sgn ? (i128)S(a, E) : (i128)a;
	if (sh >= 0) {
		if (sh >= 64)
			v = v == 0 ? 0 : (v > 0 ? (i128)1 << 100 : -((i128)1 << 100));
		else
			v <<= sh;
	} else {
		int s = -sh;
		if (s > 120) s = 120;
		if (rnd)
			v += (i128)1 << (s - 1);
		v >>= s;
	}
	if (sat)
		return sgn ? sat_s(c, v, E) : sat_u(c, v, E);
	return (uint64_t)v & MASK(E);
}

static inline uint64_t polymul(uint64_t a, uint64_t b, unsigned E)
{
	uint64_t r = 0;
	for (unsigned k = 0; k < E; k++)
		if ((b >> k) & 1)
			r ^= a << k;
	return r;
}

/* ---- three same: one op per element ---- */
enum {
	T_SHADD, T_UHADD, T_SQADD, T_UQADD, T_SRHADD, T_URHADD, T_SHSUB, T_UHSUB, T_SQSUB,
	T_UQSUB, T_CMGT, T_CMHI, T_CMGE, T_CMHS, T_SSHL, T_USHL, T_SQSHL, T_UQSHL, T_SRSHL,
	T_URSHL, T_SQRSHL, T_UQRSHL, T_SMAX, T_UMAX, T_SMIN, T_UMIN, T_SABD, T_UABD, T_SABA,
	T_UABA, T_ADD, T_SUB, T_CMTST, T_CMEQ, T_MLA, T_MLS, T_MUL, T_PMUL, T_SQDMULH,
	T_SQRDMULH, T_AND, T_BIC, T_ORR, T_ORN, T_EOR, T_BSL, T_BIT, T_BIF,
};

static inline __attribute__((always_inline)) uint64_t
op3(struct cpu *c, unsigned op, uint64_t a, uint64_t b, uint64_t acc, unsigned E)
{
	int64_t sa = S(a, E), sb = S(b, E);
	uint64_t m = MASK(E);
	switch (op) {
	case T_SHADD: return (uint64_t)(((i128)sa + sb) >> 1) & m;
	case T_UHADD: return (uint64_t)(((i128)a + b) >> 1) & m;
	case T_SQADD: return sat_s(c, (i128)sa + sb, E);
	case T_UQADD: return sat_u(c, (i128)a + b, E);
	case T_SRHADD: return (uint64_t)(((i128)sa + sb + 1) >> 1) & m;
	case T_URHADD: return (uint64_t)(((i128)a + b + 1) >> 1) & m;
	case T_SHSUB: return (uint64_t)(((i128)sa - sb) >> 1) & m;
	case T_UHSUB: return (uint64_t)(((i128)a - b) >> 1) & m;
	case T_SQSUB: return sat_s(c, (i128)sa - sb, E);
	case T_UQSUB: return sat_u(c, (i128)a - b, E);
	case T_CMGT: return sa > sb ? m : 0;
	case T_CMHI: return a > b ? m : 0;
	case T_CMGE: return sa >= sb ? m : 0;
	case T_CMHS: return a >= b ? m : 0;
	case T_SSHL: return shl_reg(c, a, b, E, true, false, false);
	case T_USHL: return shl_reg(c, a, b, E, false, false, false);
	case T_SQSHL: return shl_reg(c, a, b, E, true, false, true);
	case T_UQSHL: return shl_reg(c, a, b, E, false, false, true);
	case T_SRSHL: return shl_reg(c, a, b, E, true, true, false);
	case T_URSHL: return shl_reg(c, a, b, E, false, true, false);
	case T_SQRSHL: return shl_reg(c, a, b, E, true, true, true);
	case T_UQRSHL: return shl_reg(c, a, b, E, false, true, true);
	case T_SMAX: return (uint64_t)(sa > sb ? sa : sb) & m;
	case T_UMAX: return a > b ? a : b;
	case T_SMIN: return (uint64_t)(sa < sb ? sa : sb) & m;
	case T_UMIN: return a < b ? a : b;
	case T_SABD: return (uint64_t)(sa > sb ? (i128)sa - sb : (i128)sb - sa) & m;
	case T_UABD: return (a > b ? a - b : b - a) & m;
	case T_SABA: return (acc + (uint64_t)(sa > sb ? (i128)sa - sb : (i128)sb - sa)) & m;
	case T_UABA: return (acc + (a > b ? a - b : b - a)) & m;
	case T_ADD: return (a + b) & m;
	case T_SUB: return (a - b) & m;
	case T_CMTST: return (a & b) ? m : 0;
	case T_CMEQ: return a == b ? m : 0;
	case T_MLA: return (acc + a * b) & m;
	case T_MLS: return (acc - a * b) & m;
	case T_MUL: return (a * b) & m;
	case T_PMUL: return polymul(a, b, E) & m;
	case T_SQDMULH: return sat_s(c, ((i128)2 * sa * sb) >> E, E);
	case T_SQRDMULH: return sat_s(c, ((i128)2 * sa * sb + ((i128)1 << (E - 1))) >> E, E);
	case T_AND: return a & b;
	case T_BIC: return a & ~b;
	case T_ORR: return a | b;
	case T_ORN: return a | ~b;
	case T_EOR: return a ^ b;
	case T_BSL: return (acc & a) | (~acc & b);
	case T_BIT: return (acc & ~b) | (a & b);
	default: return (acc & b) | (a & ~b); /* BIF */
	}
}

#define LOOP3(OPV)                                                                           \
	switch (SZ(d->aux)) {                                                                \
	case 0: for (unsigned k = 0; k < n; k++) R.b[k] = (uint8_t)op3(c, OPV, A.b[k], B.b[k], R.b[k], 8); break;   \
	case 1: for (unsigned k = 0; k < n; k++) R.h[k] = (uint16_t)op3(c, OPV, A.h[k], B.h[k], R.h[k], 16); break; \
	case 2: for (unsigned k = 0; k < n; k++) R.s[k] = (uint32_t)op3(c, OPV, A.s[k], B.s[k], R.s[k], 32); break; \
	default: for (unsigned k = 0; k < n; k++) R.d[k] = op3(c, OPV, A.d[k], B.d[k], R.d[k], 64); break;        \
	}

/* the generic one: op from aux */
static int v_three(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = NL(d->aux), op = OP(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)], B = c->v[RM(i)];
	union vreg R = c->v[RD(i)];
	LOOP3(op)
	vres(c, RD(i), &R, n << SZ(d->aux));
	return X_NEXT;
}

/* specialised: the op is a constant, the loop folds */
#define SPEC3(name, OPC)                                                             \
	static int name(struct cpu *c, const struct dent *d)                         \
	{                                                                            \
		uint32_t i = d->insn;                                                \
		unsigned n = NL(d->aux);                                             \
		FP_CHECK(c);                                                         \
		const union vreg A = c->v[RN(i)], B = c->v[RM(i)];                   \
		union vreg R = c->v[RD(i)];                                          \
		LOOP3(OPC)                                                           \
		vres(c, RD(i), &R, n << SZ(d->aux));                                 \
		return X_NEXT;                                                       \
	}
SPEC3(v_add, T_ADD)
SPEC3(v_sub, T_SUB)
SPEC3(v_mul, T_MUL)
SPEC3(v_mla, T_MLA)
SPEC3(v_cmeq, T_CMEQ)
SPEC3(v_cmgt, T_CMGT)
SPEC3(v_cmhi, T_CMHI)
SPEC3(v_umax, T_UMAX)
SPEC3(v_smax, T_SMAX)
SPEC3(v_umin, T_UMIN)
SPEC3(v_smin, T_SMIN)

static int v_logic(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned op = OP(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)], B = c->v[RM(i)];
	union vreg R = c->v[RD(i)];
	for (unsigned k = 0; k < 2; k++)
		R.d[k] = op3(c, op, A.d[k], B.d[k], R.d[k], 64);
	vres(c, RD(i), &R, NL(d->aux) * 8);
	return X_NEXT;
}

/* pairwise: ADDP, SMAXP, UMAXP, SMINP, UMINP (vector), ADDP (scalar: n = 1, size 3) */
static int v_pairwise(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = NL(d->aux), sz = SZ(d->aux), op = OP(d->aux), E = 8u << sz;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)], B = c->v[RM(i)];
	union vreg R = { .d = { 0, 0 } };
	if (d->aux & 0x800) { /* scalar ADDP: the two lanes of Vn */
		vset(c, RD(i), A.d[0] + A.d[1], 0);
		return X_NEXT;
	}
	for (unsigned k = 0; k < n; k++) {
		const union vreg *src = k < n / 2 ? &A : &B;
		unsigned e = 2 * (k % (n / 2));
		lane_set(&R, sz, k, op3(c, op, lane_get(src, sz, e), lane_get(src, sz, e + 1), 0, E));
	}
	vres(c, RD(i), &R, n << sz);
	return X_NEXT;
}

/* ---- three different ---- */
enum {
	D_ADDL, D_ADDW, D_SUBL, D_SUBW, D_ADDHN, D_RADDHN, D_SUBHN, D_RSUBHN, D_ABAL, D_ABDL,
	D_MLAL, D_MLSL, D_MULL, D_SQDMLAL, D_SQDMLSL, D_SQDMULL, D_PMULL,
};

/* aux: size of the narrow element, lanes = the wide result's, U signedness (1:
 * unsigned), Q_BIT: the upper halves; scalar: bit 11 */
static int v_diff(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = SZ(d->aux), E = 8u << sz, n = NL(d->aux), op = OP(d->aux);
	bool u = U_(d->aux), hi = d->aux & Q_BIT;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)], B = c->v[RM(i)];
	union vreg R = c->v[RD(i)], W = R;
	unsigned base = hi ? n : 0;
	bool narrow = op >= D_ADDHN && op <= D_RSUBHN;
	if (narrow)
		W = (union vreg){ .d = { hi ? R.d[0] : 0, 0 } };
	for (unsigned k = 0; k < n; k++) {
		i128 a, b, acc = u ? (i128)lane_get(&R, sz + 1, k) : (i128)S(lane_get(&R, sz + 1, k), 2 * E);
		uint64_t r;
		if (op == D_ADDW || op == D_SUBW || narrow) {
			uint64_t wa = lane_get(&A, sz + 1, k);
			a = u || narrow ? (i128)wa : (i128)S(wa, 2 * E);
		} else {
			uint64_t na = lane_get(&A, sz, base + k);
			a = u ? (i128)na : (i128)S(na, E);
		}
		if (narrow) {
			b = (i128)lane_get(&B, sz + 1, k);
		} else {
			uint64_t nb = lane_get(&B, sz, base + k);
			b = u ? (i128)nb : (i128)S(nb, E);
		}
		switch (op) {
		case D_ADDL: case D_ADDW: r = (uint64_t)(a + b); break;
		case D_SUBL: case D_SUBW: r = (uint64_t)(a - b); break;
		case D_ADDHN: r = (uint64_t)((a + b) >> E); break;
		case D_RADDHN: r = (uint64_t)((a + b + ((i128)1 << (E - 1))) >> E); break;
		case D_SUBHN: r = (uint64_t)((a - b) >> E); break;
		case D_RSUBHN: r = (uint64_t)((a - b + ((i128)1 << (E - 1))) >> E); break;
		case D_ABAL: r = (uint64_t)(acc + (a > b ? a - b : b - a)); break;
		case D_ABDL: r = (uint64_t)(a > b ? a - b : b - a); break;
		case D_MLAL: r = (uint64_t)(acc + a * b); break;
		case D_MLSL: r = (uint64_t)(acc - a * b); break;
		case D_MULL: r = (uint64_t)(a * b); break;
		case D_SQDMULL: r = sat_s(c, 2 * a * b, 2 * E); break;
		case D_SQDMLAL: r = sat_s(c, (i128)S(sat_s(c, 2 * a * b, 2 * E), 2 * E) + acc, 2 * E); break;
		case D_SQDMLSL: r = sat_s(c, acc - (i128)S(sat_s(c, 2 * a * b, 2 * E), 2 * E), 2 * E); break;
		default: r = polymul((uint64_t)a & MASK(E), (uint64_t)b & MASK(E), E); break; /* PMULL */
		}
		if (narrow)
			lane_set(&W, sz, base + k, r);
		else
			lane_set(&W, sz + 1, k, r);
	}
	if (d->aux & 0x800) /* scalar */
		vres(c, RD(i), &W, 2u << sz);
	else
		vres(c, RD(i), &W, narrow && !hi ? 8 : 16);
	return X_NEXT;
}

/* ---- two-register miscellaneous (integer) ---- */
enum {
	M_REV64, M_REV32, M_REV16, M_SADDLP, M_UADDLP, M_SUQADD, M_USQADD, M_CLS, M_CLZ, M_CNT,
	M_NOT, M_RBIT, M_SADALP, M_UADALP, M_SQABS, M_SQNEG, M_CMGT0, M_CMGE0, M_CMEQ0, M_CMLE0,
	M_CMLT0, M_ABS, M_NEG, M_XTN, M_SQXTUN, M_SQXTN, M_UQXTN, M_SHLL,
};

static uint64_t rev_bits(uint64_t v, unsigned E)
{
	uint64_t r = 0;
	for (unsigned k = 0; k < E; k++)
		r |= ((v >> k) & 1) << (E - 1 - k);
	return r;
}

/* aux: sz, lanes, op; Q_BIT for XTN2/SHLL2...; bit 11 scalar */
static int v_misc(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = SZ(d->aux), E = 8u << sz, n = NL(d->aux), op = OP(d->aux);
	bool hi = d->aux & Q_BIT;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	union vreg R = c->v[RD(i)];
	union vreg W = { .d = { 0, 0 } };
	uint64_t m = MASK(E);
	unsigned bytes = n << sz;
	switch (op) {
	case M_REV64: case M_REV32: case M_REV16: {
		unsigned cont = op == M_REV64 ? 8 : op == M_REV32 ? 4 : 2, eb = 1u << sz;
		for (unsigned k = 0; k < bytes; k++) {
			unsigned blk = k / cont * cont, off = k % cont;
			unsigned e = off / eb, b = off % eb, ne = cont / eb;
			W.b[k] = A.b[blk + (ne - 1 - e) * eb + b];
		}
		break;
	}
	case M_SADDLP: case M_UADDLP: case M_SADALP: case M_UADALP: {
		bool u = op == M_UADDLP || op == M_UADALP, acc = op >= M_SADALP;
		for (unsigned k = 0; k < n / 2; k++) {
			uint64_t x = lane_get(&A, sz, 2 * k), y = lane_get(&A, sz, 2 * k + 1);
			uint64_t s = u ? x + y : (uint64_t)(S(x, E) + S(y, E));
			if (acc)
				s += lane_get(&R, sz + 1, k);
			lane_set(&W, sz + 1, k, s);
		}
		break;
	}
	case M_XTN: case M_SQXTUN: case M_SQXTN: case M_UQXTN: {
		/* sz is the narrow size; n the narrow lanes of one half */
		W.d[0] = hi ? R.d[0] : 0;
		for (unsigned k = 0; k < n; k++) {
			uint64_t x = lane_get(&A, sz + 1, k), r;
			switch (op) {
			case M_XTN: r = x & m; break;
			case M_SQXTUN: r = sat_u(c, S(x, 2 * E), E); break;
			case M_SQXTN: r = sat_s(c, S(x, 2 * E), E); break;
			default: r = sat_u(c, x, E); break;
			}
			lane_set(&W, sz, (hi ? n : 0) + k, r);
		}
		if (d->aux & 0x800)
			bytes = 1u << sz;
		else
			bytes = hi ? 16 : 8;
		break;
	}
	case M_SHLL:
		for (unsigned k = 0; k < n; k++)
			lane_set(&W, sz + 1, k, lane_get(&A, sz, (hi ? n : 0) + k) << E);
		bytes = 16;
		break;
	default:
		for (unsigned k = 0; k < n; k++) {
			uint64_t x = lane_get(&A, sz, k), r;
			int64_t sx = S(x, E);
			switch (op) {
			case M_SUQADD: r = sat_s(c, (i128)S(lane_get(&R, sz, k), E) + (i128)x, E); break;
			case M_USQADD: r = sat_u(c, (i128)lane_get(&R, sz, k) + sx, E); break;
			case M_CLS: {
				uint64_t v = x << (64 - E);
				if ((int64_t)v < 0)
					v = ~v & (~0ull << (64 - E));
				r = (v ? (uint64_t)__builtin_clzll(v) : E) - 1;
				break;
			}
			case M_CLZ: r = x ? (uint64_t)__builtin_clzll(x) - (64 - E) : E; break;
			case M_CNT: r = (uint64_t)__builtin_popcountll(x); break;
			case M_NOT: r = ~x & m; break;
			case M_RBIT: r = rev_bits(x, E); break;
			case M_SQABS: r = sat_s(c, sx < 0 ? -(i128)sx : sx, E); break;
			case M_SQNEG: r = sat_s(c, -(i128)sx, E); break;
			case M_CMGT0: r = sx > 0 ? m : 0; break;
			case M_CMGE0: r = sx >= 0 ? m : 0; break;
			case M_CMEQ0: r = sx == 0 ? m : 0; break;
			case M_CMLE0: r = sx <= 0 ? m : 0; break;
			case M_CMLT0: r = sx < 0 ? m : 0; break;
			case M_ABS: r = (uint64_t)(sx < 0 ? -sx : sx) & m; break;
			default: r = (uint64_t)-sx & m; break; /* NEG */
			}
			lane_set(&W, sz, k, r);
		}
		break;
	}
	vres(c, RD(i), &W, bytes);
	return X_NEXT;
}

/* ---- across lanes: SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV, ADDV ---- */
enum { A_SADDLV, A_UADDLV, A_SMAXV, A_UMAXV, A_SMINV, A_UMINV, A_ADDV };
static int v_across(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = SZ(d->aux), E = 8u << sz, n = NL(d->aux), op = OP(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	uint64_t x0 = lane_get(&A, sz, 0);
	i128 r = (op == A_UADDLV || op == A_UMAXV || op == A_UMINV || op == A_ADDV) ? (i128)x0 : S(x0, E);
	for (unsigned k = 1; k < n; k++) {
		uint64_t x = lane_get(&A, sz, k);
		i128 v = (op == A_UADDLV || op == A_UMAXV || op == A_UMINV || op == A_ADDV) ? (i128)x : S(x, E);
		switch (op) {
		case A_SMAXV: case A_UMAXV: if (v > r) r = v; break;
		case A_SMINV: case A_UMINV: if (v < r) r = v; break;
		default: r += v; break;
		}
	}
	unsigned rbytes = (op <= A_UADDLV ? 2u : 1u) << sz;
	vset(c, RD(i), (uint64_t)r & MASK(8 * rbytes), 0);
	return X_NEXT;
}

/* ---- shift by immediate ---- */
enum {
	S_SSHR, S_USHR, S_SSRA, S_USRA, S_SRSHR, S_URSHR, S_SRSRA, S_URSRA, S_SRI, S_SHL, S_SLI,
	S_SQSHLU, S_SQSHL, S_UQSHL, S_SHRN, S_RSHRN, S_SQSHRUN, S_SQRSHRUN, S_SQSHRN, S_SQRSHRN,
	S_UQSHRN, S_UQRSHRN, S_SSHLL, S_USHLL,
};

/* aux: sz (element, narrow for the N/L forms), lanes, op; imm: the shift; Q_BIT; bit 11 scalar */
static int v_shift(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = SZ(d->aux), E = 8u << sz, n = NL(d->aux), op = OP(d->aux), sh = (unsigned)d->imm;
	bool hi = d->aux & Q_BIT;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	union vreg R = c->v[RD(i)], W = { .d = { 0, 0 } };
	uint64_t m = MASK(E);
	unsigned bytes = n << sz;
	if (op >= S_SHRN && op <= S_UQRSHRN) {
		W.d[0] = hi ? R.d[0] : 0;
		for (unsigned k = 0; k < n; k++) {
			uint64_t x = lane_get(&A, sz + 1, k);
			bool sgn = op == S_SQSHRUN || op == S_SQRSHRUN || op == S_SQSHRN || op == S_SQRSHRN;
			bool rnd = op == S_RSHRN || op == S_SQRSHRUN || op == S_SQRSHRN || op == S_UQRSHRN;
			i128 v = sgn ? (i128)S(x, 2 * E) : (i128)x;
			if (rnd)
				v += (i128)1 << (sh - 1);
			v >>= sh;
			uint64_t r;
			switch (op) {
			case S_SHRN: case S_RSHRN: r = (uint64_t)v & m; break;
			case S_SQSHRUN: case S_SQRSHRUN: case S_UQSHRN: case S_UQRSHRN: r = sat_u(c, v, E); break;
			default: r = sat_s(c, v, E); break;
			}
			lane_set(&W, sz, (hi ? n : 0) + k, r);
		}
		bytes = (d->aux & 0x800) ? 1u << sz : hi ? 16 : 8;
	} else if (op == S_SSHLL || op == S_USHLL) {
		for (unsigned k = 0; k < n; k++) {
			uint64_t x = lane_get(&A, sz, (hi ? n : 0) + k);
			uint64_t v = op == S_SSHLL ? (uint64_t)S(x, E) : x;
			lane_set(&W, sz + 1, k, v << sh);
		}
		bytes = 16;
	} else {
		for (unsigned k = 0; k < n; k++) {
			uint64_t x = lane_get(&A, sz, k), acc = lane_get(&R, sz, k), r;
			i128 sv = S(x, E), uv = x;
			switch (op) {
			case S_SSHR: case S_SSRA: r = (uint64_t)(sv >> sh) & m; break;
			case S_USHR: case S_USRA: r = (uint64_t)(uv >> sh) & m; break;
			case S_SRSHR: case S_SRSRA: r = (uint64_t)((sv + ((i128)1 << (sh - 1))) >> sh) & m; break;
			case S_URSHR: case S_URSRA: r = (uint64_t)((uv + ((i128)1 << (sh - 1))) >> sh) & m; break;
			case S_SRI: {
				uint64_t keep = sh >= E ? m : ~(m >> sh) & m;
				r = sh >= E ? acc : ((x >> sh) | (acc & keep)) & m;
				break;
			}
			case S_SHL: r = (x << sh) & m; break;
			case S_SLI: r = ((x << sh) | (acc & ((1ull << sh) - 1))) & m; break;
			case S_SQSHLU: r = sat_u(c, sv << sh, E); break;
			case S_SQSHL: r = sat_s(c, sv << sh, E); break;
			default: r = sat_u(c, uv << sh, E); break; /* UQSHL */
			}
			if (op == S_SSRA || op == S_USRA || op == S_SRSRA || op == S_URSRA)
				r = (r + acc) & m;
			lane_set(&W, sz, k, r);
		}
	}
	vres(c, RD(i), &W, bytes);
	return X_NEXT;
}

/* ---- modified immediate ---- */
/* aux: 0 MOVI/MVNI (imm is the result's 64-bit pattern), 1 ORR, 2 BIC; bit 4: Q */
static int v_movi(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	FP_CHECK(c);
	union vreg R = c->v[RD(i)];
	for (unsigned k = 0; k < 2; k++)
		switch (d->aux & 3) {
		case 0: R.d[k] = d->imm; break;
		case 1: R.d[k] |= d->imm; break;
		default: R.d[k] &= ~d->imm; break;
		}
	vres(c, RD(i), &R, (d->aux & 16) ? 16 : 8);
	return X_NEXT;
}

static uint64_t expand_imm(unsigned op, unsigned cmode, uint64_t imm8, bool *ok)
{
	uint64_t r;
	*ok = true;
	switch (cmode >> 1) {
	case 0: r = imm8; return r | r << 32;
	case 1: r = imm8 << 8; return r | r << 32;
	case 2: r = imm8 << 16; return r | r << 32;
	case 3: r = imm8 << 24; return r | r << 32;
	case 4: r = imm8; return r * 0x0001000100010001ull;
	case 5: r = imm8 << 8; return r * 0x0001000100010001ull;
	case 6:
		r = (cmode & 1) ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
		return r | r << 32;
	default:
		if (!(cmode & 1) && !op)
			return imm8 * 0x0101010101010101ull;
		if (!(cmode & 1)) {
			r = 0;
			for (unsigned k = 0; k < 8; k++)
				if ((imm8 >> k) & 1)
					r |= 0xffull << (8 * k);
			return r;
		}
		if (!op) {
			r = fp_expand_imm((unsigned)imm8, FS_S);
			return r | r << 32;
		}
		return fp_expand_imm((unsigned)imm8, FS_D);
	}
	*ok = false;
	return 0;
}

static bool decode_modimm(uint32_t i, struct dent *d)
{
	unsigned q = BIT(i, 30), op = BIT(i, 29), cmode = BITS(i, 15, 12);
	uint64_t imm8 = (BITS(i, 18, 16) << 5) | BITS(i, 9, 5);
	bool ok;
	if (BIT(i, 11))
		return false; /* FMOV (vector, half precision): FEAT_FP16 */
	if (cmode == 15 && op && !q)
		return false;
	uint64_t imm = expand_imm(op, cmode, imm8, &ok);
	if (!ok)
		return false;
	unsigned kind = 0;
	if (cmode < 12 && (cmode & 1)) /* ORR, BIC */
		kind = op ? 2 : 1;
	else if (op && cmode < 14)
		imm = ~imm; /* MVNI */
	d->imm = imm;
	d->aux = kind | (q ? 16 : 0);
	d->fn = v_movi;
	return true;
}

/* ---- by element (integer) ---- */
/* aux: sz, lanes, op (T_MUL/T_MLA/T_MLS/T_SQDMULH/T_SQRDMULH, or D_* + 64 for the long
 * forms), U, Q_BIT, bit 11 scalar; imm: element index | Rm << 8 */
static int v_elem(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned sz = SZ(d->aux), E = 8u << sz, n = NL(d->aux), op = OP(d->aux);
	unsigned idx = d->imm & 15, rm = (unsigned)(d->imm >> 8) & 31;
	bool hi = d->aux & Q_BIT, u = U_(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	uint64_t e = lane_get(&c->v[rm], sz, idx);
	union vreg R = c->v[RD(i)], W = { .d = { 0, 0 } };
	if (op < 64) {
		for (unsigned k = 0; k < n; k++)
			lane_set(&W, sz, k, op3(c, op, lane_get(&A, sz, k), e, lane_get(&R, sz, k), E));
		vres(c, RD(i), &W, n << sz);
		return X_NEXT;
	}
	op -= 64;
	i128 b = u ? (i128)e : (i128)S(e, E);
	for (unsigned k = 0; k < n; k++) {
		uint64_t na = lane_get(&A, sz, (hi ? n : 0) + k);
		i128 a = u ? (i128)na : (i128)S(na, E);
		uint64_t racc = lane_get(&R, sz + 1, k);
		i128 acc = u ? (i128)racc : (i128)S(racc, 2 * E);
		uint64_t r;
		switch (op) {
		case D_MLAL: r = (uint64_t)(acc + a * b); break;
		case D_MLSL: r = (uint64_t)(acc - a * b); break;
		case D_MULL: r = (uint64_t)(a * b); break;
		case D_SQDMULL: r = sat_s(c, 2 * a * b, 2 * E); break;
		case D_SQDMLAL: r = sat_s(c, (i128)S(sat_s(c, 2 * a * b, 2 * E), 2 * E) + acc, 2 * E); break;
		default: r = sat_s(c, acc - (i128)S(sat_s(c, 2 * a * b, 2 * E), 2 * E), 2 * E); break;
		}
		lane_set(&W, sz + 1, k, r);
	}
	vres(c, RD(i), &W, (d->aux & 0x800) ? 2u << sz : 16);
	return X_NEXT;
}

/* ---- decode ---- */

static bool decode_three_same(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), sz = BITS(i, 23, 22), op = BITS(i, 15, 11);
	unsigned n = scalar ? 1 : (q ? 16u : 8u) >> sz;
	static const signed char ops[2][24] = {
		{ T_SHADD, T_SQADD, T_SRHADD, -2, T_SHSUB, T_SQSUB, T_CMGT, T_CMGE, T_SSHL, T_SQSHL,
		  T_SRSHL, T_SQRSHL, T_SMAX, T_SMIN, T_SABD, T_SABA, T_ADD, T_CMTST, T_MLA, T_MUL,
		  -3, -3, T_SQDMULH, -3 },
		{ T_UHADD, T_UQADD, T_URHADD, -2, T_UHSUB, T_UQSUB, T_CMHI, T_CMHS, T_USHL, T_UQSHL,
		  T_URSHL, T_UQRSHL, T_UMAX, T_UMIN, T_UABD, T_UABA, T_SUB, T_CMEQ, T_MLS, T_PMUL,
		  -3, -3, T_SQRDMULH, -1 },
	};
	if (op >= 24)
		return false; /* floating point: simd_fp.c */
	int t = ops[u][op];
	if (t == -1)
		return false;
	if (t == -2) { /* logic */
		static const unsigned lg[2][4] = { { T_AND, T_BIC, T_ORR, T_ORN }, { T_EOR, T_BSL, T_BIT, T_BIF } };
		if (scalar)
			return false;
		d->aux = MK(3, q ? 2 : 1, 0, lg[u][sz]);
		d->fn = v_logic;
		return true;
	}
	if (t == -3) { /* pairwise: 10100 SMAXP/UMAXP, 10101 SMINP/UMINP, 10111 ADDP */
		if (scalar || (sz == 3 && (op != 23 || !q)))
			return false;
		unsigned pop = op == 23 ? T_ADD : op == 20 ? (u ? T_UMAX : T_SMAX) : (u ? T_UMIN : T_SMIN);
		d->aux = MK(sz, n, u, pop);
		d->fn = v_pairwise;
		return true;
	}
	if (t == T_SQDMULH || t == T_SQRDMULH) {
		if (sz == 0 || sz == 3)
			return false;
	} else if (scalar) {
		/* scalar: saturating add/sub and shifts at any size; the rest 64-bit only */
		bool any = t == T_SQADD || t == T_UQADD || t == T_SQSUB || t == T_UQSUB ||
			   t == T_SQSHL || t == T_UQSHL || t == T_SQRSHL || t == T_UQRSHL;
		bool d64 = t == T_CMGT || t == T_CMHI || t == T_CMGE || t == T_CMHS || t == T_SSHL ||
			   t == T_USHL || t == T_SRSHL || t == T_URSHL || t == T_ADD || t == T_SUB ||
			   t == T_CMTST || t == T_CMEQ;
		if (!any && !(d64 && sz == 3))
			return false;
	} else {
		bool no64 = t == T_SHADD || t == T_UHADD || t == T_SRHADD || t == T_URHADD ||
			    t == T_SHSUB || t == T_UHSUB || t == T_SMAX || t == T_UMAX || t == T_SMIN ||
			    t == T_UMIN || t == T_SABD || t == T_UABD || t == T_SABA || t == T_UABA ||
			    t == T_MLA || t == T_MLS || t == T_MUL || t == T_PMUL;
		if (sz == 3 && (no64 || !q))
			return false;
		if (t == T_PMUL && sz != 0)
			return false;
	}
	d->aux = MK(sz, n, u, t);
	d->fn = v_three;
	if (!scalar) {
		switch (t) {
		case T_ADD: d->fn = v_add; break;
		case T_SUB: d->fn = v_sub; break;
		case T_MUL: d->fn = v_mul; break;
		case T_MLA: d->fn = v_mla; break;
		case T_CMEQ: d->fn = v_cmeq; break;
		case T_CMGT: d->fn = v_cmgt; break;
		case T_CMHI: d->fn = v_cmhi; break;
		case T_UMAX: d->fn = v_umax; break;
		case T_SMAX: d->fn = v_smax; break;
		case T_UMIN: d->fn = v_umin; break;
		case T_SMIN: d->fn = v_smin; break;
		default: break;
		}
	}
	return true;
}

static bool decode_three_diff(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), sz = BITS(i, 23, 22), op = BITS(i, 15, 12);
	static const signed char ops[2][15] = {
		{ D_ADDL, D_ADDW, D_SUBL, D_SUBW, D_ADDHN, D_ABAL, D_SUBHN, D_ABDL, D_MLAL, D_SQDMLAL,
		  D_MLSL, D_SQDMLSL, D_MULL, D_SQDMULL, D_PMULL },
		{ D_ADDL, D_ADDW, D_SUBL, D_SUBW, D_RADDHN, D_ABAL, D_RSUBHN, D_ABDL, D_MLAL, -1,
		  D_MLSL, -1, D_MULL, -1, -1 },
	};
	if (op == 15 || ops[u][op] < 0)
		return false;
	int t = ops[u][op];
	bool sq = t == D_SQDMLAL || t == D_SQDMLSL || t == D_SQDMULL;
	if (scalar && !sq)
		return false;
	if (sq && (sz == 0 || sz == 3))
		return false;
	if (t == D_PMULL && sz != 0)
		return false; /* PMULL 1Q: FEAT_PMULL (cryptographic) */
	if (sz == 3)
		return false;
	d->aux = MK(sz, scalar ? 1 : 8u >> sz, u, t) | (q && !scalar ? Q_BIT : 0) | (scalar ? 0x800 : 0);
	d->fn = v_diff;
	return true;
}

static bool decode_misc(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), sz = BITS(i, 23, 22), op = BITS(i, 16, 12);
	unsigned n = scalar ? 1 : (q ? 16u : 8u) >> sz;
	int t = -1;
	switch (op) {
	case 0: t = scalar ? -1 : u ? (sz < 2 ? M_REV32 : -1) : (sz < 3 ? M_REV64 : -1); break;
	case 1: t = (!u && sz == 0 && !scalar) ? M_REV16 : -1; break;
	case 2: t = (!scalar && sz != 3) ? (u ? M_UADDLP : M_SADDLP) : -1; break;
	case 3: t = u ? M_USQADD : M_SUQADD; break;
	case 4: t = (!scalar && sz != 3) ? (u ? M_CLZ : M_CLS) : -1; break;
	case 5: t = scalar ? -1 : !u ? (sz == 0 ? M_CNT : -1) : sz == 0 ? M_NOT : sz == 1 ? M_RBIT : -1;
		if (t == M_NOT || t == M_RBIT) sz = 0, n = q ? 16 : 8;
		break;
	case 6: t = (!scalar && sz != 3) ? (u ? M_UADALP : M_SADALP) : -1; break;
	case 7: t = u ? M_SQNEG : M_SQABS; break;
	case 8: t = u ? M_CMGE0 : M_CMGT0; break;
	case 9: t = u ? M_CMLE0 : M_CMEQ0; break;
	case 10: t = u ? -1 : M_CMLT0; break;
	case 11: t = u ? M_NEG : M_ABS; break;
	case 18: t = u ? M_SQXTUN : (scalar ? -1 : M_XTN); break;
	case 19: t = (u && !scalar) ? M_SHLL : -1; break;
	case 20: t = u ? M_UQXTN : M_SQXTN; break;
	default: return false;
	}
	if (t < 0)
		return false;
	bool narrow = t == M_XTN || t == M_SQXTUN || t == M_SQXTN || t == M_UQXTN || t == M_SHLL;
	if (narrow) {
		if (sz == 3)
			return false;
		n = scalar ? 1 : 8u >> sz;
	} else if (t == M_CMGT0 || t == M_CMGE0 || t == M_CMEQ0 || t == M_CMLE0 || t == M_CMLT0 ||
		   t == M_ABS || t == M_NEG) {
		if (scalar ? sz != 3 : (sz == 3 && !q))
			return false;
	} else if (t == M_SUQADD || t == M_USQADD || t == M_SQABS || t == M_SQNEG) {
		if (!scalar && sz == 3 && !q)
			return false;
	}
	d->aux = MK(sz, n, u, t) | (q && narrow && !scalar ? Q_BIT : 0) | (scalar ? 0x800 : 0);
	d->fn = v_misc;
	return true;
}

static bool decode_across(uint32_t i, struct dent *d)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), sz = BITS(i, 23, 22), op = BITS(i, 16, 12);
	int t;
	switch (op) {
	case 3: t = u ? A_UADDLV : A_SADDLV; break;
	case 10: t = u ? A_UMAXV : A_SMAXV; break;
	case 26: t = u ? A_UMINV : A_SMINV; break;
	case 27: t = u ? -1 : A_ADDV; break;
	default: return false;
	}
	if (t < 0 || sz == 3 || (sz == 2 && !q))
		return false;
	d->aux = MK(sz, (q ? 16u : 8u) >> sz, u, t);
	d->fn = v_across;
	return true;
}

static bool decode_shift(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), immh = BITS(i, 22, 19), op = BITS(i, 15, 11);
	unsigned immhb = BITS(i, 22, 16);
	if (!immh)
		return false;
	unsigned sz = 31u - (unsigned)__builtin_clz(immh), E = 8u << sz;
	int t = -1;
	bool narrow = false, left = false, longf = false;
	switch (op) {
	case 0: t = u ? S_USHR : S_SSHR; break;
	case 2: t = u ? S_USRA : S_SSRA; break;
	case 4: t = u ? S_URSHR : S_SRSHR; break;
	case 6: t = u ? S_URSRA : S_SRSRA; break;
	case 8: t = u ? S_SRI : -1; break;
	case 10: t = u ? S_SLI : S_SHL; left = true; break;
	case 12: t = u ? S_SQSHLU : -1; left = true; break;
	case 14: t = u ? S_UQSHL : S_SQSHL; left = true; break;
	case 16: t = u ? S_SQSHRUN : (scalar ? -1 : S_SHRN); narrow = true; break;
	case 17: t = u ? S_SQRSHRUN : (scalar ? -1 : S_RSHRN); narrow = true; break;
	case 18: t = u ? S_UQSHRN : S_SQSHRN; narrow = true; break;
	case 19: t = u ? S_UQRSHRN : S_SQRSHRN; narrow = true; break;
	case 20: t = scalar ? -1 : u ? S_USHLL : S_SSHLL; longf = true; break;
	default: return false; /* 11100, 11111: conversions (simd_fp.c) */
	}
	if (t < 0)
		return false;
	unsigned n, sh;
	if (narrow) {
		if (sz == 3)
			return false;
		sh = 2 * E - immhb;
		n = scalar ? 1 : 8u >> sz;
	} else if (longf) {
		if (sz == 3)
			return false;
		sh = immhb - E;
		n = 8u >> sz;
	} else {
		if (scalar ? (sz != 3 && !(t == S_SQSHL || t == S_UQSHL || t == S_SQSHLU)) : (sz == 3 && !q))
			return false;
		sh = left ? immhb - E : 2 * E - immhb;
		n = scalar ? 1 : (q ? 16u : 8u) >> sz;
	}
	d->imm = sh;
	d->aux = MK(sz, n, u, t) | ((narrow || longf) && q && !scalar ? Q_BIT : 0) | (scalar ? 0x800 : 0);
	d->fn = v_shift;
	return true;
}

static bool decode_elem(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), sz = BITS(i, 23, 22), op = BITS(i, 15, 12);
	unsigned h = BIT(i, 11), l = BIT(i, 21), m = BIT(i, 20), rm = BITS(i, 19, 16), idx;
	int t = -1;
	bool lng = false;
	if (u) {
		switch (op) {
		case 0: t = T_MLA; break;
		case 2: t = 64 + D_MLAL; lng = true; break;
		case 4: t = T_MLS; break;
		case 6: t = 64 + D_MLSL; lng = true; break;
		case 10: t = 64 + D_MULL; lng = true; break;
		default: return false; /* FMULX: simd_fp.c; SQRDMLAH/SH (RDM), UDOT */
		}
		if (scalar)
			return false;
	} else {
		switch (op) {
		case 2: t = 64 + D_MLAL; lng = true; break;
		case 3: t = 64 + D_SQDMLAL; lng = true; break;
		case 6: t = 64 + D_MLSL; lng = true; break;
		case 7: t = 64 + D_SQDMLSL; lng = true; break;
		case 8: t = T_MUL; break;
		case 10: t = 64 + D_MULL; lng = true; break;
		case 11: t = 64 + D_SQDMULL; lng = true; break;
		case 12: t = T_SQDMULH; break;
		case 13: t = T_SQRDMULH; break;
		default: return false;
		}
		bool sq = t == 64 + D_SQDMLAL || t == 64 + D_SQDMLSL || t == 64 + D_SQDMULL ||
			  t == T_SQDMULH || t == T_SQRDMULH;
		if (scalar && !sq)
			return false;
	}
	if (sz == 1) {
		idx = (h << 2) | (l << 1) | m;
	} else if (sz == 2) {
		idx = (h << 1) | l;
		rm |= m << 4;
	} else {
		return false;
	}
	unsigned n = scalar ? 1 : lng ? 8u >> sz : (q ? 16u : 8u) >> sz;
	d->imm = idx | (rm << 8);
	d->aux = MK(sz, n, u, t) | (lng && q && !scalar ? Q_BIT : 0) | (scalar ? 0x800 : 0);
	d->fn = v_elem;
	return true;
}

bool decode__simd_int(uint32_t i, struct dent *d)
{
	bool scalar = BIT(i, 28);
	if (BIT(i, 24)) {
		if (BIT(i, 10)) {
			if (!scalar && BITS(i, 22, 19) == 0)
				return BIT(i, 23) ? false : decode_modimm(i, d);
			return BIT(i, 23) ? false : decode_shift(i, d, scalar);
		}
		return decode_elem(i, d, scalar);
	}
	if (!BIT(i, 21))
		return false;
	if (BIT(i, 10))
		return decode_three_same(i, d, scalar);
	if (BITS(i, 11, 10) == 0)
		return decode_three_diff(i, d, scalar);
	if (BITS(i, 11, 10) == 2 && BITS(i, 20, 17) == 0)
		return decode_misc(i, d, scalar);
	if (BITS(i, 11, 10) == 2 && BITS(i, 20, 17) == 8) {
		if (scalar) { /* ADDP (scalar) */
			if (BIT(i, 29) || BITS(i, 16, 12) != 27 || BITS(i, 23, 22) != 3)
				return false;
			d->aux = MK(3, 1, 0, T_ADD) | 0x800;
			d->fn = v_pairwise;
			return true;
		}
		return decode_across(i, d);
	}
	return false;
}
