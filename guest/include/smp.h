#ifndef GUEST_SMP_H
#define GUEST_SMP_H
#include <types.h>
#include <asm/sysreg.h>
extern unsigned int nr_cpus_online;
void smp_init(void);
/* Run fn(arg) on CPU cpu (not the caller's) and return at once; smp_wait() joins. */
int smp_call_on(unsigned int cpu, void (*fn)(void *), void *arg);
void smp_wait(unsigned int cpu);
bool cpu_is_online(unsigned int cpu);
#endif
