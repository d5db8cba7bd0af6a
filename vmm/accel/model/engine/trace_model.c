/* The model engine's trace events (vmm/trace/trace.h, docs/trace.md): each abort as an
 * instant event at the virtual time of the instruction; the walk, TLB, TLBI, cache
 * maintenance and MMIO counters of struct cpu_stats and mem/xlat.c as deltas every
 * TRACE_PERIOD instructions of each vCPU. All in the scheduler's one thread. */
#include <mmu/mmu.h>

#include "trace/trace.h"
#include "engine/model.h"
#include "engine/trace_model.h"
#include "mem/xlat.h"

struct snap {
	uint64_t icount;
	uint64_t v[16];
};
static struct snap last[MODEL_MAX_CPUS];

static uint64_t now(const struct cpu *c)
{
	return *c->vtime + (c->icount - c->q_start);
}

void trace_model__fault(struct cpu *c, uint32_t esr, uint64_t far, uint64_t ret)
{
	static const char *const names[] = { "va", "pc", "esr", "el", "ec" };
	unsigned ec = esr >> 26;
	uint64_t v[5] = { far, ret, esr, c->el, ec };

	if (!trace__on(TRACE_FAULT) ||
	    (ec != EC_IABT_LOW && ec != EC_IABT_CUR && ec != EC_DABT_LOW && ec != EC_DABT_CUR))
		return;
	/* c->el is already the handler's: the source EL is in the EC */
	v[3] = ec == EC_IABT_LOW || ec == EC_DABT_LOW ? 0 : 1;
	trace__instant(TRACE_FAULT, ec == EC_IABT_LOW || ec == EC_IABT_CUR ? "iabort" : "dabort",
		       c->index, now(c), names, v, 5);
}

void trace_model__sample(struct model *md, struct cpu *c)
{
	static const char *const walk_n[] = { "s1", "s2", "desc_reads" };
	static const char *const tlb_n[] = { "utlb_hits", "utlb_misses", "l1_hits", "l1_misses",
					     "l2_hits", "walks" };
	static const char *const tlbi_n[] = { "tlbi" };
	static const char *const cache_n[] = { "ic", "dc" };
	static const char *const exit_n[] = { "mmio_reads", "mmio_writes" };
	struct snap *s = &last[c->index];
	const struct mmu_walk_stats *ws = xlat__walk_stats(c);
	const struct mmu_tlb *tlb = xlat__tlb(c);
	uint64_t cur[16] = { 0 }, d[16], tlbis = 0, ts = *c->vtime;

	(void)md;
	if (c->icount - s->icount < TRACE_PERIOD)
		return;
	cur[0] = ws->walks[0];
	cur[1] = ws->walks[1];
	cur[2] = ws->desc_reads[0] + ws->desc_reads[1];
	cur[3] = c->st.utlb_hits + c->st.itlb_hits;
	cur[4] = c->st.utlb_misses + c->st.itlb_misses;
	cur[5] = tlb->lv[0].stats.hits + tlb->lv[1].stats.hits;
	cur[6] = tlb->lv[0].stats.misses + tlb->lv[1].stats.misses;
	cur[7] = tlb->lv[2].stats.hits;
	cur[8] = tlb->walks;
	for (int k = 0; k < 16; k++)
		tlbis += c->st.tlbi[k][0] + c->st.tlbi[k][1];
	cur[9] = tlbis;
	cur[10] = c->st.ic_ops;
	cur[11] = c->st.dc_ops;
	cur[12] = c->st.mmio_reads;
	cur[13] = c->st.mmio_writes;
	for (int k = 0; k < 16; k++)
		d[k] = cur[k] - s->v[k];
	trace__counter(TRACE_WALK, "walks", c->index, ts, walk_n, d, 3);
	trace__counter(TRACE_TLB, "tlb", c->index, ts, tlb_n, d + 3, 6);
	trace__counter(TRACE_TLBI, "tlbi", c->index, ts, tlbi_n, d + 9, 1);
	trace__counter(TRACE_CACHE, "cache", c->index, ts, cache_n, d + 10, 2);
	trace__counter(TRACE_EXIT, "exits", c->index, ts, exit_n, d + 12, 2);
	memcpy(s->v, cur, sizeof(cur));
	s->icount = c->icount;
}
