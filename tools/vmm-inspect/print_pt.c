/* pt as text, in the manner of Linux's arch/arm64/mm/ptdump.c: a header per tree,
 * then one line per range of like entries:
 *
 *   0x0000000040000000-0x0000000040200000     2M L2 BLK -> 0x0000000040000000 \
 *       EL1 rw- EL0 ---    AF      IS Normal-WB
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

static void header(FILE *f, const struct json *t)
{
	char g[16];
	bool s2 = ju(t, "stage") == 2;
	const char *name = js(t, "name");

	fprintf(f, "---[ %s ", s2 ? "stage 2 (VTTBR_EL2)" :
		!strcmp(name, "ttbr1") ? "TTBR1_EL1" : "TTBR0_EL1");
	if (jb(t, "disabled")) {
		fprintf(f, "%s ]---\n", s2 ? "off or invalid (VTCR_EL2)" :
			!strcmp(name, "ttbr1") ? "walks disabled (TCR_EL1.EPD1 = 1)" :
			"walks disabled (TCR_EL1.EPD0 = 1)");
		return;
	}
	fprintf(f, "base %#llx, %s granule, %llu-bit %s (%sSZ=%llu), start level %lld",
		(unsigned long long)ju(t, "base"), size_str(ju(t, "granule"), g, sizeof(g)),
		(unsigned long long)ju(t, "ia_bits"), s2 ? "IPA" : "VA", s2 ? "T0" :
		!strcmp(name, "ttbr1") ? "T1" : "T0", (unsigned long long)ju(t, "txsz"),
		(long long)ju(t, "start_level"));
	if (s2)
		fprintf(f, " (%llu concatenated), VMID %llu", (unsigned long long)ju(t, "concat"),
			(unsigned long long)ju(t, "vmid"));
	else
		fprintf(f, ", ASID %llu%s", (unsigned long long)ju(t, "asid"),
			jb(t, "tbi") ? ", TBI" : "");
	fprintf(f, " ]---\n");
}

static void range_line(FILE *f, const struct json *r, bool s2)
{
	const char *type = js(r, "type");
	char size[16];

	fprintf(f, "0x%016llx-0x%016llx %9s L%lld ", (unsigned long long)ju(r, "ia"),
		(unsigned long long)ju(r, "end"), size_str(ju(r, "size"), size, sizeof(size)),
		(long long)ju(r, "level"));
	if (!strcmp(type, "table") || !strcmp(type, "unreadable")) {
		fprintf(f, "TABLE -> %#llx%s\n", (unsigned long long)ju(r, "oa"),
			type[0] == 'u' ? "  (cannot be read)" : "");
		return;
	}
	if (!strcmp(type, "reserved")) {
		fprintf(f, "RESERVED descriptor 0x%016llx @%#llx\n", (unsigned long long)ju(r, "desc"),
			(unsigned long long)ju(r, "desc_pa"));
		return;
	}
	fprintf(f, "%-3s -> 0x%016llx  EL1 %s EL0 %s %2s %2s %4s %5s %s %s\n",
		!strcmp(type, "block") ? "BLK" : "PG", (unsigned long long)ju(r, "oa"),
		js(r, "el1"), js(r, "el0"), !s2 && jb(r, "ng") ? "nG" : "",
		jb(r, "af") ? "AF" : "", jb(r, "contig") ? "CONT" : "",
		jb(r, "clean") ? "CLEAN" : "", js(r, "sh"), js(r, "mem"));
}

/* KVM: stage 2 is the host kernel's; the VMM's map it is built from (source "vmm-map"). */
static void vmm_map_range(FILE *f, const struct json *r)
{
	const char *type = js(r, "type");
	char size[16];

	fprintf(f, "0x%016llx-0x%016llx %9s ", (unsigned long long)ju(r, "ia"),
		(unsigned long long)ju(r, "end"), size_str(ju(r, "size"), size, sizeof(size)));
	if (!strcmp(type, "memslot")) {
		fprintf(f, "MEMSLOT %llu -> host 0x%016llx  %s%s%s\n", (unsigned long long)ju(r, "slot"),
			(unsigned long long)ju(r, "oa"), js(r, "s2"),
			jb(r, "dirty_log") ? " DIRTY-LOG" : "", jb(r, "readonly") ? " READONLY" : "");
		return;
	}
	fprintf(f, "%-7s %s: unmapped, %s\n", !strcmp(type, "mmio") ? "MMIO" : "KERNEL",
		js(r, "name"), js(r, "access"));
}

