/* Advanced SIMD floating point, vector and scalar (Arm ARM C4.1.95), single and double
 * precision (half-precision arithmetic, FEAT_FP16, is not implemented): three same
 * (FADD, FSUB, FMUL, FDIV, FMULX, FMLA, FMLS, FMAX(NM), FMIN(NM), FABD, FRECPS,
 * FRSQRTS, compares, pairwise), two-register miscellaneous (FABS, FNEG, FSQRT, FRINT*,
 * FCVT* to integer, SCVTF/UCVTF, compares with zero, FRECPE, FRSQRTE, FRECPX, URECPE,
 * URSQRTE, FCVTN, FCVTL, FCVTXN), across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV),
 * scalar pairwise (FADDP, FMAXP...), by element (FMLA, FMLS, FMUL, FMULX), fixed-point
 * conversions by immediate. Every element goes through fp_arith.c. */
#include "cpu/fp.h"

/* aux: fs bits 1:0, lanes bits 8:4, bit 11 scalar, op bits 31:16 */
#define FS_(a) ((a) & 3)
#define NL(a) (((a) >> 4) & 31)
#define OP(a) ((a) >> 16)
#define SCALAR 0x800u
#define HI 0x400u
#define MK(fs, n, op) ((fs) | ((n) << 4) | ((unsigned)(op) << 16))

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

static inline uint64_t fget(const union vreg *v, unsigned fs, unsigned k)
{
	return fs == FS_D ? v->d[k] : v->s[k];
}
static inline void fput(union vreg *v, unsigned fs, unsigned k, uint64_t x)
{
	if (fs == FS_D)
		v->d[k] = x;
	else
		v->s[k] = (uint32_t)x;
}
static inline uint64_t ones(unsigned fs) { return fs == FS_D ? ~0ull : 0xffffffffull; }

enum {
	F_MAXNM, F_MLA, F_ADD, F_MULX, F_CMEQ, F_MAX, F_RECPS, F_MINNM, F_MLS, F_SUB, F_MIN,
	F_RSQRTS, F_MAXNMP, F_ADDP, F_MUL, F_CMGE, F_ACGE, F_MAXP, F_DIV, F_MINNMP, F_ABD,
	F_CMGT, F_ACGT, F_MINP,
};

static inline uint64_t fop(struct cpu *c, unsigned op, uint64_t a, uint64_t b, uint64_t acc, unsigned fs)
{
	switch (op) {
	case F_MAXNM: case F_MAXNMP: return fp_minmax(c, FMM_MAXNM, a, b, fs);
	case F_MINNM: case F_MINNMP: return fp_minmax(c, FMM_MINNM, a, b, fs);
	case F_MAX: case F_MAXP: return fp_minmax(c, FMM_MAX, a, b, fs);
	case F_MIN: case F_MINP: return fp_minmax(c, FMM_MIN, a, b, fs);
	case F_MLA: return fp_muladd(c, acc, a, b, fs);
	case F_MLS: return fp_muladd(c, acc, fp_neg(a, fs), b, fs);
	case F_ADD: case F_ADDP: return fp_add(c, a, b, fs);
	case F_SUB: return fp_sub(c, a, b, fs);
	case F_MUL: return fp_mul(c, a, b, fs);
	case F_DIV: return fp_div(c, a, b, fs);
	case F_MULX: return fp_mulx(c, a, b, fs);
	case F_RECPS: return fp_recps(c, a, b, fs);
	case F_RSQRTS: return fp_rsqrts(c, a, b, fs);
	case F_ABD: return fp_abs(fp_sub(c, a, b, fs), fs);
	case F_CMEQ: return fp_cmp(c, FCMP_EQ, a, b, fs) ? ones(fs) : 0;
	case F_CMGE: return fp_cmp(c, FCMP_GE, a, b, fs) ? ones(fs) : 0;
	case F_CMGT: return fp_cmp(c, FCMP_GT, a, b, fs) ? ones(fs) : 0;
	case F_ACGE: return fp_cmp(c, FCMP_GE, fp_abs(a, fs), fp_abs(b, fs), fs) ? ones(fs) : 0;
	default: return fp_cmp(c, FCMP_GT, fp_abs(a, fs), fp_abs(b, fs), fs) ? ones(fs) : 0;
	}
}

