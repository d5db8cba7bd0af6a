/* Inside the block translator: the state of one translation (struct tr), the offsets
 * of struct cpu that translated code reads and writes, and the emitters shared by
 * translate.c (blocks, branches, exits), emit_flags.c (NZCV and conditions), emit_dp.c
 * (data processing) and emit_mem.c (loads and stores). */
#ifndef MODEL_JIT_TR_H
#define MODEL_JIT_TR_H

#include "jit/jit_int.h"

#define OFF_X(n) ((int32_t)(offsetof(struct cpu, x) + 8 * (n)))
#define OFF_PC ((int32_t)offsetof(struct cpu, pc))
#define OFF_NZCV ((int32_t)offsetof(struct cpu, nzcv))
#define OFF_IC ((int32_t)offsetof(struct cpu, icount))
#define OFF_MMU_IDX ((int32_t)offsetof(struct cpu, mmu_idx))
#define OFF_UGEN ((int32_t)offsetof(struct cpu, utlb_gen))
#define OFF_ALIGN ((int32_t)offsetof(struct cpu, align_mask))
#define OFF_JIT_LOAD ((int32_t)offsetof(struct cpu, jit_load))
#define OFF_UTLB ((int32_t)offsetof(struct cpu, utlb))
#define OFF_HITS ((int32_t)offsetof(struct cpu, st.utlb_hits))
#define OFF_EXCL ((int32_t)offsetof(struct cpu, excl_valid))
#define OFF_PG_VALID ((int32_t)offsetof(struct dpage, valid))
#define OFF_EL ((int32_t)offsetof(struct cpu, el))
#define OFF_VTIME ((int32_t)offsetof(struct cpu, vtime))
#define OFF_QSTART ((int32_t)offsetof(struct cpu, q_start))
#define OFF_VM ((int32_t)offsetof(struct cpu, vm))
#define OFF_VM_POFF ((int32_t)offsetof(struct model_vm, cnt_poff))
#define OFF_VM_VOFF ((int32_t)offsetof(struct model_vm, cnt_voff))
#define OFF_EXCL_ADDR ((int32_t)offsetof(struct cpu, excl_addr))
#define OFF_EXCL_SIZE ((int32_t)offsetof(struct cpu, excl_size))
#define OFF_EXCL_VAL ((int32_t)offsetof(struct cpu, excl_val))

_Static_assert(sizeof(struct utlb_ent) == 24, "the inline micro-TLB probe assumes 24-byte entries");
_Static_assert(sizeof(((struct cpu *)0)->mmu_idx) == 4, "mmu_idx is read as 32 bits");
_Static_assert(sizeof(((struct cpu *)0)->nzcv) == 4, "nzcv is written as 32 bits");
_Static_assert(sizeof(((struct cpu *)0)->excl_valid) == 1, "excl_valid is written as a byte");
_Static_assert(sizeof(((struct cpu *)0)->el) == 4, "el is compared as 32 bits");
_Static_assert(sizeof(((struct cpu *)0)->excl_size) == 4 && sizeof(((struct cpu *)0)->excl_addr) == 8 &&
	       sizeof(((struct cpu *)0)->excl_val[0]) == 8, "the monitor's fields as the exclusives write them");

/* An inline memory access whose fast path does not apply (micro-TLB miss, page
 * crossing, alignment, SP not 16-byte aligned): the instruction's own handler runs it
 * from the start, out of line, exactly as the interpreter would. The probe before has
 * no side effect, so nothing is done twice. */
struct slow {
	uint8_t *miss[4];  /* jumps to patch to the stub */
	unsigned nmiss;
	uint8_t *join;     /* the end of the instruction */
	int32_t pc, ic;    /* pending pc and icount at the instruction */
	const struct dent *d;
	/* a single load or store at R10 with no writeback: mem.c's slow path directly
	 * (what the handler would call after its own probe), not the handler */
	bool direct, store;
	unsigned size, rt, sext;
};

enum { DEFER_NONE, DEFER_ADD, DEFER_SUB, DEFER_LOGIC }; /* struct tr's defer_* */

