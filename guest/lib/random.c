/* A small deterministic PRNG (xorshift64*) for the stress tests; seed from ktest_seed=. */
#include <types.h>
#include <random.h>

static u64 state = 0x9e3779b97f4a7c15UL;

void prandom_seed(u64 seed)
{
	state = seed ? seed : 0x9e3779b97f4a7c15UL;
}

u64 prandom_u64_state(u64 *s)
{
	u64 x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dUL;
}

u64 prandom_u64(void)
{
	return prandom_u64_state(&state);
}

u32 prandom_below(u32 n)
{
	return n ? (u32)(prandom_u64() % n) : 0;
}
