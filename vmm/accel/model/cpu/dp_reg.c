/* Data processing, register: logical and add/sub (shifted and extended register),
 * add/sub with carry, conditional compare and select, 1- and 2-source (bit ops,
 * shifts, divide), 3-source (multiply) (Arm ARM C4.1.87 "Data Processing -- Register"). */
#include "cpu/cpu.h"

static inline uint64_t shift_reg(uint64_t v, unsigned type, unsigned amt, bool sf)
{
	if (!sf) {
		uint32_t w = (uint32_t)v;
		switch (type) {
		case 0: return (uint32_t)(w << amt);
		case 1: return w >> amt;
		case 2: return (uint32_t)((int32_t)w >> amt);
		default: return amt ? (uint32_t)((w >> amt) | (w << (32 - amt))) : w;
		}
	}
	switch (type) {
	case 0: return v << amt;
	case 1: return v >> amt;
	case 2: return (uint64_t)((int64_t)v >> amt);
	default: return amt ? (v >> amt) | (v << (64 - amt)) : v;
	}
}

static int logic_sreg(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	uint64_t a = rz(c, RN(i));
	uint64_t b = shift_reg(rz(c, RM(i)), BITS(i, 23, 22), BITS(i, 15, 10), sf), r;
	if (BIT(i, 21))
		b = ~b;
	switch (BITS(i, 30, 29)) {
	case 0: r = a & b; break;
	case 1: r = a | b; break;
	case 2: r = a ^ b; break;
	default:
		r = a & b;
		if (!sf) r = (uint32_t)r;
		c->nzcv = nz_flags(r, sf);
		break;
	}
	wz(c, RD(i), sf ? r : (uint32_t)r);
	return X_NEXT;
}

/* MOV Xd, Xm (ORR Xd, XZR, Xm): the commonest instruction in compiled code. */
static int mov_reg64(struct cpu *c, const struct dent *d)
{
	wz(c, RD(d->insn), rz(c, RM(d->insn)));
	return X_NEXT;
}

static int addsub_sreg(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31), sub = BIT(i, 30);
	uint64_t a = rz(c, RN(i));
	uint64_t b = shift_reg(rz(c, RM(i)), BITS(i, 23, 22), BITS(i, 15, 10), sf);
	if (BIT(i, 29)) {
		uint64_t r = add_with_carry(a, sub ? ~b : b, sub, sf, &c->nzcv);
		wz(c, RD(i), r);
	} else {
		uint64_t r = sub ? a - b : a + b;
		wz(c, RD(i), sf ? r : (uint32_t)r);
	}
	return X_NEXT;
}

/* 64-bit, LSL #0: ADD, SUB, ADDS, SUBS (CMP) without the shifter */
static int add_reg64(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	wz(c, RD(i), rz(c, RN(i)) + rz(c, RM(i)));
	return X_NEXT;
}

static int sub_reg64(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	wz(c, RD(i), rz(c, RN(i)) - rz(c, RM(i)));
	return X_NEXT;
}

static int subs_reg64(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	wz(c, RD(i), add_with_carry(rz(c, RN(i)), ~rz(c, RM(i)), 1, true, &c->nzcv));
	return X_NEXT;
}

static int adds_reg64(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	wz(c, RD(i), add_with_carry(rz(c, RN(i)), rz(c, RM(i)), 0, true, &c->nzcv));
	return X_NEXT;
}

static inline uint64_t extend_reg(uint64_t v, unsigned opt, unsigned sh)
{
	switch (opt) {
	case 0: v = (uint8_t)v; break;
	case 1: v = (uint16_t)v; break;
	case 2: v = (uint32_t)v; break;
	case 3: break;
	case 4: v = (uint64_t)(int64_t)(int8_t)v; break;
	case 5: v = (uint64_t)(int64_t)(int16_t)v; break;
	case 6: v = (uint64_t)(int64_t)(int32_t)v; break;
	default: break;
	}
	return v << sh;
}

static int addsub_ereg(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31), sub = BIT(i, 30);
	uint64_t a = rs(c, RN(i));
	uint64_t b = extend_reg(rz(c, RM(i)), BITS(i, 15, 13), BITS(i, 12, 10));
	if (BIT(i, 29)) {
		uint64_t r = add_with_carry(a, sub ? ~b : b, sub, sf, &c->nzcv);
		wz(c, RD(i), r);
	} else {
		uint64_t r = sub ? a - b : a + b;
		ws(c, RD(i), sf ? r : (uint32_t)r);
	}
	return X_NEXT;
}

