/* vmm's command line: `vmm run [options] IMAGE`. All options live in one table
 * (run_options) from which both the parser and --help are made. This is the only
 * layer that prints errors and picks exit statuses (see enum vmm_exit_status). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "accel.h"
#include "console.h"
#include "dev/virtio/blk.h"
#include "gdb/gdb.h"
#include "machine.h"
#include "monitor_glue.h"
#include "report.h"
#include "symbols.h"
#include "trace/trace.h"
#include "version.h"
#include <platform/memmap.h>

#define DEFAULT_MEM MiB(256)
#define MIN_MEM MiB(16)      /* what the shipped guest (guest/) needs to run its tests */
#define MEM_ALIGN 0x10000ULL /* 64 KiB: a whole page on any arm64 host */
#define MAX_TIMEOUT 31536000.0 /* a year: beyond that a number is a mistake */

struct option_desc {
	const char *name;
	const char *arg;  /* metavariable; NULL for a flag; "[=...]" for an optional value */
	const char *help;
	/* Fills cfg from val; returns 0 or writes a message to why. */
	int (*parse)(struct vm_config *cfg, const char *val, char *why, size_t n);
};

static int parse_mem(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	char *end;
	unsigned long long v = strtoull(val, &end, 0);
	int shift = 20; /* a plain number is MiB, as QEMU's -m */

	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 'b': case 'B': if (!end[1]) { shift = 0; end++; } break;
	}
	if (*end && strcasecmp(end, "iB") != 0 && strcasecmp(end, "B") != 0)
		return snprintf(why, n, "--mem %s: not a size (e.g. 512M, 2G)", val), -1;
	if (*val == '-' || v > (RAM_MAX_SIZE >> shift) || (v << shift) < MIN_MEM)
		return snprintf(why, n, "--mem %s: guest RAM must be between %llu MiB and %llu GiB",
				val, MIN_MEM >> 20, RAM_MAX_SIZE >> 30), -1;
	if ((v << shift) % MEM_ALIGN)
		return snprintf(why, n, "--mem %s: must be a multiple of 64 KiB", val), -1;
	cfg->mem_size = v << shift;
	return 0;
}

static int parse_cpus(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	/* the platform's limit here; the engine's own once it is known (check_cpus) */
	if (*end || !*val || v < 1 || v > PLATFORM_MAX_CPUS)
		return snprintf(why, n, "--cpus %s: must be a number from 1 to %d", val,
				PLATFORM_MAX_CPUS), -1;
	cfg->ncpus = (unsigned)v;
	return 0;
}

static int parse_accel(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	if (!accel__known(val))
		return snprintf(why, n, "--accel %s: unknown accelerator (kvm or model)", val), -1;
	cfg->accel = val;
	return 0;
}

static int parse_reboot(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	if (strcmp(val, "exit") == 0)
		cfg->reboot = VM_REBOOT_EXIT;
	else if (strcmp(val, "restart") == 0)
		cfg->reboot = VM_REBOOT_RESTART;
	else
		return snprintf(why, n, "--reboot %s: must be exit or restart", val), -1;
	return 0;
}

/* --checks, --stats, --caches: what the model accelerator attaches or reports */
static int parse_checks(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	cfg->checks = VM_CHECKS_REPORT;
	cfg->checks_strict = false;
	if (!val)
		return 0;
	if (strcmp(val, "stop") == 0 || strcmp(val, "strict,stop") == 0 ||
	    strcmp(val, "stop,strict") == 0)
		cfg->checks = VM_CHECKS_STOP;
	if (strcmp(val, "strict") == 0 || strcmp(val, "strict,stop") == 0 ||
	    strcmp(val, "stop,strict") == 0)
		cfg->checks_strict = true;
	else if (strcmp(val, "stop") != 0)
		return snprintf(why, n, "--checks=%s: the values are stop, strict and strict,stop",
				val), -1;
	return 0;
}

