/* Loads and stores of general registers: unsigned offset, unscaled, pre/post-index,
 * unprivileged, register offset, literal, pairs, sign-extending forms, PRFM
 * (Arm ARM C4.1.88 "Loads and Stores"). Exclusives, acquire/release and LSE atomics
 * are in atomics.c; those of SIMD&FP registers in fp_ldst.c. */
#include "mem/mem.h"

/* aux fields of a decoded load/store */
#define A_SIZE(a) ((a) & 3)              /* log2 bytes */
#define A_KIND(a) (((a) >> 2) & 7)
#define A_WB(a) (((a) >> 5) & 3)         /* 0 none, 1 post, 2 pre */
#define A_UNPRIV 0x80u
enum { K_ST, K_LDZ, K_LDS64, K_LDS32, K_PRFM };
#define MK_AUX(size, kind, wb) ((size) | ((kind) << 2) | ((wb) << 5))
enum { WB_NONE, WB_POST, WB_PRE };

/* The base register; SP alignment check when it is SP (Arm ARM D1.8.2). */
static inline int base(struct cpu *c, unsigned n, uint64_t *addr)
{
	uint64_t v = c->x[n];
	*addr = v;
	if (unlikely(n == 31) && (v & 15)) {
		uint64_t sa = c->el ? SCTLR_SA : SCTLR_SA0;
		if (c->sr.sctlr_el1 & sa)
			return exc__sync(c, EC_SP_ALIGN, 0, 0);
	}
	*addr = v;
	return 0;
}

/* Load or store Rt at addr according to aux; does not touch the base register. */
static inline int single(struct cpu *c, uint32_t i, unsigned aux, uint64_t addr)
{
	unsigned size = 1u << A_SIZE(aux), t = RD(i);
	unsigned flags = (aux & A_UNPRIV) ? MEMF_UNPRIV : 0;
	uint64_t v;
	int r;
	switch (A_KIND(aux)) {
	case K_ST:
		if (flags)
			return mem__write_slow(c, addr, size, rz(c, t), flags);
		return mem_write(c, addr, size, rz(c, t));
	case K_PRFM:
		return 0;
	default:
		r = flags ? mem__read_slow(c, addr, size, &v, flags) : mem_read(c, addr, size, &v);
		if (r)
			return r;
		if (A_KIND(aux) == K_LDS64)
			v = (uint64_t)sext(v, size * 8);
		else if (A_KIND(aux) == K_LDS32)
			v = (uint32_t)sext(v, size * 8);
		wz(c, t, v);
		return 0;
	}
}

/* [Xn, #imm], [Xn, #imm]!, [Xn], #imm (imm in d->imm, already scaled) */
static int ldst_imm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), wb = A_WB(d->aux);
	uint64_t b, addr;
	int r;
	if ((r = base(c, n, &b)))
		return r;
	addr = wb == WB_POST ? b : b + d->imm;
	if ((r = single(c, i, d->aux, addr)))
		return r;
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

/* The common cases, specialised: LDR/STR Xt|Wt, [Xn, #uimm] */
static int ldr64_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, v;
	int r;
	if ((r = base(c, RN(i), &b)) || (r = mem_read(c, b + d->imm, 8, &v)))
		return r;
	wz(c, RD(i), v);
	return X_NEXT;
}

static int ldr32_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, v;
	int r;
	if ((r = base(c, RN(i), &b)) || (r = mem_read(c, b + d->imm, 4, &v)))
		return r;
	wz(c, RD(i), v);
	return X_NEXT;
}

static int str64_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	if ((r = base(c, RN(i), &b)))
		return r;
	return mem_write(c, b + d->imm, 8, rz(c, RD(i)));
}

static int str32_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	if ((r = base(c, RN(i), &b)))
		return r;
	return mem_write(c, b + d->imm, 4, rz(c, RD(i)));
}

static int ldrb_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, v;
	int r;
	if ((r = base(c, RN(i), &b)) || (r = mem_read(c, b + d->imm, 1, &v)))
		return r;
	wz(c, RD(i), v);
	return X_NEXT;
}

