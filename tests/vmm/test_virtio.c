/* The virtio-mmio transport and virtio-blk (vmm/dev/virtio/), driven through the MMIO
 * bus as a vCPU would, over a fake guest RAM (a buffer of RAM_SIZE at RAM_BASE) and a
 * disk file in /tmp; a fake accelerator records the interrupt line. Expected values
 * come from the OASIS virtio 1.2 specification, section named in each test: 4.2.2
 * (MMIO register layout), 2.1 (device status), 2.2/6 (features), 2.4 (reset), 2.7
 * (split virtqueues), 5.2 (block device). The device table's placement of --disk
 * instances (vmm/devices_place.c) and their device-tree nodes are checked last. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include <platform/memmap.h>
#include <platform/virtio.h>

#include "accel.h"
#include "devices.h"
#include "machine.h"
#include "vmm_fdt.h"
#include "dev/virtio/blk.h"
#include "dev/virtio/mmio.h"

#define RAM_SIZE MiB(1)
#define SECTORS 64
#define SLOT VIRTIO_MMIO_BASE
#define INTID (GIC_SPI_BASE + VIRTIO_MMIO_SPI)
#define NUM 16

/* Where the test's driver puts things in guest RAM. */
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define HDR (RAM_BASE + 0x4000)
#define STATUS (RAM_BASE + 0x4100)
#define DATA (RAM_BASE + 0x10000)

static int irq_level[256];

static void fake_set_irq(struct machine *mm, unsigned intid, int level)
{
	(void)mm;
	irq_level[intid] = level;
}

static const struct accel_ops fake = { .name = "fake", .set_irq = fake_set_irq };
static struct machine m;
static char disk[64];
static char disk_arg[80];
static uint16_t avail_idx, used_seen;

static void *gpa(uint64_t a)
{
	return m.ram + (a - RAM_BASE);
}

/* Sector s of the disk: bytes (s * 7 + i) & 0xff. */
static uint8_t pattern(uint64_t s, unsigned i)
{
	return (uint8_t)(s * 7 + i);
}

static void make_disk(void)
{
	uint8_t sector[512];
	int fd;

	snprintf(disk, sizeof(disk), "/tmp/test_virtio.XXXXXX");
	fd = mkstemp(disk);
	assert_true(fd >= 0);
	for (unsigned s = 0; s < SECTORS; s++) {
		for (unsigned i = 0; i < 512; i++)
			sector[i] = pattern(s, i);
		assert_int_equal(write(fd, sector, 512), 512);
	}
	close(fd);
}

/* The machine with n disks placed as the machine does it (each the file made here,
 * ",ro" if ro); the first is created and put on the bus. */
static void machine_with_disks(unsigned n, bool ro)
{
	char why[256];

	snprintf(disk_arg, sizeof(disk_arg), "%s%s", disk, ro ? ",ro" : "");
	m.cfg.ndisks = n;
	for (unsigned i = 0; i < n; i++)
		m.cfg.disks[i] = disk_arg;
	assert_int_equal(devices__place(&m, m.devices, MACHINE_MAX_DEVICES, &m.ndevices, why,
					sizeof(why)), 0);
	for (unsigned i = 0; i < m.ndevices; i++) {
		const struct platform_device *d = &m.devices[i];
		struct mmio_region r = { d->name, d->base, d->size, d->ops, NULL };

		if (strcmp(d->name, "virtio_mmio") || d->instance)
			continue;
		r.dev = m.dev_state[i] = d->create(&m, d);
		assert_non_null(r.dev);
		assert_int_equal(bus__register(&m.bus, &r), 0);
	}
}

static int setup_common(bool ro)
{
	memset(&m, 0, sizeof(m));
	memset(irq_level, 0, sizeof(irq_level));
	m.accel = &fake;
	m.wake_fd = -1;
	m.ram_base = RAM_BASE;
	m.ram_size = RAM_SIZE;
	m.ram = calloc(1, RAM_SIZE);
	avail_idx = used_seen = 0;
	make_disk();
	machine_with_disks(1, ro);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_common(false);
}

static int setup_ro(void **state)
{
	(void)state;
	return setup_common(true);
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < m.ndevices; i++)
		if (m.dev_state[i]) {
			bus__unregister(&m.bus, m.devices[i].base);
			m.devices[i].destroy(m.dev_state[i]);
		}
	free(m.ram);
	unlink(disk);
	return 0;
}