static int parse_symbols(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	if (cfg->nsymbols == MACHINE_MAX_SYMBOLS)
		return snprintf(why, n, "--symbols %s: at most %d files", val,
				MACHINE_MAX_SYMBOLS), -1;
	cfg->symbols[cfg->nsymbols++] = val;
	return 0;
}

static int parse_timeout(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	char *end;
	double v = strtod(val, &end);

	if (*end || end == val || !(v > 0 && v <= MAX_TIMEOUT))
		return snprintf(why, n, "--timeout %s: must be a number of seconds, more than 0 and "
				"at most %.0f", val, MAX_TIMEOUT), -1;
	cfg->timeout = v;
	return 0;
}

static int parse_max_insns(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(val, &end, 0);
	if (*end || !*val || *val == '-' || v == 0 || errno)
		return snprintf(why, n, "--max-insns %s: must be a number from 1 to %llu", val,
				(unsigned long long)UINT64_MAX), -1;
	cfg->max_insns = v;
	return 0;
}

/* --stage2: how the model's VMM maps guest RAM at stage 2 (docs/stage2.md); the
 * value is enum stage2_mode's (vmm/accel/model/mem/stage2.h) + 1, 0 when not given */
static int parse_stage2(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	static const char *const modes[] = { "block", "page", "lazy" };

	for (unsigned k = 0; k < 3; k++)
		if (strcmp(val, modes[k]) == 0)
			return cfg->stage2 = k + 1, 0;
	return snprintf(why, n, "--stage2 %s: must be block, page or lazy", val), -1;
}

/* --jit on|off: the model's block translator (x86-64 hosts only; docs/model.md) */
static int parse_jit(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	if (strcmp(val, "off") == 0)
		return cfg->jit = VM_JIT_OFF, 0;
	if (strcmp(val, "on") != 0)
		return snprintf(why, n, "--jit %s: must be on or off", val), -1;
#ifdef MODEL_HAVE_JIT
	return cfg->jit = VM_JIT_ON, 0;
#else
	return snprintf(why, n, "--jit on: this vmm has no block translator for its host CPU "
			"(x86-64 only); the model interprets"), -1;
#endif
}

/* --pmu on|off, --its on|off */
static int parse_switch(enum vm_switch *sw, const char *opt, const char *val, char *why, size_t n)
{
	if (strcmp(val, "on") == 0)
		*sw = VM_SWITCH_ON;
	else if (strcmp(val, "off") == 0)
		*sw = VM_SWITCH_OFF;
	else
		return snprintf(why, n, "--%s %s: must be on or off", opt, val), -1;
	return 0;
}

static int parse_pmu(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	return parse_switch(&cfg->pmu_req, "pmu", val, why, n);
}

static int parse_its(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	return parse_switch(&cfg->its_req, "its", val, why, n);
}

/* --switch-to-model-at pc=VA|exits=N|monitor (docs/handover.md) */
static int parse_switch_at(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	static const struct { const char *prefix; enum vm_handover_at kind; } kinds[] = {
		{ "pc=", VM_HANDOVER_PC }, { "exits=", VM_HANDOVER_EXITS },
	};
	char *end;

	if (strcmp(val, "monitor") == 0) {
		cfg->switch_at = VM_HANDOVER_MONITOR;
		return 0;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t len = strlen(kinds[k].prefix);
		unsigned long long v;

		if (strncmp(val, kinds[k].prefix, len) != 0)
			continue;
		errno = 0;
		v = strtoull(val + len, &end, 0);
		if (!val[len] || *end || val[len] == '-' || errno || v == 0 ||
		    (kinds[k].kind == VM_HANDOVER_PC && (v & 3)))
			break;
		cfg->switch_at = kinds[k].kind;
		cfg->switch_value = v;
		return 0;
	}
	return snprintf(why, n, "--switch-to-model-at %s: must be pc=ADDR (a 4-byte aligned guest "
			"virtual address), exits=N (N >= 1) or monitor", val), -1;
}

#define FLAG_OPTION(field) \
	static int parse_##field(struct vm_config *cfg, const char *val, char *why, size_t n) \
	{ (void)val, (void)why, (void)n; cfg->field = true; return 0; }
