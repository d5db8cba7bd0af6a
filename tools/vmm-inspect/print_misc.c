/* tlb, cache, stats, faults and events, and the one-line commands. */
#include <string.h>

#include "decode.h"
#include "print.h"

static void tlb_entry(FILE *f, const struct json *e)
{
	char size[16];

	fprintf(f, "  0x%016llx %5s %-3s vmid %llu ", (unsigned long long)ju(e, "ia"),
		size_str(ju(e, "size"), size, sizeof(size)), js(e, "kind"),
		(unsigned long long)ju(e, "vmid"));
	if (jb(e, "global"))
		fprintf(f, "global   ");
	else
		fprintf(f, "asid %-4llu", (unsigned long long)ju(e, "asid"));
	if (json__get(e, "table")) {
		fprintf(f, " L%lld table -> %#llx limits %#llx\n", (long long)ju(e, "level"),
			(unsigned long long)ju(e, "table"), (unsigned long long)ju(e, "limits"));
		return;
	}
	fprintf(f, " L%lld -> %#llx", (long long)ju(e, "level"), (unsigned long long)ju(e, "oa"));
	if (json__get(e, "ipa"))
		fprintf(f, " (IPA %#llx)", (unsigned long long)ju(e, "ipa"));
	fprintf(f, "  EL1 %s EL0 %s %s %s%s\n", js(e, "el1"), js(e, "el0"), js(e, "sh"),
		js(e, "mem"), jb(e, "stale") ? "  STALE: the tables now say otherwise" : "");
}

void print__tlb(FILE *f, const struct json *r)
{
	const struct json *lv = json__get(r, "levels");

	if (*js(r, "note")) {
		fprintf(f, "%s\n", js(r, "note"));
		return;
	}
	fprintf(f, "walks after a miss: %llu\n", (unsigned long long)ju(r, "walks"));
	for (const struct json *l = lv ? lv->u.kids.first : NULL; l; l = l->next) {
		const struct json *st = json__get(l, "stats"), *es = json__get(l, "entries");

		fprintf(f, "%s %llux%llu: hits %llu misses %llu fills %llu evictions %llu "
			"invalidated %llu, %zu entries\n", js(l, "name"),
			(unsigned long long)ju(l, "sets"), (unsigned long long)ju(l, "ways"),
			(unsigned long long)ju(st, "hits"), (unsigned long long)ju(st, "misses"),
			(unsigned long long)ju(st, "fills"), (unsigned long long)ju(st, "evictions"),
			(unsigned long long)ju(st, "invalidated"), es ? es->u.kids.n : 0);
		for (const struct json *e = es ? es->u.kids.first : NULL; e; e = e->next)
			tlb_entry(f, e);
	}
}

void print__cache(FILE *f, const struct json *r)
{
	const struct json *lv = json__get(r, "levels"), *w = json__get(r, "walk_stats");

	if (*js(r, "note"))
		fprintf(f, "%s\n", js(r, "note"));
	else
		fprintf(f, "CTR_EL0 %#llx\n", (unsigned long long)ju(r, "ctr_el0"));
	for (const struct json *l = lv ? lv->u.kids.first : NULL; l; l = l->next) {
		const struct json *st = json__get(l, "stats"), *ls = json__get(l, "lines");

		fprintf(f, "%s %llu sets x %llu ways x %llu B: %llu valid, %llu dirty; hits %llu "
			"misses %llu evictions %llu writebacks %llu uncached %llu; maintenance: "
			"cleans %llu invalidates %llu zeroes %llu\n", js(l, "name"),
			(unsigned long long)ju(l, "sets"), (unsigned long long)ju(l, "ways"),
			(unsigned long long)ju(l, "line"), (unsigned long long)ju(l, "valid"),
			(unsigned long long)ju(l, "dirty"), (unsigned long long)ju(st, "hits"),
			(unsigned long long)ju(st, "misses"), (unsigned long long)ju(st, "evictions"),
			(unsigned long long)ju(st, "writebacks"), (unsigned long long)ju(st, "uncached"),
			(unsigned long long)ju(st, "cleans"), (unsigned long long)ju(st, "invalidates"),
			(unsigned long long)ju(st, "zeroes"));
		for (const struct json *e = ls ? ls->u.kids.first : NULL; e; e = e->next)
			fprintf(f, "  0x%016llx%s\n", (unsigned long long)ju(e, "pa"),
				jb(e, "dirty") ? " dirty" : "");
	}
	if (w)
		fprintf(f, "walks: stage 1 %llu, stage 2 %llu, from the walk cache %llu; "
			"descriptors read: stage 1 %llu, stage 2 %llu\n",
			(unsigned long long)ju(w, "s1_walks"), (unsigned long long)ju(w, "s2_walks"),
			(unsigned long long)ju(w, "walk_cache_starts"),
			(unsigned long long)ju(w, "s1_desc_reads"),
			(unsigned long long)ju(w, "s2_desc_reads"));
}

