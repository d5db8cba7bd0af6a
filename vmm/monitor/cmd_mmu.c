/* tlb and cache: what the model's memory system holds for one vCPU. Only an engine
 * that models them (the model) provides target.mmu_view; elsewhere: NotSupported. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "guest_mmu.h"
#include "internal.h"

/* Whether a TLB entry still matches the tables: the entry's input address walked again
 * in guest memory (no TLB, nothing written), output, permissions and attributes
 * compared. Only entries of the vCPU's current VMID, and of its current ASID or
 * global, can be walked with its registers; others have no verdict. */
enum match { MATCH_UNKNOWN, MATCH_YES, MATCH_STALE };

struct verdict {
	uint64_t va, pa;
	uint32_t tag;
	uint16_t asid;
	uint8_t shift, perms, attr;
	bool global;
	enum match m;
};

struct verdicts {
	struct verdict *v;
	size_t n, cap;
	bool oom;
};

struct view_req {
	struct jw *out;
	uint64_t asid;       /* ~0: every entry */
	uint64_t va;         /* ~0: every entry; else those whose range holds va */
	bool entries;        /* list entries / lines, not only geometry and counters */
	bool got;
	const struct verdicts *verdicts; /* tlb: whether each entry matches the tables */
};

static bool wanted(const struct view_req *q, const struct mmu_tlb_entry *e)
{
	if (q->asid != ~0ull && !e->global && e->asid != q->asid)
		return false;
	return q->va == ~0ull || (q->va >> e->shift) == (e->va >> e->shift);
}

static bool same_entry(const struct verdict *v, const struct mmu_tlb_entry *e)
{
	return v->va == e->va && v->pa == e->pa && v->tag == e->tag && v->asid == e->asid &&
	       v->shift == e->shift;
}

static void collect(void *arg, const struct mmu_tlb_entry *e)
{
	struct verdicts *vs = arg;

	if (e->table || vs->oom)
		return;
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? 2 * vs->cap : 256;
		struct verdict *nv = realloc(vs->v, cap * sizeof(*nv));

		if (!nv) {
			vs->oom = true;
			return;
		}
		vs->v = nv;
		vs->cap = cap;
	}
	vs->v[vs->n++] = (struct verdict){ e->va, e->pa, e->tag, e->asid, e->shift, e->perms,
					   e->attr, e->global, MATCH_UNKNOWN };
}

static void collect_view(void *arg, const struct monitor_mmu_view *v)
{
	if (v->tlb)
		for (int i = 0; i < MMU_TLB_LEVELS; i++)
			mmu__tlb_foreach(v->tlb, (enum mmu_tlb_which)i, collect, arg);
}

/* The entry's input address walked again: the same region, permissions and
 * attributes (a walk that now faults, or gives other values, makes it stale; a
 * permission fault of the read itself gives no verdict). */
static enum match judge(struct guest_mmu *g, struct guest_mmu *g2, const struct verdict *v)
{
	struct mmu_result res;
	unsigned kind = v->tag & 3;
	struct guest_mmu *w = kind == MMU_TLB_S2 ? g2 : g;
	uint64_t mask = ~((1ull << v->shift) - 1);

	if (!w || (v->tag >> 2) != g->ctx.regime.vmid ||
	    (kind != MMU_TLB_S2 && kind != (g->ctx.regime.tlb_tag & 3)))
		return MATCH_UNKNOWN; /* another VMID or regime */
	if (kind != MMU_TLB_S2 && !v->global && v->asid != g->ctx.regime.asid)
		return MATCH_UNKNOWN; /* another ASID's tables: not walkable from here */
	if (mmu__walk(&w->ctx, v->va, MMU_READ, MMU_F_NO_UPDATE, &res))
		return res.fault.kind == MMU_FAULT_PERMISSION ? MATCH_UNKNOWN : MATCH_STALE;
	if ((res.pa & mask) != v->pa)
		return MATCH_STALE;
	/* a stage-2-only entry is compared by its output alone: walked with stage 1 off,
	 * the result's permissions and attributes are combined with stage 1's defaults
	 * (Device memory for data), not the entry's stage-2 values */
	if (kind != MMU_TLB_S2 && (res.perms != v->perms || res.attr != v->attr ||
				   res.global != v->global))
		return MATCH_STALE;
	return MATCH_YES;
}

