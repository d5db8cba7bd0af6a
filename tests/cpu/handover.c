/* The model taking over another engine's state (docs/handover.md), with expectations
 * from the architecture, not from the code:
 *   - GICv3 (IHI 0069): the running priority (ICC_RPR_EL1, 12.2.18) is the highest
 *     active priority of ICC_AP1R<n>_EL1 (12.2.3); an interrupt of lower priority is
 *     not signalled while it runs (4.8 "Preemption"); the EOI of the active interrupt
 *     drops the priority and, with EOImode 0, deactivates it (4.1.1); a level-sensitive
 *     interrupt whose line is asserted reads pending in GICD_ISPENDR (12.9.20).
 *   - Generic timer (Arm ARM D11.2.4): CNTVCT = physical count - CNTVOFF; ISTATUS is
 *     set while CNTVCT >= CVAL; CNTFRQ_EL0 reads what the system gives it.
 * And what the model cannot hold is refused: an enabled Group 0 interrupt, an active
 * priority with no active interrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "engine/timer.h"
#include "gic/gicv3.h"
#include "vm_state.h"

#define SPI_A 33
#define SPI_B 34
#define PRIO_A 0xa0
#define PRIO_B 0xc0
#define GICD_ISPENDR1 0x204

static void set_bit(uint32_t *w, unsigned id) { w[id / 32] |= 1u << (id % 32); }

/* SPI_A active at PRIO_A on vCPU 0 (its group in AP1R0), SPI_B pending at PRIO_B. */
static void two_spis(struct vm_gic_state *s)
{
	memset(s, 0, sizeof(*s));
	s->ctlr = 1u << 1; /* EnableGrp1 */
	for (unsigned id = SPI_A; id <= SPI_B; id++) {
		set_bit(s->spi.group, id);
		set_bit(s->spi.enabled, id);
		s->spi.cfg[id / 16] |= 2u << (2 * (id % 16)); /* edge */
	}
	set_bit(s->spi.active, SPI_A);
	set_bit(s->spi.pending, SPI_B);
	s->spi.prio[SPI_A] = PRIO_A;
	s->spi.prio[SPI_B] = PRIO_B;
	s->cpu[0].igrpen1 = 1;
	s->cpu[0].pmr = 0xf0;
	s->cpu[0].ctlr = 4u << 8;                 /* PRIbits = 4: 5 bits, 32 groups */
	s->cpu[0].ap1r[0] = 1u << (PRIO_A >> 3);  /* group 20 active */
}

static void running_priority_comes_from_ap1r_and_eoi_drops_it(void **state)
{
	struct gicv3 *g = gicv3__new(1);
	struct vm_gic_state s;
	uint64_t v;
	char why[160] = "";

	(void)state;
	two_spis(&s);
	assert_int_equal(gicv3__load(g, &s, why, sizeof(why)), 0);
	assert_int_equal(gicv3__icc_read(g, 0, ICC_RPR, &v), 0);
	assert_int_equal(v, PRIO_A);
	assert_false(gicv3__irq_pending(g, 0)); /* 0xc0 does not preempt 0xa0 */
	assert_int_equal(gicv3__icc_write(g, 0, ICC_EOIR1, SPI_A), 0);
	assert_int_equal(gicv3__icc_read(g, 0, ICC_RPR, &v), 0);
	assert_int_equal(v, 0xff);                /* idle */
	assert_true(gicv3__irq_pending(g, 0));
	assert_int_equal(gicv3__icc_read(g, 0, ICC_IAR1, &v), 0);
	assert_int_equal(v, SPI_B);
	gicv3__free(g);
}

static void asserted_level_line_reads_pending(void **state)
{
	struct gicv3 *g = gicv3__new(1);
	struct vm_gic_state s;
	uint64_t v;
	char why[160] = "";

	(void)state;
	two_spis(&s);
	s.cpu[0].ap1r[0] = 0;
	memset(s.spi.active, 0, sizeof(s.spi.active));
	memset(s.spi.pending, 0, sizeof(s.spi.pending));
	s.spi.cfg[SPI_B / 16] &= ~(2u << (2 * (SPI_B % 16))); /* level-sensitive */
	set_bit(s.spi.level, SPI_B);
	assert_int_equal(gicv3__load(g, &s, why, sizeof(why)), 0);
	assert_int_equal(gicv3__dist_read(g, GICD_ISPENDR1, 4, &v, 0), 0);
	assert_int_equal(v, 1u << (SPI_B - 32));
	gicv3__free(g);
}

static void enabled_group0_interrupt_is_refused(void **state)
{
	struct gicv3 *g = gicv3__new(1);
	struct vm_gic_state s;
	char why[160] = "";

	(void)state;
	two_spis(&s);
	s.spi.group[SPI_B / 32] &= ~(1u << (SPI_B % 32));
	assert_int_equal(gicv3__load(g, &s, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "INTID 34"));
	assert_non_null(strstr(why, "Group 0"));
	gicv3__free(g);
}

static void active_priority_without_active_interrupt_is_refused(void **state)
{
	struct gicv3 *g = gicv3__new(1);
	struct vm_gic_state s;
	char why[160] = "";

	(void)state;
	two_spis(&s);
	memset(s.spi.active, 0, sizeof(s.spi.active));
	assert_int_equal(gicv3__load(g, &s, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "active priority 0xa0"));
	gicv3__free(g);
}

static void counters_continue_from_the_offsets(void **state)
{
	struct harness h;
	const uint64_t voff = 1000000000000ull, poff = voff + 777;

	(void)state;
	assert_int_equal(harness__init(&h, 1), 0);
	h.vm->cntfrq = 62500000;
	h.vm->cnt_voff = voff;
	h.vm->cnt_poff = poff;
	assert_int_equal(timer__read(h.c, CNTFRQ), 62500000);
	assert_int_equal(timer__read(h.c, CNTVCT), voff + timer__now(h.c));
	assert_int_equal(timer__read(h.c, CNTPCT), poff + timer__now(h.c));
	/* CVAL 500 ticks ahead: not fired, its deadline 500 instructions of virtual time on */
	h.c->sr.cntv_ctl = 1;
	h.c->sr.cntv_cval = voff + timer__now(h.c) + 500;
	assert_int_equal(timer__read(h.c, CNTV_CTL), 1);
	assert_int_equal(timer__deadline(h.c), timer__now(h.c) + 500);
	/* CVAL behind the counter: ISTATUS, and due at once */
	h.c->sr.cntv_cval = voff - 1;
	assert_int_equal(timer__read(h.c, CNTV_CTL), 1 | 4);
	assert_int_equal(timer__deadline(h.c), 0);
	harness__free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(running_priority_comes_from_ap1r_and_eoi_drops_it),
		cmocka_unit_test(asserted_level_line_reads_pending),
		cmocka_unit_test(enabled_group0_interrupt_is_refused),
		cmocka_unit_test(active_priority_without_active_interrupt_is_refused),
		cmocka_unit_test(counters_continue_from_the_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
