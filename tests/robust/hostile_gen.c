/* hostile-gen SEED OUT.bin: writes a hostile raw guest for `vmm run --accel model`
 * and prints the vmm options to run it with (--cpus, --mem) on stdout. The same seed
 * always gives the same guest.
 *
 * One seed in six is pure random bytes. The others are a valid frame around a random
 * body (raw image, loaded and entered at RAM + 0x80000, MMU off, EL1):
 *
 *   +0x000  prologue: SP, VBAR_EL1 = +0x800, exception counter (TPIDR_EL1) = 0,
 *           sometimes the GIC, PL011 and timer interrupts enabled and IRQs unmasked;
 *           then branch to the body
 *   +0x800  vectors: each entry counts the exception and returns past the
 *           instruction that caused it (ELR + 4), so an exception storm goes on until
 *           STORM_LIMIT exceptions, when the entry writes 100 + its index to the exit
 *           device
 *   +0x1000 body: random actions (below); then the exit device's EXIT with status 0
 *
 * Actions: loads/stores of every width (and pairs, exclusives, atomics, DC ZVA,
 * cache and TLB maintenance, AT) at random offsets of the GIC distributor and
 * redistributors (existing vCPUs or not), PL011, exit device, virtio area, RAM edges,
 * the model's stage-2 table area and unmapped space, with random values; MSR/MRS of
 * the registers the model keeps (MMU, timer, GIC CPU interface, DAIF...) and of random
 * encodings; SVC/HVC (PSCI with random arguments, CPU_ON of other vCPUs into the
 * prologue)/BRK/HLT (semihosting with random pointers)/UDF; ERET with random SPSR
 * and ELR; jumps to random addresses; random instruction words; forward branches;
 * rarely WFI/WFE. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <platform/memmap.h>

#define IMG_BASE (RAM_BASE + 0x80000) /* where vmm loads a raw image */
#define IMG_SIZE 0x10000u
#define VECTORS 0x800u
#define BODY 0x1000u
#define BODY_END (IMG_SIZE - 0x100) /* room for the tail */
#define STACK_TOP (RAM_BASE + 0x100000)
#define STORM_LIMIT 3000
#define EXIT_REG (EXIT_DEV_BASE + EXIT_DEV_EXIT)
#define GICD_IPRIORITYR 0x400 /* IHI 0069 12.9.18 */
#define GICD_IROUTER 0x6000   /* IHI 0069 12.9.22 */

static uint64_t rng;
static uint32_t img[IMG_SIZE / 4];
static unsigned pc; /* next word */
static unsigned ncpus;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }
static int chance(unsigned pct) { return below(100) < pct; }

static void emit(uint32_t insn)
{
	if (pc < IMG_SIZE / 4)
		img[pc++] = insn;
}

/* ---- encodings (Arm ARM C4) ---- */
static void mov64(unsigned rd, uint64_t v)
{
	emit(0xd2800000 | (uint32_t)(v & 0xffff) << 5 | rd); /* MOVZ */
	for (unsigned hw = 1; hw < 4; hw++)                  /* MOVK */
		emit(0xf2800000 | hw << 21 | (uint32_t)((v >> (16 * hw)) & 0xffff) << 5 | rd);
}

#define SYSREG(op0, op1, crn, crm, op2) \
	((((op0) & 1u) << 19) | ((op1) << 16) | ((crn) << 12) | ((crm) << 8) | ((op2) << 5))
static uint32_t msr(uint32_t sr, unsigned rt) { return 0xd5100000 | sr | rt; }
static uint32_t mrs(uint32_t sr, unsigned rt) { return 0xd5300000 | sr | rt; }

enum {
	SCTLR = SYSREG(3, 0, 1, 0, 0), VBAR = SYSREG(3, 0, 12, 0, 0),
	TPIDR1 = SYSREG(3, 0, 13, 0, 4), ELR1 = SYSREG(3, 0, 4, 0, 1), SPSR1 = SYSREG(3, 0, 4, 0, 0),
	ICC_PMR = SYSREG(3, 0, 4, 6, 0), ICC_IGRPEN1 = SYSREG(3, 0, 12, 12, 7),
	CNTV_CTL = SYSREG(3, 3, 14, 3, 1), CNTV_TVAL = SYSREG(3, 3, 14, 3, 0),
	CNTP_CTL = SYSREG(3, 3, 14, 2, 1), ICC_IAR1 = SYSREG(3, 0, 12, 12, 0),
	ICC_EOIR1 = SYSREG(3, 0, 12, 12, 1),
};