FLAG_OPTION(stats)
FLAG_OPTION(caches)
FLAG_OPTION(dirty_log)
FLAG_OPTION(paused)

#define STRING_OPTION(field) \
	static int parse_##field(struct vm_config *cfg, const char *val, char *why, size_t n) \
	{ (void)why, (void)n; cfg->field = val; return 0; }
STRING_OPTION(cmdline)
STRING_OPTION(initrd_path)
STRING_OPTION(dtb_out)
STRING_OPTION(console_log)
STRING_OPTION(monitor)
STRING_OPTION(gdb)
STRING_OPTION(trace_file)

static int parse_trace(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	unsigned mask;

	if (trace__parse(val, &mask, why, n))
		return -1;
	cfg->trace = val;
	return 0;
}

static const struct option_desc run_options[] = {
	{ "mem", "SIZE", "guest RAM, 16M to 255G; K, M or G suffix, a plain number is MiB [256M]",
	  parse_mem },
	{ "cpus", "N", "number of vCPUs, brought up by PSCI CPU_ON; at most: %s [1]", parse_cpus },
	{ "cmdline", "S", "kernel command line (/chosen/bootargs)", parse_cmdline },
	{ "initrd", "FILE", "initial ramdisk, loaded below the device tree", parse_initrd_path },
	{ "accel", "kvm|model", "execution engine [the first available: kvm, then model]",
	  parse_accel },
	{ "pmu", "on|off", "a PMUv3 per vCPU, overflow interrupt PPI 23 (/pmu in the device tree)\n"
	  "                           [on where the engine and host have one; on: or fail]", parse_pmu },
	{ "its", "on|off", "kvm: a GICv3 ITS for LPIs/MSIs (msi-controller under the GIC node)\n"
	  "                           [on where the host's KVM has one; the model has none]",
	  parse_its },
	{ "reboot", "exit|restart", "on a guest reset: exit with status 3, or boot again [exit]",
	  parse_reboot },
	{ "dtb-out", "FILE", "write the generated device tree to FILE and exit", parse_dtb_out },
	{ "console-log", "FILE", "copy the guest's console output to FILE too", parse_console_log },
	{ "disk", "FILE[,ro]", "a virtio-blk disk on FILE (repeatable, at most 8; ,ro: read-only)",
	  virtio_blk__parse_disk },
	{ "timeout", "SECONDS", "stop the VM after SECONDS of wall time (status 5)", parse_timeout },
	{ "max-insns", "N", "model: stop after N instructions in all vCPUs (status 6)",
	  parse_max_insns },
	{ "checks", "[=stop|strict]", "model: report stale TLB entries, break-before-make, "
	  "I-cache\n                           and ASID bugs; =stop: stop at the first (status 4); "
	  "=strict:\n                           keep TLB entries and old code until invalidated; "
	  "both: =strict,stop",
	  parse_checks },
	{ "symbols", "FILE.elf", "name guest PCs in check reports from FILE's symbols "
	  "(repeatable)", parse_symbols },
	{ "stats", NULL, "model: print what the guest did to the memory system at exit",
	  parse_stats },
	{ "caches", NULL, "model: attach the L1I/L1D/L2 cache model (statistics in --stats)",
	  parse_caches },
	{ "stage2", "block|page|lazy", "model: guest RAM at stage 2: 1G/2M blocks, 4K pages, or "
	  "4K pages\n                           mapped on first touch (docs/stage2.md) [block]",
	  parse_stage2 },
	{ "dirty-log", NULL, "model: write-protect RAM at stage 2 and log written pages "
	  "(monitor\n                           dirty-log, dirty-log-reset)", parse_dirty_log },
	{ "jit", "on|off", "model: translate guest code into host code (x86-64 hosts), or "
	  "interpret\n                           every instruction [on where available]", parse_jit },
	{ "monitor", "PATH", "serve the monitor on UNIX socket PATH (vmm-inspect; docs/monitor.md)",
	  parse_monitor },
	{ "paused", NULL, "with --monitor: every vCPU stopped before its first instruction\n"
	  "                           until `vmm-inspect continue`", parse_paused },
	{ "gdb", "PORT|unix:PATH", "serve gdb's remote protocol on 127.0.0.1:PORT or a UNIX "
	  "socket;\n                           the VM waits for the debugger (model and kvm; docs/gdb.md)",
	  parse_gdb },
	{ "trace", "EVENTS", "record fault,walk,tlb,tlbi,cache,exit (or all) as trace-event JSON\n"
	  "                           in --trace-file (docs/trace.md)", parse_trace },
	{ "trace-file", "FILE", "where --trace writes (Chrome/Perfetto JSON)", parse_trace_file },
	{ "switch-to-model-at", "EVENT", "kvm: hand the running VM over to the model at pc=ADDR "
	  "(a guest\n                           VA reached), exits=N (KVM exits) or monitor "
	  "(its switch-to-model;\n                           docs/handover.md)", parse_switch_at },
	{ "help", NULL, "show this help", NULL },
	{ "version", NULL, "show vmm's version", NULL },
};
#define N_OPTIONS (sizeof(run_options) / sizeof(run_options[0]))

