/* Differential test: random instruction sequences of every implemented integer class
 * run on the model and on libunicorn (QEMU's TCG, an independent implementation);
 * registers, NZCV and the data memory must match afterwards.
 *
 * Registers X20-X23 hold data pointers (bases of loads/stores) and X24-X25 small
 * indexes; generated instructions never write them except by base writeback. Forms
 * whose result the Arm ARM leaves CONSTRAINED UNPREDICTABLE (writeback onto the
 * transfer register, LDP into one register twice, ...) are not generated.
 *
 * usage: cpu-diff-unicorn [sequences] [seed] [jit|jit-flush|interp]
 *   jit: through the block translator (jit/; the default where the host has it);
 *   jit-flush: the same with the smallest code cache, flushed every few sequences;
 *   jit-nolahf: the translator's flags as for a host without LAHF in 64-bit mode;
 *   interp: the reference interpreter alone */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "harness.h"
#include "cpu/fp.h"
#include "jit/jit.h"

#define SEQ_LEN 24
#define NCLASSES 13

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *class_name[NCLASSES] = {
	"dp-imm", "dp-reg", "branch", "ldst", "ldst-pair", "atomic/excl", "system", "mixed",
	"fp-ldst", "fp-scalar", "simd-vector", "simd-scalar", "fp-mixed"
};
#define FIRST_FP_CLASS 8

static uint32_t excl_shape;

static bool reserved(unsigned r) { return r >= 20 && r <= 25; }
static unsigned free_reg(void)
{
	unsigned r;
	do r = rnd() % 32; while (reserved(r));
	return r;
}
static uint32_t set_field(uint32_t i, unsigned lo, unsigned v) { return (i & ~(31u << lo)) | (v << lo); }

static bool implemented(uint32_t i)
{
	struct dent d;
	decode__insn(i, &d);
	return d.fn != exec_undef;
}

static uint32_t gen_dp(bool reg)
{
	for (;;) {
		uint32_t i = (uint32_t)rnd();
		if (reg)
			i = (i & ~0x0e000000u) | 0x0a000000u;
		else
			i = (i & ~0x1c000000u) | 0x10000000u;
		i = set_field(i, 0, free_reg());
		if (!implemented(i))
			continue;
		/* ADD/SUB (imm, ext) may write SP at Rd=31: keep SP a data pointer */
		if ((i & 0x1f) == 31)
			continue;
		return i;
	}
}

