/* FP/SIMD in user space: the one program built with the FP/SIMD registers and the
 * vectoriser (-O3 -ftree-vectorize, guest/CMakeLists.txt). It checks its own results:
 * scalar float/double arithmetic, vectorised loops over arrays of every lane width,
 * conversions, FPCR rounding modes and flush-to-zero, FPSR flags, Arm's default NaN,
 * and that the kernel keeps each process's FP/SIMD state across context switches and
 * forks (arch/fpsimd.c). */
#include "ulib.h"

#define N 203	/* not a multiple of any vector length: the loops have tails */

static float fa[N], fb[N], fc[N];
static double da[N], db[N], dc[N];
static int ia[N], ib[N], ic[N];
static short sa[N], sb[N];
static unsigned char ua[N], ub[N], uc[N];
static long la[N];

static inline u64 bits_d(double d) { u64 b; __builtin_memcpy(&b, &d, 8); return b; }
static inline u32 bits_f(float f) { u32 b; __builtin_memcpy(&b, &f, 4); return b; }
static inline u64 get_fpcr(void) { u64 v; asm volatile("mrs %0, fpcr" : "=r"(v)); return v; }
static inline void set_fpcr(u64 v) { asm volatile("msr fpcr, %0" : : "r"(v) : "memory"); }
static inline u64 get_fpsr(void) { u64 v; asm volatile("mrs %0, fpsr" : "=r"(v) : : "memory"); return v; }
static inline void set_fpsr(u64 v) { asm volatile("msr fpsr, %0" : : "r"(v) : "memory"); }

static noinline int t_scalar(void)
{
	volatile double x = 1.5, y = 0.25, z = 3.0;
	volatile float f = 2.5f, g = -0.5f;
	CHECK(x + y == 1.75 && x - y == 1.25 && x * y == 0.375 && x / y == 6.0);
	CHECK(__builtin_sqrt(z * z) == 3.0 && __builtin_sqrtf(f * f) == 2.5f);
	CHECK(__builtin_fma(x, y, z) == 3.375);
	CHECK(f * g == -1.25f && f / g == -5.0f && (double)f == 2.5);
	CHECK(__builtin_fabs(g) == 0.5f && -g == 0.5f);
	CHECK((x > y) && !(x < y) && (g < 0));
	double third = 1.0 / z;
	CHECK(bits_d(third) == 0x3fd5555555555555ull);		/* round to nearest */
	volatile double zero = 0.0;
	double nan = zero / zero, inf = 1.0 / zero;
	CHECK(nan != nan && inf > 1e308);
	CHECK(bits_d(nan) == 0x7ff8000000000000ull);		/* Arm's default NaN: positive */
	CHECK(bits_f((float)nan) == 0x7fc00000u);
	volatile double tiny = 1e-310;				/* a denormal */
	CHECK(tiny * 1e10 > 9.99e-301 && tiny * 1e10 < 1.01e-300);
	return 1;
}

static noinline int t_conversions(void)
{
	volatile double d = -7.75, big = 9007199254740993.0;	/* 2^53 + 1 rounds to 2^53 */
	volatile float f = 1e10f;
	volatile long l = -123456789012345L;
	volatile unsigned long u = 18446744073709551615UL;
	CHECK((long)d == -7 && (int)d == -7 && (unsigned)(-d) == 7);
	CHECK(bits_d(big) == 0x4340000000000000ull);
	CHECK((long)f == 10000000000L);
	CHECK((double)l == -123456789012345.0 && (long)(double)l == l);
	CHECK((double)u == 18446744073709551616.0);		/* rounds up to 2^64 */
	CHECK((float)(double)0.1f == 0.1f && (double)0.1f != 0.1);
	CHECK(__builtin_lround(2.5) == 3 && __builtin_lround(-2.5) == -3);
	CHECK(__builtin_floor(-2.5) == -3.0 && __builtin_ceil(-2.5) == -2.0 &&
	      __builtin_trunc(-2.5) == -2.0 && __builtin_rint(2.5) == 2.0);
	__fp16 h = (__fp16)1.5f;
	CHECK((float)h == 1.5f);
	return 1;
}

