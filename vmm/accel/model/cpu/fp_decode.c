/* The SIMD&FP data-processing space (Arm ARM C4.1.95, op0 = x111): scalar floating
 * point (fp_scalar.c), Advanced SIMD integer (simd_int.c), floating point (simd_fp.c),
 * permutes, copies, table lookups (simd_perm.c). What none of them decodes (FEAT_FP16
 * arithmetic, the cryptographic extensions, dot product, complex numbers...) is
 * UNDEFINED. */
#include "cpu/fp.h"

bool decode__fp(uint32_t i, struct dent *d)
{
	(void)i, (void)d;
	return false;
}
