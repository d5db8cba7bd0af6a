/* The MMIO bus, the exit device and the PL011, driven as an accelerator would drive
 * them, with a fake accelerator that records interrupt lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "accel.h"
#include "dev/exit.h"
#include "dev/pl011.h"
#include "machine.h"
#include "report.h"
#include <platform/memmap.h>

static int irq_level[64], kicks;

static void fake_set_irq(struct machine *m, unsigned intid, int level)
{
	(void)m;
	irq_level[intid] = level;
}

static void fake_kick(struct machine *m)
{
	(void)m;
	kicks++;
}

/* An ITS that records the last MSI and answers msi_answer (1 an LPI, 0 dropped, -errno) */
static uint32_t msi_devid, msi_data;
static int msi_count, msi_answer;

static int fake_signal_msi(struct machine *m, uint32_t devid, uint32_t data)
{
	(void)m;
	msi_devid = devid, msi_data = data;
	msi_count++;
	return msi_answer;
}

static const struct accel_ops fake = { .name = "fake", .set_irq = fake_set_irq, .kick = fake_kick,
				       .signal_msi = fake_signal_msi };
static struct machine m;

static int setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	memset(irq_level, 0, sizeof(irq_level));
	kicks = 0;
	m.accel = &fake;
	m.accel_data = &m; /* an engine is there: MSIs reach it */
	m.wake_fd = -1;
	msi_count = 0;
	return 0;
}

/* The device-table entry called name, created and put on the bus as the machine
 * does it. */
static void *create_dev(const char *name)
{
	for (unsigned i = 0; i < machine_ndevices; i++) {
		const struct platform_device *d = &machine_devices[i];
		struct mmio_region r = { d->name, d->base, d->size, d->ops, NULL };

		if (strcmp(d->name, name))
			continue;
		r.dev = d->create(&m, d);
		assert_non_null(r.dev);
		assert_int_equal(bus__register(&m.bus, &r), 0);
		return r.dev;
	}
	fail_msg("no device %s in the table", name);
	return NULL;
}

static void destroy_uart(void)
{
	bus__unregister(&m.bus, PL011_BASE);
	pl011__destroy(m.uart);
}

static int nop_read(void *d, uint64_t o, unsigned l, uint64_t *v, unsigned c)
{
	(void)d, (void)o, (void)l, (void)c;
	*v = 0x1234;
	return 0;
}

static const struct mmio_ops nop_ops = { .read = nop_read };

static void bus_refuses_overlapping_regions(void **state)
{
	struct mmio_region a = { "a", 0x1000, 0x1000, &nop_ops, NULL };
	struct mmio_region b = { "b", 0x1800, 0x1000, &nop_ops, NULL };

	(void)state;
	assert_int_equal(bus__register(&m.bus, &a), 0);
	assert_int_equal(bus__register(&m.bus, &b), -EEXIST);
	b.base = 0x2000;
	assert_int_equal(bus__register(&m.bus, &b), 0);
}