/* Loads/stores: the base is X20-X23 or SP, the index X24/X25. */
static uint32_t gen_ldst(int kind)
{
	for (;;) {
		uint32_t i = (uint32_t)rnd();
		i = (i & ~0x0e000000u) | 0x08000000u; /* x1x0, V = 0 */
		unsigned top = (i >> 27) & 7;        /* bits 29:27 */
		bool pair = top == 5, excl = ((i >> 24) & 0x3f) == 0x08;
		bool atomic = top == 7 && !((i >> 24) & 1) && ((i >> 21) & 1) && ((i >> 10) & 3) == 0;
		if (top == 3) { /* literal: a small offset inside the code page */
			if (kind != 0)
				continue;
			int off = (int)(rnd() % (2 * SEQ_LEN)) - SEQ_LEN / 2;
			i = (i & ~(0x7ffffu << 5)) | (((uint32_t)off & 0x7ffff) << 5);
			i = set_field(i, 0, free_reg());
			if (!implemented(i))
				continue;
			return i;
		}
		if (kind == 0 && (pair || excl || atomic)) continue;
		if (kind == 1 && !pair) continue;
		if (kind == 2 && !(excl || atomic)) continue;
		unsigned n = rnd() % 5, base = n == 4 ? 31 : 20 + n;
		if (kind == 2 && base == 31)
			base = 20; /* SP may be misaligned by writeback; unicorn does not check */
		unsigned t = free_reg(), t2 = free_reg(), s = free_reg();
		i = set_field(i, 5, base);
		i = set_field(i, 0, t);
		if (pair || excl)
			i = set_field(i, 10, t2);
		if (excl || atomic)
			i = set_field(i, 16, s);
		if (excl && !((i >> 23) & 1)) {
			/* one exclusive shape per sequence: a store-exclusive of another size
			 * than its load-exclusive is CONSTRAINED UNPREDICTABLE */
			i = (i & ~(0xc0000000u | (1u << 21))) | (excl_shape & 0xc0200000u);
		}
		if (excl && !((i >> 21) & 1) )
			i = set_field(i, 10, 31);          /* Rt2: should-be-one */
		if (excl && ((i >> 22) & 1) && !(((i >> 21) & 1) && (i >> 23) & 1))
			i = set_field(i, 16, 31);          /* Rs of loads: should-be-one */
		if (excl && ((i >> 23) & 1) && !((i >> 21) & 1))
			i = set_field(i, 16, 31);          /* LDAR/STLR: Rs should-be-one */
		else if (top == 7 && ((i >> 21) & 1))
			i = set_field(i, 16, 24 + (rnd() & 1));
		if (!implemented(i))
			continue;
		bool load = (i >> 22) & 1;
		unsigned wbmode = (i >> 10) & 3;
		bool single_wb = top == 7 && !((i >> 24) & 1) && !((i >> 21) & 1) && (wbmode & 1);
		bool pair_wb = pair && ((i >> 23) & 3) != 0 && ((i >> 23) & 3) != 2;
		if ((single_wb || pair_wb) && (t == base || (pair && t2 == base)))
			continue;
		if (pair && load && t == t2)
			continue;
		if (excl) {
			bool o1 = (i >> 21) & 1, o2 = (i >> 23) & 1;
			if (!o2 && load && o1 && t == t2) continue;         /* LDXP t == t2 */
			if (!o2 && !load && (s == t || s == base || (o1 && s == t2))) continue; /* STXR */
			if (!o2 && o1 && ((i >> 30) & 3) < 2) {             /* CASP: even pairs */
				if ((s & 1) || (t & 1) || s == 30 || t == 30) continue;
				if (reserved(s + 1) || reserved(t + 1)) continue;
			}
		}
		atomic = top == 7 && !((i >> 24) & 1) && ((i >> 21) & 1) && ((i >> 10) & 3) == 0;
		if (atomic && (s == base || t == base || reserved((i >> 16) & 31)))
			continue;
		/* LDSMAX/LDSMIN on bytes, halfwords, words: unicorn 2.0 (QEMU 5.0) compares them
		 * unsigned (fixed later in QEMU); 64-bit forms are compared */
		if (atomic && !((i >> 15) & 1) && (((i >> 12) & 7) == 4 || ((i >> 12) & 7) == 5) &&
		    (i >> 30) != 3)
			continue;
		return i;
	}
}

/* SIMD&FP loads/stores: the base is X20-X23 or SP, a register index or post-index
 * X24/X25; literals stay near the code. */
static uint32_t gen_fp_ldst(void)
{
	for (;;) {
		uint32_t i = (uint32_t)rnd();
		i = (i & ~0x0a000000u) | 0x0c000000u; /* x1x1 x10x: V = 1 */
		unsigned top = (i >> 28) & 3;
		if (top == 1) { /* literal */
			int off = (int)(rnd() % (2 * SEQ_LEN)) - SEQ_LEN / 2;
			i = (i & ~(0x7ffffu << 5)) | (((uint32_t)off & 0x7ffff) << 5);
			if (!implemented(i))
				continue;
			return i;
		}
		unsigned n = rnd() % 5, base = n == 4 ? 31 : 20 + n;
		i = set_field(i, 5, base);
		if (top == 0 && ((i >> 23) & 1))      /* structure, post-index */
			i = set_field(i, 16, rnd() % 3 ? 31 : 24 + (rnd() & 1));
		else if (top == 0)
			i = set_field(i, 16, 0);
		else if (top == 3 && !((i >> 24) & 1) && ((i >> 21) & 1))
			i = set_field(i, 16, 24 + (rnd() & 1));   /* register offset */
		if (!implemented(i))
			continue;
		return i;
	}
}

/* SIMD&FP data processing: kind 0 scalar FP, 1 AdvSIMD vector, 2 AdvSIMD scalar.
 * A general-register destination must not be a reserved register. */