static void judge_all(struct session *s, unsigned cpu, struct verdicts *vs)
{
	struct vcpu_regs regs;
	struct cmd_error e;
	struct guest_mmu g, g2;

	if (!vs->n || target__regs(s, cpu, &regs, &e))
		return;
	guest_mmu__init(&g, s->tg, &regs);
	guest_mmu__init(&g2, s->tg, &regs);
	if (g2.ctx.regime.s2_on) { /* stage 2 alone: stage 1 off */
		struct mmu_sysregs sr = g2.sr;

		sr.sctlr_el1 &= ~MMU_SCTLR_M;
		guest_mmu__set(&g2, &sr);
	}
	for (size_t i = 0; i < vs->n; i++)
		vs->v[i].m = judge(&g, g2.ctx.regime.s2_on ? &g2 : NULL, &vs->v[i]);
}

static enum match verdict_of(const struct verdicts *vs, const struct mmu_tlb_entry *e)
{
	for (size_t i = 0; vs && i < vs->n; i++)
		if (same_entry(&vs->v[i], e))
			return vs->v[i].m;
	return MATCH_UNKNOWN; /* filled after the first look */
}

static void tlb_entry(void *arg, const struct mmu_tlb_entry *e)
{
	static const char *const kinds[] = { "none", "s1", "s12", "s2" };
	struct view_req *q = arg;
	struct jw *out = q->out;
	enum match m;

	if (!wanted(q, e))
		return;
	jw__begin_object(out, NULL);
	jw__hex(out, "ia", e->va);
	jw__u64(out, "size", 1ull << e->shift);
	jw__str(out, "kind", kinds[e->tag & 3]);
	jw__u64(out, "vmid", e->tag >> 2);
	jw__i64(out, "level", e->level);
	if (e->table) { /* walk cache: the next table, and the limits gathered so far */
		jw__hex(out, "table", e->pa);
		jw__u64(out, "limits", e->attr);
	} else {
		jw__hex(out, "oa", e->pa);
		if ((e->tag & 3) == MMU_TLB_S12)
			jw__hex(out, "ipa", e->ipa);
		describe__access(out, e->perms, e->attr, e->sh);
		if ((m = verdict_of(q->verdicts, e)) != MATCH_UNKNOWN)
			jw__bool(out, "stale", m == MATCH_STALE);
	}
	jw__bool(out, "global", e->global);
	if (!e->global)
		jw__u64(out, "asid", e->asid);
	jw__end_object(out);
}

static void tlb_view(void *arg, const struct monitor_mmu_view *v)
{
	static const char *const names[MMU_TLB_LEVELS] = { "l1i", "l1d", "l2", "walk" };
	struct view_req *q = arg;
	struct jw *out = q->out;

	q->got = true;
	jw__begin_object(out, NULL);
	if (v->tlb) {
		jw__u64(out, "walks", v->tlb->walks);
		jw__begin_array(out, "levels");
		for (int i = 0; i < MMU_TLB_LEVELS; i++) {
			const struct mmu_tlb_array *a = &v->tlb->lv[i];

			if (!a->geom.sets)
				continue;
			jw__begin_object(out, NULL);
			jw__str(out, "name", names[i]);
			jw__u64(out, "sets", a->geom.sets);
			jw__u64(out, "ways", a->geom.ways);
			jw__begin_object(out, "stats");
			jw__u64(out, "hits", a->stats.hits);
			jw__u64(out, "misses", a->stats.misses);
			jw__u64(out, "fills", a->stats.fills);
			jw__u64(out, "evictions", a->stats.evictions);
			jw__u64(out, "invalidated", a->stats.invalidated);
			jw__end_object(out);
			jw__begin_array(out, "entries");
			if (q->entries)
				mmu__tlb_foreach(v->tlb, (enum mmu_tlb_which)i, tlb_entry, q);
			jw__end_array(out);
			jw__end_object(out);
		}
		jw__end_array(out);
	} else {
		jw__str(out, "note", "this vCPU has no TLB model");
	}
	jw__end_object(out);
}

