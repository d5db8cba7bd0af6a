/* A small x86-64 instruction emitter: only the forms the block translator uses.
 * Memory operands are [base + disp32] (any base, SIB when the base is RSP/R12).
 * Registers are numbered as in the encoding (RAX 0 ... R15 15). */
#ifndef MODEL_JIT_X86_H
#define MODEL_JIT_X86_H

#include <stdint.h>
#include <string.h>

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
/* condition codes (low nibble of Jcc/SETcc/CMOVcc) */
enum { CC_O = 0, CC_NO, CC_C, CC_NC, CC_Z, CC_NZ, CC_BE, CC_A, CC_S, CC_NS,
       CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G };
/* the /digit of the group-1 ALU instructions, and their reg-reg opcodes */
enum alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };

struct emit {
	uint8_t *p, *end; /* write position; end: the space left (checked by the caller) */
};

static inline void e8(struct emit *e, unsigned b) { *e->p++ = (uint8_t)b; }
static inline void e32(struct emit *e, uint32_t v) { memcpy(e->p, &v, 4); e->p += 4; }
static inline void e64(struct emit *e, uint64_t v) { memcpy(e->p, &v, 8); e->p += 8; }

/* REX with W, and R/B from the register numbers; emitted when needed (or forced for
 * byte registers, which this emitter never uses in the SPL..DIL range anyway). */
static inline void rex(struct emit *e, int w, unsigned reg, unsigned base)
{
	unsigned r = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((base & 8) ? 1 : 0);
	if (r != 0x40)
		e8(e, r);
}

/* ModRM for [base + disp32], reg field reg */
static inline void modrm_mem(struct emit *e, unsigned reg, unsigned base, int32_t disp)
{
	e8(e, 0x80 | ((reg & 7) << 3) | (base & 7));
	if ((base & 7) == RSP)
		e8(e, 0x24);
	e32(e, (uint32_t)disp);
}