static int f_three(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), op = OP(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)], B = c->v[RM(i)];
	union vreg R = c->v[RD(i)];
	if (op == F_MAXNMP || op == F_ADDP || op == F_MAXP || op == F_MINNMP || op == F_MINP) {
		union vreg W = { .d = { 0, 0 } };
		for (unsigned k = 0; k < n; k++) {
			const union vreg *src = k < n / 2 ? &A : &B;
			unsigned e = 2 * (k % (n / 2));
			fput(&W, fs, k, fop(c, op, fget(src, fs, e), fget(src, fs, e + 1), 0, fs));
		}
		R = W;
	} else if (fs == FS_S) {
		for (unsigned k = 0; k < n; k++)
			R.s[k] = (uint32_t)fop(c, op, A.s[k], B.s[k], R.s[k], FS_S);
	} else {
		for (unsigned k = 0; k < n; k++)
			R.d[k] = fop(c, op, A.d[k], B.d[k], R.d[k], FS_D);
	}
	vres(c, RD(i), &R, n << (fs == FS_D ? 3 : 2));
	return X_NEXT;
}

/* the commonest, without the op switch */
#define FSPEC(name, call)                                                                   \
	static int name(struct cpu *c, const struct dent *d)                                \
	{                                                                                   \
		uint32_t i = d->insn;                                                       \
		unsigned n = NL(d->aux);                                                    \
		FP_CHECK(c);                                                                \
		const union vreg A = c->v[RN(i)], B = c->v[RM(i)];                          \
		union vreg R = c->v[RD(i)];                                                 \
		if (FS_(d->aux) == FS_S)                                                    \
			for (unsigned k = 0; k < n; k++) {                                  \
				uint64_t a = A.s[k], b = B.s[k], acc = R.s[k];              \
				unsigned fs = FS_S;                                         \
				(void)acc;                                                  \
				R.s[k] = (uint32_t)(call);                                  \
			}                                                                   \
		else                                                                        \
			for (unsigned k = 0; k < n; k++) {                                  \
				uint64_t a = A.d[k], b = B.d[k], acc = R.d[k];              \
				unsigned fs = FS_D;                                         \
				(void)acc;                                                  \
				R.d[k] = (call);                                            \
			}                                                                   \
		vres(c, RD(i), &R, n << (FS_(d->aux) == FS_D ? 3 : 2));                     \
		return X_NEXT;                                                              \
	}
FSPEC(f_vadd, fp_add(c, a, b, fs))
FSPEC(f_vsub, fp_sub(c, a, b, fs))
FSPEC(f_vmul, fp_mul(c, a, b, fs))
FSPEC(f_vdiv, fp_div(c, a, b, fs))
FSPEC(f_vmla, fp_muladd(c, acc, a, b, fs))

/* ---- two-register miscellaneous ---- */
enum {
	G_FRINT, G_CVTS, G_CVTU, G_SCVTF, G_UCVTF, G_CMGT0, G_CMEQ0, G_CMLT0, G_CMGE0, G_CMLE0,
	G_ABS, G_NEG, G_SQRT, G_URECPE, G_URSQRTE, G_RECPE, G_RSQRTE, G_RECPX,
};
/* aux: fs, lanes, op; bits 14:12 rounding mode (7: FPCR's), bit 15: FRINTX */
#define RM_(a) (((a) >> 12) & 7)

