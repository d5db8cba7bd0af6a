/* pt: the translation tables of one vCPU as ranges (Linux's arch/arm64 ptdump):
 * consecutive leaves with the same level, type, permissions, attributes and
 * consecutive output addresses become one range. With "tree", ranges stay inside one
 * table and table descriptors are listed too (what a Graphviz drawing needs). */
#include <string.h>

#include "describe.h"
#include "guest_mmu.h"

struct range {
	bool open;
	uint64_t ia, end, oa, table;
	unsigned index;
	int level;
	enum mmu_desc_type type;
	uint8_t perms, attr, sh;
	bool ng, af, contig, clean;
	uint64_t n;
};

struct dump {
	struct jw *out;
	bool tree;
	unsigned stage;
	struct range cur;
	uint64_t leaves, ranges;
};

static void flush(struct dump *d)
{
	struct range *r = &d->cur;
	struct jw *out = d->out;

	if (!r->open)
		return;
	r->open = false;
	d->ranges++;
	jw__begin_object(out, NULL);
	jw__hex(out, "ia", r->ia);
	jw__hex(out, "end", r->end);
	jw__u64(out, "size", r->end - r->ia);
	jw__hex(out, "oa", r->oa);
	jw__i64(out, "level", r->level);
	jw__str(out, "type", mmu__desc_type_name(r->type));
	jw__u64(out, "n", r->n);
	if (d->tree) {
		jw__hex(out, "table", r->table);
		jw__u64(out, "index", r->index);
	}
	describe__access(out, r->perms, r->attr, r->sh);
	if (d->stage == 1)
		jw__bool(out, "ng", r->ng);
	jw__bool(out, "af", r->af);
	jw__bool(out, "contig", r->contig);
	jw__bool(out, "clean", r->clean);
	jw__end_object(out);
}

static bool extends(const struct range *r, const struct mmu_leaf *l, bool tree)
{
	const struct mmu_visit *v = l->v;
	const struct mmu_desc *d = &v->desc;

	return r->open && v->in_addr == r->end && d->oa == r->oa + (r->end - r->ia) &&
	       v->level == r->level && d->type == r->type && l->perms == r->perms &&
	       l->attr == r->attr && l->sh == r->sh && d->ng == r->ng && d->af == r->af &&
	       d->contig == r->contig && l->clean == r->clean &&
	       (!tree || v->table == r->table);
}

/* A table, reserved or unreadable entry: shown alone. */
static void special(struct dump *d, const struct mmu_visit *v)
{
	struct jw *out = d->out;

	flush(d);
	jw__begin_object(out, NULL);
	jw__hex(out, "ia", v->in_addr);
	jw__hex(out, "end", v->in_addr + (1ull << v->shift));
	jw__u64(out, "size", 1ull << v->shift);
	jw__i64(out, "level", v->level);
	jw__str(out, "type", v->unreadable ? "unreadable" : mmu__desc_type_name(v->desc.type));
	jw__hex(out, "table", v->table);
	jw__u64(out, "index", v->index);
	jw__hex(out, "desc_pa", v->desc_pa);
	jw__hex(out, "desc", v->raw);
	if (v->desc.type == MMU_DESC_TABLE)
		jw__hex(out, "oa", v->desc.oa);
	jw__end_object(out);
}

static int on_leaf(void *arg, const struct mmu_leaf *l)
{
	struct dump *d = arg;
	const struct mmu_visit *v = l->v;
	const struct mmu_desc *desc = &v->desc;
	struct range *r = &d->cur;

	if (d->out->oom)
		return -1;
	if (desc->type == MMU_DESC_TABLE) {
		if (d->tree || v->unreadable)
			special(d, v);
		return 0;
	}
	if (desc->type != MMU_DESC_BLOCK && desc->type != MMU_DESC_PAGE) {
		special(d, v);
		return 0;
	}
	d->leaves++;
	if (extends(r, l, d->tree)) {
		r->end += 1ull << v->shift;
		r->n++;
		return 0;
	}
	flush(d);
	*r = (struct range){
		.open = true, .ia = v->in_addr, .end = v->in_addr + (1ull << v->shift),
		.oa = desc->oa, .table = v->table, .index = v->index, .level = v->level,
		.type = desc->type, .perms = l->perms, .attr = l->attr, .sh = l->sh,
		.ng = desc->ng, .af = desc->af, .contig = desc->contig, .clean = l->clean, .n = 1,
	};
	return 0;
}

