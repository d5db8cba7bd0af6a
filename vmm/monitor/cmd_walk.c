/* walk: one address translated as the vCPU would, every descriptor read shown (both
 * stages), then the output or the fault with its syndrome. Side-effect free: the walk
 * uses MMU_F_NO_UPDATE, so no Access flag or dirty state is written; when the walk
 * would have written one, the reply says so ("hw_update"). */
#include "describe.h"
#include "guest_mmu.h"

static void step_fields(struct jw *out, const struct mmu_trace_step *st)
{
	const struct mmu_desc *d = &st->desc;

	jw__begin_object(out, "fields");
	if (d->type == MMU_DESC_TABLE) {
		if (st->stage == 1) {
			jw__u64(out, "aptable", d->aptable);
			jw__bool(out, "uxntable", d->uxntable);
			jw__bool(out, "pxntable", d->pxntable);
			jw__bool(out, "nstable", d->nstable);
		}
	} else if (d->type == MMU_DESC_BLOCK || d->type == MMU_DESC_PAGE) {
		jw__u64(out, st->stage == 1 ? "attrindx" : "memattr", d->attr);
		jw__u64(out, st->stage == 1 ? "ap" : "s2ap", d->ap);
		jw__u64(out, "sh", d->sh);
		jw__bool(out, "af", d->af);
		if (st->stage == 1) {
			jw__bool(out, "ng", d->ng);
			jw__bool(out, "ns", d->ns);
			jw__bool(out, "pxn", d->pxn);
			jw__bool(out, "uxn", d->uxn);
		} else {
			jw__bool(out, "xn", d->uxn);
		}
		jw__bool(out, "dbm", d->dbm);
		jw__bool(out, "contig", d->contig);
		jw__u64(out, "sw", d->sw);
	}
	jw__end_object(out);
}

static void steps(struct jw *out, const struct mmu_trace *tr)
{
	jw__begin_array(out, "steps");
	for (unsigned i = 0; i < tr->n; i++) {
		const struct mmu_trace_step *st = &tr->step[i];

		jw__begin_object(out, NULL);
		jw__u64(out, "stage", st->stage);
		jw__i64(out, "level", st->level);
		jw__bool(out, "s1ptw", st->s1ptw);
		jw__hex(out, "in", st->in_addr);
		jw__hex(out, "table", st->table);
		jw__u64(out, "index", st->index);
		jw__hex(out, "desc_pa", st->desc_pa);
		jw__hex(out, "desc", st->raw);
		jw__str(out, "type", mmu__desc_type_name(st->desc.type));
		if (st->desc.type != MMU_DESC_INVALID && st->desc.type != MMU_DESC_RESERVED) {
			jw__hex(out, "oa", st->desc.oa);
			jw__u64(out, "size", 1ull << st->desc.shift);
		}
		step_fields(out, st);
		jw__end_object(out);
	}
	jw__end_array(out);
	if (tr->overflow)
		jw__bool(out, "steps_truncated", true);
}

static void fault_result(struct jw *out, const struct mmu_fault *f, bool lower_el)
{
	jw__begin_object(out, "fault");
	jw__str(out, "kind", mmu__fault_name(f->kind));
	jw__u64(out, "stage", f->stage);
	jw__i64(out, "level", f->level);
	jw__bool(out, "s1ptw", f->s1ptw);
	jw__bool(out, "wnr", f->wnr);
	jw__hex(out, "fsc", mmu__fault_fsc(f));
	jw__hex(out, "esr", mmu__fault_esr(f, lower_el, NULL));
	jw__hex(out, "far", mmu__fault_far(f));
	if (f->ipa_valid) {
		jw__hex(out, "ipa", f->ipa);
		jw__hex(out, "hpfar", mmu__fault_hpfar(f));
	}
	if (f->kind == MMU_FAULT_EXT_ABORT_WALK)
		jw__hex(out, "desc_pa", f->desc_pa);
	jw__end_object(out);
}

/* The leaf a successful walk ended on, per stage (last step of that stage). */
static const struct mmu_trace_step *leaf_step(const struct mmu_trace *tr, unsigned stage)
{
	for (unsigned i = tr->n; i-- > 0;)
		if (tr->step[i].stage == stage && !tr->step[i].s1ptw)
			return &tr->step[i];
	return NULL;
}

/* What the walk would have written without MMU_F_NO_UPDATE (FEAT_HAFDBS). */
static void hw_update(struct jw *out, const struct mmu_regime *r, const struct mmu_trace *tr,
		      enum mmu_access acc)
{
	const struct mmu_trace_step *s1 = r->s1_on ? leaf_step(tr, 1) : NULL;
	const struct mmu_trace_step *s2 = r->s2_on ? leaf_step(tr, 2) : NULL;
	bool af1 = s1 && !s1->desc.af, af2 = s2 && !s2->desc.af;
	bool dirty1 = s1 && acc == MMU_WRITE && s1->desc.dbm && (s1->desc.ap & 2);
	bool dirty2 = s2 && acc == MMU_WRITE && s2->desc.dbm && !(s2->desc.ap & 2);