static uint32_t r32(uint64_t off)
{
	uint64_t v;

	assert_int_equal(bus__read(&m.bus, SLOT + off, 4, &v, 0), 0);
	return (uint32_t)v;
}

static void w32(uint64_t off, uint32_t v)
{
	assert_int_equal(bus__write(&m.bus, SLOT + off, 4, v, 0), 0);
}

/* 4.2.3.2 Virtqueue Configuration, queue 0 with n entries at DESC/AVAIL/USED. */
static void setup_queue(uint32_t n, uint64_t desc, uint64_t avail, uint64_t used)
{
	w32(VIRTIO_MMIO_QUEUE_SEL, 0);
	w32(VIRTIO_MMIO_QUEUE_NUM, n);
	w32(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	w32(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	w32(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
	w32(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
	w32(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
	w32(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
	w32(VIRTIO_MMIO_QUEUE_READY, 1);
}

#define S_BASIC (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)

/* 3.1.1 Driver Requirements: Device Initialization, as a driver does it. */
static void driver_init(void)
{
	w32(VIRTIO_MMIO_STATUS, 0);
	w32(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	w32(VIRTIO_MMIO_STATUS, S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK);
	assert_true(r32(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(NUM, DESC, AVAIL, USED);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_READY), 1);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* 2.7.5 descriptor i, little-endian in guest RAM */
static void set_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = gpa(DESC + 16 * i);
	uint64_t a = htole64(addr);
	uint32_t l = htole32(len);
	uint16_t f = htole16(flags), n = htole16(next);

	memcpy(d, &a, 8);
	memcpy(d + 8, &l, 4);
	memcpy(d + 12, &f, 2);
	memcpy(d + 14, &n, 2);
}

/* 2.7.13: head into the available ring, index after, then QueueNotify. */
static void offer(uint16_t head)
{
	uint16_t *ring = gpa(AVAIL + 4);

	ring[avail_idx % NUM] = htole16(head);
	avail_idx++;
	*(uint16_t *)gpa(AVAIL + 2) = htole16(avail_idx);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static uint16_t used_idx(void)
{
	return le16toh(*(uint16_t *)gpa(USED + 2));
}

/* 2.7.8: the next used element; fails if the device returned none. */
static void next_used(uint32_t *id, uint32_t *len)
{
	uint8_t *e = gpa(USED + 4 + 8 * (used_seen % NUM));

	assert_int_not_equal(used_idx(), used_seen);
	used_seen++;
	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

static void set_hdr(uint64_t at, uint32_t type, uint64_t sector)
{
	uint32_t t = htole32(type);
	uint64_t s = htole64(sector);

	memset(gpa(at), 0, 16);
	memcpy(gpa(at), &t, 4);
	memcpy((uint8_t *)gpa(at) + 8, &s, 8);
}

/* One request in three descriptors (header, data, status), as Linux frames it; the
 * status byte the device wrote, and the used length. */
static int request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
		   bool dev_writes, uint32_t *used_len)
{
	uint32_t id;

	set_hdr(HDR, type, sector);
	*(uint8_t *)gpa(STATUS) = 0xee;
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, data, len, VIRTQ_DESC_F_NEXT | (dev_writes ? VIRTQ_DESC_F_WRITE : 0), 2);
	set_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	next_used(&id, used_len);
	assert_int_equal(id, 0);
	return *(uint8_t *)gpa(STATUS);
}

static bool needs_reset(void)
{
	return r32(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

static void read_sector_works(void)
{
	uint32_t len;

	assert_int_equal(request(VIRTIO_BLK_T_IN, 3, DATA, 512, true, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)gpa(DATA + 5), pattern(3, 5));
}

/* ---- 4.2.2 MMIO Device Register Layout ---- */

static void identification_registers_read_as_4_2_2_says(void **state)
{
	(void)state;
	assert_int_equal(r32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976); /* "virt" */
	assert_int_equal(r32(VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(r32(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	assert_int_equal(r32(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	assert_int_equal(r32(VIRTIO_MMIO_CONFIG_GENERATION), 0);
	assert_int_equal(r32(VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff); /* no region: -1 */
	assert_int_equal(r32(VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
}

static void device_features_are_read_32_bits_per_selector(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(r32(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_BLK_F_FLUSH);
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(r32(VIRTIO_MMIO_DEVICE_FEATURES), 1u << (VIRTIO_F_VERSION_1 - 32));
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(r32(VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void read_only_disk_offers_virtio_blk_f_ro(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(r32(VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << VIRTIO_BLK_F_FLUSH | 1u << VIRTIO_BLK_F_RO);
}

/* 4.2.2: "The driver MUST only use 32 bit wide and aligned reads and writes" to the
 * control registers: others are refused (an external abort for the guest). */
static void control_registers_refuse_other_widths_and_misalignment(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_MAGIC_VALUE, 1, &v, 0), -EINVAL);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_MAGIC_VALUE, 2, &v, 0), -EINVAL);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_MAGIC_VALUE, 8, &v, 0), -EINVAL);
	assert_int_equal(bus__read(&m.bus, SLOT + 2, 4, &v, 0), -EINVAL);
	assert_int_equal(bus__write(&m.bus, SLOT + VIRTIO_MMIO_STATUS, 1, 1, 0), -EINVAL);
	assert_int_equal(bus__write(&m.bus, SLOT + VIRTIO_MMIO_STATUS, 8, 1, 0), -EINVAL);
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), 0);
}

/* 4.2.2: QueueNumMax is 0 for a queue that is not available; its registers do nothing. */
static void queue_num_max_is_zero_for_a_queue_that_does_not_exist(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_QUEUE_SEL, 0);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
	w32(VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	w32(VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_READY), 0);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 1); /* ignored, reported */
	assert_false(needs_reset());
}

/* 5.2.4: capacity (le64, sectors) at the start of the configuration space; 4.2.2: any
 * naturally aligned access width; read-only. */
static void config_space_gives_the_capacity_at_any_width(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG, 8, &v, 0), 0);
	assert_int_equal(v, SECTORS);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG, 4, &v, 0), 0);
	assert_int_equal(v, SECTORS);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG + 4, 4, &v, 0), 0);
	assert_int_equal(v, 0);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG, 1, &v, 0), 0);
	assert_int_equal(v, SECTORS);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG + 0xf8, 8, &v, 0), 0);
	assert_int_equal(v, 0); /* past the configuration: zero */
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG + 2, 4, &v, 0), -EINVAL);
	assert_int_equal(bus__write(&m.bus, SLOT + VIRTIO_MMIO_CONFIG, 4, 7, 0), 0);
	assert_int_equal(bus__read(&m.bus, SLOT + VIRTIO_MMIO_CONFIG, 8, &v, 0), 0);
	assert_int_equal(v, SECTORS); /* writes ignored */
}

/* ---- 2.2 Feature Bits, 3.1.1 initialisation ---- */

/* 2.2.1: the driver MUST NOT accept a feature the device did not offer; 6.1: a device
 * MUST offer VERSION_1 and a driver MUST accept it. FEATURES_OK does not stick
 * otherwise (3.1.1 step 6 reads it back). */
static void features_ok_needs_version_1_and_only_offered_features(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_STATUS, S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK); /* no VERSION_1 */
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_F_INDIRECT_DESC); /* not offered */
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK);
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), S_BASIC | VIRTIO_STATUS_FEATURES_OK);
}