static int adc(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31), sub = BIT(i, 30);
	uint64_t b = rz(c, RM(i));
	uint32_t f;
	uint64_t r = add_with_carry(rz(c, RN(i)), sub ? ~b : b, BIT(c->nzcv, 29), sf, &f);
	if (BIT(i, 29))
		c->nzcv = f;
	wz(c, RD(i), r);
	return X_NEXT;
}

bool cond_holds(uint32_t nzcv, unsigned cond)
{
	bool n = nzcv & NZCV_N, z = nzcv & NZCV_Z, cf = nzcv & NZCV_C, v = nzcv & NZCV_V, r;
	switch (cond >> 1) {
	case 0: r = z; break;
	case 1: r = cf; break;
	case 2: r = n; break;
	case 3: r = v; break;
	case 4: r = cf && !z; break;
	case 5: r = n == v; break;
	case 6: r = n == v && !z; break;
	default: r = true; break;
	}
	if ((cond & 1) && cond != 15)
		r = !r;
	return r;
}

static int ccmp(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31), sub = BIT(i, 30);
	if (cond_fast(c->nzcv, BITS(i, 15, 12))) {
		uint64_t b = BIT(i, 11) ? BITS(i, 20, 16) : rz(c, RM(i));
		add_with_carry(rz(c, RN(i)), sub ? ~b : b, sub, sf, &c->nzcv);
	} else {
		c->nzcv = BITS(i, 3, 0) << 28;
	}
	return X_NEXT;
}

static int csel(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	uint64_t r;
	if (cond_fast(c->nzcv, BITS(i, 15, 12))) {
		r = rz(c, RN(i));
	} else {
		r = rz(c, RM(i));
		if (BIT(i, 30))
			r = ~r;
		if (BIT(i, 10))
			r++;
	}
	wz(c, RD(i), sf ? r : (uint32_t)r);
	return X_NEXT;
}

static int dp2(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	uint64_t a = rzw(c, RN(i), sf), b = rzw(c, RM(i), sf), r;
	unsigned op = BITS(i, 15, 10);
	switch (op) {
	case 2: /* UDIV */
		r = b ? a / b : 0;
		break;
	case 3: /* SDIV: INT_MIN / -1 = INT_MIN; by 0 = 0 */
		if (b == 0)
			r = 0;
		else if (sf)
			r = ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? a : (uint64_t)((int64_t)a / (int64_t)b);
		else
			r = ((int32_t)a == INT32_MIN && (int32_t)b == -1) ? a : (uint64_t)(uint32_t)((int32_t)a / (int32_t)b);
		break;
	default:
		r = shift_reg(a, op & 3, b & (sf ? 63 : 31), sf);
		break;
	}
	wz(c, RD(i), sf ? r : (uint32_t)r);
	return X_NEXT;
}

static uint64_t rev_bytes_in(uint64_t v, unsigned chunk_bytes)
{
	uint64_t r = 0;
	for (unsigned base = 0; base < 8; base += chunk_bytes)
		for (unsigned k = 0; k < chunk_bytes; k++)
			r |= ((v >> ((base + k) * 8)) & 0xff) << ((base + chunk_bytes - 1 - k) * 8);
	return r;
}

static int dp1(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	unsigned size = sf ? 64 : 32;
	uint64_t a = rzw(c, RN(i), sf), r = 0;
	switch (BITS(i, 15, 10)) {
	case 0: /* RBIT */
		for (unsigned k = 0; k < size; k++)
			if (a >> k & 1)
				r |= 1ull << (size - 1 - k);
		break;
	case 1: r = rev_bytes_in(a, 2); break;                    /* REV16 */
	case 2: r = rev_bytes_in(a, 4); break;                    /* REV32 / REV (W) */
	case 3: r = __builtin_bswap64(a); break;                  /* REV */
	case 4: /* CLZ */
		r = a ? (unsigned)__builtin_clzll(a) - (64 - size) : size;
		break;
	default: /* CLS: CountLeadingZeroBits(x[N-1:1] EOR x[N-2:0]) */
		if (sf)
			r = __builtin_clzll((a ^ (a << 1)) | 1);
		else
			r = __builtin_clz(((uint32_t)a ^ ((uint32_t)a << 1)) | 1);
		break;
	}
	wz(c, RD(i), sf ? r : (uint32_t)r);
	return X_NEXT;
}

