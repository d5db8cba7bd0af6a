/* Floating-point operations as the Arm ARM's pseudocode defines them (shared/functions/
 * float: FPUnpack, FPProcessNaNs, FPRound, FPAdd..., FPToFixed, FixedToFP, FPConvert,
 * FPRecipEstimate...), on raw bits, with FPCR's rounding mode, default NaN (DN),
 * flush-to-zero (FZ) and alternative half precision (AHP), and FPSR's cumulative flags.
 *
 * Two paths (docs/model.md, "Floating point"):
 *   - host FPU with fix-ups, for the correctly rounded arithmetic: add, sub, mul, div,
 *     fused multiply-add (fma()), sqrt. Inputs are flushed and NaNs handled here before
 *     the host sees them (host NaN propagation and the sign of its default NaN differ
 *     from Arm's); the host's rounding mode is set from FPCR.RMode for the one
 *     operation and its flags read back: Invalid, Divide-by-zero, Overflow and Inexact
 *     are the same as Arm's. Underflow is not (x86 detects tininess after rounding,
 *     Arm before) and flush-to-zero of results is not the host's: a result of at most
 *     the smallest normal magnitude is recomputed rounding toward zero, which tells
 *     whether the exact result was below the smallest normal.
 *   - software, for everything that is not arithmetic rounding of a host operation:
 *     compares, min/max, conversions between formats and to/from integers (FPRound is
 *     written out), round to integral, the reciprocal (square root) estimates and
 *     steps, FMULX's special cases.
 */
#include <math.h>

#include "cpu/fp.h"