enum { T_TTBR0, T_TTBR1, T_BOTH, T_STAGE2 };
static const char *const tables_names[] = { "ttbr0", "ttbr1", "both", "stage2", NULL };

/* The header of one tree: where it is and how its regime reads it. */
static void tree_header(struct jw *out, const struct guest_mmu *g, enum mmu_tables which,
			const struct mmu_table_cfg *c, uint64_t asid)
{
	static const char *const names[] = { "ttbr0", "ttbr1", "stage2" };

	jw__str(out, "name", names[which]);
	jw__u64(out, "stage", which == MMU_TABLES_S2 ? 2 : 1);
	jw__hex(out, "base", c->base);
	jw__u64(out, "granule", 1ull << c->gshift);
	jw__u64(out, "ia_bits", c->ia_bits);
	jw__u64(out, "txsz", 64u - c->ia_bits);
	jw__i64(out, "start_level", c->start_level);
	if (which == MMU_TABLES_S2) {
		jw__u64(out, "vmid", g->ctx.regime.vmid);
		jw__u64(out, "concat", 1u << c->concat_log2);
	} else {
		jw__u64(out, "asid", asid);
		jw__bool(out, "tbi", c->tbi);
	}
	jw__bool(out, "disabled", c->disabled);
}

/* Why a stage 2 is not walked: KVM's belongs to the host kernel, and what the guest
 * sees as physical memory is the VMM's map (docs/monitor.md). */
static const char *s2_off_note(const struct target *tg)
{
	if (tg->ops->phys_map)
		return "stage 2 on KVM is the host kernel's, not readable here: IPA = guest "
		       "physical address; listed instead is the map the VMM gives KVM, from "
		       "which the host kernel builds it: memslots (RAM, mapped), in-kernel "
		       "devices and the VMM's MMIO devices (unmapped)";
	if (tg->engine && !strcmp(tg->engine, "kvm"))
		return "stage 2 on KVM is the host kernel's, not readable here: IPA = guest "
		       "physical address, and the guest's physical map is the VMM's memslot map "
		       "(RAM from 0x40000000 in one memslot, devices on the MMIO bus: "
		       "docs/memory-map.md)";
	return "stage 2 is off (HCR_EL2.VM = 0)";
}

/* One range of the VMM's physical map (KVM), in the ranges' shape where it applies:
 * "ia", "end", "size", "type" ("memslot", "mmio", "kernel-device"); a memslot adds
 * "slot", "oa" (the host virtual address behind it), its stage-2 access and flags. */
static void phys_range(void *arg, const struct monitor_phys_range *r)
{
	static const char *const kinds[] = { "memslot", "mmio", "kernel-device" };
	struct dump *d = arg;
	struct jw *out = d->out;

	d->ranges++;
	jw__begin_object(out, NULL);
	jw__hex(out, "ia", r->ipa);
	jw__hex(out, "end", r->ipa + r->size);
	jw__u64(out, "size", r->size);
	jw__str(out, "type", kinds[r->kind]);
	jw__str(out, "name", r->name);
	jw__bool(out, "mapped", r->kind == MONITOR_PHYS_MEMSLOT);
	if (r->kind == MONITOR_PHYS_MEMSLOT) {
		jw__u64(out, "slot", (uint64_t)r->slot);
		jw__hex(out, "oa", r->host);
		jw__str(out, "s2", r->readonly ? "r-x" : "rwx");
		jw__hex(out, "flags", r->flags);
		jw__bool(out, "dirty_log", r->dirty_log);
		jw__bool(out, "readonly", r->readonly);
	} else {
		jw__str(out, "access", r->kind == MONITOR_PHYS_MMIO ? "exit to the VMM" :
			"emulated in the host kernel");
	}
	jw__end_object(out);
}

/* stage 2 of an engine whose tables cannot be read (KVM): the VMM's map instead. */
static void dump_phys_map(struct jw *out, const struct target *tg)
{
	struct dump d = { .out = out, .stage = 2 };
	int rc;

	jw__begin_object(out, NULL);
	jw__str(out, "name", "stage2");
	jw__u64(out, "stage", 2);
	jw__str(out, "source", "vmm-map");
	jw__bool(out, "disabled", false);
	jw__str(out, "note", s2_off_note(tg));
	jw__begin_array(out, "ranges");
	rc = tg->ops->phys_map(tg->t, phys_range, &d);
	jw__end_array(out);
	if (rc)
		jw__str(out, "error", "the engine could not list its map");
	jw__u64(out, "leaves", 0);
	jw__u64(out, "nranges", d.ranges);
	jw__end_object(out);
}

