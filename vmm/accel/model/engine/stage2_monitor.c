/* See stage2_monitor.h. */
#include <errno.h>

#include "monitor.h"

#include "engine/model.h"
#include "engine/stage2_monitor.h"
#include "machine.h"
#include "report.h"
#include "engine/vm.h"
#include "mem/stage2.h"
#include "mem/xlat.h"

static const char *const kind_names[S2EV_KINDS] = {
	[S2EV_NONE] = "spurious", [S2EV_FIRST_TOUCH] = "first-touch", [S2EV_SPLIT] = "split",
	[S2EV_DIRTY] = "dirty", [S2EV_MMIO] = "mmio",
};

REPORT_LIMIT(nisv, "MMIO accesses with no valid syndrome (ISV = 0)", REPORT_BURST);

/* The encoding of the instruction at c->pc (the one whose access faulted), from the
 * fetch TLB's decoded page; false when it is not there (it always is after a fetch
 * through the fast path; with --checks or --caches fetches may bypass it). */
static bool current_insn(const struct cpu *c, uint32_t *insn)
{
	const struct itlb_ent *e = &c->itlb[(c->pc >> 12) % ITLB_SIZE];
	if (e->tag != ((c->pc & ~0xfffull) | c->mmu_idx) || e->gen != c->utlb_gen || !e->page ||
	    !e->page->valid)
		return false;
	*insn = e->page->e[(c->pc >> 2) & 1023].insn;
	return true;
}

/* The instruction-specific syndrome hardware gives a hypervisor for a data abort
 * (Arm ARM, ISS encoding for a Data Abort: ISV, SAS, SSE, SRT, SF, AR): valid only for
 * a load or store of one general-purpose register without writeback: LDR/STR
 * (unsigned offset, unscaled, register offset), LDTR/STTR, LDAR/STLR and their
 * LORegion forms. Pairs, writeback, SIMD&FP registers, exclusives and atomics: ISV 0. */
uint32_t model_stage2__iss(uint32_t insn)
{
	unsigned size = insn >> 30, opc = (insn >> 22) & 3, rt = insn & 31;
	bool ldst = false, ar = false, load;
	if ((insn & 0x3b000000) == 0x39000000 ||           /* unsigned offset */
	    (insn & 0x3b200c00) == 0x38000000 ||           /* LDUR/STUR */
	    (insn & 0x3b200c00) == 0x38000800 ||           /* LDTR/STTR */
	    (insn & 0x3b200c00) == 0x38200800) {           /* register offset */
		ldst = !(size == 3 && opc >= 2);            /* not PRFM, nor unallocated */
		load = opc != 0;
	} else if ((insn & 0x3fa00000) == 0x08800000) {    /* LDAR/STLR, LDLAR/STLLR (not CAS) */
		ldst = ar = true;
		load = (insn >> 22) & 1;
		opc = load;
	}
	if (!ldst)
		return 0;
	bool sse = load && opc >= 2 && size < 3, sf = size == 3 || (sse && opc == 2);
	return (1u << 24) | (size << 22) | (sse ? 1u << 21 : 0) | (rt << 16) | (sf ? 1u << 15 : 0) |
	       (ar ? 1u << 14 : 0);
}

/* The ESR_EL2 a hypervisor would see: a data abort from the guest, IL 1, WnR, the
 * fault status code (translation or permission, level 3 for pages; what the walk
 * reported is not kept: level 3 is given for all), and for MMIO the instruction's
 * syndrome (ISV...). An MMIO access with ISV 0 is one KVM could not emulate (it stops
 * the VM, or gives the fault to the VMM with KVM_CAP_ARM_NISV_TO_USER): the model
 * does it, and reports it (a rate-limited warning) with --stage2 or --dirty-log. */
void model_stage2__event(void *opaque, struct cpu *c, unsigned kind, uint64_t va,
			 uint64_t ipa, bool write)
{
	const struct model *md = opaque;
	uint32_t insn = 0, iss = 0;
	/* only when asked for (--stage2, --dirty-log): MMIO alone would otherwise fill
	 * the `faults` history that shows the guest's own aborts */
	if (kind >= S2EV_KINDS || (!md->m->cfg.stage2 && !md->m->cfg.dirty_log))
		return;
	if (kind == S2EV_MMIO) {
		bool known = current_insn(c, &insn);
		iss = known ? model_stage2__iss(insn) : 0;
		if (known && !iss)
			report_limited(&nisv, REPORT_WARN, "vCPU %u: %s at IPA 0x%llx (PC 0x%llx, "
				       "instruction 0x%08x) has no valid syndrome (ISV = 0): emulated, "
				       "as KVM could not", c->index, write ? "MMIO write" : "MMIO read",
				       (unsigned long long)ipa, (unsigned long long)c->pc, insn);
	}
	if (!monitor__wants_faults())
		return;
	bool perm = kind == S2EV_SPLIT || kind == S2EV_DIRTY;
	uint64_t esr = (0x24ull << 26) | (1ull << 25) | iss | (write ? 1u << 6 : 0) |
		       (perm ? 0x0fu : 0x07u);
	struct monitor_fault f = {
		.cpu = c->index, .pc = c->pc, .el = c->el, .esr = esr, .far = va,
		.ipa = ipa, .ipa_valid = true, .insns = c->icount, .stage2 = kind_names[kind],
	};
	monitor__post_fault(&f);
}

int model_stage2__dirty_log(struct model_vm *vm, bool reset,
			    void (*put)(void *arg, uint64_t ipa, uint64_t pages), void *arg)
{
	const struct stage2 *s = xlat__stage2(vm);
	uint64_t npages = s->ram_size >> 12, start = 0, run = 0;

	if (!s->dirty_log)
		return -ENODATA;
	for (uint64_t n = 0; n <= npages; n++) {
		bool d = n < npages && (s->dirty[n / 64] & (1ull << (n % 64)));
		if (d && !run++)
			start = n;
		if (!d && run) {
			put(arg, s->ram_base + (start << 12), run);
			run = 0;
		}
	}
	if (reset)
		xlat__dirty_reset(vm);
	return 0;
}
