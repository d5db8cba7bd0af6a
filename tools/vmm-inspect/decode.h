/* System-register fields in words (Arm ARM register descriptions: SCTLR_EL1,
 * TCR_EL1, ESR_EL1 and its ISS encodings, SPSR_EL1, MAIR_EL1, PAR_EL1). Each
 * function writes one line fragment into buf and returns buf. */
#ifndef INSPECT_DECODE_H
#define INSPECT_DECODE_H

#include <stddef.h>
#include <stdint.h>

const char *decode__sctlr(uint64_t v, char *buf, size_t len);
const char *decode__tcr(uint64_t v, char *buf, size_t len);
const char *decode__esr(uint64_t v, char *buf, size_t len);
/* PSTATE in SPSR layout, or SPSR_EL1 itself. */
const char *decode__spsr(uint64_t v, char *buf, size_t len);
const char *decode__mair(uint64_t v, char *buf, size_t len);
const char *decode__ttbr(uint64_t v, char *buf, size_t len);
const char *decode__par(uint64_t v, char *buf, size_t len);
/* The exception class alone ("data abort from the same EL"). */
const char *decode__ec_name(unsigned ec);
/* A DFSC/IFSC ("translation fault, level 3"). */
const char *decode__fsc(unsigned fsc, char *buf, size_t len);
/* A MAIR byte ("Normal-WB", "Device-nGnRE"). */
const char *decode__memtype(uint8_t attr, char *buf, size_t len);

#endif