#if defined(__x86_64__)
typedef uint32_t host_fenv;
static inline host_fenv host_begin(unsigned rm)
{
	/* MXCSR: all exceptions masked, flags clear, RC: 00 nearest, 01 down, 10 up, 11 zero */
	static const uint32_t rc[4] = { 0u << 13, 2u << 13, 1u << 13, 3u << 13 };
	uint32_t old, v = 0x1f80u | rc[rm & 3];
	__asm__ volatile("stmxcsr %0" : "=m"(old));
	__asm__ volatile("ldmxcsr %0" : : "m"(v));
	return old;
}
static inline unsigned host_end(host_fenv old)
{
	uint32_t f;
	__asm__ volatile("stmxcsr %0" : "=m"(f));
	__asm__ volatile("ldmxcsr %0" : : "m"(old));
	return ((f & 1) ? FPSR_IOC : 0) | ((f & 4) ? FPSR_DZC : 0) | ((f & 8) ? FPSR_OFC : 0) |
	       ((f & 32) ? FPSR_IXC : 0);
}
#else
#include <fenv.h>
typedef fenv_t host_fenv;
static inline host_fenv host_begin(unsigned rm)
{
	static const int mode[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
	fenv_t old;
	fegetenv(&old);
	fesetround(mode[rm & 3]);
	feclearexcept(FE_ALL_EXCEPT);
	return old;
}
static inline unsigned host_end(host_fenv old)
{
	int f = fetestexcept(FE_ALL_EXCEPT);
	fesetenv(&old);
	return ((f & FE_INVALID) ? FPSR_IOC : 0) | ((f & FE_DIVBYZERO) ? FPSR_DZC : 0) |
	       ((f & FE_OVERFLOW) ? FPSR_OFC : 0) | ((f & FE_INEXACT) ? FPSR_IXC : 0);
}
#endif
/* The operation happens between the two: its inputs are made at the first barrier, its
 * result used at the second (volatile asms stay in order). */
#define BARRIER(x) __asm__ volatile("" : "+m"(x))

/* ---- formats ---- */
static const struct { unsigned e, f; int bias; } FMT[3] = {
	{ 5, 10, 15 }, { 8, 23, 127 }, { 11, 52, 1023 },
};
#define F_BITS(fs) (FMT[fs].f)
#define E_BITS(fs) (FMT[fs].e)
static inline uint64_t frac_of(uint64_t a, unsigned fs) { return a & ((1ull << F_BITS(fs)) - 1); }
static inline unsigned exp_of(uint64_t a, unsigned fs)
{
	return (unsigned)(a >> F_BITS(fs)) & ((1u << E_BITS(fs)) - 1);
}
static inline unsigned emax(unsigned fs) { return (1u << E_BITS(fs)) - 1; }
static inline bool sign_of(uint64_t a, unsigned fs) { return (a >> (E_BITS(fs) + F_BITS(fs))) & 1; }
static inline bool is_nan(uint64_t a, unsigned fs) { return exp_of(a, fs) == emax(fs) && frac_of(a, fs); }
static inline bool is_snan(uint64_t a, unsigned fs)
{
	return is_nan(a, fs) && !((a >> (F_BITS(fs) - 1)) & 1);
}
static inline bool is_inf(uint64_t a, unsigned fs) { return exp_of(a, fs) == emax(fs) && !frac_of(a, fs); }
static inline bool is_zero(uint64_t a, unsigned fs) { return (a & ~fp_sign(fs)) == 0; }
static inline uint64_t quiet_bit(unsigned fs) { return 1ull << (F_BITS(fs) - 1); }
static inline uint64_t inf_of(bool s, unsigned fs)
{
	return (s ? fp_sign(fs) : 0) | ((uint64_t)emax(fs) << F_BITS(fs));
}
static inline uint64_t zero_of(bool s, unsigned fs) { return s ? fp_sign(fs) : 0; }
static inline uint64_t max_normal(bool s, unsigned fs) { return inf_of(s, fs) - 1; }
static inline uint64_t min_normal_bits(unsigned fs) { return 1ull << F_BITS(fs); }

uint64_t fp_default_nan(unsigned fs)
{
	return inf_of(false, fs) | quiet_bit(fs);
}

static inline double d_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static inline uint64_t b_of_d(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static inline float f_of(uint64_t b) { uint32_t w = (uint32_t)b; float f; memcpy(&f, &w, 4); return f; }
static inline uint64_t b_of_f(float f) { uint32_t w; memcpy(&w, &f, 4); return w; }

/* FPUnpack's flush: a denormal input is zero when FPCR.FZ (single, double) */
static inline uint64_t flush_in(struct cpu *c, uint64_t a, unsigned fs)
{
	if (exp_of(a, fs) == 0 && frac_of(a, fs)) {
		c->fpsr |= FPSR_IDC;
		return a & fp_sign(fs);
	}
	return a;
}
#define FLUSH(c, a, fs) do { if ((c)->fpcr & FPCR_FZ) (a) = flush_in(c, a, fs); } while (0)

/* FPProcessNaN */
static uint64_t process_nan(struct cpu *c, uint64_t a, unsigned fs)
{
	if (is_snan(a, fs)) {
		c->fpsr |= FPSR_IOC;
		a |= quiet_bit(fs);
	}
	return (c->fpcr & FPCR_DN) ? fp_default_nan(fs) : a;
}

/* FPProcessNaNs: at least one of a, b is a NaN */
static uint64_t process_nans(struct cpu *c, uint64_t a, uint64_t b, unsigned fs)
{
	if (is_snan(a, fs)) return process_nan(c, a, fs);
	if (is_snan(b, fs)) return process_nan(c, b, fs);
	if (is_nan(a, fs)) return process_nan(c, a, fs);
	return process_nan(c, b, fs);
}

/* FPProcessNaNs3 */
static uint64_t process_nans3(struct cpu *c, uint64_t a, uint64_t b, uint64_t z, unsigned fs)
{
	if (is_snan(a, fs)) return process_nan(c, a, fs);
	if (is_snan(b, fs)) return process_nan(c, b, fs);
	if (is_snan(z, fs)) return process_nan(c, z, fs);
	if (is_nan(a, fs)) return process_nan(c, a, fs);
	if (is_nan(b, fs)) return process_nan(c, b, fs);
	return process_nan(c, z, fs);
}

/* ---- the host path ---- */
enum { H_ADD, H_SUB, H_MUL, H_DIV, H_FMA, H_SQRT, H_RSQRTS };

static inline uint64_t host_calc(unsigned op, unsigned fs, uint64_t a, uint64_t b, uint64_t z,
				 unsigned rm, unsigned *flags)
{
	host_fenv env = host_begin(rm);
	uint64_t out;
	if (fs == FS_D) {
		double x = d_of(a), y = d_of(b), w = d_of(z), r;
		BARRIER(x); BARRIER(y); BARRIER(w);
		switch (op) {
		case H_ADD: r = x + y; break;
		case H_SUB: r = x - y; break;
		case H_MUL: r = x * y; break;
		case H_DIV: r = x / y; break;
		case H_SQRT: r = __builtin_sqrt(x); break;
		default: r = fma(x, y, w); break;
		}
		BARRIER(r);
		out = b_of_d(r);
	} else {
		float x = f_of(a), y = f_of(b), w = f_of(z), r;
		BARRIER(x); BARRIER(y); BARRIER(w);
		switch (op) {
		case H_ADD: r = x + y; break;
		case H_SUB: r = x - y; break;
		case H_MUL: r = x * y; break;
		case H_DIV: r = x / y; break;
		case H_SQRT: r = __builtin_sqrtf(x); break;
		default: r = fmaf(x, y, w); break;
		}
		BARRIER(r);
		out = b_of_f(r);
	}
	*flags = host_end(env);
	return out;
}

/* One correctly rounded operation on non-NaN (flushed) inputs, with Arm's NaN result,
 * underflow and flush-to-zero of the result. H_RSQRTS: (z + a * b) / 2 in one rounding. */
static uint64_t host_arith(struct cpu *c, unsigned op, uint64_t a, uint64_t b, uint64_t z, unsigned fs)
{
	unsigned rm = FPCR_RMODE(c->fpcr), fl;
	bool post_halve = false;
	if (op == H_RSQRTS) {
		/* (3 + a*b) / 2 = 1.5 + (a/2)*b: halve a normal operand exactly; if neither
		 * is, the product is far below 3's last place: halve after */
		op = H_FMA;
		z = fs == FS_D ? b_of_d(1.5) : b_of_f(1.5f);
		if (exp_of(a, fs) > 1 && exp_of(a, fs) < emax(fs))
			a -= 1ull << F_BITS(fs);
		else if (exp_of(b, fs) > 1 && exp_of(b, fs) < emax(fs))
			b -= 1ull << F_BITS(fs);
		else
			post_halve = true, z = fs == FS_D ? b_of_d(3.0) : b_of_f(3.0f);
	}
	uint64_t r = host_calc(op, fs, a, b, z, rm, &fl);
	uint64_t mag = r & ~fp_sign(fs);
	if (unlikely(mag > inf_of(false, fs))) {
		r = fp_default_nan(fs); /* an Invalid Operation's result */
	} else if (unlikely(mag <= min_normal_bits(fs) &&
			    ((fl & FPSR_IXC) || ((c->fpcr & FPCR_FZ) && mag)))) {
		unsigned fl2;
		uint64_t t = host_calc(op, fs, a, b, z, RND_ZERO, &fl2);
		if ((t & ~fp_sign(fs)) < min_normal_bits(fs)) { /* tiny before rounding */
			if (c->fpcr & FPCR_FZ) {
				r &= fp_sign(fs);
				fl = (fl & ~FPSR_IXC) | FPSR_UFC;
			} else if (fl & FPSR_IXC) {
				fl |= FPSR_UFC;
			}
		}
	} else if (post_halve && mag < inf_of(false, fs)) {
		r -= 1ull << F_BITS(fs);
	}
	c->fpsr |= fl;
	return r;
}

static uint64_t binop(struct cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned fs)
{
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (unlikely(is_nan(a, fs) || is_nan(b, fs)))
		return process_nans(c, a, b, fs);
	return host_arith(c, op, a, b, 0, fs);
}

uint64_t fp_add(struct cpu *c, uint64_t a, uint64_t b, unsigned fs) { return binop(c, H_ADD, a, b, fs); }
uint64_t fp_sub(struct cpu *c, uint64_t a, uint64_t b, unsigned fs) { return binop(c, H_SUB, a, b, fs); }
uint64_t fp_mul(struct cpu *c, uint64_t a, uint64_t b, unsigned fs) { return binop(c, H_MUL, a, b, fs); }
uint64_t fp_div(struct cpu *c, uint64_t a, uint64_t b, unsigned fs) { return binop(c, H_DIV, a, b, fs); }

/* FMULX: as FMUL, but infinity times zero is 2.0 with the product's sign */
uint64_t fp_mulx(struct cpu *c, uint64_t a, uint64_t b, unsigned fs)
{
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (unlikely(is_nan(a, fs) || is_nan(b, fs)))
		return process_nans(c, a, b, fs);
	if ((is_inf(a, fs) && is_zero(b, fs)) || (is_zero(a, fs) && is_inf(b, fs))) {
		uint64_t two = fs == FS_D ? b_of_d(2.0) : b_of_f(2.0f);
		return two | ((a ^ b) & fp_sign(fs));
	}
	return host_arith(c, H_MUL, a, b, 0, fs);
}

uint64_t fp_muladd(struct cpu *c, uint64_t z, uint64_t a, uint64_t b, unsigned fs)
{
	FLUSH(c, z, fs);
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (unlikely(is_nan(a, fs) || is_nan(b, fs) || is_nan(z, fs))) {
		/* FPMulAdd: a quiet NaN addend with infinity times zero is the default NaN */
		if (!is_snan(z, fs) && is_nan(z, fs) &&
		    ((is_inf(a, fs) && is_zero(b, fs)) || (is_zero(a, fs) && is_inf(b, fs)))) {
			c->fpsr |= FPSR_IOC;
			return fp_default_nan(fs);
		}
		return process_nans3(c, z, a, b, fs);
	}
	return host_arith(c, H_FMA, a, b, z, fs);
}

uint64_t fp_sqrt(struct cpu *c, uint64_t a, unsigned fs)
{
	FLUSH(c, a, fs);
	if (unlikely(is_nan(a, fs)))
		return process_nan(c, a, fs);
	return host_arith(c, H_SQRT, a, 0, 0, fs);
}

/* FPRecipStepFused: 2 - a*b; FPRSqrtStepFused: (3 - a*b) / 2 */
uint64_t fp_recps(struct cpu *c, uint64_t a, uint64_t b, unsigned fs)
{
	a = fp_neg(a, fs);
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (unlikely(is_nan(a, fs) || is_nan(b, fs)))
		return process_nans(c, a, b, fs);
	if ((is_inf(a, fs) && is_zero(b, fs)) || (is_zero(a, fs) && is_inf(b, fs)))
		return fs == FS_D ? b_of_d(2.0) : b_of_f(2.0f);
	return host_arith(c, H_FMA, a, b, fs == FS_D ? b_of_d(2.0) : b_of_f(2.0f), fs);
}

uint64_t fp_rsqrts(struct cpu *c, uint64_t a, uint64_t b, unsigned fs)
{
	a = fp_neg(a, fs);
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (unlikely(is_nan(a, fs) || is_nan(b, fs)))
		return process_nans(c, a, b, fs);
	if ((is_inf(a, fs) && is_zero(b, fs)) || (is_zero(a, fs) && is_inf(b, fs)))
		return fs == FS_D ? b_of_d(1.5) : b_of_f(1.5f);
	return host_arith(c, H_RSQRTS, a, b, 0, fs);
}

/* ---- software: compare, min/max ---- */

/* -1, 0, 1 for a < b, a == b, a > b; neither is a NaN */
static int cmp_num(uint64_t a, uint64_t b, unsigned fs)
{
	if (is_zero(a, fs) && is_zero(b, fs))
		return 0;
	bool sa = sign_of(a, fs), sb = sign_of(b, fs);
	if (sa != sb)
		return sa ? -1 : 1;
	uint64_t ma = a & ~fp_sign(fs), mb = b & ~fp_sign(fs);
	if (ma == mb)
		return 0;
	return (ma < mb) != sa ? -1 : 1;
}

uint32_t fp_compare(struct cpu *c, uint64_t a, uint64_t b, unsigned fs, bool signal)
{
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (is_nan(a, fs) || is_nan(b, fs)) {
		if (signal || is_snan(a, fs) || is_snan(b, fs))
			c->fpsr |= FPSR_IOC;
		return NZCV_C | NZCV_V;
	}
	switch (cmp_num(a, b, fs)) {
	case 0: return NZCV_Z | NZCV_C;
	case -1: return NZCV_N;
	default: return NZCV_C;
	}
}

bool fp_cmp(struct cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned fs)
{
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (is_nan(a, fs) || is_nan(b, fs)) {
		if (op != FCMP_EQ || is_snan(a, fs) || is_snan(b, fs))
			c->fpsr |= FPSR_IOC;
		return false;
	}
	int r = cmp_num(a, b, fs);
	return op == FCMP_EQ ? r == 0 : op == FCMP_GE ? r >= 0 : r > 0;
}

/* FPMax, FPMin, FPMaxNum, FPMinNum */
uint64_t fp_minmax(struct cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned fs)
{
	bool max = op == FMM_MAX || op == FMM_MAXNM;
	FLUSH(c, a, fs);
	FLUSH(c, b, fs);
	if (op >= FMM_MAXNM) {
		/* a quiet NaN against a number: the number (the NaN becomes -inf / +inf) */
		bool qa = is_nan(a, fs) && !is_snan(a, fs), qb = is_nan(b, fs) && !is_snan(b, fs);
		if (qa && !is_nan(b, fs))
			a = inf_of(max, fs);
		else if (qb && !is_nan(a, fs))
			b = inf_of(max, fs);
	}
	if (is_nan(a, fs) || is_nan(b, fs))
		return process_nans(c, a, b, fs);
	if (is_zero(a, fs) && is_zero(b, fs))
		return max ? (a & b) : (a | b); /* +0 beats -0 for max, -0 for min */
	int r = cmp_num(a, b, fs);
	return (max ? r > 0 : r < 0) ? a : b;
}

/* ---- software: FPRound ---- */

/* Round sign * mant * 2^exp (mant != 0; sticky: nonzero bits below mant) to format fs
 * in mode rm. fz: flush a tiny result to zero (FPCR.FZ for single/double outputs);
 * ahp: half precision without infinities and NaNs (FPCR.AHP in conversions). */
static uint64_t fp_round(struct cpu *c, bool sign, int exp, uint64_t mant, bool sticky,
			 unsigned fs, unsigned rm, bool fz, bool ahp)
{
	unsigned F = F_BITS(fs), E = E_BITS(fs);
	int sh = __builtin_clzll(mant);
	mant <<= sh;
	exp -= sh;
	int e = exp + 63; /* value = 1.xxx * 2^e */
	int minexp = 1 - FMT[fs].bias;
	uint64_t s = zero_of(sign, fs);
	if (fz && e < minexp) {
		c->fpsr |= FPSR_UFC;
		return s;
	}
	int bexp = e - minexp + 1;
	unsigned shift = 63 - F;
	if (bexp <= 0) {
		shift += (unsigned)(1 - bexp);
		bexp = 0;
	}
	uint64_t im;
	bool rbit, st;
	if (shift < 64) {
		im = mant >> shift;
		uint64_t rem = mant << (64 - shift);
		rbit = rem >> 63;
		st = (rem << 1) != 0 || sticky;
	} else if (shift == 64) {
		im = 0;
		rbit = mant >> 63;
		st = (mant << 1) != 0 || sticky;
	} else {
		im = 0;
		rbit = false;
		st = true;
	}
	bool inexact = rbit || st, up;
	if (bexp == 0 && inexact)
		c->fpsr |= FPSR_UFC;
	switch (rm) {
	case RND_NEAREST: up = rbit && (st || (im & 1)); break;
	case RND_POSINF: up = inexact && !sign; break;
	case RND_NEGINF: up = inexact && sign; break;
	case RND_TIEAWAY: up = rbit; break;
	case RND_ODD: up = false; if (inexact) im |= 1; break;
	default: up = false; break;
	}
	if (up) {
		im++;
		if (bexp == 0) {
			if (im == 1ull << F)
				bexp = 1;
		} else if (im == 2ull << F) {
			im >>= 1;
			bexp++;
		}
	}
	if (ahp && fs == FS_H) {
		if (bexp >= (1 << E)) {
			c->fpsr |= FPSR_IOC;
			return s | 0x7fff;
		}
	} else if (bexp >= (int)emax(fs)) {
		c->fpsr |= FPSR_OFC | FPSR_IXC;
		bool to_inf = rm == RND_NEAREST || rm == RND_TIEAWAY || (rm == RND_POSINF && !sign) ||
			      (rm == RND_NEGINF && sign);
		return to_inf ? inf_of(sign, fs) : max_normal(sign, fs);
	}
	if (inexact)
		c->fpsr |= FPSR_IXC;
	return s | ((uint64_t)bexp << F) | (im & ((1ull << F) - 1));
}

/* FPUnpack to sign * mant * 2^exp for a finite nonzero value */
static void unpack_num(uint64_t a, unsigned fs, bool *sign, int *exp, uint64_t *mant)
{
	unsigned e = exp_of(a, fs);
	*sign = sign_of(a, fs);
	*mant = frac_of(a, fs);
	if (e) {
		*mant |= 1ull << F_BITS(fs);
		*exp = (int)e - FMT[fs].bias - (int)F_BITS(fs);
	} else {
		*exp = 1 - FMT[fs].bias - (int)F_BITS(fs);
	}
}

/* FPConvert (and FPConvertNaN) */
uint64_t fp_convert(struct cpu *c, uint64_t a, unsigned from, unsigned to, unsigned rm)
{
	bool ahp = c->fpcr & FPCR_AHP;
	bool ahp_in = ahp && from == FS_H, ahp_out = ahp && to == FS_H;
	bool sign = sign_of(a, from);
	if (from != FS_H)
		FLUSH(c, a, from);
	unsigned e = exp_of(a, from);
	if (e == emax(from) && !ahp_in) {
		if (frac_of(a, from)) { /* NaN */
			if (ahp_out) {
				c->fpsr |= FPSR_IOC;
				return zero_of(sign, to);
			}
			if (is_snan(a, from))
				c->fpsr |= FPSR_IOC;
			if (c->fpcr & FPCR_DN)
				return fp_default_nan(to);
			uint64_t payload = frac_of(a, from) << (52 - F_BITS(from)); /* 52 bits */
			return inf_of(sign, to) | quiet_bit(to) | (payload >> (52 - F_BITS(to)));
		}
		if (ahp_out) {
			c->fpsr |= FPSR_IOC;
			return zero_of(sign, to) | 0x7fff;
		}
		return inf_of(sign, to);
	}
	if (is_zero(a, from))
		return zero_of(sign, to);
	int exp;
	uint64_t mant;
	unpack_num(a, from, &sign, &exp, &mant);
	return fp_round(c, sign, exp, mant, false, to, rm,
			to != FS_H && (c->fpcr & FPCR_FZ), ahp_out);
}

/* FixedToFP */
uint64_t fixed_to_fp(struct cpu *c, uint64_t v, unsigned ibits, unsigned fbits, bool is_unsigned,
		     unsigned fs, unsigned rm)
{
	bool sign = false;
	if (ibits < 64)
		v = is_unsigned ? v & ((1ull << ibits) - 1) : (uint64_t)sext(v, ibits);
	if (!is_unsigned && (int64_t)v < 0) {
		sign = true;
		v = -v;
	}
	if (!v)
		return 0; /* +0 whatever the rounding mode */
	return fp_round(c, sign, -(int)fbits, v, false, fs, rm,
			fs != FS_H && (c->fpcr & FPCR_FZ), false);
}

/* FPToFixed */
uint64_t fp_to_fixed(struct cpu *c, uint64_t a, unsigned fs, unsigned fbits, bool is_unsigned,
		     unsigned rm, unsigned ibits)
{
	bool sign;
	int exp;
	uint64_t mant;
	unsigned __int128 mag;
	bool rbit = false, st = false, overflow = false;
	if (fs != FS_H)
		FLUSH(c, a, fs);
	if (is_nan(a, fs)) {
		c->fpsr |= FPSR_IOC;
		return 0;
	}
	if (is_zero(a, fs))
		return 0;
	if (is_inf(a, fs)) {
		sign = sign_of(a, fs);
		overflow = true;
		mag = 0;
	} else {
		unpack_num(a, fs, &sign, &exp, &mant);
		exp += (int)fbits;
		if (exp >= 0) {
			if (exp > 70)
				overflow = true, mag = 0;
			else
				mag = (unsigned __int128)mant << exp;
		} else {
			unsigned sh = (unsigned)-exp;
			if (sh >= 64) {
				mag = 0;
				rbit = sh == 64 ? (mant >> 63) & 1 : false;
				st = sh == 64 ? (mant << 1) != 0 : true;
			} else {
				mag = mant >> sh;
				uint64_t rem = mant << (64 - sh);
				rbit = rem >> 63;
				st = (rem << 1) != 0;
			}
		}
	}
	bool inexact = rbit || st, up;
	switch (rm) {
	case RND_NEAREST: up = rbit && (st || (mag & 1)); break;
	case RND_TIEAWAY: up = rbit; break;
	case RND_POSINF: up = inexact && !sign; break;
	case RND_NEGINF: up = inexact && sign; break;
	default: up = false; break;
	}
	mag += up;
	/* saturate */
	unsigned __int128 lim;
	uint64_t res;
	if (is_unsigned) {
		lim = ibits == 64 ? ~0ull : (1ull << ibits) - 1;
		if (sign && mag) {
			overflow = true;
			res = 0;
		} else if (sign && overflow) {
			res = 0;
		} else if (overflow || mag > lim) {
			overflow = true;
			res = (uint64_t)lim;
		} else {
			res = (uint64_t)mag;
		}
	} else {
		lim = (unsigned __int128)1 << (ibits - 1); /* |min|; max is lim - 1 */
		if (overflow || mag > lim || (!sign && mag == lim)) {
			overflow = true;
			res = sign ? (uint64_t)-(int64_t)(uint64_t)(lim - 1) - 1 : (uint64_t)(lim - 1);
		} else {
			res = sign ? (uint64_t)-(uint64_t)mag : (uint64_t)mag;
		}
		if (ibits < 64)
			res &= (1ull << ibits) - 1;
	}
	if (overflow)
		c->fpsr |= FPSR_IOC;
	else if (inexact)
		c->fpsr |= FPSR_IXC;
	return res;
}

/* FPRoundInt */
uint64_t fp_roundint(struct cpu *c, uint64_t a, unsigned fs, unsigned rm, bool exact)
{
	FLUSH(c, a, fs);
	if (is_nan(a, fs))
		return process_nan(c, a, fs);
	if (is_inf(a, fs) || is_zero(a, fs) || exp_of(a, fs) >= (unsigned)FMT[fs].bias + F_BITS(fs))
		return a; /* already integral */
	bool sign = sign_of(a, fs);
	int exp;
	uint64_t mant;
	unpack_num(a, fs, &sign, &exp, &mant);
	/* exp < 0 here: split mant into integer and fraction */
	unsigned sh = (unsigned)-exp;
	uint64_t ip, rem;
	bool rbit, st;
	if (sh >= 64) {
		ip = 0;
		rbit = sh == 64 ? (mant >> 63) & 1 : false;
		st = sh == 64 ? (mant << 1) != 0 : true;
	} else {
		ip = mant >> sh;
		rem = mant << (64 - sh);
		rbit = rem >> 63;
		st = (rem << 1) != 0;
	}
	bool inexact = rbit || st, up;
	switch (rm) {
	case RND_NEAREST: up = rbit && (st || (ip & 1)); break;
	case RND_TIEAWAY: up = rbit; break;
	case RND_POSINF: up = inexact && !sign; break;
	case RND_NEGINF: up = inexact && sign; break;
	default: up = false; break;
	}
	ip += up;
	if (inexact && exact)
		c->fpsr |= FPSR_IXC;
	if (!ip)
		return zero_of(sign, fs);
	unsigned fl = c->fpsr;
	uint64_t r = fp_round(c, sign, 0, ip, false, fs, RND_ZERO, false, false); /* exact */
	c->fpsr = fl;
	return r;
}

/* ---- estimates (FPRecipEstimate, FPRSqrtEstimate, FPRecpX, UnsignedRecipEstimate) ---- */

/* a in 256..511 -> 256..511 */
static unsigned recip_estimate(unsigned a)
{
	a = a * 2 + 1;
	unsigned b = (1u << 19) / a;
	return (b + 1) / 2;
}

/* a in 128..511 -> 256..511 */
static unsigned rsqrt_estimate(unsigned a)
{
	if (a < 256)
		a = a * 2 + 1;
	else
		a = ((a >> 1) << 1), a = (a + 1) * 2;
	unsigned b = 512;
	while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
		b++;
	return (b + 1) / 2;
}

uint64_t fp_recpe(struct cpu *c, uint64_t a, unsigned fs)
{
	FLUSH(c, a, fs);
	bool sign = sign_of(a, fs);
	if (is_nan(a, fs))
		return process_nan(c, a, fs);
	if (is_inf(a, fs))
		return zero_of(sign, fs);
	if (is_zero(a, fs)) {
		c->fpsr |= FPSR_DZC;
		return inf_of(sign, fs);
	}
	unsigned rm = FPCR_RMODE(c->fpcr);
	uint64_t mag = a & ~fp_sign(fs);
	/* |a| < 2^-128 (single) or 2^-1024 (double): the reciprocal overflows */
	if (mag < (1ull << (F_BITS(fs) - 2))) {
		bool to_inf = rm == RND_NEAREST || (rm == RND_POSINF && !sign) ||
			      (rm == RND_NEGINF && sign);
		c->fpsr |= FPSR_OFC | FPSR_IXC;
		return to_inf ? inf_of(sign, fs) : max_normal(sign, fs);
	}
	if ((c->fpcr & FPCR_FZ) && exp_of(a, fs) >= (unsigned)(2 * FMT[fs].bias - 1)) {
		/* |a| >= 2^126 (2^1022): the result would be denormal: flushed */
		c->fpsr |= FPSR_UFC;
		return zero_of(sign, fs);
	}
	uint64_t frac = fs == FS_D ? frac_of(a, fs) : frac_of(a, fs) << 29; /* 52 bits */
	int exp = (int)exp_of(a, fs);
	if (exp == 0) {
		if (!((frac >> 51) & 1)) {
			exp = -1;
			frac = (frac << 2) & ((1ull << 52) - 1);
		} else {
			frac = (frac << 1) & ((1ull << 52) - 1);
		}
	}
	unsigned scaled = 256 | (unsigned)(frac >> 44);
	int rexp = (fs == FS_D ? 2045 : 253) - exp;
	unsigned est = recip_estimate(scaled);
	frac = (uint64_t)(est & 0xff) << 44;
	if (rexp == 0) {
		frac = (1ull << 51) | (frac >> 1);
	} else if (rexp == -1) {
		frac = (1ull << 50) | (frac >> 2);
		rexp = 0;
	}
	if (fs == FS_D)
		return zero_of(sign, fs) | ((uint64_t)rexp << 52) | frac;
	return zero_of(sign, fs) | ((uint64_t)(rexp & 0xff) << 23) | (frac >> 29);
}

uint64_t fp_rsqrte(struct cpu *c, uint64_t a, unsigned fs)
{
	FLUSH(c, a, fs);
	bool sign = sign_of(a, fs);
	if (is_nan(a, fs))
		return process_nan(c, a, fs);
	if (is_zero(a, fs)) {
		c->fpsr |= FPSR_DZC;
		return inf_of(sign, fs);
	}
	if (sign) {
		c->fpsr |= FPSR_IOC;
		return fp_default_nan(fs);
	}
	if (is_inf(a, fs))
		return 0;
	uint64_t frac = fs == FS_D ? frac_of(a, fs) : frac_of(a, fs) << 29;
	int exp = (int)exp_of(a, fs);
	if (exp == 0) {
		while (!((frac >> 51) & 1)) {
			frac = (frac << 1) & ((1ull << 52) - 1);
			exp--;
		}
		frac = (frac << 1) & ((1ull << 52) - 1);
	}
	unsigned scaled = (exp & 1) ? (128 | (unsigned)(frac >> 45)) : (256 | (unsigned)(frac >> 44));
	int rexp = ((fs == FS_D ? 3068 : 380) - exp) / 2;
	unsigned est = rsqrt_estimate(scaled);
	if (fs == FS_D)
		return ((uint64_t)(rexp & 0x7ff) << 52) | ((uint64_t)(est & 0xff) << 44);
	return ((uint64_t)(rexp & 0xff) << 23) | ((uint64_t)(est & 0xff) << 15);
}

uint64_t fp_recpx(struct cpu *c, uint64_t a, unsigned fs)
{
	FLUSH(c, a, fs);
	if (is_nan(a, fs))
		return process_nan(c, a, fs);
	uint64_t e = exp_of(a, fs), s = a & fp_sign(fs);
	if (e == 0)
		return s | ((uint64_t)(emax(fs) - 1) << F_BITS(fs));
	return s | ((~e & emax(fs)) << F_BITS(fs));
}

uint32_t u_recpe(uint32_t a)
{
	if (!(a >> 31))
		return 0xffffffffu;
	return (uint32_t)(recip_estimate(a >> 23) & 0x1ff) << 23;
}

uint32_t u_rsqrte(uint32_t a)
{
	if (!(a >> 30))
		return 0xffffffffu;
	return (uint32_t)(rsqrt_estimate(a >> 23) & 0x1ff) << 23;
}
