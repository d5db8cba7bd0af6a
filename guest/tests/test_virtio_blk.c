/*
 * KTAP suite "virtio_blk": the virtio-blk driver against the disk(s) the harness gave
 * (vmm --disk FILE, QEMU -device virtio-blk-device). Every case skips with "no
 * virtio-blk disk" when the device tree has none.
 *
 * A test disk (written by tests/guest/virtio-disk-check, docs/virtio.md) holds in
 * sector s thirty-two 16-byte lines "vmm-disk %06u\n" of s. Only test disks are written
 * (the suite must never scribble on a real disk): sectors 16..23 of disk vdX get lines
 * "vdX wrote %05u\n", which the harness checks in the file afterwards; a read-only
 * disk must refuse the write with VIRTIO_BLK_S_IOERR and keep its data.
 */
#include <kernel.h>
#include <smp.h>
#include <string.h>
#include <ktest.h>
#include <linux/slab.h>
#include <linux/virtio_blk.h>

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define LINE 16
#define WRITE_FIRST 16	/* the sectors the guest writes */
#define WRITE_COUNT 8
#define MIN_SECTORS 32

static void fill_pattern(char *buf, u64 sector, unsigned int nsect)
{
	for (unsigned int s = 0; s < nsect; s++)
		for (unsigned int l = 0; l < SECTOR / LINE; l++) {
			char line[LINE + 1];

			snprintf(line, sizeof(line), "vmm-disk %06lu\n", sector + s);
			memcpy(buf + s * SECTOR + l * LINE, line, LINE);
		}
}

static void fill_written(char *buf, unsigned int disk, u64 sector, unsigned int nsect)
{
	for (unsigned int s = 0; s < nsect; s++)
		for (unsigned int l = 0; l < SECTOR / LINE; l++) {
			char line[LINE + 1];

			snprintf(line, sizeof(line), "vd%c wrote %05lu\n", 'a' + disk, sector + s);
			memcpy(buf + s * SECTOR + l * LINE, line, LINE);
		}
}

static enum ktest_result no_disk(void)
{
	ktest_skip_reason("no virtio-blk disk");
	return KTEST_SKIP;
}

/* Sector 0 carries the pattern: the harness made this disk for the suite. */
static bool is_test_disk(struct virtio_blk *b, char *buf, char *want)
{
	if (b->capacity < MIN_SECTORS || virtio_blk_read(b, 0, buf, 1))
		return false;
	fill_pattern(want, 0, 1);
	return !memcmp(buf, want, SECTOR);
}

static enum ktest_result disk_is_found(void)
{
	int n = virtio_blk_probe();

	if (!n)
		return no_disk();
	for (int i = 0; i < n; i++) {
		struct virtio_blk *b = virtio_blk_get(i);

		ktest_diag("vd%c: virtio-mmio at %#lx, SPI %d, %lu sectors, features %#lx%s",
			   'a' + i, b->mmio.pa, b->mmio.spi, b->capacity, b->mmio.features,
			   b->ro ? ", read-only" : "");
		KTEST_EXPECT(b->mmio.features & 1UL << VIRTIO_F_VERSION_1);
		KTEST_EXPECT(virtio_mmio_status(&b->mmio) & VIRTIO_STATUS_DRIVER_OK);
	}
	return KTEST_PASS;
}

typedef enum ktest_result (*disk_case)(struct virtio_blk *b, char *buf, char *want);

/* Runs c on every test disk; skips when there is none. */
static enum ktest_result each_test_disk(disk_case c)
{
	int n = virtio_blk_probe(), tested = 0;
	enum ktest_result r = KTEST_PASS;
	char *buf, *want;

