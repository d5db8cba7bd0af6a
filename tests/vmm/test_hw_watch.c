/* Hardware watchpoint pieces (vmm/gdb/hw_watch.c), against values built by hand from
 * the Arm ARM, D2.10 and DBGWCR<n>_EL1: a DBGWVR/DBGWCR pair with MASK = 0 watches the
 * bytes of the doubleword at DBGWVR (bits [2:0] RES0) whose BAS bits are set; with
 * MASK = m (0b00011..0b11111; 0b00001 and 0b00010 are reserved) it watches the 2^m
 * bytes of the 2^m-aligned block at DBGWVR, and BAS must then be 0b11111111. Each
 * range must be covered exactly: no byte outside it may be watched (gdb would stop
 * on accesses it did not ask for). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "gdb/hw_watch.h"

struct want {
	uint64_t addr, len;
	int n;
	struct hw_watch_piece p[3];
};

static const struct want cases[] = {
	/* inside one doubleword: a byte mask */
	{ 0x1000, 4, 1, { { 0x1000, 0x0f, 0 } } },
	{ 0x1004, 4, 1, { { 0x1000, 0xf0, 0 } } },
	{ 0x1007, 1, 1, { { 0x1000, 0x80, 0 } } },
	{ 0x1000, 8, 1, { { 0x1000, 0xff, 0 } } },
	/* across a doubleword boundary: the bytes on each side */
	{ 0x1006, 4, 2, { { 0x1000, 0xc0, 0 }, { 0x1008, 0x03, 0 } } },
	{ 0x1004, 12, 2, { { 0x1000, 0xf0, 0 }, { 0x1008, 0xff, 0 } } },
	/* a 16-aligned 16 bytes: one block, MASK = 4 */
	{ 0x1000, 16, 1, { { 0x1000, 0xff, 4 } } },
	/* 16 bytes only 8-aligned: no 16-byte block fits, two doublewords */
	{ 0x1008, 16, 2, { { 0x1008, 0xff, 0 }, { 0x1010, 0xff, 0 } } },
	{ 0x1000, 24, 2, { { 0x1000, 0xff, 4 }, { 0x1010, 0xff, 0 } } },
	/* a page: MASK = 12; with two bytes beyond each end */
	{ 0x1000, 4096, 1, { { 0x1000, 0xff, 12 } } },
	{ 0x0ffe, 0x1004, 3, { { 0x0ff8, 0xc0, 0 }, { 0x1000, 0xff, 12 }, { 0x2000, 0x03, 0 } } },
	/* the largest block, 2 GiB (MASK = 0b11111); 4 GiB takes two */
	{ 0x80000000, 0x80000000, 1, { { 0x80000000, 0xff, 31 } } },
	{ 0x100000000, 0x100000000, 2, { { 0x100000000, 0xff, 31 }, { 0x180000000, 0xff, 31 } } },
};

static void ranges_are_covered_exactly_by_the_fewest_pieces(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct want *w = &cases[i];
		struct hw_watch_piece p[4];
		int n = hw_watch__pieces(w->addr, w->len, p, 4);

		print_message("0x%llx + %llu\n", (unsigned long long)w->addr, (unsigned long long)w->len);
		assert_int_equal(n, w->n);
		for (int k = 0; k < n; k++) {
			assert_int_equal(p[k].wvr, w->p[k].wvr);
			assert_int_equal(p[k].bas, w->p[k].bas);
			assert_int_equal(p[k].mask, w->p[k].mask);
			/* never a reserved MASK, and BAS all ones with any MASK */
			assert_true(p[k].mask == 0 || (p[k].mask >= 3 && p[k].bas == 0xff));
		}
	}
}

static void too_many_pieces_empty_and_wrapping_ranges_are_refused(void **state)
{
	struct hw_watch_piece p[2];

	(void)state;
	assert_int_equal(hw_watch__pieces(0x1006, 12, p, 2), -1); /* 2 + 8 + 2 bytes: 3 */
	assert_int_equal(hw_watch__pieces(0x1000, 0, p, 2), -2);
	assert_int_equal(hw_watch__pieces(~0ull - 3, 8, p, 2), -2);
}

/* DBGWCR: E [0], PAC [2:1] = 0b11, LSC [4:3], BAS [12:5], MASK [28:24] */
static void wcr_fields_are_where_the_arm_arm_puts_them(void **state)
{
	const struct hw_watch_piece bytes = { 0x1000, 0xf0, 0 }, page = { 0x1000, 0xff, 12 };

	(void)state;
	assert_int_equal(hw_watch__wcr(&bytes, 2), 0x1u | 0x6u | 2u << 3 | 0xf0u << 5);
	assert_int_equal(hw_watch__wcr(&page, 3), 0x1u | 0x6u | 3u << 3 | 0xffu << 5 | 12u << 24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges_are_covered_exactly_by_the_fewest_pieces),
		cmocka_unit_test(too_many_pieces_empty_and_wrapping_ranges_are_refused),
		cmocka_unit_test(wcr_fields_are_where_the_arm_arm_puts_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
