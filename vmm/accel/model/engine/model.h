/* The model accelerator's private state, shared by model.c, sched.c and psci.c. */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include <stdatomic.h>
#include <sys/resource.h>

#include "engine/vm.h"

struct machine;

#define SCHED_MARKS 8

struct model {
	struct machine *m;
	struct model_vm *vm;
	struct gicv3 *gic;
	/* model_kick(): the flag says "look again", the eventfd wakes an idle scheduler
	 * (sched.c polls it with machine->wake_fd). No lock: a kick may come from the
	 * scheduler's own thread, inside a device access. */
	atomic_int kicked;
	int kick_fd;
	uint64_t retired;          /* instructions retired by all vCPUs (--max-insns) */
	uint64_t wfe_since[MODEL_MAX_CPUS]; /* retired when each vCPU began to wait (sched.c) */
	/* every vCPU waits: the timer deadline slept for, and when (CLOCK_MONOTONIC ns)
	 * the host's clock reaches it (sched.c) */
	uint64_t idle_dl, idle_until;
	/* host time (CLOCK_MONOTONIC ns) around the quanta, for the report at the stop
	 * (--stats): the run's start, the end of the last quantum, the longest quantum
	 * and the instruction count it ended at, and the longest wait between two */
	uint64_t t_start, t_last, q_max_ns, q_max_at, gap_max_ns, gap_max_at;
	/* instructions retired by 1, 2, 4 ... 128 s of host time: a run slow from the
	 * start is told from one that slowed down at some point */
	uint64_t by_2pow_s[SCHED_MARKS];
	unsigned marks;
	uint64_t quanta;           /* vCPU quanta run (cpu__run calls) */
	struct rusage ru_start;    /* the scheduler thread's at the start */
	char semihost_line[160];   /* the guest's semihosting output, reported by lines */
	size_t semihost_len;
};

int sched__run(struct model *md);
/* One line for --stats: host time of the run, of its longest quantum and wait. */
void sched__describe(struct model *md, char *buf, size_t n);
int psci__call(struct model *md, struct cpu *c);
#define SEMIHOST_HLT_IMM 0xf000 /* HLT #0xF000: an A64 semihosting call */
int semihost__call(struct model *md, struct cpu *c);
/* Report what the guest wrote by semihosting since its last newline. */
void semihost__flush(struct model *md);
void model__start_cpu(struct model *md, struct cpu *c, uint64_t entry, uint64_t x0);
/* model_env.undef: one report per UNDEFINED encoding (engine/undef.c) */
void model__undef_report(void *opaque, struct cpu *c, uint64_t pc, uint32_t insn);

#endif
