/* The command table, and the commands too small for a file of their own: status,
 * commands, pause, continue, quit, regs, stats, faults, subscribe. */
#include <errno.h>
#include <string.h>

#include "internal.h"

extern const struct command command_pt, command_walk, command_mem, command_disas,
	command_tlb, command_cache;

static int cmd_status(struct session *s, const struct json *args, struct jw *out,
		      struct cmd_error *e)
{
	const struct target *tg = s->tg;

	(void)args;
	(void)e;
	jw__begin_object(out, NULL);
	jw__str(out, "version", tg->version ? tg->version : "unknown");
	jw__str(out, "engine", tg->engine ? tg->engine : "unknown");
	jw__u64(out, "cpus", tg->ops->ncpus(tg->t));
	jw__bool(out, "paused", tg->ops->paused(tg->t));
	jw__bool(out, "model", tg->ops->mmu_view != NULL);
	jw__end_object(out);
	return 0;
}

static int cmd_commands(struct session *s, const struct json *args, struct jw *out,
			struct cmd_error *e)
{
	(void)s;
	(void)args;
	(void)e;
	commands__list(out, NULL);
	return 0;
}

/* pause / continue: the engine's answer, and an event for subscribers. */
static int run_state(struct session *s, struct jw *out, struct cmd_error *e, bool pause)
{
	const struct target *tg = s->tg;
	bool was = tg->ops->paused(tg->t);
	int rc = pause ? tg->ops->pause(tg->t) : tg->ops->resume(tg->t);

	if (rc)
		return cmd__fail(e, ERR_TARGET, "cannot %s the VM: %s", pause ? "pause" : "resume",
				 strerror(-rc));
	if (was != pause)
		events__post_simple(EV_PAUSED, pause ? "paused" : "resumed");
	jw__begin_object(out, NULL);
	jw__bool(out, "paused", pause);
	jw__bool(out, "changed", was != pause);
	jw__end_object(out);
	return 0;
}

static int cmd_pause(struct session *s, const struct json *args, struct jw *out,
		     struct cmd_error *e)
{
	(void)args;
	return run_state(s, out, e, true);
}

static int cmd_continue(struct session *s, const struct json *args, struct jw *out,
			struct cmd_error *e)
{
	(void)args;
	return run_state(s, out, e, false);
}

static int cmd_quit(struct session *s, const struct json *args, struct jw *out,
		    struct cmd_error *e)
{
	int rc = s->tg->ops->quit(s->tg->t);

	(void)args;
	if (rc)
		return cmd__fail(e, ERR_TARGET, "cannot stop the VM: %s", strerror(-rc));
	s->close_after = true;
	jw__begin_object(out, NULL);
	jw__end_object(out);
	return 0;
}

static int cmd_regs(struct session *s, const struct json *args, struct jw *out,
		    struct cmd_error *e)
{
	static const struct { const char *name; size_t off; } sys[] = {
#define R(f) { #f, offsetof(struct vcpu_regs, f) }
		R(sctlr_el1), R(tcr_el1), R(ttbr0_el1), R(ttbr1_el1), R(mair_el1),
		R(esr_el1), R(far_el1), R(elr_el1), R(spsr_el1), R(vbar_el1), R(par_el1),
		R(contextidr_el1), R(hcr_el2), R(vtcr_el2), R(vttbr_el2),
#undef R
	};
	struct vcpu_regs r;
	unsigned cpu;

	if (args__cpu(s, args, &cpu, e) || target__regs(s, cpu, &r, e))
		return -1;
	jw__begin_object(out, NULL);
	jw__u64(out, "cpu", cpu);
	jw__begin_array(out, "x");
	for (int i = 0; i < 31; i++)
		jw__hex(out, NULL, r.x[i]);
	jw__end_array(out);
	jw__hex(out, "sp_el0", r.sp_el0);
	jw__hex(out, "sp_el1", r.sp_el1);
	jw__hex(out, "pc", r.pc);
	jw__hex(out, "pstate", r.pstate);
	jw__u64(out, "el", (r.pstate >> 2) & 3);
	jw__begin_object(out, "sys");
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		uint64_t v;

