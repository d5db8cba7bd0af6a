/* The software AArch64 CPU: architectural state of one vCPU (EL0/EL1; the VMM plays
 * EL2), the decoded-instruction entry, and the helpers every instruction class uses.
 *
 * Execution: a guest page's instructions are decoded once into `struct dent`s (a
 * handler and its pre-extracted operands) kept per physical page (decode.c); the run
 * loop (exec.c) calls one handler after another. A handler returns one of enum exec_r.
 * Memory goes through mem.h (micro-TLB fast path, then the translation in xlat.c). */
#ifndef MODEL_CPU_H
#define MODEL_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/debug.h"
#include "cpu/pmu.h"
#include "cpu/sysregs.h"

struct cpu;
struct dent;
struct model_vm;
struct xlat_cpu;

typedef int (*insn_fn)(struct cpu *c, const struct dent *d);

/* One decoded instruction. imm holds what the decoder pre-computed (an immediate,
 * a bit mask); insn the raw encoding for the rest of the fields. */
struct dent {
	insn_fn fn;
	uint32_t insn;
	uint32_t aux;
	uint64_t imm;
};

/* What a handler tells the run loop. */
enum exec_r {
	X_NEXT = 0,   /* fall through: pc += 4 */
	X_BRANCH,     /* pc was set by the handler */
	X_EXC,        /* an exception was taken: pc, PSTATE and maybe the context changed */
	X_CTX,        /* pc += 4, then leave the block: translation context or masks changed */
	X_WAIT,       /* WFI/WFE: pc += 4, then idle until an event or interrupt */
	X_STOP,       /* the machine is stopping (or this vCPU went off): pc is as set */
};

/* Micro-TLB: host-pointer fast path, one per translation regime index (mmu_idx). */
#define UTLB_BITS 8
#define UTLB_SIZE (1u << UTLB_BITS)
struct utlb_ent {
	uint64_t rtag;   /* VA page | generation when reads hit */
	uint64_t wtag;   /* VA page | generation when writes hit */
	uintptr_t addend; /* host address = VA + addend */
};

/* Translation regime index for the micro-TLBs: EL0, EL1, EL1 with PAN. */
enum { MMU_EL0, MMU_EL1, MMU_EL1_PAN, MMU_NIDX };

/* Instruction-fetch micro-TLB: VA page -> decoded page. */
#define ITLB_SIZE 64
struct dpage;
struct itlb_ent {
	uint64_t tag;     /* VA page | regime index */
	uint64_t gen;     /* utlb_gen when filled: older entries are stale */
	struct dpage *page;
};

/* What one vCPU did, for `vmm run --stats` (stats.c). Counted on the slow paths only,
 * except the one increment per micro-TLB hit (the denominator of its hit rate). */
struct cpu_stats {
	uint64_t exc_sync[64];      /* synchronous exceptions taken, by ESR_EL1.EC */
	uint64_t irq;               /* IRQs taken */
	/* aborts taken: [0] instruction, [1] data; [0] from EL0, [1] at EL1; by FSC */
	uint64_t abort_fsc[2][2][64];
	uint64_t utlb_hits, utlb_misses;  /* data micro-TLB: fast path, slow path entered */
	uint64_t itlb_hits, itlb_misses;  /* fetch micro-TLB */
	uint64_t tlbi[16][2];       /* TLBIs issued, by mmu_tlbi_kind, [1] the IS forms */
	uint64_t ic_ops, dc_ops;    /* cache maintenance instructions executed */
	uint64_t mmio_reads, mmio_writes; /* stage-2 faults outside RAM, emulated on the bus */
	uint64_t jit_insns;         /* instructions retired by translated code (jit/) */
};

/* A SIMD&FP register V0-V31: 128 bits; lane k of each width at its little-endian
 * place (the host is little-endian: asserted in cpu/fp.h). */
union vreg {
	uint8_t b[16];
	uint16_t h[8];
	uint32_t s[4];
	uint64_t d[2];
};

struct cpu {
	uint64_t x[32];  /* x[31] is the current stack pointer; XZR reads come from rz() */
	uint64_t pc;
	uint32_t nzcv;   /* PSTATE.NZCV in bits 31:28 */
	uint32_t daif;   /* PSTATE.DAIF in bits 9:6 */
	unsigned el;     /* 0 or 1 */
	unsigned spsel;  /* PSTATE.SP */
	unsigned pan;    /* PSTATE.PAN */
	unsigned il;     /* PSTATE.IL (after an illegal exception return) */
	unsigned ss;     /* PSTATE.SS (software step: cpu/debug.c) */
	uint64_t sp_el0, sp_el1; /* banked copies of the stack pointer not in use */
	struct sysregs sr;
	union vreg v[32] __attribute__((aligned(16))); /* SIMD&FP registers (cpu/fp.h) */
	uint32_t fpcr, fpsr;
	bool fp_off;     /* CPACR_EL1.FPEN traps SIMD&FP at this EL (cpu__context_changed) */