static uint32_t gen_fp(int kind)
{
	static const uint32_t mask[3] = { 0x5e000000u, 0x9e000000u, 0xde000000u };
	static const uint32_t val[3] = { 0x1e000000u, 0x0e000000u, 0x5e000000u };
	for (unsigned tries = 0; tries < 20000; tries++) {
		uint32_t i = ((uint32_t)rnd() & ~mask[kind]) | val[kind];
		if (reserved(i & 31))
			i = set_field(i, 0, free_reg());
		if (!implemented(i))
			continue;
		return i;
	}
	return 0xd503201fu; /* NOP: nothing of this kind is implemented */
}

static uint32_t pending; /* second half of a two-instruction pattern */

/* Forward word offset of a generated branch or ADR, or 0 if insn is neither. */
static int branch_words(uint32_t i, uint32_t *field_lo, uint32_t *bits)
{
	if ((i & 0x7c000000u) == 0x14000000u) { *field_lo = 0; *bits = 26; }
	else if ((i & 0xff000010u) == 0x54000000u || (i & 0x7e000000u) == 0x34000000u ||
		 (i & 0x9f000000u) == 0x10000000u) { *field_lo = 5; *bits = 19; }
	else if ((i & 0x7e000000u) == 0x36000000u) { *field_lo = 5; *bits = 14; }
	else return 0;
	return (int)((i >> *field_lo) & ((1u << *bits) - 1));
}

/* No branch may land on the BR/BLR/RET half of an ADR+BR pair (its register would be
 * stale): move such targets one instruction on. */
static void fix_targets(uint32_t *code, const bool *br_half)
{
	for (unsigned k = 0; k < SEQ_LEN; k++) {
		uint32_t lo, bits;
		int w = branch_words(code[k], &lo, &bits);
		if (w > 0 && k + w < SEQ_LEN && br_half[k + w])
			code[k] += 1u << lo;
	}
}

/* A forward branch over k instructions (0 < k <= room); register branches come as
 * ADR Xr, target; BR|BLR|RET Xr. */
static uint32_t gen_branch(unsigned room)
{
	unsigned k = 1 + rnd() % (room ? room : 1);
	if (room >= 3 && rnd() % 3 == 0) {
		unsigned r;
		do r = free_reg(); while (r == 31 || r == 30);
		unsigned j = 2 + rnd() % (room - 1);            /* words from the ADR */
		static const uint32_t br[3] = { 0xd61f0000u, 0xd63f0000u, 0xd65f0000u };
		pending = br[rnd() % 3] | (r << 5);
		return 0x10000000u | (j << 5) | r; /* ADR Xr, #4j: immlo 0, immhi j */
	}
	switch (rnd() % 5) {
	case 0: return 0x14000000u | k;                                   /* B */
	case 1: return 0x54000000u | (k << 5) | (rnd() % 15);            /* B.cond */
	case 2: return 0x34000000u | ((rnd() & 1) << 31) | ((rnd() & 1) << 24) | (k << 5) | free_reg();
	case 3: return 0x36000000u | ((rnd() & 1) << 31) | ((rnd() & 1) << 24) |
		       ((rnd() & 31) << 19) | (k << 5) | free_reg();            /* TBZ/TBNZ */
	default: return 0x94000000u | k;                                  /* BL */
	}
}

/* A flag setter (ADDS, SUBS, ANDS: register or immediate, 32 or 64 bits; Rd may be
 * XZR: CMP, CMN, TST) and right after it a B.cond over 1..room-1 instructions or a
 * CSEL/CSINC/CSINV/CSNEG on a random condition: the pair the translator fuses (the
 * consumer reads the host flags the setter left). */
