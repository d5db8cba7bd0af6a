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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model_limits.h"
#include "gic/gicv3.h"
#include <platform/memmap.h>
#include "vm_state.h"

#define NR_IRQS (32 + GICV3_NR_SPIS)
/* GICR_TYPER.Affinity and SGI target lists take Aff0 = vCPU index, which is what
 * machine__mpidr() gives below 16 vCPUs (Aff1 = 0). */
_Static_assert(MODEL_MAX_CPUS <= 16, "vCPU index beyond Aff0");
_Static_assert(PL011_SPI < GICV3_NR_SPIS && VIRTIO_MMIO_SPI + VIRTIO_MMIO_SLOTS <= GICV3_NR_SPIS,
	       "a device's SPI beyond the distributor's");
#define PRIO_MASK 0xf8u  /* 5 priority bits (ICC_CTLR_EL1.PRIbits = 4) */
#define IDLE_PRIO 0xffu
#define SPURIOUS 1023u

/* Distributor registers (IHI 0069 12.9), offsets in its frame. The SGI_base frame of a
 * redistributor repeats IGROUPR..IGRPMODR for INTIDs 0..31 (GICR_IGROUPR0, ...). */
#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000c
#define GICD_IGROUPR     0x0080
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380
#define GICD_IPRIORITYR  0x0400
#define GICD_ICFGR       0x0c00
#define GICD_IGRPMODR    0x0d00
#define GICD_IROUTER     0x6000  /* 8 bytes per INTID; SPIs only (from 0x6100) */
#define GICD_PIDR2       0xffe8
#define NR_IRQS_MAX      1024    /* a bit per INTID: each bank is 0x80 bytes */

#define GICD_CTLR_ENABLE_G0  (1u << 0)
#define GICD_CTLR_ENABLE_G1  (1u << 1)  /* EnableGrp1 (DS = 1) */
#define GICD_CTLR_ARE        (1u << 4)
#define GICD_CTLR_DS         (1u << 6)
#define GICD_TYPER_IDBITS(bits) (((bits) - 1u) << 19)
#define GICD_IROUTER_IRM     (1ull << 31)
#define GICD_IROUTER_AFF     0xff00ffffffull  /* Aff3, Aff2..Aff0 */
#define GICD_IROUTER_AFF0    0xffull
#define GIC_PIDR2_ARCH_GICV3 0x30            /* ArchRev = 3 */

/* Redistributor RD_base frame (IHI 0069 12.10) */
#define GICR_TYPER           0x0008  /* 64 bits; 0x000c its upper word */
#define GICR_WAKER           0x0014
#define GICR_PIDR2           0xffe8
#define GICR_TYPER_LAST      (1u << 4)
#define GICR_TYPER_PROC_NUM(n) ((uint64_t)(n) << 8)
#define GICR_TYPER_AFF(aff)  ((uint64_t)(aff) << 32)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* CPU interface register fields (IHI 0069 12.2) */
#define ICC_CTLR_EOIMODE     (1u << 1)
#define ICC_CTLR_PRIBITS(bits) (((bits) - 1u) << 8)
#define ICC_SRE_SRE_DFB_DIB  7u   /* system registers only, bypass disabled */
#define ICC_INTID_MASK       0xffffffu
#define ICC_SGI1R_INTID(v)   (((v) >> 24) & 15)
#define ICC_SGI1R_AFF1(v)    (((v) >> 16) & 0xff)
#define ICC_SGI1R_AFF2(v)    (((v) >> 32) & 0xff)
#define ICC_SGI1R_AFF3(v)    (((v) >> 48) & 0xff)
#define ICC_SGI1R_IRM        (1ull << 40)
#define ICC_SGI1R_RS(v)      (((v) >> 44) & 15)

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
	g->ctlr = GICD_CTLR_ARE | GICD_CTLR_DS;
	for (unsigned c = 0; c < ncpus; c++) {
		g->cpu[c].waker = GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP;
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
	if (q->route & GICD_IROUTER_IRM) /* any participating PE: the model picks vCPU 0 */
		return 0;
	unsigned aff0 = q->route & GICD_IROUTER_AFF0;
	return (q->route & GICD_IROUTER_AFF & ~GICD_IROUTER_AFF0) == 0 && aff0 < g->ncpus ?
	       aff0 : ~0u; /* Aff3..Aff1 = 0: vCPU Aff0 */
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
	if (!(g->ctlr & GICD_CTLR_ENABLE_G1))
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
	if (!(g->ctlr & GICD_CTLR_ENABLE_G1) && best >= 32)
		best = SPURIOUS;
	*prio = bp;
	return best;
}