/* "8 on model, 123 on kvm": each engine's --cpus limit, for --help. */
static const char *cpu_limits(char *buf, size_t n)
{
	static const char *const names[] = { "model", "kvm" };
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct accel_ops *a = accel__find(names[i]);

		if (a && used < n)
			used += (size_t)snprintf(buf + used, n - used, "%s%u on %s", used ? ", " : "",
						 a->max_cpus, a->name);
	}
	return buf;
}

static void usage(FILE *f)
{
	char limits[64];
	size_t i;

	fprintf(f, "usage: vmm run [options] IMAGE\n"
		"       vmm --version\n"
		"\nBoots IMAGE (Linux arm64 Image, AArch64 ELF, or raw binary loaded at RAM + 0x80000)\n"
		"on the machine of docs/memory-map.md.\n\noptions:\n");
	for (i = 0; i < N_OPTIONS; i++) {
		char left[40], help[256];

		const char *arg = run_options[i].arg;
		snprintf(left, sizeof(left), "--%s%s%s", run_options[i].name,
			 arg && arg[0] != '[' ? " " : "", arg ? arg : "");
		if (run_options[i].parse == parse_cpus)
			snprintf(help, sizeof(help), run_options[i].help, cpu_limits(limits, sizeof(limits)));
		else
			snprintf(help, sizeof(help), "%s", run_options[i].help);
		fprintf(f, "  %-24s %s\n", left, help);
	}
	fprintf(f, "\nconsole: stdin goes to the guest's PL011; Ctrl-A x stops the VM, "
		"Ctrl-A Ctrl-A sends Ctrl-A.\n"
		"exit status: the guest's (exit device, or STATUS then PSCI SYSTEM_OFF), 0..255; a\n"
		"  larger value exits as 255 (the last line gives it in full);\n"
		"  %d vmm error, %d bad command line, %d guest reset with --reboot=exit,\n"
		"  %d a report with --checks=stop, %d --timeout, %d --max-insns, 128+N signal N.\n",
		VMM_EXIT_ERROR, VMM_EXIT_USAGE, VMM_EXIT_RESET, VMM_EXIT_CHECK, VMM_EXIT_TIMEOUT,
		VMM_EXIT_INSN_LIMIT);
}

static void version(void)
{
	printf("vmm %s\n", VMM_VERSION);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "vmm: %s (see vmm run --help)\n", msg);
	return VMM_EXIT_USAGE;
}