static uint32_t gen_flags_pair(unsigned room)
{
	unsigned d = free_reg(), n = rnd() % 31, m = rnd() % 32, sf = (unsigned)(rnd() & 1) << 31;
	unsigned cond = rnd() % 14; /* not AL, NV: those ignore the flags */
	static const uint32_t reg[3] = { 0x2b000000u, 0x6b000000u, 0x6a000000u }; /* ADDS SUBS ANDS */
	static const uint32_t imm[2] = { 0x31000000u, 0x71000000u };              /* ADDS SUBS */
	static const uint32_t csel[4] = { 0x1a800000u, 0x1a800400u, 0x5a800000u, 0x5a800400u };
	uint32_t setter = rnd() % 2 ? reg[rnd() % 3] | (m << 16) | (n << 5) | d
				    : imm[rnd() % 2] | ((unsigned)(rnd() & 0xfff) << 10) | (n << 5) | d;

	if (room >= 2 && rnd() % 2)
		pending = 0x54000000u | ((1 + rnd() % (room - 1)) << 5) | cond;
	else
		pending = csel[rnd() % 4] | (unsigned)(rnd() & 1) << 31 | (rnd() % 32) << 16 |
			  cond << 12 | (rnd() % 32) << 5 | free_reg();
	return setter | sf;
}

static uint32_t gen_system(void)
{
	unsigned t = free_reg();
	switch (rnd() % 6) {
	case 0: return 0xd53b4200u | t;    /* MRS Xt, NZCV */
	case 1: return 0xd51b4200u | t;    /* MSR NZCV, Xt */
	case 2: return 0xd53bd040u | t;    /* MRS Xt, TPIDR_EL0 */
	case 3: return 0xd51bd040u | t;    /* MSR TPIDR_EL0, Xt */
	case 4: return 0xd503201fu;        /* NOP */
	default: return 0xd5033bbfu;       /* DMB ISH */
	}
}

static uint32_t gen(int cls, unsigned pos)
{
	unsigned room = SEQ_LEN - pos;
	if (pending) {
		uint32_t i = pending;
		pending = 0;
		return i;
	}
	switch (cls) {
	case 0: return gen_dp(false);
	case 1: return gen_dp(true);
	case 2:
		switch (rnd() % 4) {
		case 0: case 1: return gen_branch(room);
		case 2: return room >= 2 ? gen_flags_pair(room) : gen_dp(rnd() & 1);
		default: return gen_dp(rnd() & 1);
		}
	case 3: return gen_ldst(0);
	case 4: return gen_ldst(1);
	case 5: return gen_ldst(2);
	case 6: return rnd() % 2 ? gen_system() : gen_dp(rnd() & 1);
	case 7: return gen((int)(rnd() % 5), pos); /* no exclusives: bases may be misaligned */
	case 8: return rnd() % 4 ? gen_fp_ldst() : gen_fp((int)(rnd() % 3));
	case 9: return gen_fp(0);
	case 10: return gen_fp(1);
	case 11: return gen_fp(2);
	default:
		switch (rnd() % 8) {
		case 0: return gen_fp_ldst();
		case 1: return gen_dp(rnd() & 1);
		case 2: /* MRS Xt, FPSR / FPCR */
			return 0xd53b4400u | ((rnd() & 1) << 5) | free_reg();
		default: return gen_fp((int)(rnd() % 3));
		}
	}
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = { 0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
				      0x80000000ull, 0x7fffffffull, 0xffffffffull, 63, 64, 32 };
	switch (rnd() % 4) {
	case 0: return v[rnd() % (sizeof(v) / sizeof(v[0]))];
	case 1: return rnd() & 0xff;
	default: return rnd();
	}
}

/* Floating-point operands: NaNs (quiet and signalling, with payloads), infinities,
 * zeros, denormals, the extremes, small integers, values near 1, random bits. */
static uint64_t fp64_interesting(void)
{
	uint64_t s = (rnd() & 1) << 63, f = rnd() & ((1ull << 52) - 1);
	switch (rnd() % 14) {
	case 0: return s;                                        /* zero */
	case 1: return s | 0x7ff0000000000000ull;                /* infinity */
	case 2: return s | 0x7ff8000000000000ull | (f >> (rnd() % 52)); /* quiet NaN */
	case 3: return s | 0x7ff0000000000000ull | ((f >> 1) | 1);     /* signalling NaN */
	case 4: return s | (f >> (rnd() % 52));                   /* denormal */
	case 5: return s | 0x0010000000000000ull | (rnd() % 3 ? 0 : f); /* smallest normals */
	case 6: return s | 0x7fefffffffffffffull;                /* largest */
	case 7: { double d = (double)(int)(rnd() % 2001 - 1000) / (rnd() % 4 ? 1 : 8);
		uint64_t b; memcpy(&b, &d, 8); return b; }
	case 8: return s | ((uint64_t)(1023 + rnd() % 70) << 52) | (rnd() % 2 ? 0 : f); /* 2^0..2^69 */
	case 9: return s | ((uint64_t)(1023 - 2 + rnd() % 4) << 52) | f;  /* near 1 */
	case 10: return s | ((uint64_t)(rnd() % 60 + 1) << 52) | f;     /* tiny normals */
	case 11: return s | ((uint64_t)(2046 - rnd() % 60) << 52) | f;  /* huge */
	default: return rnd();
	}
}

