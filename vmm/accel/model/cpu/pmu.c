/* PMUv3 (Arm ARM D11, registers D17.5 "Performance Monitors registers"): see pmu.h for
 * how counting works. Each event is a running total of something the model does:
 *
 *   CPU_CYCLES        one cycle per instruction executed (virtual time is instructions)
 *   INST_RETIRED      instructions executed, less those that took a synchronous
 *                     exception instead of completing (all but SVC, HVC, SMC)
 *   EXC_TAKEN         exceptions taken (synchronous and IRQ)
 *   MEM_ACCESS        data accesses (each load/store/atomic access, micro-TLB or not)
 *   L1D_TLB           data TLB accesses: every data access looks up the L1 data TLB
 *                     (the micro-TLB is a subset of mmu/'s L1 data TLB)
 *   L1D_TLB_REFILL    mmu/ L1 data TLB misses;  L2D_TLB_REFILL  mmu/ L2 TLB misses
 *   DTLB_WALK, ITLB_WALK  mmu/ table walks started for data accesses, fetches
 *   L1D_CACHE, L1D_CACHE_REFILL, L1I_CACHE_REFILL  the mmu/ cache model (--caches
 *                     only; PMCEID0 lists them only then)
 *   SW_INCR, CHAIN    PMSWINC_EL0 writes; overflows of the even counter of a pair */
#include <mmu/mmu.h>

#include "cpu/cpu.h"
#include "cpu/sysreg_table.h"
#include "engine/vm.h"
#include "gic/gicv3.h"
#include "mem/xlat.h"

enum {
	SYS_PMINTENSET_EL1 = SR_ENC(3, 0, 9, 14, 1),
	SYS_PMINTENCLR_EL1 = SR_ENC(3, 0, 9, 14, 2),
	SYS_PMCR_EL0       = SR_ENC(3, 3, 9, 12, 0),
	SYS_PMCNTENSET_EL0 = SR_ENC(3, 3, 9, 12, 1),
	SYS_PMCNTENCLR_EL0 = SR_ENC(3, 3, 9, 12, 2),
	SYS_PMOVSCLR_EL0   = SR_ENC(3, 3, 9, 12, 3),
	SYS_PMSWINC_EL0    = SR_ENC(3, 3, 9, 12, 4),
	SYS_PMSELR_EL0     = SR_ENC(3, 3, 9, 12, 5),
	SYS_PMCEID0_EL0    = SR_ENC(3, 3, 9, 12, 6),
	SYS_PMCEID1_EL0    = SR_ENC(3, 3, 9, 12, 7),
	SYS_PMCCNTR_EL0    = SR_ENC(3, 3, 9, 13, 0),
	SYS_PMXEVTYPER_EL0 = SR_ENC(3, 3, 9, 13, 1),
	SYS_PMXEVCNTR_EL0  = SR_ENC(3, 3, 9, 13, 2),
	SYS_PMUSERENR_EL0  = SR_ENC(3, 3, 9, 14, 0),
	SYS_PMOVSSET_EL0   = SR_ENC(3, 3, 9, 14, 3),
	SYS_PMCCFILTR_EL0  = SR_ENC(3, 3, 14, 15, 7),
};
#define SYS_PMEVCNTR(n)  SR_ENC(3, 3, 14, 8 + ((n) >> 3), (n) & 7)
#define SYS_PMEVTYPER(n) SR_ENC(3, 3, 14, 12 + ((n) >> 3), (n) & 7)

#define PMCR_WMASK (PMCR_E | PMCR_D | PMCR_X | PMCR_DP | PMCR_LC)
/* PMEVTYPER<n>: P, U, NSK, NSU, NSH, M (bits 31:26), evtCount (9:0: PMUv3 for
 * Armv8.0); PMCCFILTR: the filter bits only */
#define TYPER_P (1ull << 31)
#define TYPER_U (1ull << 30)
#define TYPER_FILTER 0xfc000000ull
#define TYPER_EVT 0x3ffull
#define CNT_MASK (((1ull << PMU_N) - 1) | (1ull << PMU_CYCLE))
/* PMUSERENR_EL0: EN (all), SW (PMSWINC), CR (PMCCNTR read), ER (event counter read,
 * PMSELR) */
#define USERENR_EN (1ull << 0)
#define USERENR_SW (1ull << 1)
#define USERENR_CR (1ull << 2)
#define USERENR_ER (1ull << 3)
#define USERENR_MASK 0xfull
#define SEL_MASK 0x1full

static uint64_t ev_bit(unsigned e) { return 1ull << (e & 31); }