static int f_misc(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), op = OP(d->aux), rm = RM_(d->aux);
	unsigned bits = fs == FS_D ? 64 : 32;
	FP_CHECK(c);
	if (rm == 7)
		rm = FPCR_RMODE(c->fpcr);
	const union vreg A = c->v[RN(i)];
	union vreg R = { .d = { 0, 0 } };
	for (unsigned k = 0; k < n; k++) {
		uint64_t a = fget(&A, fs, k), r;
		switch (op) {
		case G_FRINT: r = fp_roundint(c, a, fs, rm, d->aux & 0x8000); break;
		case G_CVTS: r = fp_to_fixed(c, a, fs, 0, false, rm, bits); break;
		case G_CVTU: r = fp_to_fixed(c, a, fs, 0, true, rm, bits); break;
		case G_SCVTF: r = fixed_to_fp(c, a, bits, 0, false, fs, FPCR_RMODE(c->fpcr)); break;
		case G_UCVTF: r = fixed_to_fp(c, a, bits, 0, true, fs, FPCR_RMODE(c->fpcr)); break;
		case G_CMGT0: r = fp_cmp(c, FCMP_GT, a, 0, fs) ? ones(fs) : 0; break;
		case G_CMEQ0: r = fp_cmp(c, FCMP_EQ, a, 0, fs) ? ones(fs) : 0; break;
		case G_CMLT0: r = fp_cmp(c, FCMP_GT, 0, a, fs) ? ones(fs) : 0; break;
		case G_CMGE0: r = fp_cmp(c, FCMP_GE, a, 0, fs) ? ones(fs) : 0; break;
		case G_CMLE0: r = fp_cmp(c, FCMP_GE, 0, a, fs) ? ones(fs) : 0; break;
		case G_ABS: r = fp_abs(a, fs); break;
		case G_NEG: r = fp_neg(a, fs); break;
		case G_SQRT: r = fp_sqrt(c, a, fs); break;
		case G_URECPE: r = u_recpe((uint32_t)a); break;
		case G_URSQRTE: r = u_rsqrte((uint32_t)a); break;
		case G_RECPE: r = fp_recpe(c, a, fs); break;
		case G_RSQRTE: r = fp_rsqrte(c, a, fs); break;
		default: r = fp_recpx(c, a, fs); break;
		}
		fput(&R, fs, k, r);
	}
	vres(c, RD(i), &R, n * bits / 8);
	return X_NEXT;
}

/* FCVTN, FCVTXN (aux bit 12: round to odd), FCVTL; fs: the wide format; HI: the upper
 * half forms. n: lanes of one half. */
static int f_cvt_narrow(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), nfs = fs == FS_D ? FS_S : FS_H;
	bool hi = d->aux & HI;
	FP_CHECK(c);
	unsigned rm = (d->aux & 0x1000) ? RND_ODD : FPCR_RMODE(c->fpcr);
	const union vreg A = c->v[RN(i)];
	union vreg R = { .d = { hi ? c->v[RD(i)].d[0] : 0, 0 } };
	for (unsigned k = 0; k < n; k++) {
		uint64_t r = fp_convert(c, fget(&A, fs, k), fs, nfs, rm);
		lane_set(&R, nfs == FS_S ? 2 : 1, (hi ? n : 0) + k, r);
	}
	vres(c, RD(i), &R, (d->aux & SCALAR) ? 4 : hi ? 16 : 8);
	return X_NEXT;
}

static int f_cvt_long(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), nfs = fs == FS_D ? FS_S : FS_H;
	bool hi = d->aux & HI;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	union vreg R;
	for (unsigned k = 0; k < n; k++) {
		uint64_t x = lane_get(&A, nfs == FS_S ? 2 : 1, (hi ? n : 0) + k);
		fput(&R, fs, k, fp_convert(c, x, nfs, fs, FPCR_RMODE(c->fpcr)));
	}
	c->v[RD(i)] = R;
	return X_NEXT;
}

