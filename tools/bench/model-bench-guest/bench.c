/* The benchmark kernels (selected with -DMODE): "loop" runs ITERS iterations of a
 * 4-instruction integer loop; "store" maps 256 MiB with 4 KiB pages and stores one
 * word per page, ITERS passes (each store a TLB miss in any realistic TLB). */
#include <stdint.h>

uint64_t int_loop(uint64_t n);

#define RAM 0x40000000ull
#define TABLES 0x40400000ull   /* L1, L2, then 128 L3 tables */
#define DATA 0x50000000ull     /* 256 MiB, 4 KiB pages */
#define DATA_SIZE (256ull << 20)

static inline void put(uint64_t pa, uint64_t v) { *(volatile uint64_t *)pa = v; }

static void map_and_enable(void)
{
	uint64_t l1 = TABLES, l2 = TABLES + 0x1000, l3 = TABLES + 0x2000;
	for (uint64_t k = 0; k < 512; k++)
		put(l2 + 8 * k, 0);
	put(l1 + 8 * 1, l2 | 3);                                  /* 1 GiB at RAM */
	for (uint64_t k = 0; k < 128; k++)                        /* 256 MiB at 1 GiB + 0 */
		put(l2 + 8 * k, (RAM + (k << 21)) | (1 << 10) | (3 << 8) | 1); /* 2 MiB blocks */
	for (uint64_t t = 0; t < 128; t++) {                      /* DATA: 4 KiB pages */
		uint64_t tab = l3 + (t << 12);
		for (uint64_t k = 0; k < 512; k++)
			put(tab + 8 * k, (DATA + (t << 21) + (k << 12)) | (1 << 10) | (3 << 8) | 3);
		put(l2 + 8 * (((DATA - RAM) >> 21) + t), tab | 3);
	}
	uint64_t tcr = 25 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (2ull << 32);
	__asm__ volatile("msr mair_el1, %0\n msr tcr_el1, %1\n msr ttbr0_el1, %2\n isb\n"
			 "tlbi vmalle1\n dsb ish\n isb" :: "r"(0xffull), "r"(tcr), "r"(l1));
	uint64_t sctlr;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= 1 | (1 << 2) | (1 << 12);
	__asm__ volatile("msr sctlr_el1, %0\n isb" :: "r"(sctlr));
}

volatile uint64_t sink;

void bench_main(void)
{
#if MODE == 1
	sink = int_loop(ITERS);
#else
	map_and_enable();
	for (uint64_t r = 0; r < ITERS; r++)
		for (uint64_t p = DATA; p < DATA + DATA_SIZE; p += 4096)
			*(volatile uint64_t *)p = r;
#endif
}