		memcpy(&v, (const char *)&r + sys[i].off, sizeof(v));
		jw__hex(out, sys[i].name, v);
	}
	jw__end_object(out);
	jw__u64(out, "pa_bits", r.pa_bits ? r.pa_bits : 48);
	jw__end_object(out);
	return 0;
}

static void put_stat(void *arg, const char *name, uint64_t value)
{
	jw__u64(arg, name, value);
}

static int cmd_stats(struct session *s, const struct json *args, struct jw *out,
		     struct cmd_error *e)
{
	struct jw_mark m = jw__mark(out);
	int rc;

	(void)args;
	if (!s->tg->ops->stats)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "stats needs the model engine "
				 "(vmm run --accel model)");
	jw__begin_object(out, NULL);
	rc = s->tg->ops->stats(s->tg->t, put_stat, out);
	jw__end_object(out);
	if (rc) {
		jw__rewind(out, m);
		return cmd__fail(e, ERR_TARGET, "cannot read statistics: %s", strerror(-rc));
	}
	return 0;
}

struct dirty_out {
	struct jw *out;
	uint64_t pages;
};

static void put_dirty(void *arg, uint64_t ipa, uint64_t pages)
{
	struct dirty_out *d = arg;

	jw__begin_object(d->out, NULL);
	jw__hex(d->out, "ipa", ipa);
	jw__u64(d->out, "pages", pages);
	jw__end_object(d->out);
	d->pages += pages;
}

/* dirty-log, dirty-log-reset: the 4 KiB pages the guest wrote since the start or the
 * last reset, as runs {ipa, pages}; reset then write-protects them again. */
static int dirty_log(struct session *s, struct jw *out, struct cmd_error *e, bool reset)
{
	struct jw_mark m = jw__mark(out);
	struct dirty_out d = { out, 0 };
	int rc;

	if (!s->tg->ops->dirty_log)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "the dirty log needs the model engine "
				 "(vmm run --accel model --dirty-log)");
	jw__begin_object(out, NULL);
	jw__u64(out, "page_size", 4096);
	jw__begin_array(out, "runs");
	rc = s->tg->ops->dirty_log(s->tg->t, reset, put_dirty, &d);
	jw__end_array(out);
	jw__u64(out, "pages", d.pages);
	jw__bool(out, "reset", reset);
	jw__end_object(out);
	if (rc) {
		jw__rewind(out, m);
		if (rc == -ENODATA)
			return cmd__fail(e, ERR_NOT_SUPPORTED, "no dirty log: run vmm with --dirty-log");
		return cmd__fail(e, ERR_TARGET, "cannot read the dirty log: %s", strerror(-rc));
	}
	return 0;
}

static int cmd_dirty_log(struct session *s, const struct json *args, struct jw *out,
			 struct cmd_error *e)
{
	(void)args;
	return dirty_log(s, out, e, false);
}

static int cmd_dirty_log_reset(struct session *s, const struct json *args, struct jw *out,
			       struct cmd_error *e)
{
	(void)args;
	return dirty_log(s, out, e, true);
}

/* switch-to-model: the engine hands the VM over (docs/handover.md); the reply comes
 * once asked, the switch's own line on vmm's output once done. */
static int cmd_switch_to_model(struct session *s, const struct json *args, struct jw *out,
			       struct cmd_error *e)
{
	const struct target *tg = s->tg;
	int rc;

	(void)args;
	if (!tg->ops->switch_to_model)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "the %s engine cannot hand the VM over "
				 "(only kvm can, to the model)", tg->engine ? tg->engine : "?");
	rc = tg->ops->switch_to_model(tg->t);
	if (rc == -ENOTSUP)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "no model engine to switch to (not built "
				 "into this vmm, or too many vCPUs for it)");
	if (rc == -EPERM)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "the guest was given a GICv3 ITS, which the "
				 "model does not have (run with --its off)");
	if (rc == -EBUSY)
		return cmd__fail(e, ERR_NOT_SUPPORTED, "the gdb stub (--gdb) serves the KVM engine: "
				 "no switch under it");
	if (rc)
		return cmd__fail(e, ERR_TARGET, "cannot switch to the model: %s",
				 rc == -EALREADY ? "a switch was already asked for" :
				 rc == -ESHUTDOWN ? "the VM is stopping" : strerror(-rc));
	jw__begin_object(out, NULL);
	jw__bool(out, "switching", true);
	jw__end_object(out);
	return 0;
}

