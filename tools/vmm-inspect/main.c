/* vmm-inspect: ask a running vmm (vmm run --monitor PATH) one question and print the
 * answer as text, or as the raw JSON reply with --json. docs/monitor.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"
#include "symbols.h"

#define MAX_SYMBOL_FILES 8

static const char usage[] =
	"usage: vmm-inspect --socket PATH [--json] [--cpu N] COMMAND [ARGS]\n"
	"\n"
	"  status                      engine, vCPUs, running or paused\n"
	"  regs                        registers, system registers decoded\n"
	"  pt [--ttbr0|--ttbr1|--stage2] [--table ADDR] [--asid N] [--dot|--svg]\n"
	"                              translation tables as ranges (ptdump); --dot: the\n"
	"                              table tree for Graphviz; --svg: rendered by dot\n"
	"  walk VA [--write|--fetch|--exec] [--el0|--el1] [--pan|--no-pan] [--stage2]\n"
	"                              every descriptor read, the output or the fault (ESR);\n"
	"                              --stage2: VA is an IPA. Never changes the guest.\n"
	"  tlb [--asid N] [--va VA] [--no-entries]\n"
	"                              TLB contents and counters (model); entries the\n"
	"                              tables no longer give are marked STALE\n"
	"  cache [--lines]             cache geometry, counters, valid lines (model)\n"
	"  faults [--follow] [--count N]   recent guest aborts; --follow streams new ones\n"
	"  mem ADDR [LEN] [--phys]     hex dump (virtual through the vCPU's tables)\n"
	"  disas [ADDR] [COUNT] [--phys] [--symbols FILE.elf]...\n"
	"                              disassembly (default: at PC); with --symbols, each\n"
	"                              function's first line and branch targets named\n"
	"  stats                       the engine's counters (model)\n"
	"  dirty-log | dirty-log-reset pages written since the last reset (model --dirty-log);\n"
	"                              reset: write-protect them again, clear the log\n"
	"  pause | continue | quit     run control\n"
	"  switch-to-model             hand a VM on KVM over to the model (docs/handover.md)\n"
	"  send JSON                   send one raw request line, print the raw reply\n"
	"\n"
	"PATH may also come from $VMM_MONITOR. Addresses: 0x... hex or decimal.\n"
	"Exit status: 0 ok, 1 error (connection, or an error reply), 2 bad usage.\n";

struct opts {
	const char *socket, *cmd;
	const char *pos[3];
	unsigned npos;
	bool json, dot, svg, follow, phys, stage2, no_entries, lines;
	const char *tables, *access, *table, *asid, *el, *count, *cpu, *va;
	const char *symbols[MAX_SYMBOL_FILES]; /* --symbols, repeatable */
	unsigned nsymbols;
	int pan; /* -1: the vCPU's own PSTATE.PAN */
};

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "vmm-inspect: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
	return 2;
}

