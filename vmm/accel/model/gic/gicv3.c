/* Software GICv3 (Arm IHI 0069 "GICv3 and GICv4 Architecture Specification"):
 *
 *   - distributor (GICD): SPIs 32..127, enable/pend/active/priority/config/route;
 *     GICD_CTLR.DS = 1 (one security state), ARE = 1 (affinity routing always on);
 *   - one redistributor per vCPU (GICR RD_base + SGI_base): SGIs and PPIs, WAKER;
 *   - the CPU interface as ICC_* system registers: PMR, IAR1, EOIR1, DIR, HPPIR1,
 *     BPR1, CTLR (EOImode), SRE, IGRPEN1, RPR, SGI1R (IPIs), AP1R0.
 *
 * Only Group 1 is delivered (as IRQ); Group 0 interrupts (FIQ) are never signalled,
 * and LPIs/ITS are not modelled (GICD_TYPER.LPIS = 0). Priorities have 5 bits.
 * A mutex protects the state: devices raise SPIs from their own threads. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model_limits.h"
#include "gic/gicv3.h"
#include <platform/memmap.h>

#define NR_IRQS (32 + GICV3_NR_SPIS)
/* GICR_TYPER.Affinity and SGI target lists take Aff0 = vCPU index, which is what
 * machine__mpidr() gives below 16 vCPUs (Aff1 = 0). */
_Static_assert(MODEL_MAX_CPUS <= 16, "vCPU index beyond Aff0");
#define PRIO_MASK 0xf8u
#define IDLE_PRIO 0xffu
#define SPURIOUS 1023u

struct irq {
	uint8_t enabled, pending, active, level, prio, edge, group;
	uint64_t route; /* SPIs: GICD_IROUTER */
};

struct gicr {
	struct irq priv[32];
	uint32_t waker;
	uint8_t pmr, bpr1, igrpen1, eoimode;
	unsigned nact;              /* active priorities (running priority stack) */
	uint16_t act_id[NR_IRQS];
	uint8_t act_prio[NR_IRQS];
	volatile uint8_t line;
};

struct gicv3 {
	pthread_mutex_t lock;
	unsigned ncpus;
	uint32_t ctlr;
	struct irq spi[GICV3_NR_SPIS];
	struct gicr cpu[MODEL_MAX_CPUS];
};

struct gicv3 *gicv3__new(unsigned ncpus)
{
	if (ncpus == 0 || ncpus > MODEL_MAX_CPUS)
		return 0;
	struct gicv3 *g = calloc(1, sizeof(*g));
	if (!g)
		return 0;
	pthread_mutex_init(&g->lock, 0);
	g->ncpus = ncpus;
	g->ctlr = (1u << 4) | (1u << 6); /* ARE, DS */
	for (unsigned c = 0; c < ncpus; c++) {
		g->cpu[c].waker = 2 | 4; /* ProcessorSleep, ChildrenAsleep */
		for (unsigned i = 0; i < 16; i++)
			g->cpu[c].priv[i].edge = 1; /* SGIs are edge-triggered */
	}
	return g;
}

