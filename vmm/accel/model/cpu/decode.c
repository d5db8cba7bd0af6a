/* The A64 top-level decode (Arm ARM C4.1 "A64 instruction set encoding"): op0 in
 * bits 28:25 picks the class; each class file decodes its own space and returns false
 * for what is unallocated or not modelled, which becomes UNDEFINED. */
#include "cpu/cpu.h"

uint16_t cond_table[16];

void decode__init(void)
{
	for (unsigned f = 0; f < 16; f++) {
		uint16_t m = 0;
		for (unsigned c = 0; c < 16; c++)
			if (cond_holds(f << 28, c))
				m |= (uint16_t)(1u << c);
		cond_table[f] = m;
	}
	sysreg__init();
}

void decode__insn(uint32_t i, struct dent *d)
{
	bool ok = false;
	d->insn = i;
	d->aux = 0;
	d->imm = 0;
	d->fn = exec_undef;
	switch (BITS(i, 28, 25)) {
	case 0x8: case 0x9:
		ok = decode__dp_imm(i, d);
		break;
	case 0xa: case 0xb:
		ok = (i & 0xffc00000u) == 0xd5000000u ? decode__system(i, d) : decode__branch(i, d);
		break;
	case 0x4: case 0x6: case 0xc: case 0xe:
		ok = decode__ldst(i, d);
		break;
	case 0x5: case 0xd:
		ok = decode__dp_reg(i, d);
		break;
	case 0x7: case 0xf:
		ok = decode__fp(i, d);
		break;
	default: /* 0000 UDF/reserved, 0001 SME, 0010 SVE, 0011 unallocated */
		break;
	}
	if (!ok) {
		d->fn = exec_undef;
		d->aux = 0;
		d->imm = 0;
	}
}
