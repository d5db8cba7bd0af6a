/* Data processing, immediate: PC-relative addressing, add/sub, logical, move wide,
 * bitfield, extract (Arm ARM C4.1.86, "Data Processing -- Immediate"). */
#include "cpu/cpu.h"

static int adr(struct cpu *c, const struct dent *d)
{
	wz(c, RD(d->insn), c->pc + d->imm);
	return X_NEXT;
}

static int adrp(struct cpu *c, const struct dent *d)
{
	wz(c, RD(d->insn), (c->pc & ~0xfffull) + d->imm);
	return X_NEXT;
}

/* ADD/SUB (immediate): Rn and (without S) Rd may be SP. imm is already negated for SUB
 * and 'aux' selects 32-bit. */
static int add_imm64(struct cpu *c, const struct dent *d)
{
	ws(c, RD(d->insn), rs(c, RN(d->insn)) + d->imm);
	return X_NEXT;
}

static int add_imm32(struct cpu *c, const struct dent *d)
{
	ws(c, RD(d->insn), (uint32_t)(rs(c, RN(d->insn)) + d->imm));
	return X_NEXT;
}

static int adds_imm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31), sub = BIT(i, 30);
	uint64_t b = d->imm;
	uint64_t r = add_with_carry(rs(c, RN(i)), sub ? ~b : b, sub, sf, &c->nzcv);
	wz(c, RD(i), r);
	return X_NEXT;
}

/* DecodeBitMasks (Arm ARM J1.3.3; the pseudocode library's shared/functions/bitmasks) for
 * logical immediates. */
static bool decode_bitmask(unsigned n, unsigned imms, unsigned immr, bool sf, uint64_t *out)
{
	unsigned combined = (n << 6) | (~imms & 0x3f);
	int len = 31 - __builtin_clz(combined ? combined : 1);
	if (combined == 0 || len < 1)
		return false;
	if (!sf && len > 5)
		return false;
	unsigned esize = 1u << len, levels = esize - 1;
	unsigned s = imms & levels, r = immr & levels;
	if (s == levels)
		return false;
	uint64_t welem = (s + 1 == 64) ? ~0ull : ((1ull << (s + 1)) - 1);
	/* rotate right by r within esize */
	uint64_t emask = esize == 64 ? ~0ull : ((1ull << esize) - 1);
	if (r)
		welem = ((welem >> r) | (welem << (esize - r))) & emask;
	uint64_t v = 0;
	for (unsigned p = 0; p < 64; p += esize)
		v |= welem << p;
	*out = sf ? v : (uint32_t)v;
	return true;
}

static int logic_imm(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	uint64_t a = rz(c, RN(i)), r;
	switch (BITS(i, 30, 29)) {
	case 0: r = a & d->imm; break;
	case 1: r = a | d->imm; break;
	case 2: r = a ^ d->imm; break;
	default:
		r = a & d->imm;
		if (!sf) r = (uint32_t)r;
		c->nzcv = nz_flags(r, sf);
		wz(c, RD(i), r);
		return X_NEXT;
	}
	if (!sf) r = (uint32_t)r;
	ws(c, RD(i), r);
	return X_NEXT;
}

static int movn(struct cpu *c, const struct dent *d)
{
	uint64_t v = ~d->imm;
	wz(c, RD(d->insn), BIT(d->insn, 31) ? v : (uint32_t)v);
	return X_NEXT;
}

static int movz(struct cpu *c, const struct dent *d)
{
	wz(c, RD(d->insn), d->imm);
	return X_NEXT;
}

static int movk(struct cpu *c, const struct dent *d)
{
	unsigned sh = d->aux;
	uint64_t v = (rz(c, RD(d->insn)) & ~(0xffffull << sh)) | d->imm;
	wz(c, RD(d->insn), BIT(d->insn, 31) ? v : (uint32_t)v);
	return X_NEXT;
}