void print__pt(FILE *f, const struct json *r)
{
	const struct json *trees = json__get(r, "trees");

	if (!jb(r, "mmu"))
		fprintf(f, "note: SCTLR_EL1.M = 0: stage 1 is off, these tables are not in use\n");
	for (const struct json *t = trees ? trees->u.kids.first : NULL; t; t = t->next) {
		const struct json *ranges = json__get(t, "ranges");
		bool s2 = ju(t, "stage") == 2;

		if (!strcmp(js(t, "source"), "vmm-map")) {
			fprintf(f, "---[ stage 2: the host kernel's (KVM); the VMM's map it is built from ]---\n");
			if (*js(t, "note"))
				fprintf(f, "(%s)\n", js(t, "note"));
			for (const struct json *g = ranges ? ranges->u.kids.first : NULL; g; g = g->next)
				vmm_map_range(f, g);
			if (*js(t, "error"))
				fprintf(f, "(%s)\n", js(t, "error"));
			fprintf(f, "(%llu ranges)\n", (unsigned long long)ju(t, "nranges"));
			continue;
		}
		header(f, t);
		if (*js(t, "note"))
			fprintf(f, "(%s)\n", js(t, "note"));
		for (const struct json *g = ranges ? ranges->u.kids.first : NULL; g; g = g->next)
			range_line(f, g, s2);
		if (!jb(t, "disabled"))
			fprintf(f, "(%llu leaf entries in %llu ranges)\n",
				(unsigned long long)ju(t, "leaves"),
				(unsigned long long)ju(t, "nranges"));
	}
}

/* ---- Graphviz: one record node per table, an edge per table descriptor ---- */

struct node {
	uint64_t table;
	long long level;
	char *label;       /* the record's fields after the title, "|..." each */
	size_t len, cap;
};

struct nodes {
	struct node *v;
	size_t n, cap, last;
};

static struct node *node_of(struct nodes *ns, uint64_t table, long long level)
{
	if (ns->last < ns->n && ns->v[ns->last].table == table)
		return &ns->v[ns->last];
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i].table == table)
			return &ns->v[ns->last = i];
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 64;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
		if (!ns->v)
			abort();
	}
	ns->v[ns->n] = (struct node){ .table = table, .level = level };
	ns->last = ns->n;
	return &ns->v[ns->n++];
}

static void node_add(struct node *nd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (nd->cap - nd->len <= (size_t)n) {
		nd->cap = (nd->cap + (size_t)n + 1) * 2;
		nd->label = realloc(nd->label, nd->cap);
		if (!nd->label)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(nd->label + nd->len, nd->cap - nd->len, fmt, ap);
	va_end(ap);
	nd->len += (size_t)n;
}

static void dot_entry(FILE *f, struct nodes *ns, const struct json *g)
{
	struct node *nd = node_of(ns, ju(g, "table"), (long long)ju(g, "level"));
	unsigned long long idx = ju(g, "index");
	char size[16];

	if (!strcmp(js(g, "type"), "table")) {
		node_add(nd, "|<i%llu>[%llu] table", idx, idx);
		fprintf(f, "  t%llx:i%llu -> t%llx;\n", (unsigned long long)nd->table, idx,
			(unsigned long long)ju(g, "oa"));
	} else if (!strcmp(js(g, "type"), "reserved")) {
		node_add(nd, "|[%llu] reserved", idx);
	} else if (!strcmp(js(g, "type"), "unreadable")) {
		node_add(nd, "|[%llu] table -\\> %#llx (cannot be read)", idx,
			 (unsigned long long)ju(g, "oa"));
	} else {
		node_add(nd, "|[%llu+%llu] %s %s -\\> %#llx %s/%s %s", idx,
			 (unsigned long long)ju(g, "n"), size_str(ju(g, "size"), size, sizeof(size)),
			 js(g, "type"), (unsigned long long)ju(g, "oa"), js(g, "el1"),
			 js(g, "el0"), js(g, "mem"));
	}
}

void print__pt_dot(FILE *f, const struct json *r)
{
	const struct json *trees = json__get(r, "trees");
	struct nodes ns = { 0 };
	unsigned n = 0;

	fprintf(f, "digraph pt {\n  rankdir=LR;\n  node [shape=record, fontname=\"monospace\", "
		"fontsize=10];\n");
	for (const struct json *t = trees ? trees->u.kids.first : NULL; t; t = t->next, n++) {
		const struct json *ranges = json__get(t, "ranges");

		if (jb(t, "disabled") || !strcmp(js(t, "source"), "vmm-map"))
			continue; /* no tables: KVM's stage 2 is listed as the VMM's map */
		fprintf(f, "  root%u [shape=box, label=\"%s\"];\n  root%u -> t%llx;\n", n,
			js(t, "name"), n, (unsigned long long)ju(t, "base"));
		node_of(&ns, ju(t, "base"), (long long)ju(t, "start_level"));
		for (const struct json *g = ranges ? ranges->u.kids.first : NULL; g; g = g->next)
			dot_entry(f, &ns, g);
	}
	for (size_t i = 0; i < ns.n; i++) {
		fprintf(f, "  t%llx [label=\"{L%lld table %#llx%s}\"];\n",
			(unsigned long long)ns.v[i].table, ns.v[i].level,
			(unsigned long long)ns.v[i].table, ns.v[i].label ? ns.v[i].label : "");
		free(ns.v[i].label);
	}
	free(ns.v);
	fprintf(f, "}\n");
}
