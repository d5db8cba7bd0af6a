/* Self-hosted debug (Arm ARM D2): the debug registers, breakpoint and watchpoint
 * matching, the software-step state machine, the OS lock and OS double lock, and the
 * Debug Communications Channel with no external debugger attached.
 *
 * Cost when unused: the run loop looks at MDSCR_EL1.{SS, MDE} once per block; only
 * when one is set and debug exceptions are enabled at the current EL does it run one
 * instruction at a time through debug__step_pending() and debug__breakpoint().
 * Watchpoints turn the data micro-TLB off (every access takes mem.c's slow path,
 * which calls debug__watch() after a translation without fault: a translation or
 * alignment fault takes priority over a watchpoint, AArch64.TranslateAddress). */
#include "cpu/cpu.h"
#include "cpu/sysreg_table.h"
#include "mem/mem.h"

/* Encodings: op0 = 2 (Arm ARM D17.3 "Debug registers") */
enum {
	SYS_OSDTRRX_EL1      = SR_ENC(2, 0, 0, 0, 2),
	SYS_MDCCINT_EL1      = SR_ENC(2, 0, 0, 2, 0),
	SYS_MDSCR_EL1_       = SR_ENC(2, 0, 0, 2, 2),
	SYS_OSDTRTX_EL1      = SR_ENC(2, 0, 0, 3, 2),
	SYS_OSECCR_EL1       = SR_ENC(2, 0, 0, 6, 2),
	SYS_MDRAR_EL1        = SR_ENC(2, 0, 1, 0, 0),
	SYS_OSLAR_EL1_       = SR_ENC(2, 0, 1, 0, 4),
	SYS_OSLSR_EL1_       = SR_ENC(2, 0, 1, 1, 4),
	SYS_OSDLR_EL1_       = SR_ENC(2, 0, 1, 3, 4),
	SYS_DBGPRCR_EL1      = SR_ENC(2, 0, 1, 4, 4),
	SYS_DBGCLAIMSET_EL1  = SR_ENC(2, 0, 7, 8, 6),
	SYS_DBGCLAIMCLR_EL1  = SR_ENC(2, 0, 7, 9, 6),
	SYS_DBGAUTHSTATUS_EL1 = SR_ENC(2, 0, 7, 14, 6),
	SYS_MDCCSR_EL0       = SR_ENC(2, 3, 0, 1, 0),
	SYS_DBGDTR_EL0       = SR_ENC(2, 3, 0, 4, 0),
	SYS_DBGDTRRXTX_EL0   = SR_ENC(2, 3, 0, 5, 0), /* MRS: DBGDTRRX_EL0, MSR: DBGDTRTX_EL0 */
};
#define SYS_DBGBVR(n) SR_ENC(2, 0, 0, n, 4)
#define SYS_DBGBCR(n) SR_ENC(2, 0, 0, n, 5)
#define SYS_DBGWVR(n) SR_ENC(2, 0, 0, n, 6)
#define SYS_DBGWCR(n) SR_ENC(2, 0, 0, n, 7)

/* DBGBCR<n>_EL1: E, PMC, BAS, HMC, SSC, LBN, BT; DBGWCR<n>_EL1: E, PAC, LSC, BAS, HMC,
 * SSC, LBN, WT, MASK */
#define BCR_MASK 0x00ffe1e7ull
#define WCR_MASK 0x1f1fffffull
#define CR_E 1ull
#define BCR_BT(v)  (((v) >> 20) & 15)
#define CR_LBN(v)  (((v) >> 16) & 15)
#define CR_SSC(v)  (((v) >> 14) & 3)
#define CR_PXC(v)  (((v) >> 1) & 3)   /* PMC / PAC: bit 0 EL1, bit 1 EL0 */
#define BCR_BAS(v) (((v) >> 5) & 15)
#define WCR_LSC(v) (((v) >> 3) & 3)   /* bit 0 loads, bit 1 stores */
#define WCR_BAS(v) (((v) >> 5) & 0xff)
#define WCR_WT     (1ull << 20)
#define WCR_MASKF(v) (((v) >> 24) & 31)
/* DBGBVR/DBGWVR bits compared with a VA: [48:2] (48-bit VAs); bits 63:49 are RESS */
#define VR_ADDR_MASK 0x0001fffffffffffcull
#define MDCCSR_TXFULL (1ull << 29)
#define OSDLR_DLK 1ull
#define DBGPRCR_CORENPDRQ 1ull
#define CLAIM_MASK 0xffull
/* DBGAUTHSTATUS_EL1: Non-secure invasive and non-invasive debug implemented and
 * enabled (NSID = NSNID = 0b11); no Secure state (SID = SNID = 0) */