/* An address or count as the protocol wants it: a "0x..." string. */
static int num(struct jw *w, const char *key, const char *s)
{
	char *end;
	unsigned long long v;

	if (!s)
		return 0;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (*end)
		return -1;
	jw__hex(w, key, v);
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct { const char *flag; size_t off; } flags[] = {
#define B(n, f) { n, offsetof(struct opts, f) }
		B("--json", json), B("--dot", dot), B("--follow", follow), B("--phys", phys),
		B("--stage2", stage2), B("--no-entries", no_entries), B("--lines", lines),
		B("--svg", svg),
#undef B
	};
	static const struct { const char *flag; size_t off; } values[] = {
#define V(n, f) { n, offsetof(struct opts, f) }
		V("--socket", socket), V("--table", table), V("--asid", asid),
		V("--count", count), V("--cpu", cpu), V("--va", va),
#undef V
	};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;

		for (k = 0; k < sizeof(flags) / sizeof(flags[0]) && strcmp(a, flags[k].flag); k++)
			;
		if (k < sizeof(flags) / sizeof(flags[0])) {
			*(bool *)((char *)o + flags[k].off) = true;
			continue;
		}
		for (k = 0; k < sizeof(values) / sizeof(values[0]) && strcmp(a, values[k].flag); k++)
			;
		if (k < sizeof(values) / sizeof(values[0])) {
			if (++i == argc)
				return bad("missing value after", a);
			*(const char **)((char *)o + values[k].off) = argv[i];
		} else if (!strcmp(a, "--symbols")) {
			if (++i == argc)
				return bad("missing value after", a);
			if (o->nsymbols == MAX_SYMBOL_FILES)
				return bad("too many --symbols files at", argv[i]);
			o->symbols[o->nsymbols++] = argv[i];
		} else if (!strcmp(a, "--ttbr0") || !strcmp(a, "--ttbr1")) {
			o->tables = a + 2;
		} else if (!strcmp(a, "--read") || !strcmp(a, "--write") || !strcmp(a, "--fetch")) {
			o->access = a + 2;
		} else if (!strcmp(a, "--exec")) { /* the same as --fetch */
			o->access = "fetch";
		} else if (!strcmp(a, "--el0") || !strcmp(a, "--el1")) {
			o->el = a + 4;
		} else if (!strcmp(a, "--pan") || !strcmp(a, "--no-pan")) {
			o->pan = a[2] == 'p';
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		} else if (a[0] == '-' && a[1] == '-') {
			return bad("unknown option", a);
		} else if (!o->cmd) {
			o->cmd = a;
		} else if (o->npos < 3) {
			o->pos[o->npos++] = a;
		} else {
			return bad("too many arguments at", a);
		}
	}
	if (!o->socket)
		o->socket = getenv("VMM_MONITOR");
	if (!o->socket)
		return bad("no --socket PATH (nor $VMM_MONITOR)", NULL);
	if (!o->cmd)
		return bad("no command", NULL);
	return 0;
}

/* The request's "args" for o->cmd; -1 for bad positional arguments. */
static int build_args(const struct opts *o, struct jw *w)
{
	const char *c = o->cmd;
	int rc = 0;

	jw__begin_object(w, "args");
	rc |= num(w, "cpu", o->cpu);
	if (!strcmp(c, "pt")) {
		if (o->stage2)
			jw__str(w, "tables", "stage2");
		else if (o->tables)
			jw__str(w, "tables", o->tables);
		rc |= num(w, "table", o->table) | num(w, "asid", o->asid);
		if (o->dot || o->svg)
			jw__bool(w, "tree", true);
	} else if (!strcmp(c, "walk")) {
		rc |= o->pos[0] ? num(w, "va", o->pos[0]) : -1;
		if (o->access)
			jw__str(w, "access", o->access);
		rc |= num(w, "el", o->el);
		if (o->pan >= 0)
			jw__bool(w, "pan", o->pan);
		if (o->stage2)
			jw__bool(w, "stage2", true);
	} else if (!strcmp(c, "tlb")) {
		rc |= num(w, "asid", o->asid) | num(w, "va", o->va);
		if (o->no_entries)
			jw__bool(w, "entries", false);
	} else if (!strcmp(c, "cache")) {
		jw__bool(w, "entries", o->lines);
	} else if (!strcmp(c, "faults")) {
		rc |= num(w, "count", o->count);
		if (o->follow)
			jw__bool(w, "follow", true);
	} else if (!strcmp(c, "mem") || !strcmp(c, "disas")) {
		bool mem = c[0] == 'm';

		rc |= mem && !o->pos[0] ? -1 : num(w, "addr", o->pos[0]);
		rc |= num(w, mem ? "len" : "count", o->pos[1]);
		if (o->phys)
			jw__bool(w, "phys", true);
	}
	jw__end_object(w);
	return rc;
}

/* pt --svg: the --dot drawing rendered by Graphviz's dot, to stdout. */
static int svg(const struct json *r)
{
	FILE *p;

	if (system("command -v dot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "vmm-inspect: --svg needs Graphviz's dot (Debian package "
			"graphviz; tools/setup installs it); --dot prints the source\n");
		return 1;
	}
	fflush(stdout);
	p = popen("dot -Tsvg", "w");
	if (!p) {
		fprintf(stderr, "vmm-inspect: cannot run dot: %s\n", strerror(errno));
		return 1;
	}
	print__pt_dot(p, r);
	if (pclose(p) != 0) {
		fprintf(stderr, "vmm-inspect: dot failed to render the tables\n");
		return 1;
	}
	return 0;
}