/* ---- across lanes (4S) and scalar pairwise (2 lanes) ---- */
static int f_reduce(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), op = OP(d->aux);
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	uint64_t r;
	if (n == 4) { /* 4S, Reduce: halves first */
		uint64_t lo = fop(c, op, A.s[0], A.s[1], 0, FS_S);
		uint64_t hi = fop(c, op, A.s[2], A.s[3], 0, FS_S);
		r = fop(c, op, lo, hi, 0, FS_S);
	} else {
		r = fop(c, op, fget(&A, fs, 0), fget(&A, fs, 1), 0, fs);
	}
	vset(c, RD(i), r, 0);
	return X_NEXT;
}

/* ---- by element: FMLA, FMLS, FMUL, FMULX; imm: index | Rm << 8 ---- */
static int f_elem(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), op = OP(d->aux);
	FP_CHECK(c);
	uint64_t b = fget(&c->v[(d->imm >> 8) & 31], fs, d->imm & 3);
	const union vreg A = c->v[RN(i)];
	union vreg R = c->v[RD(i)];
	for (unsigned k = 0; k < n; k++)
		fput(&R, fs, k, fop(c, op, fget(&A, fs, k), b, fget(&R, fs, k), fs));
	vres(c, RD(i), &R, n << (fs == FS_D ? 3 : 2));
	return X_NEXT;
}

/* ---- fixed-point conversions (shift by immediate): imm = fbits ---- */
static int f_fixed(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FS_(d->aux), n = NL(d->aux), op = OP(d->aux), fb = (unsigned)d->imm;
	unsigned bits = fs == FS_D ? 64 : 32;
	FP_CHECK(c);
	const union vreg A = c->v[RN(i)];
	union vreg R = { .d = { 0, 0 } };
	for (unsigned k = 0; k < n; k++) {
		uint64_t a = fget(&A, fs, k), r;
		switch (op) {
		case G_SCVTF: r = fixed_to_fp(c, a, bits, fb, false, fs, FPCR_RMODE(c->fpcr)); break;
		case G_UCVTF: r = fixed_to_fp(c, a, bits, fb, true, fs, FPCR_RMODE(c->fpcr)); break;
		case G_CVTS: r = fp_to_fixed(c, a, fs, fb, false, RND_ZERO, bits); break;
		default: r = fp_to_fixed(c, a, fs, fb, true, RND_ZERO, bits); break;
		}
		fput(&R, fs, k, r);
	}
	vres(c, RD(i), &R, n * bits / 8);
	return X_NEXT;
}

/* ---- decode ---- */

static bool decode_three(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), a = BIT(i, 23), sz = BIT(i, 22), op = BITS(i, 15, 11);
	static const signed char ops[2][2][8] = {
		{ { F_MAXNM, F_MLA, F_ADD, F_MULX, F_CMEQ, -1, F_MAX, F_RECPS },
		  { F_MINNM, F_MLS, F_SUB, -1, -1, -1, F_MIN, F_RSQRTS } },
		{ { F_MAXNMP, -1, F_ADDP, F_MUL, F_CMGE, F_ACGE, F_MAXP, F_DIV },
		  { F_MINNMP, -1, F_ABD, -1, F_CMGT, F_ACGT, F_MINP, -1 } },
	};
	if (op < 24 || !BIT(i, 21))
		return false;
	int t = ops[u][a][op - 24];
	if (t < 0)
		return false;
	if (scalar) {
		if (!(t == F_MULX || t == F_CMEQ || t == F_RECPS || t == F_RSQRTS || t == F_CMGE ||
		      t == F_ACGE || t == F_ABD || t == F_CMGT || t == F_ACGT))
			return false;
	} else if (sz && !q) {
		return false;
	}
	unsigned fs = sz ? FS_D : FS_S, n = scalar ? 1 : (q ? 16u : 8u) >> (sz ? 3 : 2);
	d->aux = MK(fs, n, t);
	d->fn = f_three;
	if (!scalar) {
		switch (t) {
		case F_ADD: d->fn = f_vadd; break;
		case F_SUB: d->fn = f_vsub; break;
		case F_MUL: d->fn = f_vmul; break;
		case F_DIV: d->fn = f_vdiv; break;
		case F_MLA: d->fn = f_vmla; break;
		default: break;
		}
	}
	return true;
}

