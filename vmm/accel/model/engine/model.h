/* The model accelerator's private state, shared by model.c, sched.c and psci.c. */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include <pthread.h>
#include <stdatomic.h>

#include "engine/vm.h"

struct machine;

struct model {
	struct machine *m;
	struct model_vm *vm;
	struct gicv3 *gic;
	pthread_mutex_t lock;      /* for the idle wait */
	pthread_cond_t wake;
	atomic_int kicked;
	char semihost_line[160];   /* the guest's semihosting output, reported by lines */
	size_t semihost_len;
};

int sched__run(struct model *md);
int psci__call(struct model *md, struct cpu *c);
#define SEMIHOST_HLT_IMM 0xf000 /* HLT #0xF000: an A64 semihosting call */
int semihost__call(struct model *md, struct cpu *c);
/* Report what the guest wrote by semihosting since its last newline. */
void semihost__flush(struct model *md);
void model__start_cpu(struct model *md, struct cpu *c, uint64_t entry, uint64_t x0);

#endif