void print__stats(FILE *f, const struct json *r)
{
	for (const struct json *m = r ? r->u.kids.first : NULL; m; m = m->next) {
		uint64_t v = 0;

		json__u64(m, &v);
		fprintf(f, "%-40s %llu\n", m->key, (unsigned long long)v);
	}
}

static void fault_line(FILE *f, const struct json *d, uint64_t seq)
{
	char esr[256];

	if (seq)
		fprintf(f, "#%llu ", (unsigned long long)seq);
	fprintf(f, "vCPU %llu EL%llu PC %#llx FAR %#llx ESR %#llx %s",
		(unsigned long long)ju(d, "cpu"), (unsigned long long)ju(d, "el"),
		(unsigned long long)ju(d, "pc"), (unsigned long long)ju(d, "far"),
		(unsigned long long)ju(d, "esr"), decode__esr(ju(d, "esr"), esr, sizeof(esr)));
	if (json__get(d, "ipa"))
		fprintf(f, " IPA %#llx", (unsigned long long)ju(d, "ipa"));
	if (json__get(d, "stage2")) /* resolved by the VMM itself (docs/stage2.md) */
		fprintf(f, " [stage 2: %s]", js(d, "stage2"));
	fputc('\n', f);
}

void print__dirty_log(FILE *f, const struct json *r)
{
	const struct json *runs = json__get(r, "runs");

	fprintf(f, "%llu dirty pages of %llu bytes%s\n", (unsigned long long)ju(r, "pages"),
		(unsigned long long)ju(r, "page_size"),
		jb(r, "reset") ? " (now write-protected again, log cleared)" : "");
	for (const struct json *k = runs ? runs->u.kids.first : NULL; k; k = k->next)
		fprintf(f, "  IPA %#llx  %llu pages\n", (unsigned long long)ju(k, "ipa"),
			(unsigned long long)ju(k, "pages"));
}

void print__faults(FILE *f, const struct json *r)
{
	const struct json *h = json__get(r, "history"), *fs = json__get(h, "faults");

	fprintf(f, "%llu faults since the monitor started; the last %zu:\n",
		(unsigned long long)ju(h, "total"), fs ? fs->u.kids.n : 0);
	for (const struct json *d = fs ? fs->u.kids.first : NULL; d; d = d->next)
		fault_line(f, d, 0);
	if (json__get(r, "events"))
		fprintf(f, "following (Ctrl-C to stop):\n");
}

bool print__event(FILE *f, const struct json *ev)
{
	const char *name = js(ev, "event");
	const struct json *d = json__get(ev, "data");

	if (!strcmp(name, "fault")) {
		fault_line(f, d, ju(ev, "seq"));
	} else if (!strcmp(name, "stopped")) {
		fprintf(f, "VM stopped: %s, status %lld\n", js(d, "reason"), (long long)ju(d, "status"));
		return true;
	} else if (!strcmp(name, "dropped")) {
		fprintf(f, "(%llu events dropped: the client read too slowly)\n",
			(unsigned long long)ju(d, "count"));
	} else {
		fprintf(f, "VM %s\n", name);
	}
	fflush(f);
	return false;
}

void print__simple(FILE *f, const char *cmd, const struct json *r)
{
	if (!strcmp(cmd, "pause") || !strcmp(cmd, "continue"))
		fprintf(f, "VM %s%s\n", jb(r, "paused") ? "paused" : "running",
			jb(r, "changed") ? "" : " (already)");
	else if (!strcmp(cmd, "quit"))
		fprintf(f, "VM stopping\n");
	else if (!strcmp(cmd, "switch-to-model"))
		fprintf(f, "VM switching to the model (status shows the engine)\n");
	else if (r && r->type == JSON_ARRAY)
		for (const struct json *k = r->u.kids.first; k; k = k->next)
			fprintf(f, "%s\n", json__str(k) ? json__str(k) : "?");
	else
		fprintf(f, "ok\n");
}