static noinline int t_rounding_modes(void)
{
	u64 fpcr = get_fpcr();
	volatile double one = 1.0, three = 3.0;
	volatile double r[4];
	for (u64 m = 0; m < 4; m++) {
		set_fpcr((fpcr & ~(3ul << 22)) | (m << 22));
		r[m] = one / three;
	}
	set_fpcr(fpcr);
	/* RN rounds 1/3 down; RP up; RM and RZ down */
	CHECK(bits_d(r[0]) == 0x3fd5555555555555ull && bits_d(r[1]) == 0x3fd5555555555556ull);
	CHECK(bits_d(r[2]) == 0x3fd5555555555555ull && bits_d(r[3]) == 0x3fd5555555555555ull);
	(void)fpcr;
	/* flags: Inexact from 1/3, Divide-by-zero from 1/0, Invalid from 0/0 */
	volatile double zero = 0.0;
	set_fpsr(0);
	r[0] = one / three;
	CHECK(get_fpsr() == 0x10);
	r[1] = one / zero;
	CHECK(get_fpsr() == 0x12);
	r[2] = zero / zero;
	CHECK(get_fpsr() == 0x13);
	/* flush-to-zero: a denormal result becomes +0 (Underflow, not Inexact) */
	volatile double tiny = 1e-300;
	set_fpsr(0);
	set_fpcr(fpcr | (1ul << 24));
	r[3] = tiny * 1e-10;
	set_fpcr(fpcr);
	CHECK(r[3] == 0.0 && (get_fpsr() & 0x18) == 0x08);
	set_fpsr(0);
	r[3] = tiny * 1e-10;
	CHECK(r[3] != 0.0 && (get_fpsr() & 0x18) == 0x18);
	return 1;
}

/* vectorised loops: every lane width, arithmetic, compares, min/max, widening,
 * narrowing, conversions, reductions */
static noinline int t_vector_loops(void)
{
	for (int i = 0; i < N; i++) {
		fb[i] = (float)i * 0.5f;
		fc[i] = (float)(N - i);
		db[i] = (double)i * 0.25;
		dc[i] = (double)(i % 7) - 3.0;
		ib[i] = i * 3 - 100;
		ic[i] = (i % 5) - 2;
		sa[i] = (short)(i * 37 - 4000);
		sb[i] = (short)(i - 90);
		ub[i] = (unsigned char)(i * 5);
		uc[i] = (unsigned char)(255 - i);
	}
	for (int i = 0; i < N; i++)
		fa[i] = fb[i] * fc[i] + fb[i];
	for (int i = 0; i < N; i++)
		da[i] = db[i] * dc[i] - db[i] / 2.0;
	for (int i = 0; i < N; i++)
		ia[i] = ib[i] * ic[i] + (ib[i] >> 2);
	for (int i = 0; i < N; i++)
		ua[i] = (unsigned char)(ub[i] + uc[i]) > ub[i] ? ub[i] : uc[i];
	for (int i = 0; i < N; i++) {
		CHECK(fa[i] == (float)i * 0.5f * (float)(N - i) + (float)i * 0.5f);
		CHECK(da[i] == (double)i * 0.25 * ((double)(i % 7) - 3.0) - (double)i * 0.125);
		CHECK(ia[i] == (i * 3 - 100) * ((i % 5) - 2) + ((i * 3 - 100) >> 2));
		unsigned char s = (unsigned char)((unsigned char)(i * 5) + (unsigned char)(255 - i));
		CHECK(ua[i] == (s > (unsigned char)(i * 5) ? (unsigned char)(i * 5) : (unsigned char)(255 - i)));
	}
	/* reductions and widening: int sum, short dot product into long, max */
	long sum = 0, dot = 0;
	int mx = -1000000;
	unsigned bytes = 0;
	for (int i = 0; i < N; i++) {
		sum += ia[i];
		dot += (long)sa[i] * sb[i];
		mx = ib[i] > mx ? ib[i] : mx;
		bytes += ub[i];
	}
	long esum = 0, edot = 0;
	unsigned ebytes = 0;
	for (int i = 0; i < N; i++) {
		esum += (i * 3 - 100) * ((i % 5) - 2) + ((i * 3 - 100) >> 2);
		edot += (long)(short)(i * 37 - 4000) * (i - 90);
		ebytes += (unsigned char)(i * 5);
	}
	barrier();
	CHECK(sum == esum && dot == edot && mx == (N - 1) * 3 - 100 && bytes == ebytes);
	/* conversions in loops: int -> float, float -> int, double -> long */
	for (int i = 0; i < N; i++)
		fa[i] = (float)ib[i] / 4.0f;
	for (int i = 0; i < N; i++)
		ia[i] = (int)fa[i];
	for (int i = 0; i < N; i++)
		la[i] = (long)(da[i] * 8.0);
	for (int i = 0; i < N; i++) {
		CHECK(ia[i] == (i * 3 - 100) / 4);
		CHECK(la[i] == (long)(((double)i * 0.25 * ((double)(i % 7) - 3.0) - (double)i * 0.125) * 8.0));
	}
	/* float min/max and a compare-select loop */
	float fmx = -1e30f;
	for (int i = 0; i < N; i++)
		fmx = fc[i] > fmx ? fc[i] : fmx;
	for (int i = 0; i < N; i++)
		fa[i] = fb[i] > fc[i] ? fb[i] - fc[i] : 0.0f;
	CHECK(fmx == (float)N);
	for (int i = 0; i < N; i++)
		CHECK(fa[i] == ((float)i * 0.5f > (float)(N - i) ? (float)i * 0.5f - (float)(N - i) : 0.0f));
	return 1;
}