static bool deliverable(struct gicv3 *g, unsigned cpu)
{
	struct gicr *r = &g->cpu[cpu];
	uint8_t p;
	if (!r->igrpen1 || !(g->ctlr & GICD_CTLR_ENABLE_G1))
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

/* For a report (--stats when the VM stops): what decides cpu's IRQ line now. */
void gicv3__describe(struct gicv3 *g, unsigned cpu, unsigned ppi, char *buf, size_t n)
{
	pthread_mutex_lock(&g->lock);
	struct gicr *r = &g->cpu[cpu];
	const struct irq *t = &r->priv[ppi % 32];
	uint8_t p;
	unsigned id = hppi(g, cpu, &p);
	int k = snprintf(buf, n, "GIC: line %s, group 1 %s/%s (distributor/CPU), PMR 0x%02x, "
			 "running priority 0x%02x, highest pending ", r->line ? "high" : "low",
			 g->ctlr & GICD_CTLR_ENABLE_G1 ? "on" : "off", r->igrpen1 ? "on" : "off",
			 r->pmr, running_prio(r));
	if (k >= 0 && (size_t)k < n)
		k += snprintf(buf + k, n - k, id == SPURIOUS ? "none" : "INTID %u (0x%02x)", id, p);
	for (unsigned a = 0; a < r->nact && k >= 0 && (size_t)k < n; a++)
		k += snprintf(buf + k, n - k, "%s%u", a ? "," : ", active INTIDs ", r->act_id[a]);
	if (k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - k, "; INTID %u: %s%s%s%s, priority 0x%02x", ppi,
			 t->enabled ? "enabled" : "disabled", is_pending(t) ? ", pending" : "",
			 t->active ? ", active" : "", t->level ? ", level high" : "", t->prio);
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

/* The interrupt registers GICD and GICR SGI_base share (IGROUPR..IGRPMODR): returns 0,
 * or -1 if off is not one of them. */
static int irq_regs(struct gicv3 *g, unsigned cpu, uint64_t off, unsigned len, uint64_t *val,
		    bool write, bool redist)
{
	static const struct { uint32_t base; enum bank b; } banks[] = {
		{ GICD_IGROUPR, B_GROUP }, { GICD_ISENABLER, B_SENABLE },
		{ GICD_ICENABLER, B_CENABLE }, { GICD_ISPENDR, B_SPEND }, { GICD_ICPENDR, B_CPEND },
		{ GICD_ISACTIVER, B_SACTIVE }, { GICD_ICACTIVER, B_CACTIVE },
	};
	unsigned limit = redist ? 32 : NR_IRQS;
	for (unsigned k = 0; k < sizeof(banks) / sizeof(banks[0]); k++) {
		if (off < banks[k].base || off >= banks[k].base + NR_IRQS_MAX / 8)
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
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + limit) { /* a byte each */
		for (unsigned b = 0; b < len; b++) {
			unsigned id = off - GICD_IPRIORITYR + b;
			struct irq *q = id < limit && (redist || id >= 32) ? irq_of(g, cpu, id) : 0;
			if (write && q)
				q->prio = (uint8_t)(*val >> (8 * b)) & PRIO_MASK;
			else if (!write)
				*val = (b ? *val : 0) | (uint64_t)(q ? q->prio : 0) << (8 * b);
		}
		return 0;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + limit / 4) { /* 2 bits per interrupt */
		if (len != 4)
			return -1;
		unsigned first = (off - GICD_ICFGR) * 4;
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
	if (off >= GICD_IGRPMODR && off < GICD_IGRPMODR + NR_IRQS_MAX / 8) { /* RAZ/WI: DS = 1 */
		if (!write)
			*val = 0;
		return 0;
	}
	return -1;
}

/* GICD_IROUTER<n> of an SPI, as a 64-bit access */
static bool is_irouter(uint64_t off, unsigned len)
{
	return off >= GICD_IROUTER + 8 * 32 && off < GICD_IROUTER + 8 * NR_IRQS && len == 8;
}

int gicv3__dist_read(void *dev, uint64_t off, unsigned len, uint64_t *val, unsigned cpu)
{
	struct gicv3 *g = dev;
	int r = 0;
	pthread_mutex_lock(&g->lock);
	*val = 0;
	if (off == GICD_CTLR)
		*val = g->ctlr;
	else if (off == GICD_TYPER) /* ITLinesNumber, 10 INTID bits */
		*val = ((NR_IRQS / 32) - 1) | GICD_TYPER_IDBITS(10);
	else if (off == GICD_IIDR || off == GICD_TYPER2)
		*val = 0;
	else if (is_irouter(off, len))
		*val = g->spi[(off - GICD_IROUTER) / 8 - 32].route;
	else if (off == GICD_PIDR2)
		*val = GIC_PIDR2_ARCH_GICV3;
	else if (irq_regs(g, cpu, off, len, val, false, false))
		*val = 0; /* reserved: RAZ */
	pthread_mutex_unlock(&g->lock);
	return r;
}

int gicv3__dist_write(void *dev, uint64_t off, unsigned len, uint64_t val, unsigned cpu)
{
	struct gicv3 *g = dev;
	pthread_mutex_lock(&g->lock);
	if (off == GICD_CTLR) /* ARE and DS are fixed */
		g->ctlr = (uint32_t)(val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)) |
			  GICD_CTLR_ARE | GICD_CTLR_DS;
	else if (is_irouter(off, len))
		g->spi[(off - GICD_IROUTER) / 8 - 32].route = val & GICD_IROUTER_AFF;
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
	if (off == GICR_TYPER) /* Aff0 = Processor_Number = index */
		*val = GICR_TYPER_AFF(t) | GICR_TYPER_PROC_NUM(t) |
		       (t == g->ncpus - 1 ? GICR_TYPER_LAST : 0);
	else if (off == GICR_TYPER + 4 && len == 4)
		*val = t;
	else if (off == GICR_WAKER)
		*val = g->cpu[t].waker;
	else if (off == GICR_PIDR2)
		*val = GIC_PIDR2_ARCH_GICV3;
	else if (off >= GIC_REDIST_SGI_OFF)
		irq_regs(g, t, off - GIC_REDIST_SGI_OFF, len, val, false, true);
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
	if (off == GICR_WAKER) /* ChildrenAsleep follows ProcessorSleep at once */
		g->cpu[t].waker = (val & GICR_WAKER_PROCESSOR_SLEEP) ?
			GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
	else if (off >= GIC_REDIST_SGI_OFF)
		irq_regs(g, t, off - GIC_REDIST_SGI_OFF, len, &val, true, true);
	update(g);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

/* ---- CPU interface ---- */

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
	unsigned id = ICC_SGI1R_INTID(v);
	if (v & ICC_SGI1R_IRM) { /* every PE but self */
		for (unsigned t = 0; t < g->ncpus; t++)
			if (t != cpu)
				g->cpu[t].priv[id].pending = 1;
		return;
	}
	if (ICC_SGI1R_AFF1(v) || ICC_SGI1R_AFF2(v) || ICC_SGI1R_AFF3(v))
		return; /* no such PE */
	unsigned rs = ICC_SGI1R_RS(v);
	for (unsigned b = 0; b < 16; b++) {
		unsigned t = rs * 16 + b;
		if ((v >> b) & 1 && t < g->ncpus)
			g->cpu[t].priv[id].pending = 1;
	}
}

static uint64_t active_priorities(const struct gicr *r)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < r->nact; k++)
		v |= 1ull << (r->act_prio[k] >> 3);
	return v;
}

