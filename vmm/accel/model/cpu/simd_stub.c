#include "cpu/fp.h"
bool decode__simd_int(uint32_t i, struct dent *d) { (void)i, (void)d; return false; }
bool decode__simd_fp(uint32_t i, struct dent *d) { (void)i, (void)d; return false; }
bool decode__simd_perm(uint32_t i, struct dent *d) { (void)i, (void)d; return false; }
