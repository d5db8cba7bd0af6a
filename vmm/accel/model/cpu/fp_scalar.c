/* Scalar floating point (Arm ARM C4.1.95, op0 = x0x1): data processing with 1, 2 and 3
 * sources, compare and conditional compare, conditional select, FMOV (immediate,
 * register, general), conversions between formats (FCVT, with half precision), to and
 * from integers (FCVT[NPMZA][SU], SCVTF, UCVTF) and fixed point. Single and double
 * precision; half precision only where the base architecture has it (FCVT), since
 * FEAT_FP16 is not implemented. The operations are fp_arith.c's. */
#include "cpu/fp.h"

/* aux: the format (FS_S, FS_D, FS_H) in bits 1:0, and per group what follows */
#define FSA(d) ((d)->aux & 3)

static inline void set_scalar(struct cpu *c, unsigned n, uint64_t v)
{
	vset(c, n, v, 0);
}

/* ---- 2 source ---- */
#define FP2(name, expr)                                                              \
	static int name(struct cpu *c, const struct dent *d)                         \
	{                                                                            \
		uint32_t i = d->insn;                                                \
		unsigned fs = FSA(d);                                                \
		FP_CHECK(c);                                                         \
		uint64_t a = vget_s(c, RN(i), fs), b = vget_s(c, RM(i), fs);        \
		set_scalar(c, RD(i), expr);                                          \
		return X_NEXT;                                                       \
	}
FP2(f_mul, fp_mul(c, a, b, fs))
FP2(f_div, fp_div(c, a, b, fs))
FP2(f_add, fp_add(c, a, b, fs))
FP2(f_sub, fp_sub(c, a, b, fs))
FP2(f_max, fp_minmax(c, FMM_MAX, a, b, fs))
FP2(f_min, fp_minmax(c, FMM_MIN, a, b, fs))
FP2(f_maxnm, fp_minmax(c, FMM_MAXNM, a, b, fs))
FP2(f_minnm, fp_minmax(c, FMM_MINNM, a, b, fs))
FP2(f_nmul, fp_neg(fp_mul(c, a, b, fs), fs))

/* ---- 3 source: FMADD, FMSUB, FNMADD, FNMSUB (aux bit 2: negate n, bit 3: negate a) ---- */
static int f_madd(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FSA(d);
	FP_CHECK(c);
	uint64_t n = vget_s(c, RN(i), fs), m = vget_s(c, RM(i), fs), a = vget_s(c, RA(i), fs);
	if (d->aux & 4)
		n = fp_neg(n, fs);
	if (d->aux & 8)
		a = fp_neg(a, fs);
	set_scalar(c, RD(i), fp_muladd(c, a, n, m, fs));
	return X_NEXT;
}

/* ---- 1 source ---- */
static int f_mov(struct cpu *c, const struct dent *d)
{
	FP_CHECK(c);
	set_scalar(c, RD(d->insn), vget_s(c, RN(d->insn), FSA(d)));
	return X_NEXT;
}

static int f_abs(struct cpu *c, const struct dent *d)
{
	FP_CHECK(c);
	set_scalar(c, RD(d->insn), fp_abs(vget_s(c, RN(d->insn), FSA(d)), FSA(d)));
	return X_NEXT;
}

static int f_neg(struct cpu *c, const struct dent *d)
{
	FP_CHECK(c);
	set_scalar(c, RD(d->insn), fp_neg(vget_s(c, RN(d->insn), FSA(d)), FSA(d)));
	return X_NEXT;
}

static int f_sqrt(struct cpu *c, const struct dent *d)
{
	FP_CHECK(c);
	set_scalar(c, RD(d->insn), fp_sqrt(c, vget_s(c, RN(d->insn), FSA(d)), FSA(d)));
	return X_NEXT;
}

