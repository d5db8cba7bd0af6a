/* walk as a table of steps (one per descriptor read, both stages), then the output
 * or the fault. */
#include <string.h>

#include "decode.h"
#include "print.h"

static void fields(FILE *f, const struct json *st)
{
	const struct json *fl = json__get(st, "fields");
	bool s1 = ju(st, "stage") == 1;

	if (!strcmp(js(st, "type"), "table")) {
		if (ju(fl, "aptable"))
			fprintf(f, " APTable=%llu%llu", (unsigned long long)ju(fl, "aptable") >> 1,
				(unsigned long long)ju(fl, "aptable") & 1);
		if (jb(fl, "uxntable"))
			fprintf(f, " UXNTable");
		if (jb(fl, "pxntable"))
			fprintf(f, " PXNTable");
		return;
	}
	if (strcmp(js(st, "type"), "page") && strcmp(js(st, "type"), "block"))
		return;
	if (s1)
		fprintf(f, " AttrIndx=%llu AP=%llu%llu", (unsigned long long)ju(fl, "attrindx"),
			(unsigned long long)ju(fl, "ap") >> 1, (unsigned long long)ju(fl, "ap") & 1);
	else
		fprintf(f, " MemAttr=%#llx S2AP=%llu%llu", (unsigned long long)ju(fl, "memattr"),
			(unsigned long long)ju(fl, "s2ap") >> 1,
			(unsigned long long)ju(fl, "s2ap") & 1);
	fprintf(f, " SH=%llu%s%s%s%s%s%s%s", (unsigned long long)ju(fl, "sh"),
		jb(fl, "af") ? " AF" : "", jb(fl, "ng") ? " nG" : "", jb(fl, "pxn") ? " PXN" : "",
		jb(fl, "uxn") ? " UXN" : "", jb(fl, "xn") ? " XN" : "", jb(fl, "dbm") ? " DBM" : "",
		jb(fl, "contig") ? " CONT" : "");
}

static void step(FILE *f, unsigned i, const struct json *st)
{
	const char *type = js(st, "type");

	fprintf(f, "%2u  S%llu%-6s L%lld  %#-18llx %#-12llx %4llu  %#-12llx 0x%016llx  %-8s",
		i, (unsigned long long)ju(st, "stage"), jb(st, "s1ptw") ? " (ptw)" : "",
		(long long)ju(st, "level"), (unsigned long long)ju(st, "in"),
		(unsigned long long)ju(st, "table"), (unsigned long long)ju(st, "index"),
		(unsigned long long)ju(st, "desc_pa"), (unsigned long long)ju(st, "desc"), type);
	if (json__get(st, "oa"))
		fprintf(f, " -> %#llx", (unsigned long long)ju(st, "oa"));
	fields(f, st);
	fputc('\n', f);
}

static void fault(FILE *f, const struct json *ft)
{
	char esr[256];

	fprintf(f, "fault: %s, stage %llu, level %lld%s%s (FSC %#llx)\n", js(ft, "kind"),
		(unsigned long long)ju(ft, "stage"), (long long)ju(ft, "level"),
		jb(ft, "s1ptw") ? ", on the stage-1 walk (S1PTW)" : "",
		jb(ft, "wnr") ? ", write" : "", (unsigned long long)ju(ft, "fsc"));
	fprintf(f, "  ESR %#llx  %s\n  FAR %#llx", (unsigned long long)ju(ft, "esr"),
		decode__esr(ju(ft, "esr"), esr, sizeof(esr)), (unsigned long long)ju(ft, "far"));
	if (json__get(ft, "ipa"))
		fprintf(f, "  IPA %#llx  HPFAR %#llx", (unsigned long long)ju(ft, "ipa"),
			(unsigned long long)ju(ft, "hpfar"));
	if (json__get(ft, "desc_pa"))
		fprintf(f, "  descriptor at PA %#llx unreadable", (unsigned long long)ju(ft, "desc_pa"));
	fputc('\n', f);
}

void print__walk(FILE *f, const struct json *r)
{
	const struct json *steps = json__get(r, "steps"), *res = json__get(r, "result");
	const struct json *hw = json__get(r, "hw_update");
	unsigned i = 1;
	char size[16];

	fprintf(f, "walk %#llx: %s at EL%llu%s on vCPU %llu; stage 1 %s, stage 2 %s\n",
		(unsigned long long)ju(r, "va"), js(r, "access"), (unsigned long long)ju(r, "el"),
		jb(r, "pan") ? " with PAN" : "", (unsigned long long)ju(r, "cpu"),
		jb(r, "stage1") ? "on" : "off", jb(r, "stage2") ? "on" : "off");
	if (steps && steps->u.kids.n)
		fprintf(f, " #  stage    level in                 table        index "
			"desc PA      descriptor          type\n");
	for (const struct json *st = steps ? steps->u.kids.first : NULL; st; st = st->next)
		step(f, i++, st);
	if (jb(r, "steps_truncated"))
		fprintf(f, "(more steps than the trace holds: the rest are not shown)\n");
	if (res) {
		fprintf(f, "result: PA %#llx (IPA %#llx), %s at level %llu, EL1 %s EL0 %s, %s %s",
			(unsigned long long)ju(res, "pa"), (unsigned long long)ju(res, "ipa"),
			size_str(ju(res, "size"), size, sizeof(size)),
			(unsigned long long)ju(res, "level"), js(res, "el1"), js(res, "el0"),
			js(res, "mem"), js(res, "sh"));
		if (json__get(res, "global"))
			fprintf(f, ", %s", jb(res, "global") ? "global" : "nG");
		fputc('\n', f);
	} else {
		fault(f, json__get(r, "fault"));
	}
	for (const struct json *h = hw ? hw->u.kids.first : NULL; h; h = h->next)
		fprintf(f, "hardware would update: %s (not written: the inspector never writes)\n",
			json__str(h) ? json__str(h) : "?");
}