/* PMCEID0_EL0 (events 0x00-0x1f) and PMCEID1_EL0 (0x20-0x3f): exactly what is counted */
static uint64_t ceid(const struct cpu *c, unsigned which)
{
	bool caches = xlat__caches(c) != 0;
	if (which == 0)
		return ev_bit(PMU_SW_INCR) | ev_bit(PMU_L1D_TLB_REFILL) | ev_bit(PMU_INST_RETIRED) |
		       ev_bit(PMU_EXC_TAKEN) | ev_bit(PMU_CPU_CYCLES) | ev_bit(PMU_MEM_ACCESS) |
		       ev_bit(PMU_CHAIN) |
		       (caches ? ev_bit(PMU_L1I_CACHE_REFILL) | ev_bit(PMU_L1D_CACHE_REFILL) |
				 ev_bit(PMU_L1D_CACHE) : 0);
	return ev_bit(PMU_L1D_TLB) | ev_bit(PMU_L2D_TLB_REFILL) | ev_bit(PMU_DTLB_WALK) |
	       ev_bit(PMU_ITLB_WALK);
}

static bool implemented(const struct cpu *c, unsigned e)
{
	return e < 0x40 && (ceid(c, e >> 5) & ev_bit(e));
}

static uint64_t exc_sync_total(const struct cpu *c, bool retired_only)
{
	uint64_t n = 0;
	for (unsigned ec = 0; ec < 64; ec++)
		if (!retired_only || (ec != EC_SVC && ec != EC_HVC && ec != EC_SMC))
			n += c->st.exc_sync[ec];
	return n;
}

/* The running total of event e (0 for SW_INCR, CHAIN and what is not counted) */
static uint64_t total(const struct cpu *c, unsigned e)
{
	const struct mmu_tlb *t = xlat__tlb(c);
	const struct mmu_caches *ca;
	switch (e) {
	case PMU_CPU_CYCLES: return c->icount;
	case PMU_INST_RETIRED: return c->icount - exc_sync_total(c, true);
	case PMU_EXC_TAKEN: return exc_sync_total(c, false) + c->st.irq;
	case PMU_MEM_ACCESS: case PMU_L1D_TLB: return c->st.utlb_hits + c->st.utlb_misses;
	case PMU_L1D_TLB_REFILL: return t->lv[MMU_TLB_L1D].stats.misses;
	case PMU_L2D_TLB_REFILL: return t->lv[MMU_TLB_L2].stats.misses;
	case PMU_DTLB_WALK: return t->walks_by[MMU_READ] + t->walks_by[MMU_WRITE];
	case PMU_ITLB_WALK: return t->walks_by[MMU_FETCH];
	}
	if (!(ca = xlat__caches(c)))
		return 0;
	switch (e) {
	case PMU_L1D_CACHE: return ca->l1d->stats.hits + ca->l1d->stats.misses;
	case PMU_L1D_CACHE_REFILL: return ca->l1d->stats.misses;
	case PMU_L1I_CACHE_REFILL: return ca->l1i->stats.misses;
	}
	return 0;
}

static unsigned event_of(const struct cpu_pmu *p, unsigned n)
{
	return n == PMU_N ? PMU_CPU_CYCLES : (unsigned)(p->evtyper[n] & TYPER_EVT);
}

/* Event counter n goes up by delta; an overflow out of bit 31 sets its PMOVS bit and,
 * for an even counter whose odd neighbour counts CHAIN, counts there. */
static void add(struct cpu *c, unsigned n, uint64_t delta)
{
	struct cpu_pmu *p = &c->pmu;
	uint64_t v = (p->cnt[n] & 0xffffffffull) + delta, wraps = v >> 32;
	p->cnt[n] = (uint32_t)v;
	if (!wraps)
		return;
	p->ovs |= 1ull << n;
	if (!(n & 1) && n + 1 < PMU_N && event_of(p, n + 1) == PMU_CHAIN && p->counting[n + 1])
		add(c, n + 1, wraps);
}

static void add_cycles(struct cpu *c, uint64_t delta)
{
	struct cpu_pmu *p = &c->pmu;
	if (p->pmcr & PMCR_D) { /* one count every 64 cycles */
		uint64_t t = p->cyc_rem + delta;
		delta = t / 64;
		p->cyc_rem = t % 64;
	}
	uint64_t old = p->ccnt;
	p->ccnt += delta;
	bool ovf = (p->pmcr & PMCR_LC) ? p->ccnt < old : ((old & 0xffffffffull) + delta) >> 32 != 0;
	if (ovf)
		p->ovs |= 1ull << PMU_CYCLE;
}