static inline void modrm_reg(struct emit *e, unsigned reg, unsigned rm)
{
	e8(e, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* op reg, [base + disp] (w: 64-bit); op is one or two opcode bytes (0x0fxx) */
static inline void x_mem(struct emit *e, int w, unsigned op, unsigned reg, unsigned base, int32_t disp)
{
	rex(e, w, reg, base);
	if (op > 0xff)
		e8(e, op >> 8);
	e8(e, op & 0xff);
	modrm_mem(e, reg, base, disp);
}

/* op reg, [base + index + disp8] (base not RBP/R13, index not RSP) */
static inline void x_mem_bi(struct emit *e, int w, unsigned op, unsigned reg, unsigned base,
			    unsigned index, int8_t disp)
{
	unsigned r = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0);
	if (r != 0x40)
		e8(e, r);
	if (op > 0xff)
		e8(e, op >> 8);
	e8(e, op & 0xff);
	e8(e, 0x44 | ((reg & 7) << 3));
	e8(e, ((index & 7) << 3) | (base & 7));
	e8(e, (uint8_t)disp);
}

static inline void x_reg(struct emit *e, int w, unsigned op, unsigned reg, unsigned rm)
{
	rex(e, w, reg, rm);
	if (op > 0xff)
		e8(e, op >> 8);
	e8(e, op & 0xff);
	modrm_reg(e, reg, rm);
}

/* loads and stores of registers */
static inline void mov_load(struct emit *e, int w, unsigned r, unsigned base, int32_t d) { x_mem(e, w, 0x8b, r, base, d); }
static inline void mov_store(struct emit *e, int w, unsigned r, unsigned base, int32_t d) { x_mem(e, w, 0x89, r, base, d); }
static inline void movzx8_load(struct emit *e, unsigned r, unsigned base, int32_t d) { x_mem(e, 0, 0x0fb6, r, base, d); }
static inline void movzx16_load(struct emit *e, unsigned r, unsigned base, int32_t d) { x_mem(e, 0, 0x0fb7, r, base, d); }
static inline void store8(struct emit *e, unsigned r, unsigned base, int32_t d)
{
	/* r is RAX..RDX or R8..R15: no REX needed for the low four */
	x_mem(e, 0, 0x88, r, base, d);
}
static inline void store16(struct emit *e, unsigned r, unsigned base, int32_t d)
{
	e8(e, 0x66);
	x_mem(e, 0, 0x89, r, base, d);
}

static inline void mov_rr(struct emit *e, int w, unsigned dst, unsigned src) { x_reg(e, w, 0x89, src, dst); }
static inline void mov_imm64(struct emit *e, unsigned r, uint64_t v)
{
	if (v <= 0xffffffffu) { /* mov r32, imm32 zero-extends */
		rex(e, 0, 0, r);
		e8(e, 0xb8 + (r & 7));
		e32(e, (uint32_t)v);
	} else {
		rex(e, 1, 0, r);
		e8(e, 0xb8 + (r & 7));
		e64(e, v);
	}
}
static inline void zero(struct emit *e, unsigned r) { x_reg(e, 0, 0x31, r, r); }

/* dst op= src (register-register), op an enum alu */
static inline void alu_rr(struct emit *e, int w, enum alu op, unsigned dst, unsigned src)
{
	x_reg(e, w, 0x01 + 8 * op, src, dst);
}
/* dst op= imm32 (sign-extended in 64-bit forms) */
static inline void alu_ri(struct emit *e, int w, enum alu op, unsigned dst, int32_t imm)
{
	rex(e, w, 0, dst);
	e8(e, 0x81);
	modrm_reg(e, op, dst);
	e32(e, (uint32_t)imm);
}
/* [base + d] op= imm32 */
static inline void alu_mi(struct emit *e, int w, enum alu op, unsigned base, int32_t d, int32_t imm)
{
	x_mem(e, w, 0x81, op, base, d);
	e32(e, (uint32_t)imm);
}
/* dst op= [base + d] */
static inline void alu_rm(struct emit *e, int w, enum alu op, unsigned dst, unsigned base, int32_t d)
{
	x_mem(e, w, 0x03 + 8 * op, dst, base, d);
}
static inline void test_rr(struct emit *e, int w, unsigned a, unsigned b) { x_reg(e, w, 0x85, b, a); }
static inline void test_ri(struct emit *e, int w, unsigned r, int32_t imm)
{
	rex(e, w, 0, r);
	e8(e, 0xf7);
	modrm_reg(e, 0, r);
	e32(e, (uint32_t)imm);
}
/* shifts by an immediate: kind 4 SHL, 5 SHR, 7 SAR, 1 ROR */
enum shift { SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };
static inline void shift_ri(struct emit *e, int w, enum shift k, unsigned r, unsigned amt)
{
	rex(e, w, 0, r);
	e8(e, 0xc1);
	modrm_reg(e, k, r);
	e8(e, amt);
}
static inline void shift_rcl(struct emit *e, int w, enum shift k, unsigned r) /* r op= CL */
{
	rex(e, w, 0, r);
	e8(e, 0xd3);
	modrm_reg(e, k, r);
}
/* the F7 group on a register: 3 NEG, 6 DIV (RDX:RAX / r), 7 IDIV */
static inline void f7_r(struct emit *e, int w, unsigned op, unsigned r)
{
	rex(e, w, 0, r);
	e8(e, 0xf7);
	modrm_reg(e, op, r);
}
static inline void cqo_(struct emit *e, int w) /* RDX:RAX = sign-extended RAX (CDQ for 32 bits) */
{
	if (w)
		e8(e, 0x48);
	e8(e, 0x99);
}
static inline void not_r(struct emit *e, int w, unsigned r)
{
	rex(e, w, 0, r);
	e8(e, 0xf7);
	modrm_reg(e, 2, r);
}
static inline void imul_rri(struct emit *e, unsigned dst, unsigned src, int32_t imm) /* 32-bit */
{
	x_reg(e, 0, 0x69, dst, src);
	e32(e, (uint32_t)imm);
}
/* SETcc r8 (r: RAX..RDX or R8..R15), MOVZX r32, r8 */
static inline void setcc(struct emit *e, unsigned cc, unsigned r) { x_reg(e, 0, 0x0f90 + cc, 0, r); }
static inline void movzx8_rr(struct emit *e, unsigned dst, unsigned src) { x_reg(e, 0, 0x0fb6, dst, src); }
static inline void movsx_rr(struct emit *e, int w, unsigned bytes, unsigned dst, unsigned src)
{
	if (bytes == 1)
		x_reg(e, w, 0x0fbe, dst, src);
	else if (bytes == 2)
		x_reg(e, w, 0x0fbf, dst, src);
	else
		x_reg(e, 1, 0x63, dst, src); /* MOVSXD */
}
/* BT r, imm8: CF = bit */
static inline void bt_ri(struct emit *e, int w, unsigned r, unsigned bit)
{
	rex(e, w, 0, r);
	e8(e, 0x0f);
	e8(e, 0xba);
	modrm_reg(e, 4, r);
	e8(e, bit);
}
static inline void cmov_rr(struct emit *e, int w, unsigned cc, unsigned dst, unsigned src)
{
	x_reg(e, w, 0x0f40 + cc, dst, src);
}
/* [base + d] = imm (32 bits, or 64 sign-extended); byte [base + d] = imm8;
 * cmp byte [base + d], 0 */
static inline void mov_mi(struct emit *e, int w, unsigned base, int32_t d, int32_t imm)
{
	x_mem(e, w, 0xc7, 0, base, d);
	e32(e, (uint32_t)imm);
}
static inline void mov_mi8(struct emit *e, unsigned base, int32_t d, uint8_t imm)
{
	x_mem(e, 0, 0xc6, 0, base, d);
	e8(e, imm);
}
static inline void cmp_byte0(struct emit *e, unsigned base, int32_t d)
{
	x_mem(e, 0, 0x80, 7, base, d);
	e8(e, 0);
}
/* AH = SF:ZF:0:AF:0:PF:1:CF; CMC: CF = !CF (neither changes any other flag) */
static inline void lahf_(struct emit *e) { e8(e, 0x9f); }
static inline void cmc_(struct emit *e) { e8(e, 0xf5); }
/* TEST r8, r8 (r: R8..R15, or RAX..RBX) */
static inline void test8_rr(struct emit *e, unsigned r) { x_reg(e, 0, 0x84, r, r); }
static inline void lea(struct emit *e, int w, unsigned r, unsigned base, int32_t d) { x_mem(e, w, 0x8d, r, base, d); }
static inline void push_r(struct emit *e, unsigned r) { rex(e, 0, 0, r); e8(e, 0x50 + (r & 7)); }
static inline void pop_r(struct emit *e, unsigned r) { rex(e, 0, 0, r); e8(e, 0x58 + (r & 7)); }
static inline void ret_(struct emit *e) { e8(e, 0xc3); }
static inline void call_r(struct emit *e, unsigned r) { rex(e, 0, 0, r); e8(e, 0xff); modrm_reg(e, 2, r); }
static inline void jmp_r(struct emit *e, unsigned r) { rex(e, 0, 0, r); e8(e, 0xff); modrm_reg(e, 4, r); }

/* Jumps with a 32-bit displacement; the returned pointer is patched by patch_to(). */
static inline uint8_t *jcc(struct emit *e, unsigned cc)
{
	e8(e, 0x0f);
	e8(e, 0x80 + cc);
	e32(e, 0);
	return e->p;
}
static inline uint8_t *jmp(struct emit *e)
{
	e8(e, 0xe9);
	e32(e, 0);
	return e->p;
}
/* point the jump ending at after to target */
static inline void patch_to(uint8_t *after, const uint8_t *target)
{
	int32_t d = (int32_t)(target - after);
	memcpy(after - 4, &d, 4);
}
static inline void jcc_to(struct emit *e, unsigned cc, const uint8_t *target) { patch_to(jcc(e, cc), target); }
static inline void jmp_to(struct emit *e, const uint8_t *target) { patch_to(jmp(e), target); }

#endif