/* Registers the model keeps, the GIC CPU interface and the timer (docs/model.md). */
static const uint32_t known_sysregs[] = {
	SYSREG(3, 0, 1, 0, 0), SYSREG(3, 0, 1, 0, 1), SYSREG(3, 0, 1, 0, 2),     /* SCTLR ACTLR CPACR */
	SYSREG(3, 0, 2, 0, 0), SYSREG(3, 0, 2, 0, 1), SYSREG(3, 0, 2, 0, 2),     /* TTBR0 TTBR1 TCR */
	SYSREG(3, 0, 10, 2, 0), SYSREG(3, 0, 10, 3, 0), SYSREG(3, 0, 5, 2, 0),   /* MAIR AMAIR ESR */
	SYSREG(3, 0, 6, 0, 0), SYSREG(3, 0, 7, 4, 0), SYSREG(3, 0, 13, 0, 1),    /* FAR PAR CONTEXTIDR */
	SYSREG(3, 0, 4, 0, 0), SYSREG(3, 0, 4, 0, 1), SYSREG(3, 0, 4, 1, 0),     /* SPSR ELR SP_EL0 */
	SYSREG(3, 0, 14, 1, 0), SYSREG(3, 3, 14, 2, 1), SYSREG(3, 3, 14, 2, 2),  /* CNTKCTL CNTP_CTL/CVAL */
	SYSREG(3, 3, 14, 2, 0), SYSREG(3, 3, 14, 3, 1), SYSREG(3, 3, 14, 3, 2),  /* CNTP_TVAL CNTV_CTL/CVAL */
	SYSREG(3, 3, 14, 3, 0), SYSREG(2, 0, 0, 2, 2), SYSREG(2, 0, 1, 0, 4),    /* CNTV_TVAL MDSCR OSLAR */
	SYSREG(3, 0, 4, 6, 0), SYSREG(3, 0, 12, 12, 0), SYSREG(3, 0, 12, 12, 1), /* ICC_PMR IAR1 EOIR1 */
	SYSREG(3, 0, 12, 12, 2), SYSREG(3, 0, 12, 12, 3), SYSREG(3, 0, 12, 12, 4), /* HPPIR1 BPR1 CTLR */
	SYSREG(3, 0, 12, 12, 5), SYSREG(3, 0, 12, 12, 7), SYSREG(3, 0, 12, 11, 5), /* SRE IGRPEN1 SGI1R */
	SYSREG(3, 0, 12, 11, 1), SYSREG(3, 0, 12, 11, 3), SYSREG(3, 0, 12, 9, 0),  /* DIR RPR AP1R0 */
	SYSREG(3, 0, 12, 11, 6), SYSREG(3, 0, 12, 11, 7), SYSREG(3, 0, 12, 8, 0),  /* ASGI1R SGI0R IAR0 */
	SYSREG(3, 3, 4, 2, 1), SYSREG(3, 3, 4, 2, 0), SYSREG(3, 0, 4, 2, 0),     /* DAIF NZCV SPSel */
	SYSREG(3, 0, 4, 2, 3), SYSREG(3, 3, 13, 0, 2), SYSREG(3, 3, 0, 0, 7),    /* PAN TPIDR_EL0 DCZID */
	SYSREG(3, 3, 14, 0, 2), SYSREG(3, 0, 0, 0, 5), SYSREG(3, 2, 0, 0, 0),    /* CNTVCT MPIDR CSSELR */
	SYSREG(3, 1, 0, 0, 0), SYSREG(3, 0, 0, 7, 0), SYSREG(3, 0, 4, 2, 2),     /* CCSIDR MMFR0 CurrentEL */
};

static uint64_t rand_value(void)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return ~0ull;
	case 2: return below(256);
	case 3: return 1ull << below(64);
	case 4: return (uint64_t)below(2048) << 3;
	case 5: return 0xffffffffull;
	default: return rnd();
	}
}