	if (!af1 && !af2 && !dirty1 && !dirty2)
		return;
	jw__begin_array(out, "hw_update");
	if (af1)
		jw__str(out, NULL, "stage 1 AF");
	if (dirty1)
		jw__str(out, NULL, "stage 1 dirty (AP[2] cleared)");
	if (af2)
		jw__str(out, NULL, "stage 2 AF");
	if (dirty2)
		jw__str(out, NULL, "stage 2 dirty (S2AP[1] set)");
	jw__end_array(out);
}

static void ok_result(struct jw *out, const struct mmu_result *res, bool stage2_only,
		      const struct mmu_trace *tr)
{
	const struct mmu_trace_step *s2 = stage2_only ? leaf_step(tr, 2) : NULL;
	uint8_t attr = res->attr, sh = res->sh;
	unsigned shift = res->shift, level = res->level;

	if (s2) { /* the result was combined with "stage 1 off": take stage 2's own */
		attr = describe__s2_memattr(s2->desc.attr);
		sh = (attr & 0xf0) == 0 || attr == 0x44 ? 2 : s2->desc.sh;
		shift = s2->desc.shift;
		level = (unsigned)s2->level;
	}
	jw__begin_object(out, "result");
	jw__hex(out, "pa", res->pa);
	jw__hex(out, "ipa", res->ipa);
	jw__u64(out, "size", 1ull << shift);
	jw__u64(out, "level", level);
	describe__access(out, res->perms, attr, sh);
	if (!stage2_only) {
		jw__bool(out, "global", res->global);
		jw__u64(out, "asid", res->asid);
	}
	jw__end_object(out);
}

static const char *const access_names[] = { "read", "write", "fetch", NULL };

static int cmd_walk(struct session *s, const struct json *args, struct jw *out,
		    struct cmd_error *e)
{
	struct vcpu_regs regs;
	struct guest_mmu g;
	struct mmu_result res;
	struct mmu_trace tr;
	uint64_t va, el;
	unsigned cpu, flags;
	int acc;
	bool pan, stage2, ok;

	if (!json__get(args, "va"))
		return cmd__fail(e, ERR_ARG, "\"va\" is required");
	if (args__cpu(s, args, &cpu, e) || args__u64(args, "va", 0, &va, e) ||
	    args__enum(args, "access", access_names, MMU_READ, &acc, e) ||
	    args__u64(args, "el", ~0ull, &el, e) || args__bool(args, "stage2", false, &stage2, e) ||
	    target__regs(s, cpu, &regs, e) ||
	    args__bool(args, "pan", (regs.pstate >> 22) & 1, &pan, e))
		return -1;
	if (el != ~0ull && el > 1)
		return cmd__fail(e, ERR_ARG, "\"el\" must be 0 or 1 (the EL1&0 regime)");
	guest_mmu__init(&g, s->tg, &regs);
	if (stage2) { /* va is an IPA: stage 1 off makes the walk stage 2 alone */
		struct mmu_sysregs sr = g.sr;

		if (!g.ctx.regime.s2_on)
			return cmd__fail(e, ERR_ARG, "stage 2 is off (HCR_EL2.VM = 0) on vCPU %u",
					 cpu);
		sr.sctlr_el1 &= ~MMU_SCTLR_M;
		guest_mmu__set(&g, &sr);
	}
	flags = guest_mmu__flags(&regs, el == ~0ull ? -1 : (int)el, pan);
	g.ctx.trace = &tr;
	ok = mmu__walk(&g.ctx, va, (enum mmu_access)acc, flags, &res) == 0;
	g.ctx.trace = NULL;

	jw__begin_object(out, NULL);
	jw__u64(out, "cpu", cpu);
	jw__hex(out, "va", va);
	jw__str(out, "access", access_names[acc]);
	jw__u64(out, "el", flags & MMU_F_EL0 ? 0 : 1);
	jw__bool(out, "pan", flags & MMU_F_PAN);
	jw__bool(out, "stage1", g.ctx.regime.s1_on);
	jw__bool(out, "stage2", g.ctx.regime.s2_on);
	steps(out, &tr);
	if (ok) {
		ok_result(out, &res, stage2, &tr);
		hw_update(out, &g.ctx.regime, &tr, (enum mmu_access)acc);
	} else {
		/* the abort comes from a lower EL when EL0 faults to EL1, and for every
		 * stage-2 fault, which EL2 takes */
		fault_result(out, &res.fault, (flags & MMU_F_EL0) || res.fault.stage == 2);
	}
	jw__end_object(out);
	return 0;
}

static const char *const walk_args[] = { "cpu", "va", "access", "el", "pan", "stage2", NULL };
const struct command command_walk = { "walk", cmd_walk, walk_args };