static void bus_access_with_no_device_is_enodev(void **state)
{
	struct mmio_region a = { "a", 0x1000, 0x1000, &nop_ops, NULL };
	uint64_t v;

	(void)state;
	assert_int_equal(bus__register(&m.bus, &a), 0);
	assert_int_equal(bus__read(&m.bus, 0x1ffc, 4, &v, 0), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(bus__read(&m.bus, 0x1ffe, 4, &v, 0), -ENODEV); /* straddles the end */
	assert_int_equal(bus__read(&m.bus, 0x3000, 4, &v, 0), -ENODEV);
	assert_int_equal(bus__write(&m.bus, 0x1000, 4, 1, 0), -ENODEV); /* no write op */
}

static void bus_unregister_frees_the_range_for_a_new_region(void **state)
{
	struct mmio_region a = { "a", 0x1000, 0x1000, &nop_ops, NULL };
	uint64_t v;

	(void)state;
	assert_int_equal(bus__register(&m.bus, &a), 0);
	assert_int_equal(bus__unregister(&m.bus, 0x1800), -ENOENT); /* not a region's base */
	assert_int_equal(bus__unregister(&m.bus, 0x1000), 0);
	assert_int_equal(bus__read(&m.bus, 0x1000, 4, &v, 0), -ENODEV);
	assert_int_equal(bus__register(&m.bus, &a), 0); /* an engine's restart */
}

static void bus_full_is_enospc(void **state)
{
	struct mmio_region r = { "r", 0, 0x10, &nop_ops, NULL };

	(void)state;
	for (unsigned i = 0; i < BUS_MAX_REGIONS; i++) {
		r.base = i * 0x10;
		assert_int_equal(bus__register(&m.bus, &r), 0);
	}
	r.base = 0x100000;
	assert_int_equal(bus__register(&m.bus, &r), -ENOSPC);
}

static void exit_status_register_is_what_a_later_poweroff_uses(void **state)
{
	uint64_t v;

	(void)state;
	create_dev("exit");
	assert_int_equal(bus__write(&m.bus, EXIT_DEV_BASE + EXIT_DEV_STATUS, 4, 7, 0), 0);
	assert_int_equal(bus__read(&m.bus, EXIT_DEV_BASE + EXIT_DEV_STATUS, 4, &v, 0), 0);
	assert_int_equal(v, 7);
	assert_false(machine__stopping(&m));
	assert_int_equal(m.guest_status, 7);
}

static void exit_register_stops_the_vm_with_the_value_written(void **state)
{
	(void)state;
	create_dev("exit");
	assert_int_equal(bus__write(&m.bus, EXIT_DEV_BASE + EXIT_DEV_EXIT, 4, 42, 0), 0);
	assert_true(machine__stopping(&m));
	assert_int_equal(m.stop_reason, VM_STOP_EXIT);
	assert_int_equal(m.exit_status, 42);
	assert_true(kicks > 0);
	/* the first stop wins */
	machine__stop(&m, VM_STOP_POWEROFF, 0);
	assert_int_equal(m.exit_status, 42);
}

static void exit_device_refuses_non_32bit_access(void **state)
{
	(void)state;
	create_dev("exit");
	assert_int_equal(bus__write(&m.bus, EXIT_DEV_BASE, 8, 1, 0), -EINVAL);
}

static void pl011_identifies_as_primecell_pl011(void **state)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	uint64_t v;

	(void)state;
	create_dev("pl011");
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(bus__read(&m.bus, PL011_BASE + 0xfe0 + 4 * i, 4, &v, 0), 0);
		assert_int_equal(v, id[i]);
	}
	destroy_uart();
}

static void pl011_rx_raises_its_spi_until_the_fifo_is_read_empty(void **state)
{
	const unsigned intid = GIC_SPI_BASE + PL011_SPI;
	uint64_t v;

	(void)state;
	create_dev("pl011");
	bus__read(&m.bus, PL011_BASE + 0x18, 2, &v, 0);
	assert_true(v & (1 << 4));                               /* FR.RXFE */
	bus__write(&m.bus, PL011_BASE + 0x38, 2, 1 << 4, 0);     /* IMSC.RXIM */
	assert_int_equal(irq_level[intid], 0);
	assert_int_equal(pl011__receive(m.uart, 'a'), 0);
	assert_int_equal(pl011__receive(m.uart, 'b'), 0);
	assert_int_equal(irq_level[intid], 1);
	bus__read(&m.bus, PL011_BASE + 0x40, 2, &v, 0);          /* MIS */
	assert_int_equal(v, 1 << 4);
	bus__read(&m.bus, PL011_BASE, 2, &v, 0);
	assert_int_equal(v, 'a');
	assert_int_equal(irq_level[intid], 1);
	bus__read(&m.bus, PL011_BASE, 2, &v, 0);
	assert_int_equal(v, 'b');
	assert_int_equal(irq_level[intid], 0);
	bus__read(&m.bus, PL011_BASE + 0x18, 2, &v, 0);
	assert_true(v & (1 << 4));
	destroy_uart();
}

static void pl011_masked_rx_does_not_interrupt(void **state)
{
	(void)state;
	create_dev("pl011");
	assert_int_equal(pl011__receive(m.uart, 'a'), 0);
	assert_int_equal(irq_level[GIC_SPI_BASE + PL011_SPI], 0);
	destroy_uart();
}