static uint32_t fp32_interesting(void)
{
	uint32_t s = (uint32_t)(rnd() & 1) << 31, f = (uint32_t)rnd() & 0x7fffff;
	switch (rnd() % 14) {
	case 0: return s;
	case 1: return s | 0x7f800000u;
	case 2: return s | 0x7fc00000u | (f >> (rnd() % 23));
	case 3: return s | 0x7f800000u | ((f >> 1) | 1);
	case 4: return s | (f >> (rnd() % 23));
	case 5: return s | 0x00800000u | (rnd() % 3 ? 0 : f);
	case 6: return s | 0x7f7fffffu;
	case 7: { float d = (float)(int)(rnd() % 2001 - 1000) / (rnd() % 4 ? 1 : 8);
		uint32_t b; memcpy(&b, &d, 4); return b; }
	case 8: return s | ((uint32_t)(127 + rnd() % 40) << 23) | (rnd() % 2 ? 0 : f);
	case 9: return s | ((uint32_t)(127 - 2 + rnd() % 4) << 23) | f;
	case 10: return s | ((uint32_t)(rnd() % 30 + 1) << 23) | f;
	case 11: return s | ((uint32_t)(254 - rnd() % 30) << 23) | f;
	default: return (uint32_t)rnd();
	}
}

static uint64_t fp_half64(void)
{
	switch (rnd() % 4) {
	case 0: return fp64_interesting();
	case 1: return rnd();
	case 2: return (uint64_t)fp32_interesting() | ((uint64_t)fp32_interesting() << 32);
	default: { /* four half-precision values */
		uint64_t v = 0;
		for (unsigned k = 0; k < 4; k++)
			v |= (uint64_t)(fp32_interesting() >> 16) << (16 * k);
		return v;
	}
	}
}

static const int uc_x[31] = {
	UC_ARM64_REG_X0, UC_ARM64_REG_X1, UC_ARM64_REG_X2, UC_ARM64_REG_X3, UC_ARM64_REG_X4,
	UC_ARM64_REG_X5, UC_ARM64_REG_X6, UC_ARM64_REG_X7, UC_ARM64_REG_X8, UC_ARM64_REG_X9,
	UC_ARM64_REG_X10, UC_ARM64_REG_X11, UC_ARM64_REG_X12, UC_ARM64_REG_X13, UC_ARM64_REG_X14,
	UC_ARM64_REG_X15, UC_ARM64_REG_X16, UC_ARM64_REG_X17, UC_ARM64_REG_X18, UC_ARM64_REG_X19,
	UC_ARM64_REG_X20, UC_ARM64_REG_X21, UC_ARM64_REG_X22, UC_ARM64_REG_X23, UC_ARM64_REG_X24,
	UC_ARM64_REG_X25, UC_ARM64_REG_X26, UC_ARM64_REG_X27, UC_ARM64_REG_X28, UC_ARM64_REG_X29,
	UC_ARM64_REG_X30,
};

struct state {
	uint64_t x[31], sp, nzcv, tpidr;
	uint64_t v[32][2], fpcr, fpsr;
};
#define FPCR_CMP 0x07c00000u /* AHP, DN, FZ, RMode: what the model keeps */
#define FPSR_CMP 0x0800009fu /* QC, IDC, IXC, UFC, OFC, DZC, IOC */

static uc_engine *uc;
static uint8_t *uc_data;

static int uc_setup(void)
{
	if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK)
		return -1;
	uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_MAX);
	if (uc_mem_map(uc, H_RAM_BASE, H_RAM_SIZE, UC_PROT_ALL) != UC_ERR_OK)
		return -1;
	return 0;
}

