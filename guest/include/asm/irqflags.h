/* PSTATE.DAIF.I: masking IRQs on this CPU (Linux: arch/arm64/include/asm/irqflags.h). */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H
#include <types.h>
#include <asm/sysreg.h>

#define PSR_I_BIT (1UL << 7)
static inline void local_irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline u64 local_irq_save(void)
{
	u64 f = read_sysreg(daif);
	local_irq_disable();
	return f;
}
static inline void local_irq_restore(u64 f) { write_sysreg(f, daif); }
static inline bool irqs_disabled(void) { return read_sysreg(daif) & PSR_I_BIT; }
#endif