static void first_stop_wins_over_later_ones(void **state)
{
	(void)state;
	machine__stop(&m, VM_STOP_RESET, VMM_EXIT_RESET);
	machine__stop(&m, VM_STOP_USER, 0);
	assert_int_equal(m.stop_reason, VM_STOP_RESET); /* --reboot=exit: the reset is final */
	assert_int_equal(m.exit_status, VMM_EXIT_RESET);
}

static void user_stop_during_a_restart_is_not_lost(void **state)
{
	(void)state;
	m.cfg.reboot = VM_REBOOT_RESTART;
	machine__stop(&m, VM_STOP_RESET, VMM_EXIT_RESET);
	machine__stop(&m, VM_STOP_USER, 0); /* Ctrl-A x while the VM is being rebuilt */
	assert_int_equal(m.stop_reason, VM_STOP_USER);
	assert_int_equal(m.exit_status, 0);
}

/* --reboot=restart through machine__run, with an engine whose first run ends in a
 * guest reset; the report of the restart is the moment to land a stop or break the
 * image (report() runs between the reset's claim and the reload). */
static struct machine rm;
static int engine_runs, during_restart; /* what to do then: bits below */
#define STOP_DURING_RESTART 1
#define DELETE_IMAGE_DURING_RESTART 2
static char image[64];

static int engine_create(struct machine *mm) { (void)mm; return 0; }
static void engine_destroy(struct machine *mm) { (void)mm; }

static int engine_run(struct machine *mm)
{
	if (++engine_runs == 1)
		machine__stop(mm, VM_STOP_RESET, VMM_EXIT_RESET);
	else if (!machine__stopping(mm))
		machine__stop(mm, VM_STOP_POWEROFF, 0); /* a second boot that was not stopped */
	return 0;
}

static const struct accel_ops engine = {
	.name = "restarting", .create = engine_create, .run = engine_run,
	.destroy = engine_destroy,
};

static void restart_sink(enum report_level level, const char *line)
{
	(void)level;
	if (!strstr(line, "restarting"))
		return;
	if (during_restart & STOP_DURING_RESTART)
		machine__stop(&rm, VM_STOP_USER, 128 + 15); /* SIGTERM, from main.c's thread */
	if (during_restart & DELETE_IMAGE_DURING_RESTART)
		unlink(image);
}

static void run_restarting(int what)
{
	struct vm_config cfg = { .mem_size = 16 << 20, .ncpus = 1, .reboot = VM_REBOOT_RESTART };
	int fd;

	strcpy(image, "/tmp/vmm-test-image-XXXXXX");
	fd = mkstemp(image);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x00\x00\x00\x14", 4), 4); /* b . */
	close(fd);
	cfg.image_path = image;
	assert_int_equal(machine__init(&rm, &cfg), 0);
	rm.accel = &engine;
	engine_runs = 0;
	during_restart = what;
	report__set_sink(restart_sink);
	assert_int_equal(machine__run(&rm), 0);
	report__set_sink(NULL);
	unlink(image);
}

static void signal_during_restart_keeps_its_status(void **state)
{
	(void)state;
	run_restarting(STOP_DURING_RESTART);
	assert_int_equal(rm.stop_reason, VM_STOP_USER);
	assert_int_equal(rm.exit_status, 143); /* not the 0 of a fresh boot */
	assert_int_equal(engine_runs, 1);      /* and no second boot */
	machine__destroy(&rm);
}

static void image_gone_at_restart_is_a_vm_error(void **state)
{
	(void)state;
	run_restarting(DELETE_IMAGE_DURING_RESTART);
	assert_int_equal(rm.stop_reason, VM_STOP_ERROR);
	assert_int_equal(rm.exit_status, VMM_EXIT_ERROR);
	assert_non_null(strstr(rm.error, "cannot open image"));
	machine__destroy(&rm);
}

static void signal_before_a_failed_reload_keeps_its_status(void **state)
{
	(void)state;
	run_restarting(STOP_DURING_RESTART | DELETE_IMAGE_DURING_RESTART);
	assert_int_equal(rm.stop_reason, VM_STOP_USER);
	assert_int_equal(rm.exit_status, 143);
	machine__destroy(&rm);
}