void gicv3__free(struct gicv3 *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static struct irq *irq_of(struct gicv3 *g, unsigned cpu, unsigned id)
{
	if (id < 32)
		return &g->cpu[cpu].priv[id];
	if (id < NR_IRQS)
		return &g->spi[id - 32];
	return 0;
}

static unsigned spi_target(const struct gicv3 *g, const struct irq *q)
{
	if (q->route & (1ull << 31)) /* IRM: any participating PE; the model picks vCPU 0 */
		return 0;
	unsigned aff0 = q->route & 0xff;
	return (q->route & 0xffffff00ull) == 0 && aff0 < g->ncpus ? aff0 : ~0u;
}

static uint8_t running_prio(const struct gicr *r)
{
	return r->nact ? r->act_prio[r->nact - 1] : IDLE_PRIO;
}

static bool is_pending(const struct irq *q)
{
	return q->pending || (!q->edge && q->level);
}

/* Highest-priority pending interrupt of cpu (ignoring PMR and running priority). */
static unsigned hppi(struct gicv3 *g, unsigned cpu, uint8_t *prio)
{
	unsigned best = SPURIOUS;
	uint8_t bp = IDLE_PRIO;
	if (!(g->ctlr & 2))
		goto out_private;
	for (unsigned i = 0; i < GICV3_NR_SPIS; i++) {
		struct irq *q = &g->spi[i];
		if (q->enabled && q->group && !q->active && is_pending(q) && q->prio < bp &&
		    spi_target(g, q) == cpu) {
			bp = q->prio;
			best = 32 + i;
		}
	}
out_private:
	for (unsigned i = 0; i < 32; i++) {
		struct irq *q = &g->cpu[cpu].priv[i];
		if (q->enabled && q->group && !q->active && is_pending(q) &&
		    (q->prio < bp || (q->prio == bp && i < best))) {
			bp = q->prio;
			best = i;
		}
	}
	if (!(g->ctlr & 2) && best >= 32)
		best = SPURIOUS;
	*prio = bp;
	return best;
}

static bool deliverable(struct gicv3 *g, unsigned cpu)
{
	struct gicr *r = &g->cpu[cpu];
	uint8_t p;
	if (!r->igrpen1 || !(g->ctlr & 2))
		return false;
	if (hppi(g, cpu, &p) == SPURIOUS)
		return false;
	return p < r->pmr && p < running_prio(r);
}

static void update(struct gicv3 *g)
{
	for (unsigned c = 0; c < g->ncpus; c++)
		g->cpu[c].line = deliverable(g, c);
}

const volatile uint8_t *gicv3__irq_line(struct gicv3 *g, unsigned cpu)
{
	return &g->cpu[cpu].line;
}

bool gicv3__irq_pending(struct gicv3 *g, unsigned cpu)
{
	pthread_mutex_lock(&g->lock);
	bool r = deliverable(g, cpu);
	pthread_mutex_unlock(&g->lock);
	return r;
}

static void set_line(struct gicv3 *g, struct irq *q, bool level)
{
	if (q->edge && level && !q->level)
		q->pending = 1;
	q->level = level;
	update(g);
}

void gicv3__set_spi(struct gicv3 *g, unsigned intid, bool level)
{
	if (intid < 32 || intid >= NR_IRQS)
		return;
	pthread_mutex_lock(&g->lock);
	set_line(g, &g->spi[intid - 32], level);
	pthread_mutex_unlock(&g->lock);
}

void gicv3__set_ppi(struct gicv3 *g, unsigned cpu, unsigned intid, bool level)
{
	if (cpu >= g->ncpus || intid < 16 || intid >= 32)
		return;
	pthread_mutex_lock(&g->lock);
	struct irq *q = &g->cpu[cpu].priv[intid];
	if (q->level != level)
		set_line(g, q, level);
	pthread_mutex_unlock(&g->lock);
}

/* ---- register banks shared by GICD and GICR SGI_base: 32 interrupts per word ---- */

enum bank { B_GROUP, B_SENABLE, B_CENABLE, B_SPEND, B_CPEND, B_SACTIVE, B_CACTIVE };

static uint32_t bank_read(struct irq *q[32], enum bank b)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < 32; i++) {
		if (!q[i])
			continue;
		bool bit;
		switch (b) {
		case B_GROUP: bit = q[i]->group; break;
		case B_SENABLE: case B_CENABLE: bit = q[i]->enabled; break;
		case B_SPEND: case B_CPEND: bit = is_pending(q[i]); break;
		default: bit = q[i]->active; break;
		}
		v |= (uint32_t)bit << i;
	}
	return v;
}

static void bank_write(struct irq *q[32], enum bank b, uint32_t v)
{
	for (unsigned i = 0; i < 32; i++) {
		if (!q[i])
			continue;
		bool bit = (v >> i) & 1;
		switch (b) {
		case B_GROUP: q[i]->group = bit; break;
		case B_SENABLE: if (bit) q[i]->enabled = 1; break;
		case B_CENABLE: if (bit) q[i]->enabled = 0; break;
		case B_SPEND: if (bit) q[i]->pending = 1; break;
		case B_CPEND: if (bit) q[i]->pending = 0; break;
		case B_SACTIVE: if (bit) q[i]->active = 1; break;
		case B_CACTIVE: if (bit) q[i]->active = 0; break;
		}
	}
}