static int madd(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t p = rz(c, RN(i)) * rz(c, RM(i)), a = rz(c, RA(i));
	uint64_t r = BIT(i, 15) ? a - p : a + p;
	wz(c, RD(i), BIT(i, 31) ? r : (uint32_t)r);
	return X_NEXT;
}

static int maddl(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t n = rz(c, RN(i)), m = rz(c, RM(i)), p;
	if (BIT(i, 23))
		p = (uint64_t)(uint32_t)n * (uint32_t)m;
	else
		p = (uint64_t)((int64_t)(int32_t)n * (int32_t)m);
	uint64_t a = rz(c, RA(i));
	wz(c, RD(i), BIT(i, 15) ? a - p : a + p);
	return X_NEXT;
}

static int mulh(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	uint64_t n = rz(c, RN(i)), m = rz(c, RM(i)), r;
	if (BIT(i, 23))
		r = (uint64_t)(((unsigned __int128)n * m) >> 64);
	else
		r = (uint64_t)(((__int128)(int64_t)n * (int64_t)m) >> 64);
	wz(c, RD(i), r);
	return X_NEXT;
}

static bool decode_dp3(uint32_t i, struct dent *d)
{
	bool sf = BIT(i, 31);
	unsigned op31 = BITS(i, 23, 21), o0 = BIT(i, 15);
	if (BITS(i, 30, 29) != 0)
		return false;
	switch (op31) {
	case 0: d->fn = madd; return true;
	case 1: case 5:
		if (!sf) return false;
		d->fn = maddl;
		return true;
	case 2: case 6:
		if (!sf || o0) return false;
		d->fn = mulh;
		return true;
	default: return false;
	}
}

static bool decode_dp12(uint32_t i, struct dent *d)
{
	bool sf = BIT(i, 31);
	unsigned op = BITS(i, 15, 10);
	if (BIT(i, 29)) /* S */
		return false;
	if (BIT(i, 30)) { /* 1-source */
		if (BITS(i, 20, 16) != 0 || op > 5)
			return false;
		if (!sf && op == 3)
			return false;
		d->fn = dp1;
		return true;
	}
	if (op == 2 || op == 3 || (op >= 8 && op <= 11)) {
		d->fn = dp2;
		return true;
	}
	return false; /* CRC32 (FEAT_CRC32), PACGA, MTE: not modelled */
}

bool decode__dp_reg(uint32_t i, struct dent *d)
{
	bool sf = BIT(i, 31);
	unsigned op1 = BIT(i, 28), op2 = BITS(i, 24, 21);
	if (!op1) {
		if (!(op2 & 8)) { /* logical shifted register */
			if (!sf && BIT(i, 15))
				return false;
			if (sf && (i & 0x7fe0ffe0u) == 0x2a0003e0u) /* ORR Xd, XZR, Xm, LSL #0 */
				d->fn = mov_reg64;
			else
				d->fn = logic_sreg;
			return true;
		}
		if (!(op2 & 1)) { /* add/sub shifted register */
			if (BITS(i, 23, 22) == 3 || (!sf && BIT(i, 15)))
				return false;
			d->fn = addsub_sreg;
			if (sf && BITS(i, 15, 10) == 0) { /* LSL #0 */
				static const insn_fn f[4] = { add_reg64, adds_reg64, sub_reg64, subs_reg64 };
				d->fn = f[BITS(i, 30, 29)];
			}
			return true;
		}
		/* add/sub extended register */
		if (BITS(i, 23, 22) != 0 || BITS(i, 12, 10) > 4)
			return false;
		d->fn = addsub_ereg;
		return true;
	}
	switch (op2) {
	case 0:
		if (BITS(i, 15, 10) != 0)
			return false; /* RMIF, SETF (FEAT_FlagM): not modelled */
		d->fn = adc;
		return true;
	case 2:
		if (!BIT(i, 29) || BIT(i, 10) || BIT(i, 4))
			return false;
		d->fn = ccmp;
		return true;
	case 4:
		if (BIT(i, 29) || BIT(i, 11))
			return false;
		d->fn = csel;
		return true;
	case 6:
		return decode_dp12(i, d);
	default:
		if (op2 & 8)
			return decode_dp3(i, d);
		return false;
	}
}
