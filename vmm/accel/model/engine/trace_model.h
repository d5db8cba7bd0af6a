/* The model engine's side of `vmm run --trace` (vmm/trace/trace.h): aborts as they are
 * taken, and counters sampled by the scheduler after a vCPU's quantum. */
#ifndef MODEL_TRACE_MODEL_H
#define MODEL_TRACE_MODEL_H

#include <stdint.h>

struct model;
struct cpu;

/* After c ran a quantum (sched.c, only while tracing). */
void trace_model__sample(struct model *md, struct cpu *c);
/* c takes a synchronous exception (model_env.fault): aborts become `fault` events. */
void trace_model__fault(struct cpu *c, uint32_t esr, uint64_t far, uint64_t ret);

#endif