/* The common interrupt-register layout (GICD 0x080.., GICR SGI_base 0x080..). q(n)
 * gives interrupt n of the word/byte at off. Returns 0 or -1 if off is not one. */
static int irq_regs(struct gicv3 *g, unsigned cpu, uint64_t off, unsigned len, uint64_t *val,
		    bool write, bool redist)
{
	static const struct { uint32_t base; enum bank b; } banks[] = {
		{ 0x080, B_GROUP }, { 0x100, B_SENABLE }, { 0x180, B_CENABLE },
		{ 0x200, B_SPEND }, { 0x280, B_CPEND }, { 0x300, B_SACTIVE }, { 0x380, B_CACTIVE },
	};
	unsigned limit = redist ? 32 : NR_IRQS;
	for (unsigned k = 0; k < sizeof(banks) / sizeof(banks[0]); k++) {
		if (off < banks[k].base || off >= banks[k].base + 0x80)
			continue;
		if (len != 4)
			return -1;
		unsigned first = (off - banks[k].base) * 8;
		struct irq *q[32];
		for (unsigned i = 0; i < 32; i++) {
			unsigned id = first + i;
			/* with ARE, GICD registers for INTIDs 0..31 are RAZ/WI */
			q[i] = id < limit && (redist || id >= 32) ? irq_of(g, cpu, id) : 0;
		}
		if (write)
			bank_write(q, banks[k].b, (uint32_t)*val);
		else
			*val = bank_read(q, banks[k].b);
		return 0;
	}
	if (off >= 0x400 && off < 0x400 + limit) { /* IPRIORITYR: bytes */
		for (unsigned b = 0; b < len; b++) {
			unsigned id = off - 0x400 + b;
			struct irq *q = id < limit && (redist || id >= 32) ? irq_of(g, cpu, id) : 0;
			if (write && q)
				q->prio = (uint8_t)(*val >> (8 * b)) & PRIO_MASK;
			else if (!write)
				*val = (b ? *val : 0) | (uint64_t)(q ? q->prio : 0) << (8 * b);
		}
		return 0;
	}
	if (off >= 0xc00 && off < 0xc00 + limit / 4) { /* ICFGR: 2 bits per interrupt */
		if (len != 4)
			return -1;
		unsigned first = (off - 0xc00) * 4;
		uint32_t v = write ? (uint32_t)*val : 0;
		for (unsigned i = 0; i < 16; i++) {
			unsigned id = first + i;
			struct irq *q = id < limit && id >= 16 ? irq_of(g, cpu, id) : 0;
			if (id < 16 && !write)
				v |= 2u << (2 * i); /* SGIs: edge, read-only */
			if (!q)
				continue;
			if (write)
				q->edge = (v >> (2 * i + 1)) & 1;
			else
				v |= (uint32_t)q->edge << (2 * i + 1);
		}
		if (!write)
			*val = v;
		return 0;
	}
	if (off >= 0xd00 && off < 0xd80) { /* IGRPMODR: one security state: RAZ/WI */
		if (!write)
			*val = 0;
		return 0;
	}
	return -1;
}

int gicv3__dist_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct gicv3 *g = dev;
	int r = 0;
	pthread_mutex_lock(&g->lock);
	*val = 0;
	if (off == 0x0000)
		*val = g->ctlr;
	else if (off == 0x0004) /* TYPER: ITLinesNumber, IDbits = 9 (10 bits) */
		*val = ((NR_IRQS / 32) - 1) | (9u << 19);
	else if (off == 0x0008 || off == 0x000c)
		*val = 0;
	else if (off >= 0x6100 && off < 0x6000 + 8 * NR_IRQS && len == 8)
		*val = g->spi[(off - 0x6000) / 8 - 32].route;
	else if (off == 0xffe8)
		*val = 0x30; /* PIDR2.ArchRev = GICv3 */
	else if (irq_regs(g, cpu, off, len, val, false, false))
		*val = 0; /* reserved: RAZ */
	pthread_mutex_unlock(&g->lock);
	return r;
}