static void dump_tree(struct jw *out, struct guest_mmu *g, enum mmu_tables which,
		      bool tree, uint64_t asid)
{
	const struct mmu_regime *r = &g->ctx.regime;
	const struct mmu_table_cfg *c = which == MMU_TABLES_S2 ? &r->s2 :
					&r->tt[which == MMU_TABLES_TTBR1];
	struct dump d = { .out = out, .tree = tree, .stage = which == MMU_TABLES_S2 ? 2 : 1 };
	bool off = which == MMU_TABLES_S2 && !r->s2_on;

	jw__begin_object(out, NULL);
	tree_header(out, g, which, c, asid);
	if (off)
		jw__str(out, "note", s2_off_note(g->tg));
	jw__begin_array(out, "ranges");
	if (!off && !c->disabled) {
		mmu__leaves_visit(&g->ctx, which, on_leaf, &d);
		flush(&d);
	}
	jw__end_array(out);
	jw__u64(out, "leaves", d.leaves);
	jw__u64(out, "nranges", d.ranges);
	jw__end_object(out);
}

/* The ASID a TTBR carries: TTBR0 or TTBR1 per TCR.A1, 8 or 16 bits per TCR.AS. */
static uint64_t asid_of(const struct vcpu_regs *r)
{
	uint64_t ttbr = (r->tcr_el1 & MMU_TCR_A1) ? r->ttbr1_el1 : r->ttbr0_el1;

	return (ttbr >> 48) & ((r->tcr_el1 & MMU_TCR_AS) ? 0xffff : 0xff);
}

static int cmd_pt(struct session *s, const struct json *args, struct jw *out,
		  struct cmd_error *e)
{
	struct vcpu_regs regs;
	struct guest_mmu g;
	uint64_t table, asid;
	unsigned cpu;
	int which;
	bool tree;

	if (args__cpu(s, args, &cpu, e) ||
	    args__enum(args, "tables", tables_names, T_BOTH, &which, e) ||
	    args__u64(args, "table", ~0ull, &table, e) || args__u64(args, "asid", ~0ull, &asid, e) ||
	    args__bool(args, "tree", false, &tree, e) || target__regs(s, cpu, &regs, e))
		return -1;
	if (asid == ~0ull)
		asid = asid_of(&regs);
	if (table != ~0ull) { /* another tree under the same TCR: a --table ADDR dump */
		if (which == T_BOTH)
			which = T_TTBR0;
		if (which == T_STAGE2)
			regs.vttbr_el2 = (regs.vttbr_el2 & ~0xffffffffffffull) | table;
		else if (which == T_TTBR0)
			regs.ttbr0_el1 = (regs.ttbr0_el1 & ~0xffffffffffffull) | table;
		else
			regs.ttbr1_el1 = (regs.ttbr1_el1 & ~0xffffffffffffull) | table;
	}
	guest_mmu__init(&g, s->tg, &regs);
	jw__begin_object(out, NULL);
	jw__u64(out, "cpu", cpu);
	jw__bool(out, "mmu", g.ctx.regime.s1_on);
	jw__bool(out, "stage2", g.ctx.regime.s2_on);
	jw__bool(out, "wxn", g.ctx.regime.wxn);
	jw__begin_array(out, "trees");
	if (which == T_TTBR0 || which == T_BOTH)
		dump_tree(out, &g, MMU_TABLES_TTBR0, tree, asid);
	if (which == T_TTBR1 || which == T_BOTH)
		dump_tree(out, &g, MMU_TABLES_TTBR1, tree, asid);
	if (which == T_STAGE2 && !g.ctx.regime.s2_on && s->tg->ops->phys_map)
		dump_phys_map(out, s->tg);
	else if (which == T_STAGE2)
		dump_tree(out, &g, MMU_TABLES_S2, tree, asid);
	jw__end_array(out);
	jw__end_object(out);
	return 0;
}

static const char *const pt_args[] = { "cpu", "tables", "table", "asid", "tree", NULL };
const struct command command_pt = { "pt", cmd_pt, pt_args };