/* Counter n (PMU_N: the cycle counter) counts at the current EL: PMCR_EL0.E, its
 * PMCNTENSET bit, and its filter's P (not at EL1) and U (not at EL0) bits. With no
 * EL2 or EL3 visible, NSK, NSU, NSH and M have no effect. */
static bool counts(const struct cpu *c, unsigned n)
{
	const struct cpu_pmu *p = &c->pmu;
	uint64_t f = n == PMU_N ? p->ccfiltr : p->evtyper[n];
	unsigned bit = n == PMU_N ? PMU_CYCLE : n;
	if (!(p->pmcr & PMCR_E) || !((p->cnten >> bit) & 1))
		return false;
	return !(f & (c->el ? TYPER_P : TYPER_U));
}

static void irq_update(struct cpu *c)
{
	struct cpu_pmu *p = &c->pmu;
	bool level = (p->pmcr & PMCR_E) && (p->ovs & p->inten);
	if (c->vm->gic)
		gicv3__set_ppi(c->vm->gic, c->index, PMU_PPI, level);
}

void pmu__sync(struct cpu *c)
{
	struct cpu_pmu *p = &c->pmu;
	uint64_t now;
	for (unsigned n = 0; n <= PMU_N; n++) {
		unsigned e = event_of(p, n);
		now = total(c, e);
		if (p->counting[n] && now != p->snap[n]) {
			if (n == PMU_N)
				add_cycles(c, now - p->snap[n]);
			else
				add(c, n, now - p->snap[n]);
		}
		p->snap[n] = now;
	}
	/* from here on: the current EL's filters, and the next overflow to stop at. live
	 * does not depend on the filters: a counter filtered out at this EL must start
	 * counting at the next exception entry or return */
	p->live = (p->pmcr & PMCR_E) && (p->cnten & CNT_MASK);
	p->poll = false;
	p->deadline = UINT64_MAX;
	for (unsigned n = 0; n <= PMU_N; n++) {
		unsigned e = event_of(p, n);
		uint64_t left;
		p->counting[n] = counts(c, n);
		if (!p->counting[n])
			continue;
		if (n == PMU_N) {
			left = (p->pmcr & PMCR_LC) ? -p->ccnt : (1ull << 32) - (uint32_t)p->ccnt;
			if (p->pmcr & PMCR_D)
				left = left > (UINT64_MAX >> 7) ? UINT64_MAX >> 1 : left * 64 - p->cyc_rem;
		} else if (e == PMU_CPU_CYCLES || e == PMU_INST_RETIRED) {
			/* INST_RETIRED never runs ahead of instructions executed */
			left = (1ull << 32) - (uint32_t)p->cnt[n];
		} else {
			if (e != PMU_SW_INCR && e != PMU_CHAIN && implemented(c, e))
				p->poll = true;
			continue;
		}
		if (left && c->icount + left > c->icount && c->icount + left < p->deadline)
			p->deadline = c->icount + left;
	}
	irq_update(c);
}

/* ---- registers ---- */

static void sync_if_live(struct cpu *c)
{
	if (c->pmu.live)
		pmu__sync(c);
}

/* A register's field in struct cpu_pmu, by offset (r->arg); r->val: the bits kept */
static uint64_t *field(struct cpu *c, const struct sysreg_desc *r)
{
	return (uint64_t *)((char *)&c->pmu + r->arg);
}

static int rd_field(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	sync_if_live(c);
	*v = *field(c, r);
	return X_NEXT;
}

/* Writes: bring the counters up to date under the old settings, change, then
 * synchronise again to take the new ones (and the interrupt line) */
static int wr_field(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	pmu__sync(c);
	*field(c, r) = v & r->val;
	pmu__sync(c);
	return X_CTX;
}

static int wr_set(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	pmu__sync(c);
	*field(c, r) |= v & CNT_MASK;
	pmu__sync(c);
	return X_CTX;
}

static int wr_clr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	pmu__sync(c);
	*field(c, r) &= ~(v & CNT_MASK);
	pmu__sync(c);
	return X_CTX;
}

static int rd_pmcr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	(void)r;
	*v = c->pmu.pmcr | ((uint64_t)PMU_N << PMCR_N_SHIFT); /* IMP = IDCODE = 0, as MIDR */
	return X_NEXT;
}