/* Returns -1 to go on, or the status to exit with. */
static int parse_run(int argc, char **argv, struct vm_config *cfg)
{
	struct option longopts[N_OPTIONS + 1];
	char why[256];
	size_t i;
	int c;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < N_OPTIONS; i++) {
		longopts[i].name = run_options[i].name;
		longopts[i].has_arg = !run_options[i].arg ? no_argument :
				      run_options[i].arg[0] == '[' ? optional_argument : required_argument;
		longopts[i].val = 1000 + (int)i;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c >= 1000 && !strcmp(run_options[c - 1000].name, "version")) {
			version();
			return 0;
		}
		if (c == 'h' || (c >= 1000 && !run_options[c - 1000].parse)) {
			usage(stdout);
			return 0;
		}
		if (c == '?' || c == ':') {
			snprintf(why, sizeof(why), "unknown option or missing value: %s", argv[optind - 1]);
			return usage_error(why);
		}
		if (run_options[c - 1000].parse(cfg, optarg, why, sizeof(why)))
			return usage_error(why);
	}
	if (optind != argc - 1)
		return usage_error(optind == argc ? "no IMAGE given" : "more than one IMAGE given");
	if (cfg->switch_at) { /* from KVM to the model (docs/handover.md) */
		if (cfg->accel && strcmp(cfg->accel, "kvm") != 0)
			return usage_error("--switch-to-model-at needs --accel kvm: it hands a VM "
					   "running on KVM over to the model");
		if (cfg->gdb || cfg->trace)
			return usage_error("--switch-to-model-at cannot carry --gdb or --trace over "
					   "to the model (each is tied to its engine)");
		if (cfg->switch_at == VM_HANDOVER_MONITOR && !cfg->monitor)
			return usage_error("--switch-to-model-at monitor needs --monitor PATH");
		/* the model's GIC has no ITS: a run meant to switch gets none */
		if (cfg->its_req == VM_SWITCH_ON)
			return usage_error("--switch-to-model-at and --its on: the model has no ITS to "
					   "take the guest's over (docs/handover.md)");
		cfg->its_req = VM_SWITCH_OFF;
		cfg->accel = "kvm";
	}
	if (!cfg->switch_at && (cfg->checks || cfg->stats || cfg->caches || cfg->max_insns ||
				cfg->stage2 || cfg->dirty_log)) {
		/* only the model sees every guest memory access; it is then the default */
		if (cfg->accel && strcmp(cfg->accel, "model") != 0)
			return usage_error("--checks, --stats, --caches, --max-insns, --stage2 and "
					   "--dirty-log need --accel model (with kvm the guest's "
					   "instructions run on the host CPU, unseen)");
		cfg->accel = "model";
	}
	if (cfg->jit) { /* the translator is the model's */
		if (cfg->accel && strcmp(cfg->accel, "model") != 0)
			return usage_error("--jit needs --accel model (with kvm the guest's "
					   "instructions run on the host CPU)");
		cfg->accel = "model";
	}
	if (!cfg->trace != !cfg->trace_file)
		return usage_error("--trace EVENTS and --trace-file FILE go together");
	if (cfg->paused && !cfg->monitor)
		return usage_error("--paused needs --monitor PATH (from where `vmm-inspect continue` "
				   "starts the VM)");
	cfg->image_path = argv[optind];
	return -1;
}

/* --cpus against the chosen engine's limit: a bad command line (status 2). */
static int check_cpus(const struct vm_config *cfg, const struct accel_ops *a)
{
	char why[160];

	if (cfg->ncpus <= a->max_cpus)
		return 0;
	snprintf(why, sizeof(why), "--cpus %u: the %s engine runs 1 to %u vCPUs", cfg->ncpus,
		 a->name, a->max_cpus);
	return usage_error(why);
}

/* --switch-to-model-at: the model must be in this vmm and run this many vCPUs. */
static int check_switch(const struct vm_config *cfg)
{
	const struct accel_ops *model = accel__find("model");
	char why[160];

	if (!cfg->switch_at)
		return 0;
	if (!model) {
		fprintf(stderr, "vmm: error: --switch-to-model-at: the model engine is not built "
			"into this vmm\n");
		return VMM_EXIT_ERROR;
	}
	if (cfg->ncpus > model->max_cpus) {
		snprintf(why, sizeof(why), "--switch-to-model-at: the model runs 1 to %u vCPUs, not %u",
			 model->max_cpus, cfg->ncpus);
		return usage_error(why);
	}
	return 0;
}

