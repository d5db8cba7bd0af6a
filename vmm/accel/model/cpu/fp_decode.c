/* The SIMD&FP data-processing space (Arm ARM C4.1.95, op0 = x111), by its op0 in bits
 * 31:28: x0x1 scalar floating point (fp_scalar.c); 01x1 Advanced SIMD scalar and 0xx0
 * Advanced SIMD vector: integer (simd_int.c), floating point (simd_fp.c), permutes,
 * copies, table lookups, extract (simd_perm.c). What none of them decodes (FEAT_FP16
 * arithmetic, the cryptographic extensions, dot product, RDM, complex numbers...) is
 * UNDEFINED. */
#include "cpu/fp.h"

bool decode__fp(uint32_t i, struct dent *d)
{
	if (BIT(i, 28)) {
		if (!BIT(i, 30))
			return decode__fp_scalar(i, d);
		if (BIT(i, 31))
			return false;
	} else if (BIT(i, 31)) {
		return false; /* cryptographic (SHA512, SM3, SM4, XAR, ...) */
	}
	return decode__simd_perm(i, d) || decode__simd_int(i, d) || decode__simd_fp(i, d);
}