	unsigned mmu_idx;
	uint64_t utlb_gen;   /* 1..4094: entries of older generations are stale */
	uint64_t align_mask; /* size-1 checked against the address when SCTLR.A (else 0) */
	uint64_t jit_load;   /* translated code's slow loads: mem__read_slow's value */
	struct utlb_ent utlb[MMU_NIDX][UTLB_SIZE];
	struct itlb_ent itlb[ITLB_SIZE];

	/* exclusive monitor (local view; see monitor in exec.c) */
	bool excl_valid;
	uint64_t excl_addr;
	unsigned excl_size;
	uint64_t excl_val[2];

	uint64_t last_vector; /* where the last exception entry went (loop detection) */
	uint64_t icount;   /* instructions retired by this vCPU */
	uint64_t q_start;  /* icount when its current quantum began */
	uint64_t *vtime;   /* the machine's virtual time in instructions (sched.c) */
	unsigned index;
	bool on;           /* powered on (PSCI) */
	bool waiting;      /* in WFI/WFE */
	bool wfe;          /* the wait is a WFE (may end spuriously) */
	bool event;        /* the WFE event register */
	const volatile uint8_t *irq_line; /* the GIC's IRQ output for this vCPU */
	struct model_vm *vm;
	struct xlat_cpu *xlat; /* mem/xlat.c's per-vCPU state (mmu/ context, TLB) */
	bool checks;       /* mmu/ sanitizer checks attached: every store is reported */
	bool slow_fetch;   /* checks or caches: report every fetched line (exec.c) */
	bool no_utlb;      /* caches attached: every data access goes to xlat.c */
	struct cpu_stats st;
	struct cpu_debug dbg; /* breakpoints, watchpoints, step, OS lock (cpu/debug.c) */
	struct cpu_pmu pmu;   /* the PMU (cpu/pmu.c) */
};

/* ---- register access ---- */
static inline uint64_t rz(const struct cpu *c, unsigned n) { return n == 31 ? 0 : c->x[n]; }
static inline uint64_t rs(const struct cpu *c, unsigned n) { return c->x[n]; } /* SP at 31 */
static inline void wz(struct cpu *c, unsigned n, uint64_t v) { if (n != 31) c->x[n] = v; }
static inline void ws(struct cpu *c, unsigned n, uint64_t v) { c->x[n] = v; }
static inline uint64_t rzw(const struct cpu *c, unsigned n, bool sf)
{
	uint64_t v = rz(c, n);
	return sf ? v : (uint32_t)v;
}

/* ---- field helpers ---- */
#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(x, n) (((x) >> (n)) & 1u)
#define RD(i) ((i) & 31)
#define RN(i) (((i) >> 5) & 31)
#define RM(i) (((i) >> 16) & 31)
#define RA(i) (((i) >> 10) & 31)
#define RT2(i) (((i) >> 10) & 31)
#define RS_(i) (((i) >> 16) & 31)

static inline int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- flags ---- */
/* PSTATE.DAIF as kept in struct cpu (and in SPSR, DAIF): bits 9:6 */
#define DAIF_SHIFT 6
#define DAIF_F (1u << 6)
#define DAIF_I (1u << 7)
#define DAIF_A (1u << 8)
#define DAIF_D (1u << 9)
#define DAIF_ALL (DAIF_D | DAIF_A | DAIF_I | DAIF_F)
#define NZCV_N (1u << 31)
#define NZCV_Z (1u << 30)
#define NZCV_C (1u << 29)
#define NZCV_V (1u << 28)

bool cond_holds(uint32_t nzcv, unsigned cond);
/* cond_table[nzcv >> 28] has bit c set when condition c holds (built by decode.c). */
extern uint16_t cond_table[16];
static inline bool cond_fast(uint32_t nzcv, unsigned cond)
{
	return (cond_table[nzcv >> 28] >> cond) & 1;
}
void decode__init(void);

