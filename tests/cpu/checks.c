/* The model reports its stores and fetches to the mmu/ sanitizer checks
 * (vmm run --checks): code written and executed without IC maintenance is reported
 * as a stale instruction fetch; with DC CVAU + IC IVAU in between it is not
 * (Arm ARM B2.4.4 "Concurrent modification and execution of instructions"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "mmu/check.h"
#include "xlat.h"

#define CODE (H_CODE + 0x20000)
#define PATCH (H_CODE + 0x30000) /* another page: written, then executed */

static struct harness h;
static void put32(uint64_t pa, uint32_t v) { memcpy(h.ram + (pa - H_RAM_BASE), &v, 4); }

static int setup(void **state)
{
	(void)state;
	static const struct model_opts opts = { .checks = MODEL_CHECKS_REPORT };
	return harness__init_opts(&h, 1, &opts);
}

static int teardown(void **state)
{
	(void)state;
	harness__free(&h);
	return 0;
}

/* STR W1, [X2]; (maintenance); BLR X2; HLT -- PATCH receives W1 = RET */
static void run_patch(bool maintain)
{
	uint32_t code[] = {
		0xb9000041u,             /* STR W1, [X2] */
		0xd50b7b22u,             /* DC CVAU, X2 */
		0xd5033b9fu,             /* DSB ISH */
		0xd50b7522u,             /* IC IVAU, X2 */
		0xd5033b9fu,             /* DSB ISH */
		0xd5033fdfu,             /* ISB */
		0xd63f0040u,             /* BLR X2 */
		0xd4400000u,             /* HLT #0 */
	};
	if (!maintain)
		for (unsigned k = 1; k <= 5; k++)
			code[k] = 0xd503201fu; /* NOP */
	for (unsigned k = 0; k < 8; k++)
		put32(CODE + 4 * k, code[k]);
	h.c->x[1] = 0xd65f03c0u; /* RET */
	h.c->x[2] = PATCH;
	assert_int_equal(harness__run(&h, CODE, 100), 0);
}

static void executing_written_code_without_ic_maintenance_is_reported(void **state)
{
	(void)state;
	run_patch(false);
	assert_int_equal(xlat__check_count(h.vm, MMU_CHECK_ICACHE), 1);
}

static void dc_cvau_ic_ivau_before_executing_is_not_reported(void **state)
{
	(void)state;
	run_patch(true);
	assert_int_equal(xlat__check_count(h.vm, MMU_CHECK_ICACHE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(executing_written_code_without_ic_maintenance_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(dc_cvau_ic_ivau_before_executing_is_not_reported, setup, teardown),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