/* 2.1.2: DEVICE_NEEDS_RESET is the device's; a driver writing it does not set it. */
static void driver_cannot_set_device_needs_reset(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), S_BASIC);
}

/* 2.1.2: "The device MUST NOT consume buffers or send any used buffer notifications to
 * the driver before DRIVER_OK." */
static void nothing_is_served_before_driver_ok(void **state)
{
	(void)state;
	w32(VIRTIO_MMIO_STATUS, S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK);
	setup_queue(NUM, DESC, AVAIL, USED);
	set_hdr(HDR, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(used_idx(), 0);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(used_idx(), 1);
}

/* 2.4 Device Reset, 4.2.2 Status: writing 0 resets the device; the queue is no longer
 * ready, the interrupt is gone, and a new initialisation works. */
static void status_zero_resets_the_device(void **state)
{
	(void)state;
	driver_init();
	read_sector_works();
	assert_int_equal(irq_level[INTID], 1);
	w32(VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(r32(VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(r32(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq_level[INTID], 0);
	avail_idx = used_seen = 0;
	memset(gpa(USED), 0, 4);
	driver_init();
	read_sector_works();
}

/* 4.2.2 InterruptStatus/ACK: bit 0 after used buffers, the SPI high until acknowledged. */
static void used_buffer_interrupt_until_acknowledged(void **state)
{
	(void)state;
	driver_init();
	assert_int_equal(irq_level[INTID], 0);
	read_sector_works();
	assert_int_equal(r32(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	assert_int_equal(irq_level[INTID], 1);
	w32(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(r32(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq_level[INTID], 0);
}

/* 2.7.7: VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the used buffer notification. */
static void no_interrupt_flag_suppresses_the_interrupt(void **state)
{
	(void)state;
	driver_init();
	*(uint16_t *)gpa(AVAIL) = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	read_sector_works();
	assert_int_equal(r32(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(irq_level[INTID], 0);
}

/* 4.2.3.2: the queue is set up before QueueReady; later writes change nothing. */
static void queue_registers_are_ignored_while_ready(void **state)
{
	(void)state;
	driver_init();
	w32(VIRTIO_MMIO_QUEUE_NUM, 3);
	w32(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
	read_sector_works();
	assert_false(needs_reset());
}

/* ---- 2.7 Split virtqueues: QueueReady checks ---- */

static void expect_queue_refused(uint32_t n, uint64_t desc, uint64_t avail, uint64_t used)
{
	w32(VIRTIO_MMIO_STATUS, 0);
	w32(VIRTIO_MMIO_STATUS, S_BASIC);
	w32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	w32(VIRTIO_MMIO_STATUS, S_BASIC | VIRTIO_STATUS_FEATURES_OK);
	setup_queue(n, desc, avail, used);
	assert_int_equal(r32(VIRTIO_MMIO_QUEUE_READY), 0);
	assert_true(needs_reset());
	assert_int_equal(irq_level[INTID], 0); /* before DRIVER_OK: no interrupt (2.1.2) */
}

/* 2.7: Queue Size a power of two up to QueueNumMax; the parts aligned (16, 2, 4) and,
 * here, all in guest RAM: else DEVICE_NEEDS_RESET. */
static void queue_ready_refuses_bad_sizes_and_ring_addresses(void **state)
{
	(void)state;
	expect_queue_refused(0, DESC, AVAIL, USED);
	expect_queue_refused(12, DESC, AVAIL, USED);
	expect_queue_refused(512, DESC, AVAIL, USED);
	expect_queue_refused(NUM, DESC + 8, AVAIL, USED);          /* desc: 16-aligned */
	expect_queue_refused(NUM, DESC, AVAIL + 1, USED);          /* avail: 2-aligned */
	expect_queue_refused(NUM, DESC, AVAIL, USED + 2);          /* used: 4-aligned */
	expect_queue_refused(NUM, PL011_BASE, AVAIL, USED);        /* MMIO */
	expect_queue_refused(NUM, DESC, RAM_BASE + RAM_SIZE - 8, USED); /* crosses the end */
	expect_queue_refused(NUM, DESC, AVAIL, 0xfffffffffffffff0ULL);  /* wraps */
	/* and a good one after a reset */
	w32(VIRTIO_MMIO_STATUS, 0);
	driver_init();
	read_sector_works();
}

/* ---- 5.2.6 requests ---- */

/* 5.2.6: IN reads sectors into the device-writable buffer; 2.7.8 len = bytes written
 * (data and status). */
static void read_request_reads_the_file(void **state)
{
	uint32_t len;

	(void)state;
	driver_init();
	assert_int_equal(request(VIRTIO_BLK_T_IN, 10, DATA, 2048, true, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 2048 + 1);
	for (unsigned s = 0; s < 4; s++)
		for (unsigned i = 0; i < 512; i++)
			assert_int_equal(*(uint8_t *)gpa(DATA + 512 * s + i), pattern(10 + s, i));
}

static void file_sector(uint64_t s, uint8_t *buf)
{
	int fd = open(disk, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, 512, (off_t)(s * 512)), 512);
	close(fd);
}

/* 5.2.6: OUT writes the device-readable data after the header to the file. */
static void write_request_reaches_the_file(void **state)
{
	uint8_t buf[512];
	uint32_t len;

	(void)state;
	driver_init();
	memset(gpa(DATA), 0x5a, 1024);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 62, DATA, 1024, false, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 1);
	file_sector(63, buf);
	assert_int_equal(buf[0], 0x5a);
	assert_int_equal(buf[511], 0x5a);
	file_sector(61, buf);
	assert_int_equal(buf[0], pattern(61, 0));
}

/* 5.2.6: FLUSH; VIRTIO_BLK_F_FLUSH is offered. */
static void flush_request_succeeds(void **state)
{
	uint32_t len;

	(void)state;
	driver_init();
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, DATA, 0, false, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 1);
}

/* 5.2.6: GET_ID writes a NUL-padded ID string of VIRTIO_BLK_ID_BYTES. */
static void get_id_request_returns_the_id_string(void **state)
{
	uint32_t len;

	(void)state;
	driver_init();
	memset(gpa(DATA), 0xff, 32);
	assert_int_equal(request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, true, &len), VIRTIO_BLK_S_OK);
	assert_int_equal(len, 21);
	assert_string_equal((char *)gpa(DATA), "vmm-disk0");
	assert_int_equal(*(uint8_t *)gpa(DATA + 19), 0);
}

/* 5.2.6.2: an unknown type is answered VIRTIO_BLK_S_UNSUPP. */
static void unknown_request_type_is_unsupp(void **state)
{
	uint32_t len;

	(void)state;
	driver_init();
	assert_int_equal(request(13 /* WRITE_ZEROES, not offered */, 0, DATA, 512, false, &len),
			 VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(request(0xdeadbeef, 0, DATA, 512, true, &len), VIRTIO_BLK_S_UNSUPP);
	read_sector_works();
}

/* 5.2.6.2: "A device MUST set the status byte to VIRTIO_BLK_S_IOERR for a write request
 * if the VIRTIO_BLK_F_RO feature if offered, and MUST NOT write any data." */
static void read_only_disk_refuses_writes_with_ioerr(void **state)
{
	uint8_t buf[512];
	uint32_t len;

	(void)state;
	driver_init();
	memset(gpa(DATA), 0x5a, 512);
	assert_int_equal(request(VIRTIO_BLK_T_OUT, 1, DATA, 512, false, &len), VIRTIO_BLK_S_IOERR);
	file_sector(1, buf);
	assert_int_equal(buf[0], pattern(1, 0));
	read_sector_works();
	assert_int_equal(request(VIRTIO_BLK_T_FLUSH, 0, DATA, 0, false, &len), VIRTIO_BLK_S_OK);
}

/* 2.7.4 Message Framing: the device makes no assumption about how a request is split:
 * header over two descriptors, data over three, status in the last data descriptor. */
static void request_split_in_any_framing_is_served(void **state)
{
	uint32_t id, len;

	(void)state;
	driver_init();
	set_hdr(HDR, VIRTIO_BLK_T_IN, 5);
	set_desc(3, HDR, 4, VIRTQ_DESC_F_NEXT, 7);
	set_desc(7, HDR + 4, 12, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, DATA, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 9);
	set_desc(9, DATA + 100, 400, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 15);
	set_desc(15, DATA + 500, 13, VIRTQ_DESC_F_WRITE, 0); /* 12 data bytes + status */
	offer(3);
	next_used(&id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 513);
	assert_int_equal(*(uint8_t *)gpa(DATA + 512), VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(*(uint8_t *)gpa(DATA + i), pattern(5, i));
}

/* ---- hostile requests: VIRTIO_BLK_S_IOERR, and the device goes on ---- */

static void expect_ioerr(uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool w)
{
	uint32_t used;

	assert_int_equal(request(type, sector, data, len, w, &used), VIRTIO_BLK_S_IOERR);
	assert_int_equal(used, 1);
	assert_false(needs_reset());
}

/* Every buffer must be guest RAM: over MMIO, before or past RAM, wrapping. */
static void buffers_outside_ram_are_ioerr(void **state)
{
	(void)state;
	driver_init();
	expect_ioerr(VIRTIO_BLK_T_IN, 0, PL011_BASE, 512, true);
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, VIRTIO_MMIO_BASE, 512, false);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, RAM_BASE - 512, 512, true);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, RAM_BASE + RAM_SIZE - 256, 512, true);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, 0xfffffffffffffe00ULL, 512, true);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, DATA, 0xfffffe00u, true); /* absurd length */
	read_sector_works();
}

/* 5.2.6.2: a request past the capacity, or of a partial sector, is an I/O error;
 * a huge sector number must not wrap around to a valid offset. */
static void out_of_range_and_partial_sectors_are_ioerr(void **state)
{
	(void)state;
	driver_init();
	expect_ioerr(VIRTIO_BLK_T_IN, SECTORS, DATA, 512, true);
	expect_ioerr(VIRTIO_BLK_T_IN, SECTORS - 1, DATA, 1024, true);
	expect_ioerr(VIRTIO_BLK_T_OUT, 1ULL << 55, DATA, 512, false);
	expect_ioerr(VIRTIO_BLK_T_IN, UINT64_MAX, DATA, 512, true);
	expect_ioerr(VIRTIO_BLK_T_IN, 0, DATA, 100, true);
	expect_ioerr(VIRTIO_BLK_T_OUT, 0, DATA, 513, false);
	read_sector_works();
}

/* A header shorter than 16 bytes, and (2.7.4.2) a device-readable buffer after a
 * device-writable one: IOERR. */
static void short_header_and_readable_after_writable_are_ioerr(void **state)
{
	uint32_t id, len;

	(void)state;
	driver_init();
	set_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	next_used(&id, &len);
	assert_int_equal(*(uint8_t *)gpa(STATUS), VIRTIO_BLK_S_IOERR);
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	set_desc(2, DATA + 512, 512, VIRTQ_DESC_F_NEXT, 3);
	set_desc(3, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	next_used(&id, &len);
	assert_int_equal(*(uint8_t *)gpa(STATUS), VIRTIO_BLK_S_IOERR);
	assert_false(needs_reset());
	read_sector_works();
}

/* ---- hostile queues: DEVICE_NEEDS_RESET with a configuration change interrupt ---- */

static void expect_needs_reset_then_recover(void)
{
	uint16_t before = used_idx();

	assert_true(needs_reset());
	assert_int_equal(r32(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG,
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(irq_level[INTID], 1);
	/* nothing more is served until the reset */
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(used_idx(), before);
	w32(VIRTIO_MMIO_STATUS, 0);
	assert_false(needs_reset());
	assert_int_equal(irq_level[INTID], 0);
	avail_idx = used_seen = 0;
	memset(gpa(AVAIL), 0, 4);
	memset(gpa(USED), 0, 4);
	driver_init();
	read_sector_works();
}

/* 2.7.5.2: a chain longer than the queue is forbidden (a loop): here 0 -> 1 -> 0. */
static void descriptor_loop_needs_reset(void **state)
{
	(void)state;
	driver_init();
	set_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, STATUS, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_needs_reset_then_recover();
}

/* A next index past the queue size. */
static void next_past_the_queue_needs_reset(void **state)
{
	(void)state;
	driver_init();
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, NUM);
	offer(0);
	expect_needs_reset_then_recover();
}

/* 2.7.6: a head index past the queue size. */
static void head_past_the_queue_needs_reset(void **state)
{
	(void)state;
	driver_init();
	offer(NUM + 3);
	expect_needs_reset_then_recover();
}

/* 2.7.6: the available index moved by more than the queue size. */
static void available_index_jump_needs_reset(void **state)
{
	(void)state;
	driver_init();
	*(uint16_t *)gpa(AVAIL + 2) = htole16(NUM + 1);
	w32(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	expect_needs_reset_then_recover();
}

/* 2.7.5.3.1: VIRTQ_DESC_F_INDIRECT without VIRTIO_F_INDIRECT_DESC (not offered). */
static void indirect_descriptor_needs_reset(void **state)
{
	(void)state;
	driver_init();
	set_desc(0, HDR, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	expect_needs_reset_then_recover();
}

/* 5.2.6: the status byte is the chain's last device-writable byte; with none (or not
 * in RAM) the request cannot be answered. */
static void request_without_status_byte_needs_reset(void **state)
{
	(void)state;
	driver_init();
	set_hdr(HDR, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(0, HDR, 16, 0, 0);
	offer(0);
	expect_needs_reset_then_recover();
	set_hdr(HDR, VIRTIO_BLK_T_FLUSH, 0);
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(1, PL011_BASE, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	expect_needs_reset_then_recover();
}

/* The longest legal chain (Queue Size descriptors) is served. */
static void chain_of_queue_size_descriptors_is_served(void **state)
{
	uint32_t id, len;

	(void)state;
	driver_init();
	set_hdr(HDR, VIRTIO_BLK_T_IN, 0);
	set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	for (unsigned i = 1; i < NUM - 1; i++)
		set_desc(i, DATA + 512 * (i - 1), 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
			 (uint16_t)(i + 1));
	set_desc(NUM - 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	next_used(&id, &len);
	assert_int_equal(len, 512 * (NUM - 2) + 1);
	assert_int_equal(*(uint8_t *)gpa(STATUS), VIRTIO_BLK_S_OK);
	assert_int_equal(*(uint8_t *)gpa(DATA + 512 * 13), pattern(13, 0));
}

/* ---- the device table: --disk instances ---- */

/* Disk n in virtio-mmio slot n (base + n * 0x200, SPI 16 + n), as QEMU virt places its
 * transports; no disk, no slot. */
static void disks_are_placed_one_per_slot(void **state)
{
	struct platform_device placed[MACHINE_MAX_DEVICES];
	unsigned n, k = 0, fixed = 0;
	char why[128];

	(void)state;
	/* the entries placed once whatever the configuration; the MSI source only comes
	 * with an ITS (cfg.its), which m does not have */
	for (unsigned i = 0; i < machine_ndevices; i++)
		fixed += !machine_devices[i].max_instances;
	m.cfg.ndisks = 0;
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &n, why, sizeof(why)), 0);
	assert_int_equal(n, fixed);
	m.cfg.ndisks = 3;
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &n, why, sizeof(why)), 0);
	assert_int_equal(n, fixed + 3);
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(placed[i].name, "virtio_mmio"))
			continue;
		assert_int_equal(placed[i].instance, k);
		assert_int_equal(placed[i].base, VIRTIO_MMIO_BASE + k * VIRTIO_MMIO_STRIDE);
		assert_int_equal(placed[i].size, VIRTIO_MMIO_STRIDE);
		assert_int_equal(placed[i].spi, VIRTIO_MMIO_SPI + (int)k);
		k++;
	}
	assert_int_equal(k, 3);
	m.cfg.ndisks = MACHINE_MAX_DISKS + 1;
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &n, why, sizeof(why)),
			 -EINVAL);
	m.cfg.ndisks = 2;
	assert_int_equal(devices__place(&m, placed, 3, &n, why, sizeof(why)), -ENOSPC);
	m.cfg.ndisks = 1;
}

/* 4.2.1 and Linux's virtio/mmio.yaml: one "virtio,mmio" node per disk with reg, the SPI
 * level-high, and dma-coherent. */
static void each_disk_has_a_virtio_mmio_node(void **state)
{
	static char dtb[FDT_MAX_SIZE];
	struct platform_device placed[MACHINE_MAX_DEVICES];
	const uint64_t mpidr[1] = { 0x80000000 };
	struct fdt_desc d = { .ram_base = RAM_BASE, .ram_size = MiB(64), .ncpus = 1,
			      .mpidr = mpidr, .devices = placed };
	char why[128];
	int node, len;
	const fdt32_t *p;

	(void)state;
	m.cfg.ndisks = 2;
	assert_int_equal(devices__place(&m, placed, MACHINE_MAX_DEVICES, &d.ndevices, why,
					sizeof(why)), 0);
	assert_int_equal(fdt__build(&d, dtb, sizeof(dtb), why, sizeof(why)), 0);
	for (unsigned k = 0; k < 2; k++) {
		char path[64];

		snprintf(path, sizeof(path), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRTIO_MMIO_BASE + k * VIRTIO_MMIO_STRIDE));
		node = fdt_path_offset(dtb, path);
		assert_true(node >= 0);
		assert_int_equal(fdt_node_check_compatible(dtb, node, "virtio,mmio"), 0);
		p = fdt_getprop(dtb, node, "reg", &len);
		assert_int_equal(len, 16);
		assert_int_equal(fdt32_to_cpu(p[1]), VIRTIO_MMIO_BASE + k * VIRTIO_MMIO_STRIDE);
		assert_int_equal(fdt32_to_cpu(p[3]), VIRTIO_MMIO_STRIDE);
		p = fdt_getprop(dtb, node, "interrupts", &len);
		assert_int_equal(len, 12);
		assert_int_equal(fdt32_to_cpu(p[0]), DT_GIC_SPI);
		assert_int_equal(fdt32_to_cpu(p[1]), VIRTIO_MMIO_SPI + k);
		assert_int_equal(fdt32_to_cpu(p[2]), DT_IRQ_TYPE_LEVEL_HIGH);
		assert_non_null(fdt_getprop(dtb, node, "dma-coherent", &len));
		assert_int_equal(len, 0);
	}
	assert_true(fdt_path_offset(dtb, "/virtio_mmio@a000400") < 0);
	m.cfg.ndisks = 1;
}

/* --disk FILE[,ro], repeatable up to MACHINE_MAX_DISKS. */
static void disk_option_is_parsed_and_limited(void **state)
{
	struct vm_config cfg = { 0 };
	char why[128];

	(void)state;
	assert_int_equal(virtio_blk__parse_disk(&cfg, "a.img", why, sizeof(why)), 0);
	assert_int_equal(virtio_blk__parse_disk(&cfg, "b.img,ro", why, sizeof(why)), 0);
	assert_int_equal(cfg.ndisks, 2);
	assert_string_equal(cfg.disks[1], "b.img,ro");
	assert_int_equal(virtio_blk__parse_disk(&cfg, "", why, sizeof(why)), -1);
	assert_int_equal(virtio_blk__parse_disk(&cfg, ",ro", why, sizeof(why)), -1);
	while (cfg.ndisks < MACHINE_MAX_DISKS)
		assert_int_equal(virtio_blk__parse_disk(&cfg, "c", why, sizeof(why)), 0);
	assert_int_equal(virtio_blk__parse_disk(&cfg, "d", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "at most 8 disks"));
}

/* A disk that cannot be used is a start-up error naming the file: missing, a
 * directory, or already in use (two --disk of one file). */
static void unusable_disk_files_are_refused_with_their_name(void **state)
{
	struct platform_device d = m.devices[m.ndevices - 1];
	char why[256];

	(void)state;
	d.instance = 1;
	assert_null(virtio_blk__new(&m, &d, "/nonexistent/disk.img", false, why, sizeof(why)));
	assert_non_null(strstr(why, "/nonexistent/disk.img"));
	assert_null(virtio_blk__new(&m, &d, "/tmp", true, why, sizeof(why)));
	assert_non_null(strstr(why, "not a file"));
	assert_null(virtio_blk__new(&m, &d, disk, false, why, sizeof(why)));
	assert_non_null(strstr(why, "in use"));
	assert_null(virtio_blk__new(&m, &d, disk, true, why, sizeof(why)));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define T_RO(f) cmocka_unit_test_setup_teardown(f, setup_ro, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(identification_registers_read_as_4_2_2_says),
		T(device_features_are_read_32_bits_per_selector),
		T_RO(read_only_disk_offers_virtio_blk_f_ro),
		T(control_registers_refuse_other_widths_and_misalignment),
		T(queue_num_max_is_zero_for_a_queue_that_does_not_exist),
		T(config_space_gives_the_capacity_at_any_width),
		T(features_ok_needs_version_1_and_only_offered_features),
		T(driver_cannot_set_device_needs_reset),
		T(nothing_is_served_before_driver_ok),
		T(status_zero_resets_the_device),
		T(used_buffer_interrupt_until_acknowledged),
		T(no_interrupt_flag_suppresses_the_interrupt),
		T(queue_registers_are_ignored_while_ready),
		T(queue_ready_refuses_bad_sizes_and_ring_addresses),
		T(read_request_reads_the_file),
		T(write_request_reaches_the_file),
		T(flush_request_succeeds),
		T(get_id_request_returns_the_id_string),
		T(unknown_request_type_is_unsupp),
		T_RO(read_only_disk_refuses_writes_with_ioerr),
		T(request_split_in_any_framing_is_served),
		T(buffers_outside_ram_are_ioerr),
		T(out_of_range_and_partial_sectors_are_ioerr),
		T(short_header_and_readable_after_writable_are_ioerr),
		T(descriptor_loop_needs_reset),
		T(next_past_the_queue_needs_reset),
		T(head_past_the_queue_needs_reset),
		T(available_index_jump_needs_reset),
		T(indirect_descriptor_needs_reset),
		T(request_without_status_byte_needs_reset),
		T(chain_of_queue_size_descriptors_is_served),
		T(disks_are_placed_one_per_slot),
		T(each_disk_has_a_virtio_mmio_node),
		T(disk_option_is_parsed_and_limited),
		T(unusable_disk_files_are_refused_with_their_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
