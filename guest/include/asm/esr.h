/* ESR_ELx fields and exception classes (Arm ARM D17.2.37). */
#ifndef ASM_ESR_H
#define ASM_ESR_H
#include <types.h>

#define ESR_ELx_EC_SHIFT 26
#define ESR_ELx_EC(esr) (((esr) >> ESR_ELx_EC_SHIFT) & 0x3f)
#define ESR_ELx_IL (1UL << 25)
#define ESR_ELx_ISS(esr) ((esr) & 0x1ffffff)
#define ESR_ELx_EC_UNKNOWN 0x00
#define ESR_ELx_EC_SVC64 0x15
#define ESR_ELx_EC_HVC64 0x16
#define ESR_ELx_EC_SMC64 0x17
#define ESR_ELx_EC_SYS64 0x18
#define ESR_ELx_EC_IABT_LOW 0x20
#define ESR_ELx_EC_IABT_CUR 0x21
#define ESR_ELx_EC_PC_ALIGN 0x22
#define ESR_ELx_EC_DABT_LOW 0x24
#define ESR_ELx_EC_DABT_CUR 0x25
#define ESR_ELx_EC_SP_ALIGN 0x26
#define ESR_ELx_EC_SERROR 0x2f
#define ESR_ELx_EC_BRK64 0x3c
#define ESR_ELx_WNR (1UL << 6)
#define ESR_ELx_S1PTW (1UL << 7)
#define ESR_ELx_CM (1UL << 8)
#define ESR_ELx_FSC(esr) ((esr) & 0x3f)
#define ESR_ELx_FSC_TYPE(esr) ((esr) & 0x3c)
#define ESR_ELx_FSC_LEVEL(esr) ((int)((esr) & 3))
#define ESR_ELx_FSC_TRANS 0x04
#define ESR_ELx_FSC_ACCESS 0x08
#define ESR_ELx_FSC_PERM 0x0c

const char *esr_get_class_string(u64 esr);
const char *esr_fsc_string(u64 esr);
void esr_describe(u64 esr);	/* prints a Linux-style "Mem abort info" block */
#endif