/* The engine to run on, or NULL after printing why there is none. */
static const struct accel_ops *pick_accel(const struct vm_config *cfg)
{
	const struct accel_ops *a = accel__find(cfg->accel);
	char why[200] = "";

	if (!a && cfg->accel) {
		fprintf(stderr, "vmm: error: the %s accelerator is not built into this vmm (configured with VMM_WITH_MODEL=OFF?)\n",
			cfg->accel);
		return NULL;
	}
	if (!a) {
		accel_kvm.available(why, sizeof(why));
		fprintf(stderr, "vmm: error: no accelerator available: kvm: %s; model: not built into this vmm\n", why);
		return NULL;
	}
	if (a->available(why, sizeof(why)) < 0) {
		fprintf(stderr, "vmm: error: the %s accelerator cannot run here: %s\n", a->name, why);
		return NULL;
	}
	return a;
}

/* Whether the guest gets feature f (--pmu, --its): off when asked, else what the engine
 * and this host give (probe: ask the host; false for --dtb-out with an engine that
 * cannot run here, whose tree then shows all it offers). An explicit "on" that cannot
 * be met is an error (-1); a default left out says so in one line. */
static int decide_feature(const struct accel_ops *a, bool probe, enum accel_feature f,
			  enum vm_switch req, bool *out)
{
	const char *opt = f == ACCEL_PMU ? "pmu" : "its";
	const char *what = f == ACCEL_PMU ? "PMUv3" : "GICv3 ITS";
	char why[200] = "";
	bool have;

	*out = false;
	if (req == VM_SWITCH_OFF)
		return 0;
	if (!(a->offers & f)) {
		snprintf(why, sizeof(why), "the %s engine has no %s%s", a->name, what,
			 f == ACCEL_ITS ? " (its GIC has no ITS; docs/usage.md)" : "");
		have = false;
	} else {
		have = !probe || !a->has_feature || a->has_feature(f, why, sizeof(why)) == 0;
	}
	if (have) {
		*out = true;
		return 0;
	}
	if (req == VM_SWITCH_ON) {
		fprintf(stderr, "vmm: error: --%s on: %s\n", opt, why);
		return -1;
	}
	if (a->offers & f) /* the engine would, this host cannot: one line, and on we go */
		fprintf(stderr, "vmm: the guest gets no %s: %s\n", what, why);
	return 0;
}

static struct machine vm;
static struct console_out *err_out; /* vmm's own lines, once the VM runs */

/* report()'s sink: vmm's lines through a queue that never blocks a stop. */
static void cli_sink(enum report_level level, const char *line)
{
	static const char *const prefix[] = {
		[REPORT_INFO] = "vmm: ", [REPORT_WARN] = "vmm: warning: ",
		[REPORT_ERROR] = "vmm: error: ",
	};
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "%s%s\n", prefix[level], line);

	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1, buf[n - 1] = '\n';
	if (err_out)
		console__out_line(err_out, buf, (size_t)n, &vm);
	else
		fprintf(stderr, "%s", buf);
}

/* Stop signals are blocked in every thread and taken here, in an ordinary thread
 * (machine__stop takes locks). The --timeout deadline is kept here too. */
struct signals {
	sigset_t set;
	pthread_t thread;
	double timeout;     /* seconds, 0: none */
	atomic_bool quit;
};

static void *signal_thread(void *arg)
{
	struct signals *s = arg;
	struct timespec start, now;
	bool timed = s->timeout > 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		siginfo_t si;
		int sig;

		if (timed) {
			double left;
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = s->timeout - (double)(now.tv_sec - start.tv_sec) -
			       (double)(now.tv_nsec - start.tv_nsec) / 1e9;
			if (left <= 0) {
				machine__stop(&vm, VM_STOP_TIMEOUT, VMM_EXIT_TIMEOUT);
				timed = false;
				continue;
			}
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
			sig = sigtimedwait(&s->set, &si, &ts);
		} else {
			sig = sigwaitinfo(&s->set, &si);
		}
		if (atomic_load(&s->quit))
			return NULL;
		if (sig > 0)
			machine__stop(&vm, VM_STOP_USER, 128 + sig);
	}
}