int gicv3__dist_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct gicv3 *g = dev;
	pthread_mutex_lock(&g->lock);
	if (off == 0x0000)
		g->ctlr = (uint32_t)(val & 3) | (1u << 4) | (1u << 6);
	else if (off >= 0x6100 && off < 0x6000 + 8 * NR_IRQS && len == 8)
		g->spi[(off - 0x6000) / 8 - 32].route = val & 0xff00ffffffull;
	else
		irq_regs(g, cpu, off, len, &val, true, false); /* else WI */
	update(g);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

static int redist_frame(struct gicv3 *g, uint64_t *off, unsigned *target)
{
	unsigned t = (unsigned)(*off / GIC_REDIST_STRIDE);
	if (t >= g->ncpus)
		return -ENODEV;
	*target = t;
	*off %= GIC_REDIST_STRIDE;
	return 0;
}

int gicv3__redist_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct gicv3 *g = dev;
	unsigned t;
	(void)cpu;
	if (redist_frame(g, &off, &t))
		return -ENODEV;
	pthread_mutex_lock(&g->lock);
	*val = 0;
	if (off == 0x0008) /* TYPER: Affinity (Aff0 = index), Processor_Number, Last */
		*val = ((uint64_t)t << 32) | ((uint64_t)t << 8) | (t == g->ncpus - 1 ? 1u << 4 : 0);
	else if (off == 0x000c && len == 4)
		*val = t;
	else if (off == 0x0014)
		*val = g->cpu[t].waker;
	else if (off == 0xffe8)
		*val = 0x30;
	else if (off >= 0x10000)
		irq_regs(g, t, off - 0x10000, len, val, false, true);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

int gicv3__redist_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct gicv3 *g = dev;
	unsigned t;
	(void)cpu;
	if (redist_frame(g, &off, &t))
		return -ENODEV;
	pthread_mutex_lock(&g->lock);
	if (off == 0x0014) /* WAKER: ChildrenAsleep follows ProcessorSleep at once */
		g->cpu[t].waker = (val & 2) ? 6 : 0;
	else if (off >= 0x10000)
		irq_regs(g, t, off - 0x10000, len, &val, true, true);
	update(g);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/* ---- CPU interface ---- */

#define ICC(crn, crm, op2) ((3u << 14) | (0u << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

static unsigned acknowledge(struct gicv3 *g, unsigned cpu)
{
	struct gicr *r = &g->cpu[cpu];
	uint8_t p;
	if (!deliverable(g, cpu))
		return SPURIOUS;
	unsigned id = hppi(g, cpu, &p);
	struct irq *q = irq_of(g, cpu, id);
	q->pending = 0;
	q->active = 1;
	r->act_id[r->nact] = (uint16_t)id;
	r->act_prio[r->nact] = p;
	r->nact++;
	return id;
}

static void deactivate(struct gicv3 *g, unsigned cpu, unsigned id)
{
	struct irq *q = irq_of(g, cpu, id);
	if (q)
		q->active = 0;
}

static void end_of_interrupt(struct gicv3 *g, unsigned cpu, unsigned id)
{
	struct gicr *r = &g->cpu[cpu];
	/* priority drop: the most recent activation of id (normally the top) */
	for (unsigned k = r->nact; k-- > 0;) {
		if (r->act_id[k] == id) {
			memmove(&r->act_id[k], &r->act_id[k + 1], (r->nact - k - 1) * sizeof(r->act_id[0]));
			memmove(&r->act_prio[k], &r->act_prio[k + 1], r->nact - k - 1);
			r->nact--;
			break;
		}
	}
	if (!r->eoimode)
		deactivate(g, cpu, id);
}