/* An address worth poking: a device, its edges and beyond, RAM edges, nothing. */
static uint64_t rand_addr(void)
{
	uint64_t off = chance(60) ? (uint64_t)below(0x100) * 4 : below(0x10000);

	switch (below(14)) {
	case 0: case 1: return GIC_DIST_BASE + (chance(70) ? off % GIC_DIST_SIZE : below(0x10000));
	case 2: return GIC_DIST_BASE + GICD_IROUTER + below(0x400);
	case 3: return GIC_DIST_BASE + GICD_IPRIORITYR + below(0x100);
	case 4: case 5: return GIC_REDIST_BASE + (uint64_t)below(ncpus + 2) * GIC_REDIST_STRIDE +
			(chance(50) ? GIC_REDIST_SGI_OFF : 0) + off % 0x10000; /* existing or not */
	case 6: return PL011_BASE + off % PL011_SIZE;
	case 7: return EXIT_DEV_BASE + (off & 0xff8) * (chance(50) ? 0 : 1); /* STATUS, others */
	case 8: return VIRTIO_MMIO_BASE + below(0x4000);
	case 9: return below(GIC_DIST_BASE);                    /* nothing below the GIC */
	case 10: return RAM_BASE + (chance(50) ? 0 : (16ull << 20)) - 8 + below(16); /* RAM edges */
	case 11: return 0x8000000000ull + below(0x10000);       /* where the model keeps stage 2 */
	case 12: return rnd() & (chance(50) ? 0xffffffffffffull : ~0ull);
	default: return PL011_BASE + below(0x2000000);          /* between devices */
	}
}

static unsigned rreg(void) { return below(9); } /* x0..x8: random data registers */

static void act_mem(void)
{
	unsigned rt = rreg(), size = below(4);
	int load = chance(50);

	mov64(9, rand_addr());
	mov64(rt, rand_value());
	switch (below(12)) {
	case 0: case 1: case 2: case 3: /* LDR/STR (unsigned offset 0), every width */
		emit(0x39000000 | size << 30 | (load ? 1u << 22 : 0) | 9 << 5 | rt);
		break;
	case 4: /* LDUR/STUR, unscaled offset: unaligned */
		emit(0x38000000 | size << 30 | (load ? 1u << 22 : 0) | (below(512) << 12) | 9 << 5 | rt);
		break;
	case 5: /* LDP/STP X */
		emit((load ? 0xa9400000 : 0xa9000000) | (below(128) << 15) | rreg() << 10 | 9 << 5 | rt);
		break;
	case 6: /* LDXR + STXR */
		emit(0xc85f7c00 | 9 << 5 | rt);
		emit(0xc8007c00 | 10 << 16 | 9 << 5 | rt);
		break;
	case 7: /* LDADD / SWP / CAS, X */
		emit((const uint32_t[]){ 0xf8200000, 0xf8208000, 0xc8a07c00 }[below(3)] |
		     rreg() << 16 | 9 << 5 | rt);
		break;
	case 8: /* DC ZVA, DC CIVAC, DC IVAC, IC IVAU */
		emit((const uint32_t[]){ 0xd50b7420, 0xd50b7e20, 0xd5087620, 0xd50b7520 }[below(4)] | 9);
		break;
	case 9: /* AT S1E1R/W, TLBI VAE1 / VAE1IS */
		emit((const uint32_t[]){ 0xd5087800, 0xd5087820, 0xd5088720, 0xd5088320 }[below(4)] | 9);
		break;
	case 10: /* LDR (register offset) with a random index */
		mov64(10, rand_value() & 0xffff);
		emit(0x38206800 | size << 30 | (load ? 1u << 22 : 0) | 10 << 16 | 9 << 5 | rt);
		break;
	default: /* PRFM */
		emit(0xf9800000 | 9 << 5 | below(32));
		break;
	}
}

static void act_sysreg(void)
{
	uint32_t sr;
	uint64_t v = rand_value();

	if (chance(70)) {
		sr = known_sysregs[below(sizeof(known_sysregs) / sizeof(known_sysregs[0]))];
	} else { /* any encoding with op0 = 2 or 3 */
		sr = SYSREG(2 + below(2), below(8), below(16), below(16), below(8));
	}
	if (sr == VBAR || sr == TPIDR1) /* keep the frame mostly working */
		sr = chance(10) ? sr : SCTLR;
	if (sr == SCTLR && chance(80))
		v &= ~1ull; /* the MMU on with random tables ends most runs at once */
	mov64(rreg(), v);
	emit((chance(60) ? msr : mrs)(sr, rreg()));
	if (chance(30))
		emit(0xd5033fdf); /* ISB */
}