/* Blocks SIGINT, SIGTERM and SIGHUP (not SIGHUP when it was ignored, as under nohup)
 * in this thread and so in every thread made after; a closed stdout is an error
 * from write, not SIGPIPE. */
static void block_signals(struct signals *s)
{
	struct sigaction old;

	sigemptyset(&s->set);
	sigaddset(&s->set, SIGINT);
	sigaddset(&s->set, SIGTERM);
	if (sigaction(SIGHUP, NULL, &old) < 0 || old.sa_handler != SIG_IGN)
		sigaddset(&s->set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &s->set, NULL);
	/* taken even when inherited as ignored (a background job of a script) */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
}

static int start_signals(struct signals *s, double timeout)
{
	sigset_t all, old;
	int err;

	s->timeout = timeout;
	atomic_store(&s->quit, false);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->thread, NULL, signal_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}

static void stop_signals(struct signals *s)
{
	atomic_store(&s->quit, true);
	pthread_kill(s->thread, SIGTERM); /* blocked there: ends its wait */
	pthread_join(s->thread, NULL);
}

/* The last lines: what was held back, then how the VM ended. Returns the status. */
static int finish(struct machine *m, int err)
{
	int reason = atomic_load(&m->stop_reason), status = m->exit_status;

	report__summary();
	if (m->handover_report[0]) /* docs/handover.md: where and when it switched */
		report(REPORT_INFO, "%s", m->handover_report);
	if (err && reason == VM_RUNNING) { /* an engine failed before any stop */
		report(REPORT_ERROR, "%s", m->error[0] ? m->error : strerror(-err));
		return VMM_EXIT_ERROR;
	}
	if (reason == VM_STOP_ERROR) {
		report(REPORT_ERROR, "%s", m->error);
		return VMM_EXIT_ERROR;
	}
	if (reason == VM_STOP_RESET)
		status = VMM_EXIT_RESET;
	if (status < 0 || status > 255) { /* an exit status has 8 bits: say the whole value */
		report(REPORT_INFO, "%s, status %u (exits with 255)", machine__stop_description(m),
		       (unsigned)status);
		return 255;
	}
	report(REPORT_INFO, "%s, status %d", machine__stop_description(m), status);
	return status;
}