#define AUTHSTATUS_VAL 0xfull

static bool double_locked(const struct cpu *c)
{
	/* DoubleLockStatus(): OSDLR_EL1.DLK and DBGPRCR_EL1.CORENPDRQ clear (not halted) */
	return (c->dbg.osdlr & OSDLR_DLK) && !(c->dbg.dbgprcr & DBGPRCR_CORENPDRQ);
}

/* AArch64.GenerateDebugExceptionsFrom(from_el, FALSE, mask) with the debug target
 * EL1: never with the OS lock or double lock set; from EL0 always; from EL1 when
 * MDSCR_EL1.KDE = 1 and PSTATE.D = 0. */
static bool enabled_from(const struct cpu *c, unsigned el, uint32_t daif)
{
	if ((c->sr.oslsr_el1 & OSLSR_OSLK) || double_locked(c))
		return false;
	if (el == 0)
		return true;
	return (c->sr.mdscr_el1 & MDSCR_KDE) && !(daif & DAIF_D);
}

bool debug__enabled(const struct cpu *c)
{
	return enabled_from(c, c->el, c->daif);
}

void debug__update(struct cpu *c)
{
	struct cpu_debug *g = &c->dbg;
	bool on = (c->sr.mdscr_el1 & MDSCR_MDE) && !(c->sr.oslsr_el1 & OSLSR_OSLK) &&
		  !double_locked(c);
	bool bp = false, wp = false;
	for (unsigned n = 0; n < DBG_NBRP; n++)
		bp |= g->bcr[n] & CR_E;
	for (unsigned n = 0; n < DBG_NWRP; n++)
		wp |= g->wcr[n] & CR_E;
	g->bp_any = on && bp;
	if (on && wp && !g->wp_any)
		mem__flush_data(c); /* no micro-TLB mapping may bypass the checks now */
	g->wp_any = on && wp;
}

/* ---- matching (Arm ARM D2.8 "Breakpoint exceptions", D2.9 "Watchpoint exceptions";
 * the pseudocode AArch64.BreakpointMatch, AArch64.WatchpointMatch, AArch64.StateMatch) */

/* The value of context-aware breakpoint n matches for a link from another one:
 * BT = 0b0011 (linked Context ID match) against CONTEXTIDR_EL1. */
static bool linked_context_matches(const struct cpu *c, unsigned n)
{
	uint64_t bcr = c->dbg.bcr[n];
	if (n >= DBG_NBRP || n < DBG_NBRP - DBG_NCTX || !(bcr & CR_E) || BCR_BT(bcr) != 3)
		return false;
	return (uint32_t)c->dbg.bvr[n] == (uint32_t)c->sr.contextidr_el1;
}

/* Security state (SSC: 0b10 is Secure only, never Non-secure EL0/EL1), privilege
 * (PMC/PAC: bit 0 EL1, bit 1 EL0; HMC adds EL2, which the guest never is at) and the
 * link to a context breakpoint. */
static bool state_matches(const struct cpu *c, uint64_t cr, bool linked, bool el0)
{
	if (CR_SSC(cr) == 2)
		return false;
	if (!(CR_PXC(cr) & (el0 ? 2 : 1)))
		return false;
	return !linked || linked_context_matches(c, CR_LBN(cr));
}

static bool breakpoint_matches(const struct cpu *c, unsigned n, uint64_t pc)
{
	uint64_t bcr = c->dbg.bcr[n], bvr = c->dbg.bvr[n];
	bool context_aware = n >= DBG_NBRP - DBG_NCTX, value;
	if (!(bcr & CR_E))
		return false;
	switch (BCR_BT(bcr)) {
	case 0: /* unlinked address match */
	case 1: /* linked address match */
		/* A64 instructions: BAS must be 0b1111; 0b0000 never matches */
		value = BCR_BAS(bcr) != 0 && ((pc ^ bvr) & VR_ADDR_MASK) == 0;
		break;
	case 2: /* unlinked Context ID match (CONTEXTIDR_EL1) */
		value = context_aware && (uint32_t)bvr == (uint32_t)c->sr.contextidr_el1;
		break;
	default: /* 0b0011 fires only through a link; VMID and mismatch types: EL2 or
		  * reserved (CONSTRAINED UNPREDICTABLE: no match) */
		return false;
	}
	return value && state_matches(c, bcr, BCR_BT(bcr) == 1, c->el == 0);
}