static void cache_level(struct view_req *q, const char *name, const struct mmu_cache *c)
{
	struct jw *out = q->out;
	uint64_t valid = 0, dirty = 0, lines;

	if (!c)
		return;
	lines = (uint64_t)c->geom.sets * c->geom.ways;
	for (uint64_t i = 0; i < lines; i++) {
		valid += c->l[i].valid;
		dirty += c->l[i].valid && c->l[i].dirty;
	}
	jw__begin_object(out, NULL);
	jw__str(out, "name", name);
	jw__u64(out, "sets", c->geom.sets);
	jw__u64(out, "ways", c->geom.ways);
	jw__u64(out, "line", 1ull << c->line_shift);
	jw__u64(out, "valid", valid);
	jw__u64(out, "dirty", dirty);
	jw__begin_object(out, "stats");
	jw__u64(out, "hits", c->stats.hits);
	jw__u64(out, "misses", c->stats.misses);
	jw__u64(out, "evictions", c->stats.evictions);
	jw__u64(out, "writebacks", c->stats.writebacks);
	jw__u64(out, "uncached", c->stats.uncached);
	jw__u64(out, "cleans", c->stats.cleans);
	jw__u64(out, "invalidates", c->stats.invalidates);
	jw__u64(out, "zeroes", c->stats.zeroes);
	jw__end_object(out);
	jw__begin_array(out, "lines");
	for (uint64_t i = 0; q->entries && i < lines; i++) {
		if (!c->l[i].valid)
			continue;
		jw__begin_object(out, NULL);
		jw__hex(out, "pa", c->l[i].tag << c->line_shift);
		jw__bool(out, "dirty", c->l[i].dirty);
		jw__end_object(out);
	}
	jw__end_array(out);
	jw__end_object(out);
}

static void cache_view(void *arg, const struct monitor_mmu_view *v)
{
	struct view_req *q = arg;
	struct jw *out = q->out;
	const struct mmu_caches *c = v->caches;

	q->got = true;
	jw__begin_object(out, NULL);
	if (c) {
		jw__hex(out, "ctr_el0", c->ctr_el0);
		jw__begin_array(out, "levels");
		cache_level(q, "l1i", c->l1i);
		cache_level(q, "l1d", c->l1d);
		cache_level(q, "l2", c->l2);
		jw__end_array(out);
	} else {
		jw__str(out, "note", "no cache model on this vCPU (vmm run --caches attaches one)");
	}
	if (v->walks) {
		jw__begin_object(out, "walk_stats");
		jw__u64(out, "s1_walks", v->walks->walks[0]);
		jw__u64(out, "s2_walks", v->walks->walks[1]);
		jw__u64(out, "walk_cache_starts", v->walks->wc_starts);
		jw__u64(out, "s1_desc_reads", v->walks->desc_reads[0]);
		jw__u64(out, "s2_desc_reads", v->walks->desc_reads[1]);
		jw__end_object(out);
	}
	jw__end_object(out);
}

static int view(struct session *s, const struct json *args, struct jw *out,
		struct cmd_error *e, monitor_mmu_fn *fn, const char *what)
{
	struct view_req q = { .out = out, .va = ~0ull };
	struct verdicts vs = { 0 };
	unsigned cpu;
	int rc;

	if (!s->tg->ops->mmu_view)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "%s needs the model engine "
				 "(vmm run --accel model)", what);
	if (args__cpu(s, args, &cpu, e) || args__u64(args, "asid", ~0ull, &q.asid, e) ||
	    args__bool(args, "entries", true, &q.entries, e) ||
	    args__u64(args, "va", ~0ull, &q.va, e))
		return -1;
	if (fn == tlb_view && q.entries) { /* first the entries, then their walks */
		rc = s->tg->ops->mmu_view(s->tg->t, cpu, collect_view, &vs);
		if (!rc && !vs.oom)
			judge_all(s, cpu, &vs);
		q.verdicts = &vs;
	}
	rc = s->tg->ops->mmu_view(s->tg->t, cpu, fn, &q);
	free(vs.v);
	if (rc || !q.got)
		return cmd__fail(e, ERR_TARGET, "cannot read vCPU %u's %s: %s", cpu, what,
				 rc ? strerror(-rc) : "the engine gave nothing");
	return 0;
}

static int cmd_tlb(struct session *s, const struct json *args, struct jw *out,
		   struct cmd_error *e)
{
	return view(s, args, out, e, tlb_view, "TLB");
}

static int cmd_cache(struct session *s, const struct json *args, struct jw *out,
		     struct cmd_error *e)
{
	return view(s, args, out, e, cache_view, "caches");
}

static const char *const tlb_args[] = { "cpu", "asid", "va", "entries", NULL };
static const char *const cache_args[] = { "cpu", "entries", NULL };
const struct command command_tlb = { "tlb", cmd_tlb, tlb_args };
const struct command command_cache = { "cache", cmd_cache, cache_args };