	if (!n)
		return no_disk();
	buf = kmalloc(WRITE_COUNT * SECTOR * 2, GFP_KERNEL);
	want = kmalloc(WRITE_COUNT * SECTOR * 2, GFP_KERNEL);
	KTEST_EXPECT(buf && want);
	for (int i = 0; i < n && r == KTEST_PASS; i++) {
		struct virtio_blk *b = virtio_blk_get(i);

		if (!is_test_disk(b, buf, want)) {
			ktest_diag("vd%c: not a test disk (sector 0 is not the pattern): left alone",
				   'a' + i);
			continue;
		}
		tested++;
		r = c(b, buf, want);
	}
	kfree(buf);
	kfree(want);
	if (r == KTEST_PASS && !tested) {
		ktest_skip_reason("no virtio-blk test disk (docs/virtio.md)");
		return KTEST_SKIP;
	}
	return r;
}

/* The harness's pattern: sectors 0..15 in one request, and the last sector. */
static enum ktest_result read_pattern(struct virtio_blk *b, char *buf, char *want)
{
	KTEST_EXPECT_EQ(virtio_blk_read(b, 0, buf, 16), 0);
	fill_pattern(want, 0, 16);
	KTEST_EXPECT(!memcmp(buf, want, 16 * SECTOR));
	KTEST_EXPECT_EQ(virtio_blk_read(b, b->capacity - 1, buf, 1), 0);
	fill_pattern(want, b->capacity - 1, 1);
	KTEST_EXPECT(!memcmp(buf, want, SECTOR));
	return KTEST_PASS;
}

static enum ktest_result reads_the_harness_pattern(void)
{
	return each_test_disk(read_pattern);
}

/* Written, flushed, read back; a read-only disk answers IOERR and keeps its data
 * (virtio 1.2, 5.2.6.2). */
static enum ktest_result write_back(struct virtio_blk *b, char *buf, char *want)
{
	u32 used;

	if (b->ro) {
		fill_written(buf, b->index, WRITE_FIRST, WRITE_COUNT);
		KTEST_EXPECT_EQ(virtio_blk_request(b, VIRTIO_BLK_T_OUT, WRITE_FIRST, buf,
						   WRITE_COUNT * SECTOR, false, &used),
				VIRTIO_BLK_S_IOERR);
		KTEST_EXPECT_EQ(virtio_blk_write(b, WRITE_FIRST, buf, 1), -EROFS);
		KTEST_EXPECT_EQ(virtio_blk_read(b, WRITE_FIRST, buf, WRITE_COUNT), 0);
		fill_pattern(want, WRITE_FIRST, WRITE_COUNT);
		KTEST_EXPECT(!memcmp(buf, want, WRITE_COUNT * SECTOR));
		return KTEST_PASS;
	}
	fill_written(want, b->index, WRITE_FIRST, WRITE_COUNT);
	KTEST_EXPECT_EQ(virtio_blk_write(b, WRITE_FIRST, want, WRITE_COUNT), 0);
	KTEST_EXPECT_EQ(virtio_blk_flush(b), 0);
	memset(buf, 0, WRITE_COUNT * SECTOR);
	KTEST_EXPECT_EQ(virtio_blk_read(b, WRITE_FIRST, buf, WRITE_COUNT), 0);
	KTEST_EXPECT(!memcmp(buf, want, WRITE_COUNT * SECTOR));
	/* the sectors around are untouched */
	KTEST_EXPECT_EQ(virtio_blk_read(b, WRITE_FIRST - 1, buf, 1), 0);
	fill_pattern(want, WRITE_FIRST - 1, 1);
	KTEST_EXPECT(!memcmp(buf, want, SECTOR));
	KTEST_EXPECT_EQ(virtio_blk_read(b, WRITE_FIRST + WRITE_COUNT, buf, 1), 0);
	fill_pattern(want, WRITE_FIRST + WRITE_COUNT, 1);
	KTEST_EXPECT(!memcmp(buf, want, SECTOR));
	return KTEST_PASS;
}

static enum ktest_result writes_flushes_and_reads_back(void)
{
	return each_test_disk(write_back);
}

static enum ktest_result device_id_is_returned(void)
{
	struct virtio_blk *b = virtio_blk_get(0);
	char id[VIRTIO_BLK_ID_BYTES + 1];

	if (!b)
		return no_disk();
	KTEST_EXPECT_EQ(virtio_blk_get_id(b, id), 0);
	ktest_diag("vda: device ID \"%s\"", id);
	return KTEST_PASS;
}

