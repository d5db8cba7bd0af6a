/* regs and status: a register dump with the system registers decoded. */
#include "decode.h"
#include "print.h"

void print__status(FILE *f, const struct json *r)
{
	fprintf(f, "vmm %s, engine %s, %llu vCPU%s, %s%s\n", js(r, "version"), js(r, "engine"),
		(unsigned long long)ju(r, "cpus"), ju(r, "cpus") == 1 ? "" : "s",
		jb(r, "paused") ? "paused" : "running",
		jb(r, "model") ? " (tlb, cache and stats available)" : "");
}

static void sysreg(FILE *f, const struct json *sys, const char *name, const char *label,
		   const char *(*dec)(uint64_t, char *, size_t))
{
	uint64_t v = ju(sys, name);
	char buf[512];

	fprintf(f, "%-15s 0x%016llx", label, (unsigned long long)v);
	if (dec)
		fprintf(f, "  %s", dec(v, buf, sizeof(buf)));
	fputc('\n', f);
}

void print__regs(FILE *f, const struct json *r)
{
	const struct json *x = json__get(r, "x"), *sys = json__get(r, "sys");
	char buf[256];
	int i = 0;

	fprintf(f, "vCPU %llu  PC 0x%016llx  %s\n", (unsigned long long)ju(r, "cpu"),
		(unsigned long long)ju(r, "pc"), decode__spsr(ju(r, "pstate"), buf, sizeof(buf)));
	for (const struct json *k = x ? x->u.kids.first : NULL; k; k = k->next, i++) {
		uint64_t v = 0;

		json__u64(k, &v);
		fprintf(f, "%sx%-2d %016llx", i % 4 ? "  " : "", i, (unsigned long long)v);
		if (i % 4 == 3 || !k->next)
			fputc('\n', f);
	}
	fprintf(f, "SP_EL0 %016llx  SP_EL1 %016llx  PSTATE %#llx\n",
		(unsigned long long)ju(r, "sp_el0"), (unsigned long long)ju(r, "sp_el1"),
		(unsigned long long)ju(r, "pstate"));
	sysreg(f, sys, "sctlr_el1", "SCTLR_EL1", decode__sctlr);
	sysreg(f, sys, "tcr_el1", "TCR_EL1", decode__tcr);
	sysreg(f, sys, "ttbr0_el1", "TTBR0_EL1", decode__ttbr);
	sysreg(f, sys, "ttbr1_el1", "TTBR1_EL1", decode__ttbr);
	sysreg(f, sys, "mair_el1", "MAIR_EL1", decode__mair);
	sysreg(f, sys, "esr_el1", "ESR_EL1", decode__esr);
	sysreg(f, sys, "far_el1", "FAR_EL1", NULL);
	sysreg(f, sys, "elr_el1", "ELR_EL1", NULL);
	sysreg(f, sys, "spsr_el1", "SPSR_EL1", decode__spsr);
	sysreg(f, sys, "vbar_el1", "VBAR_EL1", NULL);
	sysreg(f, sys, "par_el1", "PAR_EL1", decode__par);
	sysreg(f, sys, "contextidr_el1", "CONTEXTIDR_EL1", NULL);
	if (ju(sys, "hcr_el2") & 1) { /* the stage 2 the engine applies */
		sysreg(f, sys, "hcr_el2", "HCR_EL2", NULL);
		sysreg(f, sys, "vtcr_el2", "VTCR_EL2", NULL);
		sysreg(f, sys, "vttbr_el2", "VTTBR_EL2", NULL);
	}
	fprintf(f, "PA size        %llu bits\n", (unsigned long long)ju(r, "pa_bits"));
}
