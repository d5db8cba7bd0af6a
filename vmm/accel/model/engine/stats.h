/* `vmm run --stats`: the model's statistics, printed when the VM stops (stats.c). */
#ifndef MODEL_STATS_H
#define MODEL_STATS_H

#include <stdio.h>

struct model_vm;

/* Per vCPU (when more than one) and in total: instructions, exceptions by class,
 * aborts by fault kind, micro-TLB and TLB figures, walks and descriptor reads, TLBI
 * issued and received, cache maintenance, MMIO, caches (--caches), decode cache,
 * check reports (--checks). */
void stats__print(struct model_vm *vm, FILE *f);

#endif