struct tr {
	struct emit e;
	struct jit *j;
	struct dpage *pg;
	struct jit_page *jp;
	unsigned start;     /* index of the block's first instruction */
	uint8_t *entry;
	int32_t pc_pend, ic_pend;
	struct slow slow[JIT_MAX_BLOCK];
	unsigned nslow;
	int next_cond;      /* the condition the next instruction of the block tests, or -1 */
	bool cond_in_r11;   /* for this instruction: R11B = its condition holds (tr__cond) */
	bool r11_next;      /* the same, left by this instruction for the next one */
	bool next_bcond;    /* the next instruction of the block is a B.cond */
	int defer_next, defer_cc; /* this instruction left NZCV's store to that B.cond */
	int defer_in, defer_cc_in; /* for this instruction (a B.cond): finish it, jump on cc */
};

void tr__add_mem(struct tr *t, int32_t off, int32_t v); /* [RBX + off] += v */
void tr__utlb_entry(struct tr *t, unsigned r, unsigned va); /* r = va's entry in it */
void tr__sync(struct tr *t);       /* pending pc and icount into struct cpu */
void tr__valid_check(struct tr *t); /* fetch_lines: leave if a handler dropped the page */
/* host r = Xn, or 0 for XZR (zr: register 31 is XZR, else SP) */
void tr__get(struct tr *t, unsigned r, unsigned n, bool zr);
/* Xd = host r (zr: register 31 is XZR and the write is dropped) */
void tr__put(struct tr *t, unsigned r, unsigned d, bool zr);
/* NZCV from the host flags of an add or a subtract (the last host instruction that
 * set flags); uses RAX, RCX, R11 */
void tr__flags_arith(struct tr *t, bool sub);
/* NZCV from the host flags of an AND: N and Z, C = V = 0; uses RAX, RCX, R11 */
void tr__flags_logic(struct tr *t);
/* The host condition code that holds when Arm condition cond holds for NZCV (after the
 * flags' setter, or from c->nzcv); uses RCX, R8 */
unsigned tr__cond(struct tr *t, unsigned cond);
/* A flag setter left NZCV's store to the B.cond after it (defer_next: DEFER_ADD,
 * _SUB, _LOGIC): finish it from AX, on each path of that B.cond */
void tr__finish_flags(struct tr *t, int kind);
/* once, before translating: does the host have LAHF in 64-bit mode */
void tr__flags_init(void);

/* emit_dp.c: one instruction each, inline */
/* RDX op= shift (type 0 LSL, 1 LSR, 2 ASR, 3 ROR) by amt */
void tr__shift_operand(struct tr *t, int w, unsigned type, unsigned amt);
void tr__addsub_imm(struct tr *t, const struct dent *d);
void tr__addsub_sreg(struct tr *t, const struct dent *d);
void tr__logic_sreg(struct tr *t, const struct dent *d);
void tr__logic_imm(struct tr *t, const struct dent *d);
void tr__movewide(struct tr *t, const struct dent *d);
void tr__csel(struct tr *t, const struct dent *d);
void tr__adr(struct tr *t, const struct dent *d);
void tr__bitfield(struct tr *t, const struct dent *d);
void tr__madd(struct tr *t, const struct dent *d);
void tr__extr(struct tr *t, const struct dent *d);
void tr__addsub_ereg(struct tr *t, const struct dent *d);
/* MRS of a plain register inline (false: not one, the handler) */
bool tr__mrs(struct tr *t, const struct dent *d);
/* UDIV, SDIV and the shifts by a register inline (false: another DP2, the handler) */
bool tr__dp2(struct tr *t, const struct dent *d);

/* emit_mem.c: loads and stores, their micro-TLB hit inline; tr__slow_stubs writes the
 * out-of-line handler calls of the block's accesses after its code */
void tr__ldst_single(struct tr *t, const struct dent *d);
void tr__ldst_pair(struct tr *t, const struct dent *d);
void tr__slow_stubs(struct tr *t);
/* a new out-of-line handler call for d at the pending pc and icount: the caller adds
 * its miss jumps and sets join */
struct slow *tr__slow_new(struct tr *t, const struct dent *d);
/* LDAR/STLR; LDXR/LDAXR and STXR/STLXR of one register (the monitor inline) */
void tr__ldar_stlr(struct tr *t, const struct dent *d);
void tr__ldxr(struct tr *t, const struct dent *d);
void tr__stxr(struct tr *t, const struct dent *d);

#endif