/* FCVT: aux bits 3:2 the destination format */
static int f_cvt(struct cpu *c, const struct dent *d)
{
	unsigned from = FSA(d), to = (d->aux >> 2) & 3;
	FP_CHECK(c);
	uint64_t a = vget_s(c, RN(d->insn), from);
	set_scalar(c, RD(d->insn), fp_convert(c, a, from, to, FPCR_RMODE(c->fpcr)));
	return X_NEXT;
}

/* FRINT*: aux bits 4:2 the rounding mode (7: FPCR's), bit 5 exact (FRINTX) */
static int f_rint(struct cpu *c, const struct dent *d)
{
	unsigned fs = FSA(d), rm = (d->aux >> 2) & 7;
	FP_CHECK(c);
	if (rm == 7)
		rm = FPCR_RMODE(c->fpcr);
	uint64_t a = vget_s(c, RN(d->insn), fs);
	set_scalar(c, RD(d->insn), fp_roundint(c, a, fs, rm, d->aux & 32));
	return X_NEXT;
}

/* ---- compare ---- */
/* aux bit 2: against zero, bit 3: FCMPE */
static int f_cmp(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FSA(d);
	FP_CHECK(c);
	uint64_t a = vget_s(c, RN(i), fs), b = (d->aux & 4) ? 0 : vget_s(c, RM(i), fs);
	c->nzcv = fp_compare(c, a, b, fs, d->aux & 8);
	return X_NEXT;
}

/* FCCMP, FCCMPE (aux bit 3) */
static int f_ccmp(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FSA(d);
	FP_CHECK(c);
	if (cond_fast(c->nzcv, BITS(i, 15, 12)))
		c->nzcv = fp_compare(c, vget_s(c, RN(i), fs), vget_s(c, RM(i), fs), fs, d->aux & 8);
	else
		c->nzcv = BITS(i, 3, 0) << 28;
	return X_NEXT;
}

static int f_csel(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned fs = FSA(d);
	FP_CHECK(c);
	unsigned src = cond_fast(c->nzcv, BITS(i, 15, 12)) ? RN(i) : RM(i);
	set_scalar(c, RD(i), vget_s(c, src, fs));
	return X_NEXT;
}

/* FMOV (immediate): the value is in d->imm */
static int f_movi(struct cpu *c, const struct dent *d)
{
	FP_CHECK(c);
	set_scalar(c, RD(d->insn), d->imm);
	return X_NEXT;
}

/* VFPExpandImm */
uint64_t fp_expand_imm(unsigned imm8, unsigned fs)
{
	uint64_t sign = imm8 >> 7, b6 = (imm8 >> 6) & 1, lo = (imm8 >> 4) & 3, f4 = imm8 & 15;
	if (fs == FS_D)
		return (sign << 63) | ((b6 ^ 1) << 62) | ((b6 ? 0xffull : 0) << 54) | (lo << 52) | (f4 << 48);
	if (fs == FS_S)
		return (sign << 31) | ((b6 ^ 1) << 30) | ((b6 ? 0x1full : 0) << 25) | (lo << 23) | (f4 << 19);
	return (sign << 15) | ((b6 ^ 1) << 14) | ((b6 ? 3ull : 0) << 12) | (lo << 10) | (f4 << 6);
}

/* ---- conversions with general registers ---- */
/* aux: fs, bit 2 unsigned, bits 5:3 rounding mode (7: FPCR's), bit 6 sf, bits 14:8 fbits */
#define CV_U 4u
#define CV_RM(a) (((a) >> 3) & 7)
#define CV_SF 64u
#define CV_FBITS(a) (((a) >> 8) & 127)

static int f_cvt_to_int(struct cpu *c, const struct dent *d)
{
	unsigned aux = d->aux, fs = FSA(d), rm = CV_RM(aux);
	FP_CHECK(c);
	if (rm == 7)
		rm = FPCR_RMODE(c->fpcr);
	uint64_t a = vget_s(c, RN(d->insn), fs);
	uint64_t r = fp_to_fixed(c, a, fs, CV_FBITS(aux), aux & CV_U, rm, (aux & CV_SF) ? 64 : 32);
	wz(c, RD(d->insn), r);
	return X_NEXT;
}