static int print_result(const struct opts *o, const struct json *r)
{
	static const struct { const char *cmd; void (*fn)(FILE *, const struct json *); } p[] = {
		{ "status", print__status }, { "regs", print__regs }, { "walk", print__walk },
		{ "tlb", print__tlb }, { "cache", print__cache }, { "stats", print__stats },
		{ "faults", print__faults }, { "mem", print__mem }, { "disas", print__disas },
		{ "dirty-log", print__dirty_log }, { "dirty-log-reset", print__dirty_log },
	};

	if (!strcmp(o->cmd, "pt") && o->svg)
		return svg(r);
	if (!strcmp(o->cmd, "pt")) {
		(o->dot ? print__pt_dot : print__pt)(stdout, r);
		return 0;
	}
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		if (!strcmp(o->cmd, p[i].cmd)) {
			p[i].fn(stdout, r);
			return 0;
		}
	}
	print__simple(stdout, o->cmd, r);
	return 0;
}

/* After `faults --follow`: print events until the VM stops or the socket closes. */
static int follow(struct client *c, const struct opts *o)
{
	struct json_doc ev;
	int rc;

	fflush(stdout);
	while ((rc = client__next(c, &ev)) == 0) {
		bool stop;

		if (o->json) {
			printf("%s\n", c->line);
			fflush(stdout);
			stop = !strcmp(js(ev.root, "event"), "stopped");
		} else {
			stop = print__event(stdout, ev.root);
		}
		json__free(&ev);
		if (stop)
			return 0;
	}
	return rc < 0 ? 1 : 0;
}

static int run(struct client *c, const struct opts *o, const char *req, size_t len)
{
	const struct json *ok, *err;
	struct json_doc reply;
	int rc;

	if (client__send(c, req, len) || (rc = client__next(c, &reply)) < 0) {
		fprintf(stderr, "vmm-inspect: %s\n", c->err);
		return 1;
	}
	if (rc > 0) {
		fprintf(stderr, "vmm-inspect: the monitor closed the connection\n");
		return 1;
	}
	ok = json__get(reply.root, "ok");
	err = json__get(reply.root, "error");
	if (o->json || !strcmp(o->cmd, "send"))
		printf("%s\n", c->line);
	if (err)
		fprintf(stderr, "vmm-inspect: %s: %s\n", js(err, "class"), js(err, "desc"));
	else if (!o->json && ok && strcmp(o->cmd, "send"))
		rc = print_result(o, ok);
	else
		rc = 0;
	if (err)
		rc = 1;
	json__free(&reply);
	if (!rc && o->follow && !strcmp(o->cmd, "faults"))
		rc = follow(c, o);
	return rc;
}

/* --symbols: every file's function symbols in one table, used by the text printers. */
static int load_symbols(const struct opts *o)
{
	struct symtab *t = symtab__new();
	char why[256];

	if (!t) {
		fprintf(stderr, "vmm-inspect: out of memory reading symbols\n");
		return -1;
	}
	for (unsigned k = 0; k < o->nsymbols; k++) {
		if (symtab__add_elf(t, o->symbols[k], why, sizeof(why))) {
			fprintf(stderr, "vmm-inspect: --symbols %s: %s\n", o->symbols[k], why);
			symtab__free(t);
			return -1;
		}
	}
	print__symtab = t; /* lives until exit */
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .pan = -1 };
	struct json_doc greeting;
	struct client c;
	struct jw w;
	int rc;

	rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (o.nsymbols && load_symbols(&o))
		return 1;
	jw__init(&w, 0);
	if (!strcmp(o.cmd, "send")) {
		if (!o.pos[0])
			return bad("send needs a JSON request", NULL);
		jw__append(&w, o.pos[0], strlen(o.pos[0]));
	} else {
		jw__begin_object(&w, NULL);
		jw__u64(&w, "id", 1);
		jw__str(&w, "cmd", o.cmd);
		if (build_args(&o, &w))
			return bad("bad or missing address/number for", o.cmd);
		jw__end_object(&w);
	}
	if (client__open(&c, o.socket, &greeting)) {
		fprintf(stderr, "vmm-inspect: %s\n", c.err);
		client__close(&c);
		return 1;
	}
	json__free(&greeting);
	rc = run(&c, &o, w.buf, w.len);
	client__close(&c);
	jw__free(&w);
	return rc;
}