static bool decode_misc(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), a = BIT(i, 23), sz = BIT(i, 22), op = BITS(i, 16, 12);
	unsigned fs = sz ? FS_D : FS_S, n = scalar ? 1 : (q ? 16u : 8u) >> (sz ? 3 : 2);
	unsigned rm = 7, t;
	bool vec_only = false, exact = false;
	if (op == 22 || op == 23) { /* FCVTN, FCVTXN, FCVTL */
		if (a || (op == 23 && u) || (u && !sz) || (scalar && !(u && op == 22)))
			return false;
		d->aux = MK(fs, sz ? 2 : 4, 0) | (q && !scalar ? HI : 0) | (scalar ? SCALAR | (1u << 4) : 0) |
			 (u ? 0x1000 : 0);
		if (scalar)
			d->aux = (d->aux & ~(31u << 4)) | (1u << 4);
		d->fn = op == 22 ? f_cvt_narrow : f_cvt_long;
		return true;
	}
	switch ((u << 6) | (a << 5) | op) {
	case 24: t = G_FRINT; rm = RND_NEAREST; vec_only = true; break;
	case 25: t = G_FRINT; rm = RND_NEGINF; vec_only = true; break;
	case 26: t = G_CVTS; rm = RND_NEAREST; break;
	case 27: t = G_CVTS; rm = RND_NEGINF; break;
	case 28: t = G_CVTS; rm = RND_TIEAWAY; break;
	case 29: t = G_SCVTF; break;
	case 32 + 12: t = G_CMGT0; break;
	case 32 + 13: t = G_CMEQ0; break;
	case 32 + 14: t = G_CMLT0; break;
	case 32 + 15: t = G_ABS; vec_only = true; break;
	case 32 + 24: t = G_FRINT; rm = RND_POSINF; vec_only = true; break;
	case 32 + 25: t = G_FRINT; rm = RND_ZERO; vec_only = true; break;
	case 32 + 26: t = G_CVTS; rm = RND_POSINF; break;
	case 32 + 27: t = G_CVTS; rm = RND_ZERO; break;
	case 32 + 28: t = G_URECPE; vec_only = true; if (sz) return false; break;
	case 32 + 29: t = G_RECPE; break;
	case 32 + 31: t = G_RECPX; if (!scalar) return false; break;
	case 64 + 24: t = G_FRINT; rm = RND_TIEAWAY; vec_only = true; break;
	case 64 + 25: t = G_FRINT; exact = true; vec_only = true; break;
	case 64 + 26: t = G_CVTU; rm = RND_NEAREST; break;
	case 64 + 27: t = G_CVTU; rm = RND_NEGINF; break;
	case 64 + 28: t = G_CVTU; rm = RND_TIEAWAY; break;
	case 64 + 29: t = G_UCVTF; break;
	case 96 + 12: t = G_CMGE0; break;
	case 96 + 13: t = G_CMLE0; break;
	case 96 + 15: t = G_NEG; vec_only = true; break;
	case 96 + 25: t = G_FRINT; vec_only = true; break;
	case 96 + 26: t = G_CVTU; rm = RND_POSINF; break;
	case 96 + 27: t = G_CVTU; rm = RND_ZERO; break;
	case 96 + 28: t = G_URSQRTE; vec_only = true; if (sz) return false; break;
	case 96 + 29: t = G_RSQRTE; break;
	case 96 + 31: t = G_SQRT; vec_only = true; break;
	default: return false;
	}
	if ((scalar && vec_only) || (!scalar && sz && !q))
		return false;
	d->aux = MK(fs, n, t) | (rm << 12) | (exact ? 0x8000 : 0);
	d->fn = f_misc;
	return true;
}