static void dump_seq(const uint32_t *code, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		fprintf(stderr, "  %2u: %08x\n", k, code[k]);
}

static struct harness h;
static uint64_t insns;

static void fill_data(uint8_t *p, unsigned s)
{
	for (uint64_t k = 0; k < H_DATA_SIZE / 8; k++) {
		uint64_t v = (k * 0x9e3779b97f4a7c15ull) ^ s;
		memcpy(p + 8 * k, &v, 8);
	}
}

/* Run code[0..n) then HLT on both; 0 same, 1 different, -1 unicorn cannot run it. */
static int run_both(const uint32_t *seq, unsigned n, const struct state *in, unsigned s,
		    bool verbose)
{
	uint32_t code[SEQ_LEN + 2];
	code[0] = 0xd503305fu; /* CLREX: unicorn keeps its monitor across runs */
	memcpy(code + 1, seq, 4 * n);
	n++;
	for (unsigned k = n; k < SEQ_LEN + 2; k++)
		code[k] = 0xd4400000u; /* HLT #0: the end, and where a prefix's branches land */
	uint64_t code_pa = H_CODE + 0x1000 * (1 + s % 64);
	struct cpu *c = h.c;

	fill_data(h.ram + (H_DATA - H_RAM_BASE), s);
	memcpy(h.ram + (code_pa - H_RAM_BASE), code, sizeof(code));
	vm__invalidate_code(h.vm, code_pa);
	for (unsigned r = 0; r < 31; r++)
		c->x[r] = in->x[r];
	c->x[31] = in->sp;
	c->nzcv = (uint32_t)in->nzcv;
	c->sr.tpidr_el0 = in->tpidr;
	for (unsigned r = 0; r < 32; r++)
		vset(c, r, in->v[r][0], in->v[r][1]);
	c->fpcr = (uint32_t)in->fpcr;
	c->fpsr = (uint32_t)in->fpsr;
	c->excl_valid = false;
	uint64_t ic0 = c->icount;
	int mr = harness__run(&h, code_pa, 10000);
	insns += c->icount - ic0;

	fill_data(uc_data, s);
	uc_mem_write(uc, H_DATA, uc_data, H_DATA_SIZE);
	uc_mem_write(uc, code_pa, code, sizeof(code));
	uc_ctl_remove_cache(uc, code_pa, code_pa + 0x1000); /* drop translated blocks */
	for (unsigned r = 0; r < 31; r++)
		uc_reg_write(uc, uc_x[r], &in->x[r]);
	uc_reg_write(uc, UC_ARM64_REG_SP, &in->sp);
	uc_reg_write(uc, UC_ARM64_REG_NZCV, &in->nzcv);
	uc_reg_write(uc, UC_ARM64_REG_TPIDR_EL0, &in->tpidr);
	for (unsigned r = 0; r < 32; r++)
		uc_reg_write(uc, UC_ARM64_REG_Q0 + (int)r, in->v[r]);
	uc_reg_write(uc, UC_ARM64_REG_FPCR, &in->fpcr);
	uc_reg_write(uc, UC_ARM64_REG_FPSR, &in->fpsr);
	if (uc_emu_start(uc, code_pa, code_pa + 4 * n, 0, 10000) != UC_ERR_OK)
		return -1;

	struct state out = { 0 };
	for (unsigned r = 0; r < 31; r++)
		uc_reg_read(uc, uc_x[r], &out.x[r]);
	uc_reg_read(uc, UC_ARM64_REG_SP, &out.sp);
	uc_reg_read(uc, UC_ARM64_REG_NZCV, &out.nzcv);
	uc_mem_read(uc, H_DATA, uc_data, H_DATA_SIZE);
	for (unsigned r = 0; r < 32; r++)
		uc_reg_read(uc, UC_ARM64_REG_Q0 + (int)r, out.v[r]);
	uc_reg_read(uc, UC_ARM64_REG_FPCR, &out.fpcr);
	uc_reg_read(uc, UC_ARM64_REG_FPSR, &out.fpsr);

	bool bad = mr != 0;
	for (unsigned r = 0; r < 32; r++)
		if (c->v[r].d[0] != out.v[r][0] || c->v[r].d[1] != out.v[r][1]) {
			if (verbose)
				fprintf(stderr, "seq %u: V%u model %016llx:%016llx unicorn %016llx:%016llx\n",
					s, r, (unsigned long long)c->v[r].d[1], (unsigned long long)c->v[r].d[0],
					(unsigned long long)out.v[r][1], (unsigned long long)out.v[r][0]);
			bad = true;
		}
	if ((c->fpsr & FPSR_CMP) != (out.fpsr & FPSR_CMP) || (c->fpcr & FPCR_CMP) != (out.fpcr & FPCR_CMP)) {
		if (verbose)
			fprintf(stderr, "seq %u: FPSR model %08x unicorn %08llx, FPCR model %08x unicorn %08llx\n",
				s, c->fpsr, (unsigned long long)out.fpsr, c->fpcr, (unsigned long long)out.fpcr);
		bad = true;
	}
	if (mr != 0 && verbose)
		fprintf(stderr, "seq %u: model did not reach the HLT (pc %llx, ESR %llx)\n", s,
			(unsigned long long)c->pc, (unsigned long long)c->sr.esr_el1);
	for (unsigned r = 0; r < 31; r++)
		if (c->x[r] != out.x[r]) {
			if (verbose)
				fprintf(stderr, "seq %u: X%u model %016llx unicorn %016llx\n", s, r,
					(unsigned long long)c->x[r], (unsigned long long)out.x[r]);
			bad = true;
		}
	if (c->x[31] != out.sp) {
		if (verbose)
			fprintf(stderr, "seq %u: SP model %llx unicorn %llx\n", s,
				(unsigned long long)c->x[31], (unsigned long long)out.sp);
		bad = true;
	}
	if ((c->nzcv & 0xf0000000u) != (out.nzcv & 0xf0000000u)) {
		if (verbose)
			fprintf(stderr, "seq %u: NZCV model %x unicorn %llx\n", s, c->nzcv,
				(unsigned long long)out.nzcv);
		bad = true;
	}
	if (memcmp(uc_data, h.ram + (H_DATA - H_RAM_BASE), H_DATA_SIZE)) {
		for (uint64_t k = 0; k < H_DATA_SIZE; k++)
			if (uc_data[k] != h.ram[H_DATA - H_RAM_BASE + k]) {
				if (verbose)
					fprintf(stderr, "seq %u: memory differs at %llx\n", s,
						(unsigned long long)(H_DATA + k));
				break;
			}
		bad = true;
	}
	return bad;
}