static int wr_pmcr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	struct cpu_pmu *p = &c->pmu;
	(void)r;
	pmu__sync(c);
	if (v & PMCR_P) /* reset every event counter (not the cycle counter) */
		for (unsigned n = 0; n < PMU_N; n++)
			p->cnt[n] = 0;
	if (v & PMCR_C) {
		p->ccnt = 0;
		p->cyc_rem = 0;
	}
	p->pmcr = v & PMCR_WMASK;
	pmu__sync(c);
	return X_CTX;
}

static int rd_ceid(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	*v = ceid(c, r->arg);
	return X_NEXT;
}

/* PMSWINC_EL0: +1 on each enabled counter counting SW_INCR */
static int wr_swinc(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	(void)r;
	pmu__sync(c);
	for (unsigned n = 0; n < PMU_N; n++)
		if (((v >> n) & 1) && c->pmu.counting[n] && event_of(&c->pmu, n) == PMU_SW_INCR)
			add(c, n, 1);
	pmu__sync(c);
	return X_CTX;
}

/* PMEVCNTR<n>_EL0 (32 bits), PMCCNTR_EL0 (64); arg: the counter, PMU_N the cycle one */
static int rd_cnt(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	sync_if_live(c);
	*v = r->arg == PMU_N ? c->pmu.ccnt : c->pmu.cnt[r->arg];
	return X_NEXT;
}

static int write_cnt(struct cpu *c, unsigned n, uint64_t v)
{
	pmu__sync(c);
	if (n == PMU_N)
		c->pmu.ccnt = v;
	else
		c->pmu.cnt[n] = (uint32_t)v;
	pmu__sync(c); /* a new deadline */
	return X_CTX;
}

static int wr_cnt(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	return write_cnt(c, r->arg, v);
}

static int write_typer(struct cpu *c, unsigned n, uint64_t v)
{
	pmu__sync(c);
	if (n == PMU_N)
		c->pmu.ccfiltr = v & TYPER_FILTER;
	else
		c->pmu.evtyper[n] = v & (TYPER_FILTER | TYPER_EVT);
	pmu__sync(c);
	return X_CTX;
}

static int rd_typer(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	*v = r->arg == PMU_N ? c->pmu.ccfiltr : c->pmu.evtyper[r->arg];
	return X_NEXT;
}

static int wr_typer(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	return write_typer(c, r->arg, v);
}

/* PMXEVTYPER_EL0 and PMXEVCNTR_EL0 reach the counter PMSELR_EL0.SEL names (31: the
 * cycle counter's filter, PMCCFILTR_EL0). Another SEL beyond N, or PMXEVCNTR with
 * 31, is CONSTRAINED UNPREDICTABLE: UNDEFINED here. */
static int sel(const struct cpu *c, bool typer)
{
	unsigned s = (unsigned)c->pmu.selr;
	if (s < PMU_N)
		return (int)s;
	return typer && s == PMU_CYCLE ? PMU_N : -1;
}

static int rd_xevtyper(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	int n = sel(c, true);
	(void)r;
	if (n < 0)
		return exc__undef(c);
	*v = n == PMU_N ? c->pmu.ccfiltr : c->pmu.evtyper[n];
	return X_NEXT;
}

static int wr_xevtyper(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	int n = sel(c, true);
	(void)r;
	return n < 0 ? exc__undef(c) : write_typer(c, (unsigned)n, v);
}

static int rd_xevcntr(struct cpu *c, const struct sysreg_desc *r, uint64_t *v)
{
	int n = sel(c, false);
	(void)r;
	if (n < 0)
		return exc__undef(c);
	sync_if_live(c);
	*v = c->pmu.cnt[n];
	return X_NEXT;
}

static int wr_xevcntr(struct cpu *c, const struct sysreg_desc *r, uint64_t v)
{
	int n = sel(c, false);
	(void)r;
	return n < 0 ? exc__undef(c) : write_cnt(c, (unsigned)n, v);
}

/* ---- EL0 access (PMUSERENR_EL0; a denied access traps to EL1 with EC 0x18) ---- */

static bool el0_en(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)r, (void)w;
	return c->pmu.userenr & USERENR_EN;
}

static bool el0_swinc(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)r, (void)w;
	return c->pmu.userenr & (USERENR_EN | USERENR_SW);
}

static bool el0_selr(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)r, (void)w;
	return c->pmu.userenr & (USERENR_EN | USERENR_ER);
}

static bool el0_ccnt(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)r;
	return c->pmu.userenr & (USERENR_EN | (w ? 0 : USERENR_CR));
}

static bool el0_evcnt(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)r;
	return c->pmu.userenr & (USERENR_EN | (w ? 0 : USERENR_ER));
}