static void mpidr_matches_kvm_reset_layout(void **state)
{
	(void)state;
	assert_int_equal(machine__mpidr(0), 0x80000000);
	assert_int_equal(machine__mpidr(15), 0x8000000f);
	assert_int_equal(machine__mpidr(16), 0x80000100);
}

static void gpa_to_hva_refuses_ranges_leaving_ram(void **state)
{
	static uint8_t ram[4096];

	(void)state;
	m.ram = ram;
	m.ram_base = RAM_BASE;
	m.ram_size = sizeof(ram);
	assert_ptr_equal(machine__gpa_to_hva(&m, RAM_BASE + 8, 8), ram + 8);
	assert_null(machine__gpa_to_hva(&m, RAM_BASE + 4092, 8));
	assert_null(machine__gpa_to_hva(&m, RAM_BASE - 1, 2));
	assert_null(machine__gpa_to_hva(&m, ~0ULL, 2));
}

/* The MSI source (memmap.h, docs/memory-map.md): placed only with an ITS; a 32-bit
 * write of EVENT sends one MSI with DeviceID MSI_SOURCE_DEVID and the value as EventID;
 * LAST says what the ITS made of it (1 an LPI, 0 dropped, 2 not sent); other widths
 * are refused and send nothing. */
static void msi_source_sends_its_event_with_its_device_id(void **state)
{
	struct platform_device placed[MACHINE_MAX_DEVICES];
	unsigned n, found = 0;
	char why[128];
	uint64_t v;

	(void)state;
	pthread_mutex_init(&m.accel_lock, NULL);
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &n, why, sizeof(why)), 0);
	for (unsigned i = 0; i < n; i++)
		found += !strcmp(placed[i].name, "msi-source");
	assert_int_equal(found, 0);
	m.cfg.its = true;
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &n, why, sizeof(why)), 0);
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(placed[i].name, "msi-source")) {
			found++;
			assert_int_equal(placed[i].base, MSI_SOURCE_BASE);
		}
	assert_int_equal(found, 1);
	create_dev("msi-source");
	msi_answer = 1;
	assert_int_equal(bus__write(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_EVENT, 4, 7, 0), 0);
	assert_int_equal(msi_count, 1);
	assert_int_equal(msi_devid, MSI_SOURCE_DEVID);
	assert_int_equal(msi_data, 7);
	assert_int_equal(bus__read(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_LAST, 4, &v, 0), 0);
	assert_int_equal(v, 1);
	msi_answer = 0;
	assert_int_equal(bus__write(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_EVENT, 4, 9, 0), 0);
	assert_int_equal(bus__read(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_LAST, 4, &v, 0), 0);
	assert_int_equal(v, 0);
	msi_answer = -EIO;
	assert_int_equal(bus__write(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_EVENT, 4, 9, 0), 0);
	assert_int_equal(bus__read(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_LAST, 4, &v, 0), 0);
	assert_int_equal(v, 2);
	assert_true(bus__write(&m.bus, MSI_SOURCE_BASE + MSI_SOURCE_EVENT, 2, 9, 0) < 0);
	assert_int_equal(msi_count, 3);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bus_refuses_overlapping_regions),
		T(bus_access_with_no_device_is_enodev),
		T(bus_unregister_frees_the_range_for_a_new_region),
		T(bus_full_is_enospc),
		T(exit_status_register_is_what_a_later_poweroff_uses),
		T(exit_register_stops_the_vm_with_the_value_written),
		T(exit_device_refuses_non_32bit_access),
		T(pl011_identifies_as_primecell_pl011),
		T(pl011_rx_raises_its_spi_until_the_fifo_is_read_empty),
		T(pl011_masked_rx_does_not_interrupt),
		T(first_stop_wins_over_later_ones),
		T(user_stop_during_a_restart_is_not_lost),
		T(signal_during_restart_keeps_its_status),
		T(image_gone_at_restart_is_a_vm_error),
		T(signal_before_a_failed_reload_keeps_its_status),
		T(mpidr_matches_kvm_reset_layout),
		T(gpa_to_hva_refuses_ranges_leaving_ram),
		T(msi_source_sends_its_event_with_its_device_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