/* AddWithCarry for 64 or 32 bits; sets *flags to NZCV. */
static inline uint64_t add_with_carry(uint64_t a, uint64_t b, unsigned cin, bool sf, uint32_t *flags)
{
	uint32_t f = 0;
	uint64_t r;
	if (sf) {
		unsigned __int128 u = (unsigned __int128)a + b + cin;
		r = (uint64_t)u;
		if ((u >> 64) != 0) f |= NZCV_C;
		if (((a ^ r) & (b ^ r)) >> 63) f |= NZCV_V;
		if (r >> 63) f |= NZCV_N;
	} else {
		uint64_t u = (uint64_t)(uint32_t)a + (uint32_t)b + cin;
		r = (uint32_t)u;
		if (u >> 32) f |= NZCV_C;
		if ((((uint32_t)a ^ r) & ((uint32_t)b ^ r)) >> 31) f |= NZCV_V;
		if (r >> 31) f |= NZCV_N;
	}
	if (r == 0) f |= NZCV_Z;
	*flags = f;
	return r;
}

static inline uint32_t nz_flags(uint64_t r, bool sf)
{
	if (!sf) r = (uint64_t)(uint32_t)r << 32;
	return (r >> 63 ? NZCV_N : 0) | (r == 0 ? NZCV_Z : 0);
}

/* ---- decoder (decode.c and the per-class decoders) ---- */
/* Fill d (fn, imm, aux) for insn; unallocated or unimplemented: fn = exec_undef. */
void decode__insn(uint32_t insn, struct dent *d);
bool decode__dp_imm(uint32_t insn, struct dent *d);
bool decode__dp_reg(uint32_t insn, struct dent *d);
bool decode__branch(uint32_t insn, struct dent *d);
bool decode__ldst(uint32_t insn, struct dent *d);
bool decode__atomics(uint32_t insn, struct dent *d);
bool decode__system(uint32_t insn, struct dent *d);
bool decode__fp(uint32_t insn, struct dent *d);       /* SIMD&FP data processing */
bool decode__fp_ldst(uint32_t insn, struct dent *d);  /* SIMD&FP loads and stores */
int exec_undef(struct cpu *c, const struct dent *d);

/* ---- exceptions (exceptions.c) ---- */
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_ILLEGAL 0x0e
#define EC_SVC 0x15
#define EC_HVC 0x16
#define EC_SMC 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BKPT_LOW 0x30
#define EC_BKPT_CUR 0x31
#define EC_STEP_LOW 0x32
#define EC_STEP_CUR 0x33
#define EC_WATCH_LOW 0x34
#define EC_WATCH_CUR 0x35
#define EC_BRK 0x3c

/* Data/instruction abort syndrome (ESR_ELx.ISS): fault status codes the model raises
 * itself, and the bits it sets (Arm ARM D17.2.37). */
#define FSC_SEA      0x10u  /* synchronous external abort, not on a table walk */
#define FSC_SEA_WALK 0x14u  /* + level: synchronous external abort on a table walk */
#define FSC_ALIGN    0x21u
#define ISS_WNR      (1u << 6)
#define ISS_S1PTW    (1u << 7)
#define ISS_CM       (1u << 8)

/* Vector offsets from VBAR_EL1: the source (current EL with SP_EL0 or SP_EL1, lower
 * EL in AArch64) plus the kind. */
enum exc_source { VEC_CURRENT_SP0 = 0, VEC_CURRENT_SPX = 0x200, VEC_LOWER_A64 = 0x400 };
enum exc_kind { EXC_SYNC = 0, EXC_IRQ = 0x80, EXC_FIQ = 0x100, EXC_SERROR = 0x180 };

/* Take an exception to EL1; ret is the preferred return address. Returns X_EXC. */
int exc__take(struct cpu *c, enum exc_kind kind, uint32_t esr, uint64_t far, uint64_t ret);
static inline int exc__sync(struct cpu *c, unsigned ec, uint32_t iss, uint64_t far)
{
	return exc__take(c, EXC_SYNC, (ec << 26) | (1u << 25) | iss, far, c->pc);
}
int exc__undef(struct cpu *c);
/* cpu/undef.c: an encoding the model does not implement (not an architecturally
 * UNDEFINED use of one it does) is about to be UNDEFINED: tell the environment */
void undef__note(struct cpu *c);
/* SIMD&FP access trapped by CPACR_EL1.FPEN: EC 0x07, ISS CV = 1, COND = 0xE from AArch64 */
static inline int exc__fp_trap(struct cpu *c)
{
	return exc__sync(c, EC_FP, (1u << 24) | (0xeu << 20), 0);
}
uint64_t cpu__pstate(const struct cpu *c);            /* as SPSR */
void cpu__set_pstate(struct cpu *c, uint64_t spsr);   /* from SPSR (ERET) */
void cpu__set_el_sp(struct cpu *c, unsigned el, unsigned spsel);
void cpu__reset(struct cpu *c);
void cpu__context_changed(struct cpu *c);             /* flush micro-TLBs, recompute idx */

#endif
