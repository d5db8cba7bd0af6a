/* PSCI 0.2+ calls over SMCCC (arch/psci.c); the conduit comes from /psci "method". */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H
#include <types.h>
#define PSCI_0_2_FN_PSCI_VERSION 0x84000000
#define PSCI_0_2_FN_CPU_OFF 0x84000002
#define PSCI_0_2_FN64_CPU_ON 0xc4000003
#define PSCI_0_2_FN64_AFFINITY_INFO 0xc4000004
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009
#define PSCI_1_0_FN_PSCI_FEATURES 0x8400000a
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_ALREADY_ON (-4)

s64 psci__call(u32 fn, u64 a1, u64 a2, u64 a3);
u32 psci__version(void);
int psci__cpu_on(u64 mpidr, phys_addr_t entry, u64 context);
void psci__system_off(void) __attribute__((noreturn));
#endif