static inline uint64_t maskn(unsigned w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

/* SBFM/BFM/UBFM. r = immr, s = imms; field semantics of the Arm ARM pseudocode in the
 * two cases s >= r (extract bits s:r to the bottom) and s < r (insert bits s:0 at
 * size - r). */
static int bitfield(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	bool sf = BIT(i, 31);
	unsigned size = sf ? 64 : 32, r = BITS(i, 21, 16), s = BITS(i, 15, 10);
	unsigned opc = BITS(i, 30, 29);
	uint64_t src = rz(c, RN(i)), dst = rz(c, RD(i)), res;
	unsigned w, pos;
	uint64_t field;
	if (s >= r) {
		w = s - r + 1;
		pos = 0;
		field = (src >> r) & maskn(w);
	} else {
		w = s + 1;
		pos = size - r;
		field = src & maskn(w);
	}
	switch (opc) {
	case 0: /* SBFM */
		res = (uint64_t)sext(field, w) << pos;
		break;
	case 1: /* BFM */
		res = (dst & ~(maskn(w) << pos)) | (field << pos);
		break;
	default: /* UBFM */
		res = field << pos;
		break;
	}
	wz(c, RD(i), sf ? res : (uint32_t)res);
	return X_NEXT;
}

static int extr(struct cpu *c, const struct dent *d)
{
	uint32_t i = d->insn;
	unsigned lsb = BITS(i, 15, 10);
	uint64_t n = rz(c, RN(i)), m = rz(c, RM(i)), r;
	if (BIT(i, 31))
		r = lsb ? (m >> lsb) | (n << (64 - lsb)) : m;
	else
		r = (uint32_t)(lsb ? (((uint32_t)m) >> lsb) | ((uint32_t)n << (32 - lsb)) : (uint32_t)m);
	wz(c, RD(i), r);
	return X_NEXT;
}

bool decode__dp_imm(uint32_t i, struct dent *d)
{
	bool sf = BIT(i, 31);
	switch (BITS(i, 25, 23)) {
	case 0: case 1: { /* PC-relative */
		uint64_t imm = (BITS(i, 23, 5) << 2) | BITS(i, 30, 29);
		if (BIT(i, 31)) {
			d->fn = adrp;
			d->imm = (uint64_t)sext(imm, 21) << 12;
		} else {
			d->fn = adr;
			d->imm = (uint64_t)sext(imm, 21);
		}
		return true;
	}
	case 2: { /* add/sub immediate */
		uint64_t imm = BITS(i, 21, 10);
		if (BIT(i, 22))
			imm <<= 12;
		if (BIT(i, 29)) {
			d->fn = adds_imm;
			d->imm = imm;
		} else {
			d->fn = sf ? add_imm64 : add_imm32;
			d->imm = BIT(i, 30) ? -imm : imm;
		}
		return true;
	}
	case 4: { /* logical immediate */
		uint64_t m;
		if (!sf && BIT(i, 22))
			return false;
		if (!decode_bitmask(BIT(i, 22), BITS(i, 15, 10), BITS(i, 21, 16), sf, &m))
			return false;
		d->fn = logic_imm;
		d->imm = m;
		return true;
	}
	case 5: { /* move wide */
		unsigned hw = BITS(i, 22, 21), opc = BITS(i, 30, 29);
		if (opc == 1 || (!sf && hw >= 2))
			return false;
		d->imm = (uint64_t)BITS(i, 20, 5) << (hw * 16);
		d->aux = hw * 16;
		d->fn = opc == 0 ? movn : opc == 2 ? movz : movk;
		return true;
	}
	case 6: /* bitfield */
		if (BITS(i, 30, 29) == 3 || BIT(i, 22) != sf)
			return false;
		if (!sf && (BIT(i, 21) || BIT(i, 15)))
			return false;
		d->fn = bitfield;
		return true;
	case 7: /* extract */
		if (BITS(i, 30, 29) != 0 || BIT(i, 21) || BIT(i, 22) != sf)
			return false;
		if (!sf && BIT(i, 15))
			return false;
		d->fn = extr;
		return true;
	default: /* 3: add/sub immediate with tags (FEAT_MTE): not modelled */
		return false;
	}
}