int main(int argc, char **argv)
{
	unsigned nseq = argc > 1 ? (unsigned)atoi(argv[1]) : 20000;
	if (argc > 2)
		rng = strtoull(argv[2], 0, 0) | 1;
	struct model_opts opts = { .jit = MODEL_JIT_DEFAULT };
	if (argc > 3 && strcmp(argv[3], "jit") == 0)
		opts.jit = MODEL_JIT_ON;
	else if (argc > 3 && strcmp(argv[3], "jit-flush") == 0)
		opts.jit = MODEL_JIT_ON, opts.jit_cache_kib = 1; /* raised to the minimum */
#ifdef MODEL_HAVE_JIT
	else if (argc > 3 && strcmp(argv[3], "jit-nolahf") == 0)
		opts.jit = MODEL_JIT_ON, jit__without_lahf();
#endif
	else if (argc > 3 && strcmp(argv[3], "interp") == 0)
		opts.jit = MODEL_JIT_OFF;
	else if (argc > 3) {
		fprintf(stderr, "usage: cpu-diff-unicorn [sequences] [seed] [jit|jit-flush|jit-nolahf|interp]\n");
		return 2;
	}
	if (harness__init_opts(&h, 1, &opts) || uc_setup()) {
		fprintf(stderr, "setup failed\n");
		return 2;
	}
	sysreg__write(h.c, SYS_CPACR_EL1, 3ull << 20); /* FPEN: no SIMD&FP traps */
	uc_data = malloc(H_DATA_SIZE);
	unsigned fails = 0, uc_errs = 0, ran[NCLASSES] = { 0 };
	uint32_t code[SEQ_LEN];

	for (unsigned s = 0; s < nseq && fails < 10; s++) {
		int cls = (int)(s % NCLASSES);
		excl_shape = (uint32_t)rnd();
		if (((excl_shape >> 21) & 1) && (excl_shape >> 30) < 2)
			excl_shape |= 0x80000000u; /* pairs of W or X registers */
		pending = 0;
		bool br_half[SEQ_LEN] = { false };
		for (unsigned k = 0; k < SEQ_LEN; k++) {
			br_half[k] = pending != 0;
			code[k] = gen(cls, k + 1);
		}
		fix_targets(code, br_half);
		struct state in;
		for (unsigned r = 0; r < 31; r++)
			in.x[r] = interesting();
		for (unsigned r = 20; r < 24; r++)
			in.x[r] = H_DATA + 0x80000 + 0x40000 * (r - 20) + (rnd() % 64) * 16;
		in.x[24] = rnd() % 512;
		in.x[25] = (uint64_t)-(int64_t)(rnd() % 512);
		in.sp = H_DATA + 0x100000 + (rnd() % 64) * 16;
		in.nzcv = (rnd() & 15) << 28;
		in.tpidr = rnd();
		for (unsigned r = 0; r < 32; r++) {
			in.v[r][0] = fp_half64();
			in.v[r][1] = fp_half64();
		}
		/* every rounding mode; flush-to-zero, default NaN, alternative half precision */
		in.fpcr = (rnd() & 3) << 22;
		if (rnd() % 2) in.fpcr |= 1u << 24;
		if (rnd() % 4 == 0) in.fpcr |= 1u << 25;
		if (rnd() % 8 == 0) in.fpcr |= 1u << 26;
		in.fpsr = rnd() % 4 ? 0 : (rnd() & FPSR_CMP);

		int r = run_both(code, SEQ_LEN, &in, s, false);
		if (r < 0) {
			uc_errs++;
			continue; /* unicorn could not run it: not a comparison */
		}
		ran[cls]++;
		if (r == 0)
			continue;
		fails++;
		/* find the shortest failing prefix and show it */
		unsigned n = 1;
		while (n < SEQ_LEN && run_both(code, n, &in, s, false) != 1)
			n++;
		fprintf(stderr, "FAIL seq %u (class %s): first difference after instruction %u (%08x)\n",
			s, class_name[cls], n - 1, code[n - 1]);
		run_both(code, n, &in, s, true);
		dump_seq(code, n);
	}
	unsigned total = 0;
	for (int k = 0; k < NCLASSES; k++) {
		printf("# class %-12s sequences compared: %u\n", class_name[k], ran[k]);
		total += ran[k];
	}
	printf("# %u sequences (%llu model instructions) compared, %u failed, %u not runnable by unicorn\n",
	       total, (unsigned long long)insns, fails, uc_errs);
	/* A comparison that compared nothing is not a pass: unicorn refusing every run (or
	 * a whole class) would otherwise leave "0 failed". About 1% fault on both sides. */
	bool thin = total == 0 || uc_errs * 20 > total + uc_errs;
	for (int k = 0; k < NCLASSES; k++)
		thin |= ran[k] == 0;
	if (thin && !fails) {
		fprintf(stderr, "FAIL too little was compared: %u sequences, %u not runnable by unicorn, "
			"a class with none (see above)\n", total, uc_errs);
		return 1;
	}
#ifdef MODEL_HAVE_JIT
	/* the fast path must have been the one compared: instructions run translated (and
	 * with jit-flush, translations dropped by code cache flushes) */
	if (h.vm->jit) {
		const struct jit_stats *js = jit__stats(h.vm->jit);
		printf("# translator: %llu blocks translated, %llu code cache flushes, %llu "
		       "instructions run translated\n", (unsigned long long)js->blocks,
		       (unsigned long long)js->flushes, (unsigned long long)h.c->st.jit_insns);
		if (!h.c->st.jit_insns || (opts.jit_cache_kib && !js->flushes)) {
			fprintf(stderr, "FAIL the translator did not run (or was never flushed)\n");
			return 1;
		}
	}
#endif
	return fails ? 1 : 0;
}