static int f_cvt_from_int(struct cpu *c, const struct dent *d)
{
	unsigned aux = d->aux, fs = FSA(d);
	FP_CHECK(c);
	uint64_t v = rz(c, RN(d->insn));
	set_scalar(c, RD(d->insn), fixed_to_fp(c, v, (aux & CV_SF) ? 64 : 32, CV_FBITS(aux),
						  aux & CV_U, fs, FPCR_RMODE(c->fpcr)));
	return X_NEXT;
}

/* FMOV between general and SIMD&FP registers: aux 0 W<-S, 1 X<-D, 2 S<-W, 3 D<-X,
 * 4 X<-V.D[1], 5 V.D[1]<-X */
static int f_mov_gen(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	FP_CHECK(c);
	switch (d->aux) {
	case 0: wz(c, RD(i), c->v[RN(i)].s[0]); break;
	case 1: wz(c, RD(i), c->v[RN(i)].d[0]); break;
	case 2: vset(c, RD(i), (uint32_t)rz(c, RN(i)), 0); break;
	case 3: vset(c, RD(i), rz(c, RN(i)), 0); break;
	case 4: wz(c, RD(i), c->v[RN(i)].d[1]); break;
	default: c->v[RD(i)].d[1] = rz(c, RN(i)); break;
	}
	return X_NEXT;
}

/* ---- decode ---- */

static bool decode_int_conv(uint32_t i, struct dent *d, unsigned fs)
{
	unsigned sf = BIT(i, 31), rmode = BITS(i, 20, 19), op = BITS(i, 18, 16), type = BITS(i, 23, 22);
	if (BIT(i, 29))
		return false;
	if (op == 6 || op == 7) { /* FMOV */
		if (rmode == 0 && sf == 0 && type == 0) d->aux = op == 6 ? 0 : 2;
		else if (rmode == 0 && sf == 1 && type == 1) d->aux = op == 6 ? 1 : 3;
		else if (rmode == 1 && sf == 1 && type == 2) d->aux = op == 6 ? 4 : 5;
		else return false; /* half precision (FEAT_FP16), FJCVTZS (FEAT_JSCVT) */
		d->fn = f_mov_gen;
		return true;
	}
	if (type == 2 || fs == FS_H)
		return false;
	unsigned aux = fs | (sf ? CV_SF : 0);
	if (op < 2) { /* FCVT[NPMZ][SU] */
		static const unsigned rm[4] = { RND_NEAREST, RND_POSINF, RND_NEGINF, RND_ZERO };
		d->aux = aux | (op ? CV_U : 0) | (rm[rmode] << 3);
		d->fn = f_cvt_to_int;
		return true;
	}
	if (rmode)
		return false;
	if (op == 2 || op == 3) {
		d->aux = aux | (op == 3 ? CV_U : 0);
		d->fn = f_cvt_from_int;
		return true;
	}
	/* 4, 5: FCVTAS, FCVTAU */
	d->aux = aux | (op == 5 ? CV_U : 0) | (RND_TIEAWAY << 3);
	d->fn = f_cvt_to_int;
	return true;
}

static bool decode_fixed_conv(uint32_t i, struct dent *d, unsigned fs)
{
	unsigned sf = BIT(i, 31), rmode = BITS(i, 20, 19), op = BITS(i, 18, 16), scale = BITS(i, 15, 10);
	if (BIT(i, 29) || fs == FS_H || (!sf && scale < 32))
		return false;
	unsigned aux = fs | (sf ? CV_SF : 0) | ((64 - scale) << 8);
	if (rmode == 0 && (op == 2 || op == 3)) {
		d->aux = aux | (op == 3 ? CV_U : 0);
		d->fn = f_cvt_from_int;
		return true;
	}
	if (rmode == 3 && (op == 0 || op == 1)) {
		d->aux = aux | (op == 1 ? CV_U : 0) | (RND_ZERO << 3);
		d->fn = f_cvt_to_int;
		return true;
	}
	return false;
}

