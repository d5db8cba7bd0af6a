#ifndef GUEST_RANDOM_H
#define GUEST_RANDOM_H
#include <types.h>
void prandom_seed(u64 seed);
u64 prandom_u64(void);
u64 prandom_u64_state(u64 *state);	/* for per-CPU streams */
u32 prandom_below(u32 n);
#endif