/* FMAXNMV, FMINNMV, FMAXV, FMINV (4S); scalar pairwise FADDP, FMAXP, ... (2 lanes) */
static bool decode_reduce(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), a = BIT(i, 23), sz = BIT(i, 22), op = BITS(i, 16, 12);
	int t;
	if (!u)
		return false; /* the U = 0 forms are half precision (FEAT_FP16) */
	switch (op) {
	case 12: t = a ? F_MINNM : F_MAXNM; break;
	case 13: t = a ? -1 : F_ADD; if (!scalar) t = -1; break;
	case 15: t = a ? F_MIN : F_MAX; break;
	default: return false;
	}
	if (t < 0)
		return false;
	if (scalar) {
		d->aux = MK(sz ? FS_D : FS_S, 2, t);
	} else {
		if (!q || sz)
			return false;
		d->aux = MK(FS_S, 4, t);
	}
	d->fn = f_reduce;
	return true;
}

static bool decode_elem(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), size = BITS(i, 23, 22), op = BITS(i, 15, 12);
	unsigned h = BIT(i, 11), l = BIT(i, 21), rm = BITS(i, 20, 16), idx;
	int t;
	if (!u && op == 1) t = F_MLA;
	else if (!u && op == 5) t = F_MLS;
	else if (!u && op == 9) t = F_MUL;
	else if (u && op == 9) t = F_MULX;
	else return false;
	if (size == 2) {
		idx = (h << 1) | l;
	} else if (size == 3) {
		if (l || (!q && !scalar))
			return false;
		idx = h;
	} else {
		return false; /* half precision (FEAT_FP16) */
	}
	unsigned fs = size == 3 ? FS_D : FS_S;
	unsigned n = scalar ? 1 : (q ? 16u : 8u) >> (size == 3 ? 3 : 2);
	d->imm = idx | (rm << 8);
	d->aux = MK(fs, n, t);
	d->fn = f_elem;
	return true;
}

static bool decode_fixed(uint32_t i, struct dent *d, bool scalar)
{
	unsigned u = BIT(i, 29), q = BIT(i, 30), immh = BITS(i, 22, 19), op = BITS(i, 15, 11);
	unsigned immhb = BITS(i, 22, 16), fs, n;
	if (op != 28 && op != 31)
		return false;
	if (immh & 8) {
		fs = FS_D;
		if (!q && !scalar)
			return false;
		d->imm = 128 - immhb;
	} else if (immh & 4) {
		fs = FS_S;
		d->imm = 64 - immhb;
	} else {
		return false; /* half precision (FEAT_FP16) or reserved */
	}
	n = scalar ? 1 : (q ? 16u : 8u) >> (fs == FS_D ? 3 : 2);
	d->aux = MK(fs, n, op == 28 ? (u ? G_UCVTF : G_SCVTF) : (u ? G_CVTU : G_CVTS));
	d->fn = f_fixed;
	return true;
}

bool decode__simd_fp(uint32_t i, struct dent *d)
{
	bool scalar = BIT(i, 28);
	if (BIT(i, 24)) {
		if (BIT(i, 10))
			return !BIT(i, 23) && BITS(i, 22, 19) && decode_fixed(i, d, scalar);
		return decode_elem(i, d, scalar);
	}
	if (!BIT(i, 21))
		return false;
	if (BIT(i, 10))
		return decode_three(i, d, scalar);
	if (BITS(i, 11, 10) == 2 && BITS(i, 20, 17) == 0)
		return decode_misc(i, d, scalar);
	if (BITS(i, 11, 10) == 2 && BITS(i, 20, 17) == 8)
		return decode_reduce(i, d, scalar);
	return false;
}
