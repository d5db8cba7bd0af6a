/* Short names for what mmu/ hands back, as the protocol spells them. */
#ifndef MONITOR_DESCRIBE_H
#define MONITOR_DESCRIBE_H

#include <stdint.h>

#include "json.h"

/* "rwx" style, for EL1 (el = 1) or EL0 from MMU_PERM_* bits. */
const char *describe__perms(uint8_t perms, unsigned el, char buf[4]);
/* A MAIR_EL1 byte: "Device-nGnRnE", "Normal-WB", "Normal-iWB-oNC", ... */
const char *describe__memtype(uint8_t attr, char *buf, size_t len);
/* SH after the effective rules: "NS", "OS", "IS" (01, reserved: "NS"). */
const char *describe__sh(uint8_t sh);
/* Stage-2 MemAttr[3:0] (no FEAT_S2FWB) as a MAIR-format byte. */
uint8_t describe__s2_memattr(unsigned memattr);
/* The common fields of a translation: "el1", "el0", "attr", "mem", "sh". */
void describe__access(struct jw *out, uint8_t perms, uint8_t attr, uint8_t sh);

#endif