static void send_sgi(struct gicv3 *g, unsigned cpu, uint64_t v)
{
	unsigned id = (v >> 24) & 15;
	if (v & (1ull << 40)) { /* IRM: every PE but self */
		for (unsigned t = 0; t < g->ncpus; t++)
			if (t != cpu)
				g->cpu[t].priv[id].pending = 1;
		return;
	}
	if (((v >> 16) & 0xff) || ((v >> 32) & 0xff) || ((v >> 48) & 0xff))
		return; /* Aff1..3 non-zero: no such PE */
	unsigned rs = (v >> 44) & 15;
	for (unsigned b = 0; b < 16; b++) {
		unsigned t = rs * 16 + b;
		if ((v >> b) & 1 && t < g->ncpus)
			g->cpu[t].priv[id].pending = 1;
	}
}

int gicv3__sysreg_read(struct gicv3 *g, unsigned cpu, unsigned enc, uint64_t *val)
{
	struct gicr *r = &g->cpu[cpu];
	uint8_t p;
	int rc = 0;
	pthread_mutex_lock(&g->lock);
	switch (enc) {
	case ICC(4, 6, 0): *val = r->pmr; break;
	case ICC(12, 12, 0): *val = acknowledge(g, cpu); update(g); break;   /* IAR1 */
	case ICC(12, 12, 2): *val = hppi(g, cpu, &p); break;                  /* HPPIR1 */
	case ICC(12, 12, 3): *val = r->bpr1; break;                           /* BPR1 */
	case ICC(12, 12, 4): *val = (4u << 8) | ((unsigned)r->eoimode << 1); break; /* CTLR */
	case ICC(12, 12, 5): *val = 7; break;                                  /* SRE */
	case ICC(12, 12, 6): *val = 0; break;                                  /* IGRPEN0 */
	case ICC(12, 12, 7): *val = r->igrpen1; break;
	case ICC(12, 11, 3): *val = running_prio(r); break;                   /* RPR */
	case ICC(12, 9, 0): *val = 0; for (unsigned k = 0; k < r->nact; k++) *val |= 1ull << (r->act_prio[k] >> 3); break;
	case ICC(12, 8, 0): *val = SPURIOUS; break;                            /* IAR0 */
	case ICC(12, 8, 2): *val = SPURIOUS; break;                            /* HPPIR0 */
	case ICC(12, 8, 3): *val = 0; break;                                   /* BPR0 */
	case ICC(12, 8, 4): *val = 0; break;                                   /* AP0R0 */
	default: rc = -1; break;
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

int gicv3__sysreg_write(struct gicv3 *g, unsigned cpu, unsigned enc, uint64_t v)
{
	struct gicr *r = &g->cpu[cpu];
	int rc = 0;
	pthread_mutex_lock(&g->lock);
	switch (enc) {
	case ICC(4, 6, 0): r->pmr = v & PRIO_MASK; break;
	case ICC(12, 12, 1): end_of_interrupt(g, cpu, v & 0xffffff); break;  /* EOIR1 */
	case ICC(12, 11, 1): deactivate(g, cpu, v & 0xffffff); break;        /* DIR */
	case ICC(12, 12, 3): r->bpr1 = v & 7; break;
	case ICC(12, 12, 4): r->eoimode = (v >> 1) & 1; break;
	case ICC(12, 12, 5): break;                                          /* SRE: RAO/WI */
	case ICC(12, 12, 6): break;                                          /* IGRPEN0: WI */
	case ICC(12, 12, 7): r->igrpen1 = v & 1; break;
	case ICC(12, 11, 5): send_sgi(g, cpu, v); break;                     /* SGI1R */
	case ICC(12, 11, 6): case ICC(12, 11, 7): break; /* ASGI1R, SGI0R: Group 0: dropped */
	case ICC(12, 9, 0): case ICC(12, 8, 4): case ICC(12, 8, 1): case ICC(12, 8, 3): break;
	default: rc = -1; break;
	}
	update(g);
	pthread_mutex_unlock(&g->lock);
	return rc;
}