/* Each process fills V8-V15 and FPCR with its own pattern, yields many times and
 * checks they survived; the child also checks it inherited the parent's V16. */
static noinline int fp_pattern_survives(u64 seed)
{
	u64 out[16], fpcr;
	set_fpcr(((seed & 3) << 22) | ((seed & 4) << 22));	/* RMode and FZ */
	asm volatile("dup v8.2d, %0\n\tadd v9.2d, v8.2d, v8.2d\n\tnot v10.16b, v8.16b\n\t"
		     "ext v11.16b, v8.16b, v10.16b, #3\n\tmov v12.16b, v9.16b\n\t"
		     "rev64 v13.16b, v10.16b\n\tcnt v14.16b, v11.16b\n\tmov v15.16b, v13.16b"
		     : : "r"(seed) : "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15");
	for (int k = 0; k < 200; k++)
		sched_yield();
	asm volatile("stp q8, q9, [%0]\n\tstp q10, q11, [%0, #32]\n\tstp q12, q13, [%0, #64]\n\t"
		     "stp q14, q15, [%0, #96]" : : "r"(out) : "memory");
	fpcr = get_fpcr();
	set_fpcr(0);
	u64 inv = ~seed;
	return out[0] == seed && out[1] == seed && out[2] == 2 * seed && out[4] == inv &&
	       out[8] == 2 * seed && out[10] == __builtin_bswap64(inv) &&
	       fpcr == (((seed & 3) << 22) | ((seed & 4) << 22));
}

static noinline int t_context_switch(void)
{
	enum { KIDS = 4 };
	long pids[KIDS];
	u64 inherited = 0x0123456789abcdefull;
	asm volatile("dup v16.2d, %0" : : "r"(inherited) : "v16");
	for (int k = 0; k < KIDS; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			u64 v16;
			asm volatile("mov %0, v16.d[1]" : "=r"(v16));
			int ok = v16 == inherited;
			ok &= fp_pattern_survives(0x1111111111111111ull * (u64)(k + 1) + (u64)k);
			exit(ok ? 0 : 1);
		}
	}
	int ok = fp_pattern_survives(0xfedcba9876543210ull);
	for (int k = 0; k < KIDS; k++) {
		int st = -1;
		wait4(pids[k], &st, 0);
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	CHECK(ok);
	return 1;
}

int main(void)
{
	ktap_plan(5);
	ktap_ok(t_scalar(), "scalar_float_double_and_default_nan");
	ktap_ok(t_conversions(), "conversions");
	ktap_ok(t_rounding_modes(), "fpcr_rounding_modes_flags_and_flush_to_zero");
	ktap_ok(t_vector_loops(), "vectorised_loops");
	ktap_ok(t_context_switch(), "fp_state_kept_across_switches_and_fork");
	return ktap_failures();
}
