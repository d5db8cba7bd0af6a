/* See stage2_monitor.h. */
#include <errno.h>

#include "monitor.h"

#include "engine/model.h"
#include "engine/stage2_monitor.h"
#include "machine.h"
#include "engine/vm.h"
#include "mem/stage2.h"
#include "mem/xlat.h"

static const char *const kind_names[S2EV_KINDS] = {
	[S2EV_NONE] = "spurious", [S2EV_FIRST_TOUCH] = "first-touch", [S2EV_SPLIT] = "split",
	[S2EV_DIRTY] = "dirty", [S2EV_MMIO] = "mmio",
};

/* The ESR_EL2 a hypervisor would see: a data or instruction abort from the guest,
 * IL 1, WnR, and the fault status code (translation or permission, level 3 for pages;
 * what the walk reported is not kept: level 3 is given for all). */
void model_stage2__event(void *opaque, struct cpu *c, unsigned kind, uint64_t va,
			 uint64_t ipa, bool write)
{
	const struct model *md = opaque;
	/* only when asked for (--stage2, --dirty-log): MMIO alone would otherwise fill
	 * the `faults` history that shows the guest's own aborts */
	if (!monitor__wants_faults() || kind >= S2EV_KINDS ||
	    (!md->m->cfg.stage2 && !md->m->cfg.dirty_log))
		return;
	bool perm = kind == S2EV_SPLIT || kind == S2EV_DIRTY;
	uint64_t esr = (0x24ull << 26) | (1ull << 25) | (write ? 1u << 6 : 0) |
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