static const char *const event_names[] = { "fault", "stopped", "paused", NULL };

/* An array of event names -> EV_* mask. */
static int event_mask(const struct json *args, unsigned *mask, struct cmd_error *e)
{
	const struct json *ev = json__get(args, "events");

	*mask = 0;
	if (!ev || ev->type == JSON_NULL) {
		*mask = EV_ALL;
		return 0;
	}
	if (ev->type != JSON_ARRAY)
		return cmd__fail(e, ERR_ARG, "\"events\" must be an array of event names");
	for (const struct json *k = ev->u.kids.first; k; k = k->next) {
		const char *n = json__str(k);
		int i;

		for (i = 0; n && event_names[i] && strcmp(n, event_names[i]); i++)
			;
		if (!n || !event_names[i])
			return cmd__fail(e, ERR_ARG, "unknown event (known: fault, stopped, "
					 "paused)");
		*mask |= 1u << i;
	}
	return 0;
}

static void subscribed(struct session *s, struct jw *out, const char *key, unsigned mask)
{
	s->subs = mask;
	events__subscribe(s->slot, mask);
	jw__begin_array(out, key);
	for (int i = 0; event_names[i]; i++)
		if (mask & (1u << i))
			jw__str(out, NULL, event_names[i]);
	jw__end_array(out);
}

static int cmd_subscribe(struct session *s, const struct json *args, struct jw *out,
			 struct cmd_error *e)
{
	unsigned mask;

	if (event_mask(args, &mask, e))
		return -1;
	jw__begin_object(out, NULL);
	subscribed(s, out, "events", mask);
	jw__end_object(out);
	return 0;
}

static int cmd_faults(struct session *s, const struct json *args, struct jw *out,
		      struct cmd_error *e)
{
	uint64_t count;
	bool follow;

	if (args__u64(args, "count", 256, &count, e) ||
	    args__bool(args, "follow", false, &follow, e))
		return -1;
	jw__begin_object(out, NULL);
	events__history(out, "history", count);
	if (follow)
		subscribed(s, out, "events", s->subs | EV_FAULT | EV_STOPPED);
	jw__end_object(out);
	return 0;
}

static const char *const no_args[] = { NULL };
static const char *const cpu_args[] = { "cpu", NULL };
static const char *const sub_args[] = { "events", NULL };
static const char *const faults_args[] = { "count", "follow", NULL };

static const struct command small[] = {
	{ "commands", cmd_commands, no_args },
	{ "status", cmd_status, no_args },
	{ "pause", cmd_pause, no_args },
	{ "continue", cmd_continue, no_args },
	{ "quit", cmd_quit, no_args },
	{ "regs", cmd_regs, cpu_args },
	{ "stats", cmd_stats, no_args },
	{ "subscribe", cmd_subscribe, sub_args },
	{ "faults", cmd_faults, faults_args },
	{ "dirty-log", cmd_dirty_log, no_args },
	{ "dirty-log-reset", cmd_dirty_log_reset, no_args },
	{ "switch-to-model", cmd_switch_to_model, no_args },
};

static const struct command *const others[] = {
	&command_pt, &command_walk, &command_mem, &command_disas, &command_tlb, &command_cache,
};

const struct command *commands__find(const char *name)
{
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (!strcmp(small[i].name, name))
			return &small[i];
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (!strcmp(others[i]->name, name))
			return others[i];
	return NULL;
}

void commands__list(struct jw *out, const char *key)
{
	jw__begin_array(out, key);
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		jw__str(out, NULL, small[i].name);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		jw__str(out, NULL, others[i]->name);
	jw__end_array(out);
}