int gicv3__icc_read(struct gicv3 *g, unsigned cpu, enum gicv3_icc reg, uint64_t *val)
{
	struct gicr *r = &g->cpu[cpu];
	uint8_t p;
	int rc = 0;
	pthread_mutex_lock(&g->lock);
	switch (reg) {
	case ICC_PMR: *val = r->pmr; break;
	case ICC_IAR1: *val = acknowledge(g, cpu); update(g); break;
	case ICC_HPPIR1: *val = hppi(g, cpu, &p); break;
	case ICC_BPR1: *val = r->bpr1; break;
	case ICC_CTLR: *val = ICC_CTLR_PRIBITS(5) | (r->eoimode ? ICC_CTLR_EOIMODE : 0); break;
	case ICC_SRE: *val = ICC_SRE_SRE_DFB_DIB; break;
	case ICC_IGRPEN0: *val = 0; break;
	case ICC_IGRPEN1: *val = r->igrpen1; break;
	case ICC_RPR: *val = running_prio(r); break;
	case ICC_AP1R0: *val = active_priorities(r); break;
	case ICC_IAR0: case ICC_HPPIR0: *val = SPURIOUS; break; /* Group 0: none */
	case ICC_BPR0: case ICC_AP0R0: *val = 0; break;
	default: rc = -1; break; /* write-only */
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

int gicv3__icc_write(struct gicv3 *g, unsigned cpu, enum gicv3_icc reg, uint64_t v)
{
	struct gicr *r = &g->cpu[cpu];
	int rc = 0;
	pthread_mutex_lock(&g->lock);
	switch (reg) {
	case ICC_PMR: r->pmr = v & PRIO_MASK; break;
	case ICC_EOIR1: end_of_interrupt(g, cpu, v & ICC_INTID_MASK); break;
	case ICC_DIR: deactivate(g, cpu, v & ICC_INTID_MASK); break;
	case ICC_BPR1: r->bpr1 = v & 7; break;
	case ICC_CTLR: r->eoimode = (v & ICC_CTLR_EOIMODE) != 0; break;
	case ICC_SRE: break;                                 /* RAO/WI */
	case ICC_IGRPEN0: break;                             /* Group 0: WI */
	case ICC_IGRPEN1: r->igrpen1 = v & 1; break;
	case ICC_SGI1R: send_sgi(g, cpu, v); break;
	case ICC_ASGI1R: case ICC_SGI0R: break;              /* Group 0 SGIs: dropped */
	case ICC_AP1R0: case ICC_AP0R0: case ICC_EOIR0: case ICC_BPR0: break; /* WI */
	default: rc = -1; break; /* read-only */
	}
	update(g);
	pthread_mutex_unlock(&g->lock);
	return rc;
}

/* ---- hand-over (docs/handover.md): the state another engine's GICv3 had ---- */

static void load_irq(struct irq *q, const struct vm_gic_irqs *s, unsigned id)
{
	uint32_t bit = 1u << (id % 32);
	unsigned w = id / 32;
	q->group = (s->group[w] & bit) != 0;
	q->enabled = (s->enabled[w] & bit) != 0;
	q->pending = (s->pending[w] & bit) != 0;
	q->active = (s->active[w] & bit) != 0;
	q->level = (s->level[w] & bit) != 0;
	q->prio = s->prio[id] & PRIO_MASK;
	q->edge = id < 16 || ((s->cfg[id / 16] >> (2 * (id % 16) + 1)) & 1);
}

/* The running-priority stack from ICC_AP1R<n>_EL1 (IHI 0069 12.2.4): each set bit
 * is an active priority group; the model keeps, for each, the active interrupt of
 * that priority, so that its EOI drops it. Lowest priority (highest value) first. */
static int load_active_priorities(struct gicv3 *g, unsigned cpu, const struct vm_gic_cpu *s,
				  char *why, size_t n)
{
	struct gicr *r = &g->cpu[cpu];
	/* ICC_CTLR_EL1.PRIbits + 1 priority bits, as many preemption bits (at most 7):
	 * group k is priority k << (8 - bits) */
	unsigned bits = ((s->ctlr >> 8) & 7) + 1;
	if (bits > 7)
		bits = 7;
	bool used[NR_IRQS] = { false };
	r->nact = 0;
	for (unsigned bit = 1u << bits; bit-- > 0;) {
		if (!((s->ap1r[bit / 32] >> (bit % 32)) & 1))
			continue;
		uint8_t prio = (uint8_t)((bit << (8 - bits)) & PRIO_MASK);
		unsigned id = SPURIOUS;
		for (unsigned k = 0; k < NR_IRQS && id == SPURIOUS; k++) {
			struct irq *q = irq_of(g, cpu, k);
			if (!used[k] && q->active && q->prio == prio &&
			    (k < 32 || spi_target(g, q) == cpu))
				id = k;
		}
		if (id == SPURIOUS) {
			snprintf(why, n, "vCPU %u has active priority 0x%02x (ICC_AP1R) and no active "
				 "interrupt of that priority: the model cannot hold it", cpu, prio);
			return -1;
		}
		used[id] = true;
		r->act_id[r->nact] = (uint16_t)id;
		r->act_prio[r->nact] = prio;
		r->nact++;
	}
	return 0;
}

int gicv3__load(struct gicv3 *g, const struct vm_gic_state *s, char *why, size_t n)
{
	int rc = 0;
	pthread_mutex_lock(&g->lock);
	g->ctlr = (s->ctlr & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)) | GICD_CTLR_ARE |
		  GICD_CTLR_DS;
	for (unsigned id = 32; id < NR_IRQS; id++) {
		load_irq(&g->spi[id - 32], &s->spi, id);
		g->spi[id - 32].route = s->irouter[id] & GICD_IROUTER_AFF; /* as a GICD write */
	}
	for (unsigned c = 0; c < g->ncpus && !rc; c++) {
		struct gicr *r = &g->cpu[c];
		const struct vm_gic_cpu *sc = &s->cpu[c];
		for (unsigned id = 0; id < 32; id++)
			load_irq(&r->priv[id], &sc->priv, id);
		/* the timers' lines follow their registers (timer__update), not a latch */
		r->priv[PPI_VIRT_TIMER].pending = r->priv[PPI_PHYS_TIMER].pending = 0;
		r->waker = (sc->waker & GICR_WAKER_PROCESSOR_SLEEP) ?
			   GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
		r->pmr = sc->pmr & PRIO_MASK;
		r->bpr1 = sc->bpr1 & 7;
		r->igrpen1 = sc->igrpen1 & 1;
		r->eoimode = (sc->ctlr & ICC_CTLR_EOIMODE) != 0;
		rc = load_active_priorities(g, c, sc, why, n);
	}
	/* Group 0 is never signalled here: an enabled Group 0 interrupt would be lost */
	for (unsigned c = 0; c < g->ncpus && !rc; c++)
		for (unsigned id = 0; id < (c ? 32u : NR_IRQS) && !rc; id++) {
			struct irq *q = irq_of(g, c, id);
			if (q->enabled && !q->group) {
				snprintf(why, n, "INTID %u (vCPU %u) is an enabled Group 0 interrupt: "
					 "the model delivers Group 1 only", id, c);
				rc = -1;
			}
		}
	update(g);
	pthread_mutex_unlock(&g->lock);
	return rc;
}