static int strb_uimm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	if ((r = base(c, RN(i), &b)))
		return r;
	return mem_write(c, b + d->imm, 1, rz(c, RD(i)));
}

/* LDR/STR Xt with pre/post-index writeback or unscaled offset */
static int ldr64_imm9(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), wb = A_WB(d->aux);
	uint64_t b, v;
	int r;
	if ((r = base(c, n, &b)) || (r = mem_read(c, wb == WB_POST ? b : b + d->imm, 8, &v)))
		return r;
	wz(c, RD(i), v);
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

static int str64_imm9(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), wb = A_WB(d->aux);
	uint64_t b;
	int r;
	if ((r = base(c, n, &b)) ||
	    (r = mem_write(c, wb == WB_POST ? b : b + d->imm, 8, rz(c, RD(i)))))
		return r;
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

static int ldst_reg(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned opt = BITS(i, 15, 13), sh = BIT(i, 12) ? A_SIZE(d->aux) : 0;
	uint64_t m = rz(c, RM(i)), b;
	int r;
	switch (opt) {
	case 2: m = (uint32_t)m; break;
	case 6: m = (uint64_t)(int64_t)(int32_t)m; break;
	default: break; /* 3, 7: LSL / SXTX */
	}
	if ((r = base(c, RN(i), &b)))
		return r;
	if ((r = single(c, i, d->aux, b + (m << sh))))
		return r;
	return X_NEXT;
}

static int ld_literal(struct cpu *c, const struct dent *d)
{
	int r = single(c, d->insn, d->aux, c->pc + d->imm);
	return r ? r : X_NEXT;
}

/* LDP/STP/LDPSW/LDNP/STNP. aux: size (2 or 3), kind, wb. */
static int ldst_pair(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned n = RN(i), t = RD(i), t2 = RT2(i), wb = A_WB(d->aux);
	unsigned size = 1u << A_SIZE(d->aux);
	uint64_t b, addr, v1, v2;
	int r;
	if ((r = base(c, n, &b)))
		return r;
	addr = wb == WB_POST ? b : b + d->imm;
	if (A_KIND(d->aux) == K_ST) {
		if ((r = mem_write(c, addr, size, rz(c, t))) ||
		    (r = mem_write(c, addr + size, size, rz(c, t2))))
			return r;
	} else {
		if ((r = mem_read(c, addr, size, &v1)) || (r = mem_read(c, addr + size, size, &v2)))
			return r;
		if (A_KIND(d->aux) == K_LDS64) {
			v1 = (uint64_t)sext(v1, 32);
			v2 = (uint64_t)sext(v2, 32);
		}
		wz(c, t, v1);
		wz(c, t2, v2);
	}
	if (wb)
		c->x[n] = b + d->imm;
	return X_NEXT;
}

static int stp64_off(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b;
	int r;
	if ((r = base(c, RN(i), &b)))
		return r;
	b += d->imm;
	if ((r = mem_write(c, b, 8, rz(c, RD(i)))) || (r = mem_write(c, b + 8, 8, rz(c, RT2(i)))))
		return r;
	return X_NEXT;
}

static int ldp64_off(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t b, v1, v2;
	int r;
	if ((r = base(c, RN(i), &b)))
		return r;
	b += d->imm;
	if ((r = mem_read(c, b, 8, &v1)) || (r = mem_read(c, b + 8, 8, &v2)))
		return r;
	wz(c, RD(i), v1);
	wz(c, RT2(i), v2);
	return X_NEXT;
}

/* size/opc of a single-register load/store -> kind, or -1 if unallocated. */
static int single_kind(unsigned size, unsigned opc, bool prfm_ok)
{
	switch (opc) {
	case 0: return K_ST;
	case 1: return K_LDZ;
	case 2:
		if (size == 3)
			return prfm_ok ? K_PRFM : -1;
		return K_LDS64;
	default:
		return size <= 1 ? K_LDS32 : -1;
	}
}

