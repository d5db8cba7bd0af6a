/* System register access and barriers. */
#ifndef ASM_SYSREG_H
#define ASM_SYSREG_H
#include <types.h>

#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")
#define cpu_relax() __asm__ volatile("yield" ::: "memory")

/* SCTLR_EL1 */
#define SCTLR_EL1_M (1UL << 0)
#define SCTLR_EL1_C (1UL << 2)
#define SCTLR_EL1_SA (1UL << 3)
#define SCTLR_EL1_I (1UL << 12)
#define SCTLR_EL1_WXN (1UL << 19)
#define SCTLR_EL1_RES1 0x30d00800UL /* EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE */

static inline unsigned int smp_processor_id(void)
{
	return (unsigned int)read_sysreg(tpidr_el1);
}

static inline u64 local_daif_save(void)
{
	u64 f = read_sysreg(daif);
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	return f;
}
static inline void local_daif_restore(u64 f) { write_sysreg(f, daif); }
#endif