/* WatchpointByteMatch for the byte at va */
static bool watch_byte(uint64_t wcr, uint64_t wvr, uint64_t va)
{
	unsigned bottom = (wvr & 4) ? 2 : 3, mask = WCR_MASKF(wcr);
	unsigned bas = WCR_BAS(wcr);
	if (mask == 1 || mask == 2)
		return false; /* reserved MASK: CONSTRAINED UNPREDICTABLE, the watchpoint disabled */
	if (mask) { /* a range of 2^MASK bytes: BAS must be all ones (else ignored) */
		uint64_t m = VR_ADDR_MASK & ~((1ull << mask) - 1);
		return ((va ^ wvr) & m) == 0;
	}
	if (!(bas >> (va & ((1u << bottom) - 1)) & 1))
		return false;
	return ((va ^ wvr) & VR_ADDR_MASK & ~((1ull << bottom) - 1)) == 0;
}

/* 0 read, 1 write, 2 read and write (atomics, DC ZVA): which LSC bits match; *wnr the
 * direction reported */
static bool watchpoint_matches(const struct cpu *c, unsigned n, uint64_t va, unsigned size,
			       int rw, bool el0, uint64_t *hit, bool *wnr)
{
	uint64_t wcr = c->dbg.wcr[n], wvr = c->dbg.wvr[n];
	unsigned lsc = WCR_LSC(wcr), want = rw == 0 ? 1 : rw == 1 ? 2 : 3;
	if (!(wcr & CR_E) || !(lsc & want))
		return false;
	if (!state_matches(c, wcr, wcr & WCR_WT, el0))
		return false;
	for (unsigned k = 0; k < size; k++)
		if (watch_byte(wcr, wvr, va + k)) {
			*hit = va + k;
			*wnr = rw == 1 || (rw == 2 && (lsc & 2));
			return true;
		}
	return false;
}

int debug__watch(struct cpu *c, uint64_t va, unsigned size, bool write, bool el0)
{
	return debug__watch_rw(c, va, size, write ? 1 : 0, el0);
}

int debug__watch_rw(struct cpu *c, uint64_t va, unsigned size, int rw, bool el0)
{
	uint64_t far = ~0ull, hit;
	bool wnr = false, w, found = false;
	if (!c->dbg.wp_any || !debug__enabled(c))
		return 0;
	for (unsigned n = 0; n < DBG_NWRP; n++)
		if (watchpoint_matches(c, n, va, size, rw, el0, &hit, &w) && hit < far) {
			far = hit;
			wnr = w;
			found = true;
		}
	if (!found)
		return 0;
	/* ESR: EC 0x34/0x35, ISS WnR, DFSC = debug exception; FAR: the lowest watched
	 * byte the access touched (within the range D2.9.5 allows) */
	return exc__sync(c, c->el ? EC_WATCH_CUR : EC_WATCH_LOW,
			 FSC_DEBUG | (wnr ? ISS_WNR : 0), far);
}

int debug__breakpoint(struct cpu *c)
{
	if (!c->dbg.bp_any)
		return -1;
	for (unsigned n = 0; n < DBG_NBRP; n++)
		if (breakpoint_matches(c, n, c->pc))
			/* ESR: EC 0x30/0x31, IFSC = debug exception; FAR is UNKNOWN (kept) */
			return exc__sync(c, c->el ? EC_BKPT_CUR : EC_BKPT_LOW, FSC_DEBUG, 0);
	return -1;
}

/* ---- software step (Arm ARM D2.12) ----
 * inactive: MDSCR_EL1.SS = 0 or debug exceptions disabled at the current EL;
 * active-not-pending: PSTATE.SS = 1: one instruction executes, then PSTATE.SS = 0;
 * active-pending: PSTATE.SS = 0: the Software Step exception is taken before the
 * next instruction (it has the highest priority of the synchronous exceptions).
 * Exception entry saves PSTATE.SS in SPSR_EL1.SS and clears it; an exception the
 * stepped instruction generates (other than SVC, HVC, SMC) leaves SPSR.SS = 1 so
 * that the instruction is stepped again; ERET sets PSTATE.SS from SPSR_EL1.SS when
 * the step is active at the EL it returns to, else to 0. */

