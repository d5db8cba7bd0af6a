/* tlb and cache: what the model's memory system holds for one vCPU. Only an engine
 * that models them (the model) provides target.mmu_view; elsewhere: NotSupported. */
#include <string.h>

#include "describe.h"
#include "internal.h"

struct view_req {
	struct jw *out;
	uint64_t asid;       /* ~0: every entry */
	bool entries;        /* list entries / lines, not only geometry and counters */
	bool got;
};

static void tlb_entry(void *arg, const struct mmu_tlb_entry *e)
{
	static const char *const kinds[] = { "none", "s1", "s12", "s2" };
	struct view_req *q = arg;
	struct jw *out = q->out;

	if (q->asid != ~0ull && !e->global && e->asid != q->asid)
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
	struct view_req q = { .out = out };
	unsigned cpu;
	int rc;

	if (!s->tg->ops->mmu_view)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "%s needs the model engine "
				 "(vmm run --accel model)", what);
	if (args__cpu(s, args, &cpu, e) || args__u64(args, "asid", ~0ull, &q.asid, e) ||
	    args__bool(args, "entries", true, &q.entries, e))
		return -1;
	rc = s->tg->ops->mmu_view(s->tg->t, cpu, fn, &q);
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

static const char *const tlb_args[] = { "cpu", "asid", "entries", NULL };
static const char *const cache_args[] = { "cpu", "entries", NULL };
const struct command command_tlb = { "tlb", cmd_tlb, tlb_args };
const struct command command_cache = { "cache", cmd_cache, cache_args };
