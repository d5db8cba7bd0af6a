/* `vmm run --stats`: the model's statistics when the VM stops, as lines of text for
 * whoever prints (the CLI, through engine/model.c). */
#ifndef MODEL_STATS_H
#define MODEL_STATS_H

struct model_vm;

/* Receives one line of text (no newline). */
typedef void stats_line_fn(void *arg, const char *line);

/* Per vCPU (when more than one) and in total: instructions, exceptions by class,
 * aborts by fault kind, micro-TLB and TLB figures, walks and descriptor reads, TLBI
 * issued and received, cache maintenance, MMIO, caches (--caches), decode cache,
 * check reports (--checks). */
void stats__print(struct model_vm *vm, stats_line_fn *emit, void *arg);

/* Where each vCPU is (PC, running or waiting, IRQ mask), its timers against their
 * counters and the GIC state of its IRQ line: engine/where.c. */
void where__print(struct model_vm *vm, stats_line_fn *emit, void *arg);

#endif