int debug__step_pending(struct cpu *c)
{
	uint32_t iss = FSC_DEBUG;
	if (!(c->sr.mdscr_el1 & MDSCR_SS) || c->ss || !debug__enabled(c))
		return -1;
	/* ISV = 1 when an instruction was stepped to get here (then EX says whether it
	 * was a load-exclusive); 0 when the state was entered by an exception return */
	if (c->dbg.stepped)
		iss |= ISS_SS_ISV | (c->dbg.stepped_ex ? ISS_SS_EX : 0);
	return exc__sync(c, c->el ? EC_STEP_CUR : EC_STEP_LOW, iss, 0);
}

static bool load_exclusive(uint32_t i)
{
	return (i & 0x3fc00000u) == 0x08400000u; /* LDXR, LDAXR, LDXP, LDAXP (all sizes) */
}

void debug__before_insn(struct cpu *c, uint32_t i)
{
	bool svc = (i & 0xffe0001fu) == 0xd4000001u, hvc = (i & 0xffe0001fu) == 0xd4000002u;
	if (svc || (hvc && c->el == 1)) {
		c->ss = 0;
		c->dbg.stepped = true;
		c->dbg.stepped_ex = false;
	}
}

void debug__stepped(struct cpu *c, uint32_t insn, int r)
{
	if (r == X_EXC || r == X_STOP)
		return; /* exception entry or return has set PSTATE.SS itself */
	c->ss = 0;
	c->dbg.stepped = true;
	c->dbg.stepped_ex = load_exclusive(insn);
}

void debug__eret(struct cpu *c, uint64_t spsr)
{
	c->ss = ((spsr >> SPSR_SS_BIT) & 1) && (c->sr.mdscr_el1 & MDSCR_SS) && debug__enabled(c);
	c->dbg.stepped = false;
}

/* ---- registers ---- */

static int rd_mdscr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)r;
	/* TXfull/RXfull (bits 29/30) are read-only views of the DCC's state */
	*v = c->sr.mdscr_el1 | (c->dbg.dtr_tx_full ? MDCCSR_TXFULL : 0);
	return X_NEXT;
}

static int wr_mdscr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r;
	c->sr.mdscr_el1 = v & MDSCR_MASK;
	debug__update(c);
	return X_CTX; /* stepping or breakpoints may start with the next instruction */
}

static int wr_oslar(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r;
	c->sr.oslsr_el1 = (c->sr.oslsr_el1 & ~OSLSR_OSLK) | ((v & 1) ? OSLSR_OSLK : 0);
	debug__update(c);
	return X_CTX;
}

static int rd_oslsr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)r;
	*v = c->sr.oslsr_el1;
	return X_NEXT;
}

/* One of the debug state's fields, by its offset in struct cpu_debug (r->arg) */
static uint64_t *field(struct cpu *c, const struct sysreg_desc *r)
{
	return (uint64_t *)((char *)&c->dbg + r->arg);
}

static int rd_field(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	*v = *field(c, r);
	return X_NEXT;
}

/* r->val is the mask of the bits the register keeps */
static int wr_field(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	*field(c, r) = v & r->val;
	debug__update(c);
	return X_CTX;
}

static int rd_const(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)c;
	*v = r->val;
	return X_NEXT;
}

static int wr_claimset(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r;
	c->dbg.claim |= v & CLAIM_MASK;
	return X_NEXT;
}

static int wr_claimclr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r;
	c->dbg.claim &= ~(v & CLAIM_MASK);
	return X_NEXT;
}

/* DBGCLAIMSET_EL1 reads as the claim tags implemented (all 8), CLR as those set */
static int rd_claimclr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)r;
	*v = c->dbg.claim;
	return X_NEXT;
}

/* The DCC with no external debugger: nothing is ever received (RXfull = 0, reads
 * give 0), and what is sent stays in DBGDTRTX (TXfull = 1 after the first write),
 * as on hardware with no debugger attached: Linux's hvc_dcc finds no DCC. */
static int rd_mdccsr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)r;
	*v = c->dbg.dtr_tx_full ? MDCCSR_TXFULL : 0;
	return X_NEXT;
}

static int rd_dtr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)c, (void)r;
	*v = 0;
	return X_NEXT;
}

static int wr_dtr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r, (void)v;
	c->dbg.dtr_tx_full = true;
	return X_NEXT;
}

/* EL0 reaches the DCC unless MDSCR_EL1.TDCC traps it */
static bool el0_dcc(const struct cpu *c, const struct sysreg_desc *r, bool write)
{
	(void)r, (void)write;
	return !(c->sr.mdscr_el1 & MDSCR_TDCC);
}