/* --symbols: every file's function symbols in one table, for the engine's reports. */
static int load_symbols(struct machine *m, const struct vm_config *cfg)
{
	char why[300];

	if (!cfg->nsymbols)
		return 0;
	m->symbols = symtab__new();
	if (!m->symbols) {
		fprintf(stderr, "vmm: error: out of memory reading --symbols\n");
		return -1;
	}
	for (unsigned i = 0; i < cfg->nsymbols; i++) {
		if (symtab__add_elf(m->symbols, cfg->symbols[i], why, sizeof(why))) {
			fprintf(stderr, "vmm: error: %s\n", why);
			symtab__free(m->symbols);
			m->symbols = NULL;
			return -1;
		}
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct vm_config cfg = { .mem_size = DEFAULT_MEM, .ncpus = 1 };
	const struct accel_ops *accel = NULL;
	int status = parse_run(argc, argv, &cfg), err;
	struct signals sigs;
	char why[300];

	if (status >= 0)
		return status;
	if ((status = check_switch(&cfg)))
		return status;
	if (!cfg.dtb_out) { /* the engine first: its --cpus limit is a command-line matter */
		accel = pick_accel(&cfg);
		if (!accel)
			return VMM_EXIT_ERROR;
		if (check_cpus(&cfg, accel))
			return VMM_EXIT_USAGE;
		if (decide_feature(accel, true, ACCEL_PMU, cfg.pmu_req, &cfg.pmu) ||
		    decide_feature(accel, true, ACCEL_ITS, cfg.its_req, &cfg.its))
			return VMM_EXIT_ERROR;
	} else { /* --dtb-out: the tree of the engine a run would pick */
		const struct accel_ops *a = accel__find(cfg.accel);
		char why[200];

		if (a) {
			bool probe = a->available(why, sizeof(why)) == 0;

			if (decide_feature(a, probe, ACCEL_PMU, cfg.pmu_req, &cfg.pmu) ||
			    decide_feature(a, probe, ACCEL_ITS, cfg.its_req, &cfg.its))
				return VMM_EXIT_ERROR;
		}
	}
	if (machine__init(&vm, &cfg)) {
		fprintf(stderr, "vmm: error: %s\n", vm.error);
		return VMM_EXIT_ERROR;
	}
	if (cfg.dtb_out) {
		fprintf(stderr, "vmm: device tree written to %s (%zu bytes)\n", cfg.dtb_out, vm.dtb_size);
		return 0;
	}
	vm.accel = accel;
	if (load_symbols(&vm, &cfg)) {
		machine__destroy(&vm);
		return VMM_EXIT_ERROR;
	}
	/* the monitor's switch-to-model and --switch-to-model-at (docs/handover.md): from
	 * KVM, to the model when it is built in and runs this many vCPUs */
	const struct accel_ops *model = accel__find("model");
	if (accel == &accel_kvm && model && cfg.ncpus <= model->max_cpus) {
		vm.handover_to = model;
		vm.on_switch = monitor_glue__switched;
		if (cfg.its) /* the model's GIC has no ITS (nor LPIs) to take it over */
			vm.handover_refusal = -EPERM;
		else if (cfg.gdb) /* the stub's breakpoints and session are KVM's */
			vm.handover_refusal = -EBUSY;
	}
	/* before the terminal goes raw and before any thread: a signal from here on
	 * stops the VM, and the terminal is restored */
	block_signals(&sigs);
	err = console__start(&vm, STDIN_FILENO, STDOUT_FILENO, cfg.console_log, why, sizeof(why));
	if (err) {
		fprintf(stderr, "vmm: error: %s\n", why);
		machine__destroy(&vm);
		return VMM_EXIT_ERROR;
	}
	err_out = console__out(STDERR_FILENO);
	report__set_sink(cli_sink);
	if (start_signals(&sigs, cfg.timeout) < 0) {
		console__restore();
		fprintf(stderr, "vmm: error: cannot start the signal thread\n");
		return VMM_EXIT_ERROR;
	}
	if (trace__start(cfg.trace, cfg.trace_file, accel->name, why, sizeof(why)) ||
	    gdb__start(&vm, why, sizeof(why)) || monitor_glue__start(&vm, why, sizeof(why))) {
		stop_signals(&sigs);
		console__restore();
		console__drain_all();
		report(REPORT_ERROR, "%s", why);
		if (err_out)
			console__out_drain(err_out);
		machine__destroy(&vm);
		return VMM_EXIT_ERROR;
	}
	err = machine__run(&vm);
	stop_signals(&sigs);
	if (trace__finish(why, sizeof(why)))
		report(REPORT_ERROR, "%s", why);
	console__restore();
	/* Bounded waits: a reader that never comes is not waited for. The guest's
	 * output first (and what writing it reported), then the last lines. */
	console__drain_all();
	status = finish(&vm, err);
	if (err_out)
		console__out_drain(err_out);
	monitor_glue__stop(&vm, machine__stop_description(&vm), status);
	gdb__stop(&vm, status);
	machine__destroy(&vm);
	symtab__free(vm.symbols);
	return status;
}

int main(int argc, char **argv)
{
	int fd;

	/* a closed stdin, stdout or stderr would be the next file vmm opens (the
	 * wake-up eventfd, the console log) and get what is meant for the terminal */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return VMM_EXIT_ERROR;
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return run(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		version();
		return 0;
	}
	if (argc < 2)
		return usage_error("no command given");
	fprintf(stderr, "vmm: unknown command '%s' (the command is `vmm run`; see vmm --help)\n", argv[1]);
	return VMM_EXIT_USAGE;
}