static bool decode_1src(uint32_t i, struct dent *d, unsigned fs)
{
	unsigned op = BITS(i, 20, 15);
	if (fs == FS_H && (op >> 2) != 1)
		return false; /* only FCVT from half precision without FEAT_FP16 */
	d->aux = fs;
	switch (op) {
	case 0: d->fn = f_mov; return true;
	case 1: d->fn = f_abs; return true;
	case 2: d->fn = f_neg; return true;
	case 3: d->fn = f_sqrt; return true;
	case 4: case 5: case 7: {
		static const unsigned to[4] = { FS_S, FS_D, 0, FS_H };
		if (to[op & 3] == fs)
			return false;
		d->aux = fs | (to[op & 3] << 2);
		d->fn = f_cvt;
		return true;
	}
	case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
		static const unsigned rm[8] = { RND_NEAREST, RND_POSINF, RND_NEGINF, RND_ZERO,
						RND_TIEAWAY, 0, 7, 7 };
		d->aux = fs | (rm[op & 7] << 2) | (op == 14 ? 32 : 0);
		d->fn = f_rint;
		return true;
	}
	default:
		return false; /* FRINT32/64 (FEAT_FRINTTS), BFCVT */
	}
}

bool decode__fp_scalar(uint32_t i, struct dent *d)
{
	static const unsigned fmt[4] = { FS_S, FS_D, 9, FS_H };
	unsigned type = BITS(i, 23, 22), fs = fmt[type];
	if (BIT(i, 24)) { /* 3 source */
		if (BIT(i, 31) || BIT(i, 29) || fs > FS_D || fs == FS_H)
			return false;
		unsigned o = (BIT(i, 21) << 1) | BIT(i, 15);
		static const unsigned neg[4] = { 0, 4, 12, 8 };
		d->aux = fs | neg[o];
		d->fn = f_madd;
		return true;
	}
	if (!BIT(i, 21))
		return fs <= FS_D || fs == FS_H ? decode_fixed_conv(i, d, fs) : false;
	if (BITS(i, 15, 10) == 0)
		return decode_int_conv(i, d, fs);
	if (fs > FS_D)
		return false;
	if (BIT(i, 31) || BIT(i, 29))
		return false;
	if (BITS(i, 14, 10) == 0x10)
		return decode_1src(i, d, fs);
	if (fs == FS_H)
		return false; /* the rest of half precision is FEAT_FP16 */
	d->aux = fs;
	if (BITS(i, 13, 10) == 8) { /* compare */
		if (BITS(i, 15, 14) || BITS(i, 2, 0))
			return false;
		d->aux |= (BIT(i, 3) ? 4 : 0) | (BIT(i, 4) ? 8 : 0);
		d->fn = f_cmp;
		return true;
	}
	if (BITS(i, 12, 10) == 4) { /* immediate */
		if (BITS(i, 9, 5))
			return false;
		d->imm = fp_expand_imm(BITS(i, 20, 13), fs);
		d->fn = f_movi;
		return true;
	}
	switch (BITS(i, 11, 10)) {
	case 1:
		d->aux |= BIT(i, 4) ? 8 : 0;
		d->fn = f_ccmp;
		return true;
	case 3:
		d->fn = f_csel;
		return true;
	case 2: {
		static const insn_fn ops[9] = { f_mul, f_div, f_add, f_sub, f_max, f_min,
						f_maxnm, f_minnm, f_nmul };
		unsigned op = BITS(i, 15, 12);
		if (op > 8)
			return false;
		d->fn = ops[op];
		return true;
	}
	default:
		return false;
	}
}