static bool decode_pair(uint32_t i, struct dent *d)
{
	unsigned opc = BITS(i, 31, 30), mode = BITS(i, 24, 23), l = BIT(i, 22);
	unsigned size, kind = l ? K_LDZ : K_ST;
	if (opc == 3)
		return false;
	if (opc == 1) {
		if (!l || mode == 0)
			return false; /* STGP (MTE); LDNP with opc 01 is unallocated */
		kind = K_LDS64;
	}
	size = opc == 2 ? 3 : 2;
	unsigned wb = mode == 1 ? WB_POST : mode == 3 ? WB_PRE : WB_NONE;
	d->imm = (uint64_t)sext(BITS(i, 21, 15), 7) << size;
	d->aux = MK_AUX(size, kind, wb);
	if (wb == WB_NONE && size == 3)
		d->fn = l ? ldp64_off : stp64_off;
	else
		d->fn = ldst_pair;
	return true;
}

static bool decode_literal(uint32_t i, struct dent *d)
{
	static const unsigned aux[4] = {
		MK_AUX(2, K_LDZ, 0), MK_AUX(3, K_LDZ, 0), MK_AUX(2, K_LDS64, 0), MK_AUX(3, K_PRFM, 0)
	};
	d->aux = aux[BITS(i, 31, 30)];
	d->imm = (uint64_t)sext(BITS(i, 23, 5), 19) << 2;
	d->fn = ld_literal;
	return true;
}

static bool decode_single(uint32_t i, struct dent *d)
{
	unsigned size = BITS(i, 31, 30), opc = BITS(i, 23, 22);
	int kind;
	if (BIT(i, 24)) { /* unsigned immediate */
		if ((kind = single_kind(size, opc, true)) < 0)
			return false;
		d->imm = (uint64_t)BITS(i, 21, 10) << size;
		d->aux = MK_AUX(size, kind, WB_NONE);
		d->fn = ldst_imm;
		if (size == 3 && kind == K_LDZ) d->fn = ldr64_uimm;
		if (size == 2 && kind == K_LDZ) d->fn = ldr32_uimm;
		if (size == 3 && kind == K_ST) d->fn = str64_uimm;
		if (size == 2 && kind == K_ST) d->fn = str32_uimm;
		if (size == 0 && kind == K_LDZ) d->fn = ldrb_uimm;
		if (size == 0 && kind == K_ST) d->fn = strb_uimm;
		return true;
	}
	if (BIT(i, 21)) {
		if (BITS(i, 11, 10) != 2)
			return false; /* atomics are decoded before; PAC loads are not modelled */
		if (!BIT(i, 14)) /* option<1> == 0: UXTB/UXTH/SXTB/SXTH are unallocated */
			return false;
		if ((kind = single_kind(size, opc, true)) < 0)
			return false;
		d->aux = MK_AUX(size, kind, WB_NONE);
		d->fn = ldst_reg;
		return true;
	}
	unsigned op4 = BITS(i, 11, 10);
	if ((kind = single_kind(size, opc, op4 == 0)) < 0)
		return false;
	d->imm = (uint64_t)sext(BITS(i, 20, 12), 9);
	d->aux = MK_AUX(size, kind, op4 == 1 ? WB_POST : op4 == 3 ? WB_PRE : WB_NONE);
	d->fn = ldst_imm;
	if (op4 == 2)
		d->aux |= A_UNPRIV;
	else if (size == 3 && kind == K_LDZ)
		d->fn = ldr64_imm9;
	else if (size == 3 && kind == K_ST)
		d->fn = str64_imm9;
	return true;
}

bool decode__ldst(uint32_t i, struct dent *d)
{
	if (BIT(i, 26))
		return decode__fp_ldst(i, d); /* SIMD&FP registers: fp_ldst.c */
	if (BITS(i, 29, 24) == 0x08 || (BITS(i, 29, 24) == 0x19 && !BIT(i, 21)) ||
	    (BITS(i, 29, 27) == 7 && BITS(i, 25, 24) == 0 && BIT(i, 21) && BITS(i, 11, 10) == 0))
		return decode__atomics(i, d);
	if (BITS(i, 29, 27) == 3 && BITS(i, 25, 24) == 0)
		return decode_literal(i, d);
	if (BITS(i, 29, 27) == 5)
		return decode_pair(i, d);
	if (BITS(i, 29, 27) == 7)
		return decode_single(i, d);
	return false;
}