static void act_call(void)
{
	static const uint32_t psci[] = {
		0x84000000, 0x8400000a, 0xc4000003, 0x84000002, 0xc4000001, 0xc4000004,
		0x84000006, 0x84000008, 0x84000009, 0x84000001, 0xc4000012,
	};
	uint32_t fn = chance(80) ? psci[below(sizeof(psci) / sizeof(psci[0]))] : (uint32_t)rnd();

	switch (below(8)) {
	case 0: case 1: case 2: /* HVC: PSCI and SMCCC calls */
		if (fn == 0x84000008 || fn == 0x84000009) /* SYSTEM_OFF/RESET end the run */
			fn = chance(20) ? fn : 0x84000000;
		mov64(0, fn);
		mov64(1, chance(50) ? below(ncpus + 2) : rand_value()); /* target MPIDR */
		mov64(2, chance(60) ? IMG_BASE : rand_addr());        /* entry point */
		mov64(3, rand_value());
		emit(0xd4000002 | (chance(90) ? 0 : below(0x10000)) << 5);
		break;
	case 3: /* semihosting: random operation, random parameter block */
		if (chance(70)) { /* an unimplemented call stops vmm: rarely */
			emit(0xd4000001);
			break;
		}
		mov64(0, chance(50) ? below(0x40) : rand_value());
		mov64(1, chance(50) ? rand_addr() : IMG_BASE + below(IMG_SIZE));
		emit(0xd4400000 | (chance(90) ? 0xf000 : below(0x10000)) << 5);
		break;
	case 4: emit(0xd4000001 | below(0x10000) << 5); break; /* SVC */
	case 5: emit(0xd4200000 | below(0x10000) << 5); break; /* BRK */
	case 6: emit(0x00000000 | below(0x10000)); break;      /* UDF */
	default: /* ERET with random SPSR and ELR */
		mov64(9, rand_value() & (chance(50) ? 0x3c5 : ~0ull));
		emit(msr(SPSR1, 9));
		mov64(9, chance(50) ? IMG_BASE + BODY + 4 * below((BODY_END - BODY) / 4) : rand_addr());
		emit(msr(ELR1, 9));
		emit(0xd69f03e0);
		break;
	}
}

static void act_misc(void)
{
	switch (below(8)) {
	case 0: /* jump somewhere (most runs never come back: rarely) */
		if (chance(75)) {
			emit(0xd503201f);
			break;
		}
		mov64(9, chance(30) ? IMG_BASE + below(IMG_SIZE) : rand_addr());
		emit((chance(50) ? 0xd61f0000 : 0xd63f0000) | 9 << 5); /* BR / BLR */
		break;
	case 1: case 2: /* random instruction words */
		for (unsigned k = 1 + below(4); k; k--)
			emit((uint32_t)rnd());
		break;
	case 3: /* forward conditional branch */
		emit(0x54000000 | (1 + below(8)) << 5 | below(16));
		break;
	case 4: /* DAIF: unmask or mask interrupts */
		emit((chance(50) ? 0xd50340ff : 0xd50340df) | below(16) << 8);
		break;
	case 5: /* a timer that fires soon, then maybe wait for it */
		mov64(9, below(2000));
		emit(msr(CNTV_TVAL, 9));
		mov64(9, 1);
		emit(msr(CNTV_CTL, 9));
		if (chance(8)) /* with no interrupt set up, a wait for ever: rarely */
			emit(chance(50) ? 0xd503207f : 0xd503205f); /* WFI / WFE */
		break;
	case 6: /* SGIs to everyone */
		mov64(9, rand_value() | (chance(50) ? 1ull << 40 : 0));
		emit(msr(SYSREG(3, 0, 12, 11, 5), 9));
		break;
	default:
		emit((const uint32_t[]){ 0xd503209f, 0xd503201f, 0xd5033f9f, 0xd50b751f }[below(4)]);
		break; /* SEV, NOP, DSB SY, IC IALLU */
	}
}