/* Cold reset: every breakpoint and watchpoint off, the OS lock locked
 * (OSLSR_EL1.OSLK resets to 1), PSTATE.SS = 0 */
static void reset_debug(struct cpu *c, const struct sysreg_desc *r)
{
	(void)r;
	memset(&c->dbg, 0, sizeof(c->dbg));
	c->sr.mdscr_el1 = 0;
	c->sr.oslsr_el1 = OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK;
	c->ss = 0;
}

#define DBGF(f) .arg = offsetof(struct cpu_debug, f)
#define FIELD(f, mask) .read = rd_field, .write = wr_field, DBGF(f), .val = (mask)
#define BP(n) \
	{ .enc = SYS_DBGBVR(n), .name = "DBGBVR" #n "_EL1", FIELD(bvr[n], ~0ull) }, \
	{ .enc = SYS_DBGBCR(n), .name = "DBGBCR" #n "_EL1", FIELD(bcr[n], BCR_MASK) }
#define WP(n) \
	{ .enc = SYS_DBGWVR(n), .name = "DBGWVR" #n "_EL1", FIELD(wvr[n], ~3ull) }, \
	{ .enc = SYS_DBGWCR(n), .name = "DBGWCR" #n "_EL1", FIELD(wcr[n], WCR_MASK) }
#define DBG(e, n) .enc = (e), .name = n

_Static_assert(DBG_NBRP == 6 && DBG_NWRP == 4, "one table line per breakpoint and watchpoint");

static const struct sysreg_desc table[] = {
	{ DBG(SYS_MDSCR_EL1_, "MDSCR_EL1"), .read = rd_mdscr, .write = wr_mdscr,
	  .reset = reset_debug },
	{ DBG(SYS_OSLAR_EL1_, "OSLAR_EL1"), .write = wr_oslar },
	{ DBG(SYS_OSLSR_EL1_, "OSLSR_EL1"), .read = rd_oslsr },
	{ DBG(SYS_OSDLR_EL1_, "OSDLR_EL1"), FIELD(osdlr, OSDLR_DLK) },
	{ DBG(SYS_DBGPRCR_EL1, "DBGPRCR_EL1"), FIELD(dbgprcr, DBGPRCR_CORENPDRQ) },
	{ DBG(SYS_MDCCINT_EL1, "MDCCINT_EL1"), FIELD(mdccint, (1ull << 29) | (1ull << 30)) },
	{ DBG(SYS_OSDTRRX_EL1, "OSDTRRX_EL1"), FIELD(osdtrrx, 0xffffffffull) },
	{ DBG(SYS_OSDTRTX_EL1, "OSDTRTX_EL1"), FIELD(osdtrtx, 0xffffffffull) },
	{ DBG(SYS_OSECCR_EL1, "OSECCR_EL1"), FIELD(oseccr, 0xffffffffull) },
	{ DBG(SYS_MDRAR_EL1, "MDRAR_EL1"), .read = rd_const, .val = 0 }, /* no ROM table */
	{ DBG(SYS_DBGCLAIMSET_EL1, "DBGCLAIMSET_EL1"), .read = rd_const, .val = CLAIM_MASK,
	  .write = wr_claimset },
	{ DBG(SYS_DBGCLAIMCLR_EL1, "DBGCLAIMCLR_EL1"), .read = rd_claimclr, .write = wr_claimclr },
	{ DBG(SYS_DBGAUTHSTATUS_EL1, "DBGAUTHSTATUS_EL1"), .read = rd_const,
	  .val = AUTHSTATUS_VAL },
	{ DBG(SYS_MDCCSR_EL0, "MDCCSR_EL0"), .read = rd_mdccsr, EL0_FN(EL0_READ, el0_dcc) },
	{ DBG(SYS_DBGDTR_EL0, "DBGDTR_EL0"), .read = rd_dtr, .write = wr_dtr,
	  EL0_FN(EL0_RW, el0_dcc) },
	{ DBG(SYS_DBGDTRRXTX_EL0, "DBGDTRRX_EL0/DBGDTRTX_EL0"), .read = rd_dtr, .write = wr_dtr,
	  EL0_FN(EL0_RW, el0_dcc) },
	BP(0), BP(1), BP(2), BP(3), BP(4), BP(5),
	WP(0), WP(1), WP(2), WP(3),
};

const struct sysreg_table debug__sysregs = { table, sizeof(table) / sizeof(table[0]) };