static bool el0_always(const struct cpu *c, const struct sysreg_desc *r, bool w)
{
	(void)c, (void)r, (void)w;
	return true;
}

/* Cold reset: PMCR_EL0.E = 0 (the rest is UNKNOWN: zero), nothing counts */
static void reset_pmu(struct cpu *c, const struct sysreg_desc *r)
{
	(void)r;
	memset(&c->pmu, 0, sizeof(c->pmu));
	c->pmu.deadline = UINT64_MAX;
}

#define PMF(f) .arg = offsetof(struct cpu_pmu, f)
#define P(e, n) .enc = (e), .name = n
#define SETCLR(set, clr, f, sname, cname, el0fn) \
	{ P(set, sname), .read = rd_field, .write = wr_set, PMF(f), EL0_FN(EL0_RW, el0fn) }, \
	{ P(clr, cname), .read = rd_field, .write = wr_clr, PMF(f), EL0_FN(EL0_RW, el0fn) }
#define EVCNT(n) \
	{ P(SYS_PMEVCNTR(n), "PMEVCNTR" #n "_EL0"), .read = rd_cnt, .write = wr_cnt, .arg = (n), \
	  EL0_FN(EL0_RW, el0_evcnt) }, \
	{ P(SYS_PMEVTYPER(n), "PMEVTYPER" #n "_EL0"), .read = rd_typer, .write = wr_typer, \
	  .arg = (n), EL0_FN(EL0_RW, el0_en) }

_Static_assert(PMU_N == 6, "one table line per event counter");

static const struct sysreg_desc table[] = {
	{ P(SYS_PMCR_EL0, "PMCR_EL0"), .read = rd_pmcr, .write = wr_pmcr, .reset = reset_pmu,
	  EL0_FN(EL0_RW, el0_en) },
	SETCLR(SYS_PMCNTENSET_EL0, SYS_PMCNTENCLR_EL0, cnten, "PMCNTENSET_EL0", "PMCNTENCLR_EL0",
	       el0_en),
	SETCLR(SYS_PMOVSSET_EL0, SYS_PMOVSCLR_EL0, ovs, "PMOVSSET_EL0", "PMOVSCLR_EL0", el0_en),
	{ P(SYS_PMINTENSET_EL1, "PMINTENSET_EL1"), .read = rd_field, .write = wr_set, PMF(inten) },
	{ P(SYS_PMINTENCLR_EL1, "PMINTENCLR_EL1"), .read = rd_field, .write = wr_clr, PMF(inten) },
	{ P(SYS_PMSWINC_EL0, "PMSWINC_EL0"), .write = wr_swinc, EL0_FN(EL0_RW, el0_swinc) },
	{ P(SYS_PMSELR_EL0, "PMSELR_EL0"), .read = rd_field, .write = wr_field, PMF(selr),
	  .val = SEL_MASK, EL0_FN(EL0_RW, el0_selr) },
	{ P(SYS_PMCEID0_EL0, "PMCEID0_EL0"), .read = rd_ceid, .arg = 0, EL0_FN(EL0_READ, el0_en) },
	{ P(SYS_PMCEID1_EL0, "PMCEID1_EL0"), .read = rd_ceid, .arg = 1, EL0_FN(EL0_READ, el0_en) },
	{ P(SYS_PMCCNTR_EL0, "PMCCNTR_EL0"), .read = rd_cnt, .write = wr_cnt, .arg = PMU_N,
	  EL0_FN(EL0_RW, el0_ccnt) },
	{ P(SYS_PMXEVTYPER_EL0, "PMXEVTYPER_EL0"), .read = rd_xevtyper, .write = wr_xevtyper,
	  EL0_FN(EL0_RW, el0_en) },
	{ P(SYS_PMXEVCNTR_EL0, "PMXEVCNTR_EL0"), .read = rd_xevcntr, .write = wr_xevcntr,
	  EL0_FN(EL0_RW, el0_evcnt) },
	{ P(SYS_PMUSERENR_EL0, "PMUSERENR_EL0"), .read = rd_field, .write = wr_field,
	  PMF(userenr), .val = USERENR_MASK, EL0_FN(EL0_READ, el0_always) },
	{ P(SYS_PMCCFILTR_EL0, "PMCCFILTR_EL0"), .read = rd_typer, .write = wr_typer,
	  .arg = PMU_N, EL0_FN(EL0_RW, el0_en) },
	EVCNT(0), EVCNT(1), EVCNT(2), EVCNT(3), EVCNT(4), EVCNT(5),
};

const struct sysreg_table pmu__sysregs = { table, sizeof(table) / sizeof(table[0]) };
