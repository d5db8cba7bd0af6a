/* SIMD&FP in the model CPU: the register file's helpers, FPCR/FPSR bits, the trap
 * check, and the floating-point operations with Arm semantics (fp_arith.c) that the
 * scalar (fp_scalar.c) and vector (simd_*.c) instruction handlers share.
 *
 * Values travel as raw bits in uint64_t (half, single or double by an FS_* format);
 * every operation reads FPCR from the vCPU and ORs its exceptions into FPSR. */
#ifndef MODEL_FP_H
#define MODEL_FP_H

#include "cpu/cpu.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "union vreg keeps lanes in host order: a little-endian host is assumed");

/* FPCR */
#define FPCR_AHP   (1u << 26)
#define FPCR_DN    (1u << 25)
#define FPCR_FZ    (1u << 24)
#define FPCR_RMODE(fpcr) (((fpcr) >> 22) & 3)
/* FPSR cumulative flags */
#define FPSR_IOC (1u << 0)
#define FPSR_DZC (1u << 1)
#define FPSR_OFC (1u << 2)
#define FPSR_UFC (1u << 3)
#define FPSR_IXC (1u << 4)
#define FPSR_IDC (1u << 7)
#define FPSR_QC  (1u << 27)

/* Rounding modes: FPCR.RMode's encoding (RN, RP, RM, RZ), then the ones only
 * instructions name. */
enum { RND_NEAREST = 0, RND_POSINF, RND_NEGINF, RND_ZERO, RND_TIEAWAY, RND_ODD };
/* Formats */
enum { FS_H = 0, FS_S = 1, FS_D = 2 };

/* Every SIMD&FP handler starts with this: CPACR_EL1.FPEN (EC 0x07). */
#define FP_CHECK(c) do { if (unlikely((c)->fp_off)) return exc__fp_trap(c); } while (0)

/* Register writes: a scalar or 64-bit vector result clears the bits above it. */
static inline void vset(struct cpu *c, unsigned n, uint64_t lo, uint64_t hi)
{
	c->v[n].d[0] = lo;
	c->v[n].d[1] = hi;
}
static inline void vset_q(struct cpu *c, unsigned n, const union vreg *r, bool q)
{
	c->v[n].d[0] = r->d[0];
	c->v[n].d[1] = q ? r->d[1] : 0;
}
/* The low `fs`-sized scalar of V[n] (FS_H/S/D), and a scalar write. */
static inline uint64_t vget_s(const struct cpu *c, unsigned n, unsigned fs)
{
	uint64_t v = c->v[n].d[0];
	return fs == FS_D ? v : fs == FS_S ? (uint32_t)v : (uint16_t)v;
}

/* Lane k of width 8 << size bits, zero-extended; and its write. */
static inline uint64_t lane_get(const union vreg *v, unsigned size, unsigned k)
{
	switch (size) {
	case 0: return v->b[k];
	case 1: return v->h[k];
	case 2: return v->s[k];
	default: return v->d[k];
	}
}
static inline void lane_set(union vreg *v, unsigned size, unsigned k, uint64_t x)
{
	switch (size) {
	case 0: v->b[k] = (uint8_t)x; break;
	case 1: v->h[k] = (uint16_t)x; break;
	case 2: v->s[k] = (uint32_t)x; break;
	default: v->d[k] = x; break;
	}
}

/* ---- fp_arith.c: Arm ARM pseudocode operations (shared/functions/float) ----
 * fs is FS_S or FS_D unless said otherwise. */
uint64_t fp_add(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_sub(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_mul(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_div(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_mulx(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
/* addend + a * b, one rounding (FPMulAdd) */
uint64_t fp_muladd(struct cpu *c, uint64_t addend, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_sqrt(struct cpu *c, uint64_t a, unsigned fs);
enum { FMM_MAX, FMM_MIN, FMM_MAXNM, FMM_MINNM };
uint64_t fp_minmax(struct cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_recps(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_rsqrts(struct cpu *c, uint64_t a, uint64_t b, unsigned fs);
uint64_t fp_recpe(struct cpu *c, uint64_t a, unsigned fs);
uint64_t fp_rsqrte(struct cpu *c, uint64_t a, unsigned fs);
uint64_t fp_recpx(struct cpu *c, uint64_t a, unsigned fs);
uint32_t u_recpe(uint32_t a);
uint32_t u_rsqrte(uint32_t a);
/* FCMP: NZCV in bits 31:28; signal: any NaN is an Invalid Operation (FCMPE) */
uint32_t fp_compare(struct cpu *c, uint64_t a, uint64_t b, unsigned fs, bool signal);
enum { FCMP_EQ, FCMP_GE, FCMP_GT };
bool fp_cmp(struct cpu *c, unsigned op, uint64_t a, uint64_t b, unsigned fs);
/* FRINT*: to an integral value in rounding mode rm; exact: Inexact is signalled */
uint64_t fp_roundint(struct cpu *c, uint64_t a, unsigned fs, unsigned rm, bool exact);
/* FP (any format) -> signed/unsigned integer of ibits (32/64, 16 for nothing yet), with
 * fbits fraction bits, rounding rm; saturating, Invalid Operation on overflow or NaN. */
uint64_t fp_to_fixed(struct cpu *c, uint64_t a, unsigned fs, unsigned fbits, bool is_unsigned,
		     unsigned rm, unsigned ibits);
/* integer (ibits wide, signed or not) with fbits fraction bits -> FP of format fs */
uint64_t fixed_to_fp(struct cpu *c, uint64_t v, unsigned ibits, unsigned fbits, bool is_unsigned,
		     unsigned fs, unsigned rm);
/* between formats (FCVT, FCVTN/L, FCVTXN with rm = RND_ODD) */
uint64_t fp_convert(struct cpu *c, uint64_t a, unsigned from, unsigned to, unsigned rm);
uint64_t fp_default_nan(unsigned fs);
/* VFPExpandImm: FMOV (immediate)'s 8 bits to format fs (fp_scalar.c) */
uint64_t fp_expand_imm(unsigned imm8, unsigned fs);

static inline uint64_t fp_sign(unsigned fs)
{
	return 1ull << (fs == FS_D ? 63 : fs == FS_S ? 31 : 15);
}
static inline uint64_t fp_abs(uint64_t a, unsigned fs) { return a & ~fp_sign(fs); }
static inline uint64_t fp_neg(uint64_t a, unsigned fs) { return a ^ fp_sign(fs); }

/* ---- sub-decoders (fp_scalar.c, simd_*.c) ---- */
bool decode__fp_scalar(uint32_t i, struct dent *d);
bool decode__simd_int(uint32_t i, struct dent *d);
bool decode__simd_fp(uint32_t i, struct dent *d);
bool decode__simd_perm(uint32_t i, struct dent *d);

#endif
