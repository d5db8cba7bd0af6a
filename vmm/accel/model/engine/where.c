/* `vmm run --stats`, last lines: where each vCPU is when the VM stops, and what would
 * wake it. After a run stopped from outside (a signal, --timeout) on a guest that
 * seemed stuck, this says whether a vCPU was running or waiting (WFI/WFE), with its
 * IRQ mask, its timers against their counters, the next timer event in virtual time,
 * and the GIC state that decides its IRQ line (docs/model.md, "Statistics"). */
#include <stdio.h>

#include "cpu/cpu.h"
#include "engine/stats.h"
#include "engine/timer.h"
#include "engine/vm.h"
#include "gic/gicv3.h"
#include <platform/memmap.h>

/* "CTL 0x1 CVAL 0x..: reached 12 ticks ago" or "... in 12 ticks", or "off" */
static void one_timer(char *b, size_t n, const char *name, uint64_t ctl, uint64_t cval,
		      uint64_t count)
{
	if (!(ctl & 1)) {
		snprintf(b, n, "%s off (CTL 0x%llx)", name, (unsigned long long)ctl);
		return;
	}
	snprintf(b, n, "%s CTL 0x%llx%s, CVAL 0x%llx, counter 0x%llx: %s %llu ticks%s", name,
		 (unsigned long long)ctl, ctl & 2 ? " (masked)" : "", (unsigned long long)cval,
		 (unsigned long long)count, count >= cval ? "reached" : "in",
		 (unsigned long long)(count >= cval ? count - cval : cval - count),
		 count >= cval ? " ago" : "");
}

void where__print(struct model_vm *vm, stats_line_fn *emit, void *arg)
{
	char line[600], sym[128], vt[200], pt[200];
	for (unsigned k = 0; k < vm->ncpus; k++) {
		struct cpu *c = vm->cpu[k];
		if (!c->on) {
			snprintf(line, sizeof(line), "  vCPU %u at the stop: off", k);
			emit(arg, line);
			continue;
		}
		if (!vm->env->symbolize ||
		    vm->env->symbolize(vm->env_opaque, c->pc, sym, sizeof(sym)) < 0)
			sym[0] = 0;
		snprintf(line, sizeof(line), "  vCPU %u at the stop: PC 0x%llx%s%s%s, EL%u, IRQs %s, %s",
			 k, (unsigned long long)c->pc, sym[0] ? " (" : "", sym, sym[0] ? ")" : "",
			 c->el, c->daif & DAIF_I ? "masked" : "unmasked",
			 !c->waiting ? "running" : c->wfe ? "waiting in WFE" : "waiting in WFI");
		emit(arg, line);
		one_timer(vt, sizeof(vt), "virtual", c->sr.cntv_ctl, c->sr.cntv_cval,
			  timer__read(c, CNTVCT));
		one_timer(pt, sizeof(pt), "physical", c->sr.cntp_ctl, c->sr.cntp_cval,
			  timer__read(c, CNTPCT));
		uint64_t dl = timer__deadline(c);
		char when[40] = "none";
		if (dl != UINT64_MAX)
			snprintf(when, sizeof(when), "at %llu", (unsigned long long)dl);
		snprintf(line, sizeof(line), "    timers: %s; %s; virtual time %llu, next timer "
			 "event %s", vt, pt, (unsigned long long)vm->vtime, when);
		emit(arg, line);
		if (vm->gic) {
			char g[400];
			gicv3__describe(vm->gic, k, PPI_VIRT_TIMER, g, sizeof(g));
			snprintf(line, sizeof(line), "    %s", g);
			emit(arg, line);
		}
	}
}