/* 5.2.6.2: a request beyond the capacity or of a partial sector fails with IOERR,
 * an unknown type with UNSUPP; the disk goes on working after them. */
static enum ktest_result bad_requests_are_refused(void)
{
	struct virtio_blk *b = virtio_blk_get(0);
	char *buf;
	u32 used;

	if (!b)
		return no_disk();
	buf = kmalloc(2 * SECTOR, GFP_KERNEL);
	KTEST_EXPECT(buf);
	KTEST_EXPECT_EQ(virtio_blk_request(b, VIRTIO_BLK_T_IN, b->capacity, buf, SECTOR, true,
					   &used), VIRTIO_BLK_S_IOERR);
	KTEST_EXPECT_EQ(virtio_blk_request(b, VIRTIO_BLK_T_IN, b->capacity - 1, buf, 2 * SECTOR,
					   true, &used), VIRTIO_BLK_S_IOERR);
	KTEST_EXPECT_EQ(virtio_blk_request(b, VIRTIO_BLK_T_IN, 0, buf, 100, true, &used),
			VIRTIO_BLK_S_IOERR);
	KTEST_EXPECT_EQ(virtio_blk_request(b, 0xff, 0, buf, SECTOR, true, &used),
			VIRTIO_BLK_S_UNSUPP);
	KTEST_EXPECT_EQ(virtio_blk_read(b, 0, buf, 1), 0);
	kfree(buf);
	return KTEST_PASS;
}

/* Two CPUs reading at once, each its own sectors: every request carries its own
 * sector and lands in its own buffer. The disk's request header is one per disk, so
 * a request must not be rewritten by another CPU's between its header and its
 * completion (kswapd writing out while a fault swaps in does that). */
struct reader {
	struct virtio_blk *b;
	u64 first;
	unsigned int rounds, errors, wrong;
	char *buf, *want;
};

static void read_rounds(void *arg)
{
	struct reader *r = arg;

	for (unsigned int i = 0; i < r->rounds; i++) {
		memset(r->buf, 0, 4 * SECTOR);
		if (virtio_blk_read(r->b, r->first, r->buf, 4))
			r->errors++;
		else if (memcmp(r->buf, r->want, 4 * SECTOR))
			r->wrong++;
	}
}

static enum ktest_result concurrent_reads(struct virtio_blk *b, char *buf, char *want)
{
	struct reader r[2] = {
		{ b, 0, 200, 0, 0, buf, want },
		{ b, b->capacity - 4, 200, 0, 0, buf + 4 * SECTOR, want + 4 * SECTOR },
	};

	fill_pattern(r[0].want, r[0].first, 4);
	fill_pattern(r[1].want, r[1].first, 4);
	KTEST_EXPECT_EQ(smp_call_on(1, read_rounds, &r[0]), 0);
	read_rounds(&r[1]);
	smp_wait(1);
	ktest_diag("vd%c: 2 x %u reads of 4 sectors: %u errors, %u with other data", 'a' + b->index,
		   r[0].rounds, r[0].errors + r[1].errors, r[0].wrong + r[1].wrong);
	KTEST_EXPECT_EQ(r[0].errors + r[1].errors, 0);
	KTEST_EXPECT_EQ(r[0].wrong + r[1].wrong, 0);
	return KTEST_PASS;
}

static enum ktest_result two_cpus_read_at_once(void)
{
	if (nr_cpus_online < 2) {
		ktest_skip_reason("needs 2 CPUs");
		return KTEST_SKIP;
	}
	return each_test_disk(concurrent_reads);
}

static const struct ktest_case virtio_blk_cases[] = {
	{ "disk_is_found", disk_is_found },
	{ "reads_the_harness_pattern", reads_the_harness_pattern },
	{ "writes_flushes_and_reads_back", writes_flushes_and_reads_back },
	{ "device_id_is_returned", device_id_is_returned },
	{ "bad_requests_are_refused", bad_requests_are_refused },
	{ "two_cpus_read_at_once", two_cpus_read_at_once },
};
KTEST_SUITE(virtio_blk, virtio_blk_cases);