static void prologue(void)
{
	pc = 0;
	mov64(9, STACK_TOP);
	emit(0x9100013f);            /* mov sp, x9 */
	mov64(9, IMG_BASE + VECTORS);
	emit(msr(VBAR, 9));
	emit(msr(TPIDR1, 31));       /* counter = 0 (xzr) */
	if (chance(60)) {            /* interrupts on: GICD, PL011 SPI, timer PPIs, CPU interface */
		mov64(9, 0x08000000);
		mov64(10, 2);
		emit(0xb900012a);    /* str w10, [x9] : GICD_CTLR.EnableGrp1 */
		mov64(9, 0x08000000 + 0x80 + 4);
		mov64(10, ~0ull);
		emit(0xb900012a);    /* GICD_IGROUPR1 */
		mov64(9, 0x08000000 + 0x100 + 4);
		emit(0xb900012a);    /* GICD_ISENABLER1 */
		mov64(9, 0x080a0000 + 0x10000 + 0x80);
		emit(0xb900012a);    /* GICR_IGROUPR0 */
		mov64(9, 0x080a0000 + 0x10000 + 0x100);
		emit(0xb900012a);    /* GICR_ISENABLER0 */
		mov64(9, 0xff);
		emit(msr(ICC_PMR, 9));
		mov64(9, 1);
		emit(msr(ICC_IGRPEN1, 9));
		mov64(9, 0x09000000 + 0x38);
		mov64(10, chance(10) ? 0x30 : 0x10);
		emit(0xb900012a);    /* PL011 IMSC: RX, rarely TX (always pending: a storm) */
		emit(0xd50342ff);    /* msr daifclr, #2 */
	}
	emit(0x14000000 | (BODY / 4 - pc)); /* b body */
}

/* Synchronous entries return past the instruction (ELR + 4); IRQ entries acknowledge
 * and end the interrupt and turn both timers off, then return to ELR (an interrupt
 * whose cause holds, the PL011's TX, comes straight back: a storm by design). */
static void vectors(void)
{
	for (unsigned e = 0; e < 16; e++) {
		int irq = e % 4 == 1;
		pc = (VECTORS + e * 0x80) / 4;
		emit(mrs(TPIDR1, 9));
		emit(0x91000529);                          /* add x9, x9, #1 */
		emit(msr(TPIDR1, 9));
		emit(0xf100001f | STORM_LIMIT << 10 | 9 << 5); /* cmp x9, #STORM_LIMIT */
		emit(0x54000000 | (irq ? 9 : 5) << 5 | 2);     /* b.hs exit */
		if (irq) {
			emit(mrs(ICC_IAR1, 10));
			emit(msr(ICC_EOIR1, 10));
			emit(msr(CNTV_CTL, 31));
			emit(msr(CNTP_CTL, 31));
		} else {
			emit(mrs(ELR1, 10));
			emit(0x9100114a);                  /* add x10, x10, #4 */
			emit(msr(ELR1, 10));
		}
		emit(0xd69f03e0);                          /* eret */
		mov64(11, EXIT_REG);
		mov64(12, 100 + e);
		emit(0xb900016c);                          /* str w12, [x11] */
		emit(0x14000000);                          /* b . */
	}
}

static void body(void)
{
	unsigned n = 10 + below(300);

	pc = BODY / 4;
	for (unsigned i = 0; i < n && pc < BODY_END / 4 - 64; i++) {
		switch (below(10)) {
		case 0: case 1: case 2: case 3: act_mem(); break;
		case 4: case 5: act_sysreg(); break;
		case 6: act_call(); break;
		default: act_misc(); break;
		}
	}
	for (unsigned k = 0; k < 8; k++)
		emit(0xd503201f); /* landing room for forward branches */
	mov64(11, EXIT_REG);
	emit(0xb900017f);         /* str wzr, [x11]: exit, status 0 */
	emit(0x14000000);
}

int main(int argc, char **argv)
{
	static const char *mem[] = { "16M", "32M", "64M", "256M" }; /* 16M: vmm's minimum */
	FILE *f;
	size_t len = IMG_SIZE;

	if (argc != 3) {
		fprintf(stderr, "usage: hostile-gen SEED OUT.bin\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], 0, 0);
	rng = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	for (int i = 0; i < 4; i++)
		rnd();
	ncpus = 1 + (chance(60) ? 0 : below(4));
	if (seed % 6 == 5) { /* pure random bytes, of random length */
		len = 4 + below(IMG_SIZE - 4);
		for (unsigned i = 0; i < IMG_SIZE / 4; i++)
			img[i] = (uint32_t)rnd();
	} else {
		memset(img, 0, sizeof(img));
		prologue();
		vectors();
		body();
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(img, 1, len, f) != len || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	printf("--cpus %u --mem %s\n", ncpus, mem[below(4)]);
	return 0;
}
