/* libFuzzer target over the virtio-mmio transport and virtio-blk (vmm/dev/virtio/):
 * each input is a script (fuzz_virtio.h) that programs the registers, writes
 * descriptors, rings and requests into a 64 KiB guest RAM, and notifies; hostile
 * values come from the script (addresses over MMIO, past RAM, wrapping; loops; heads
 * and next indices past the queue; absurd lengths; any framing). Built with clang,
 * -fsanitize=fuzzer,address,undefined, as fuzz_loaders.c.
 *
 * Guest RAM is a malloc of its exact size, so ASan reports any access by the device
 * outside it. The machine's two functions the device uses (machine__gpa_to_hva,
 * machine__set_irq) are defined here, the first as vmm/machine.c does it. Besides
 * sanitizer reports, a broken promise aborts: the interrupt line differs from
 * InterruptStatus != 0, a device in DEVICE_NEEDS_RESET returns a used buffer, a read
 * of a control register of a width other than 32 bits is accepted. The disk is a
 * memfd of FV_SECTORS sectors, rewritten before each input; the device is reset
 * (Status = 0) before each input, so inputs do not depend on one another. */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <platform/device.h>
#include <platform/memmap.h>
#include <platform/virtio.h>

#include "bus.h"
#include "machine.h"
#include "report.h"
#include "dev/virtio/blk.h"
#include "dev/virtio/mmio.h"
#include "fuzz_virtio.h"

#define EXPECT(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_virtio: broken promise: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

static struct machine m;
static int line = -1;

void *machine__gpa_to_hva(struct machine *mm, uint64_t gpa, uint64_t len)
{
	if (gpa < mm->ram_base || len > mm->ram_size || gpa - mm->ram_base > mm->ram_size - len)
		return NULL;
	return mm->ram + (gpa - mm->ram_base);
}

void machine__set_irq(struct machine *mm, unsigned intid, int level)
{
	(void)mm;
	EXPECT(intid == GIC_SPI_BASE + VIRTIO_MMIO_SPI, "INTID %u", intid);
	line = level;
}

static void quiet(enum report_level level, const char *l)
{
	(void)level, (void)l;
}

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static struct virtio_mmio *dev[2]; /* read-write, read-only */
static int disk_fd[2];
static struct virtio_mmio *t;
static uint16_t avail_idx, num;

static uint8_t *ram(uint64_t off)
{
	return m.ram + off;
}

static uint64_t rd(uint64_t off, unsigned len)
{
	uint64_t v = 0;

	virtio_mmio_ops.read(t, off, len, &v, 0);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	EXPECT(virtio_mmio_ops.write(t, off, 4, v, 0) == 0, "32-bit write at 0x%llx refused",
	       (unsigned long long)off);
}

static void check_line(void)
{
	uint64_t is = rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4);

	EXPECT((line == 1) == (is != 0), "line %d with InterruptStatus %llu", line,
	       (unsigned long long)is);
}

static void make_disk(int i)
{
	static uint8_t sector[512];
	char path[64], why[256];
	struct platform_device d = { .name = "virtio_mmio", .base = VIRTIO_MMIO_BASE,
				     .size = VIRTIO_MMIO_STRIDE, .spi = VIRTIO_MMIO_SPI };

	disk_fd[i] = memfd_create("fuzz-virtio-disk", 0);
	EXPECT(disk_fd[i] >= 0, "memfd_create: %s", strerror(errno));
	for (unsigned s = 0; s < FV_SECTORS; s++) {
		memset(sector, (int)s, sizeof(sector));
		EXPECT(pwrite(disk_fd[i], sector, 512, s * 512) == 512, "disk");
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", disk_fd[i]);
	dev[i] = virtio_blk__new(&m, &d, path, i == 1, why, sizeof(why));
	EXPECT(dev[i], "virtio_blk__new: %s", why);
}

static void once(void)
{
	if (m.ram)
		return;
	report__set_sink(quiet);
	m.ram_base = RAM_BASE;
	m.ram_size = FV_RAM_SIZE;
	m.ram = malloc(FV_RAM_SIZE); /* exact: ASan sees the bytes on either side */
	make_disk(0);
	make_disk(1);
}

static uint64_t where(unsigned kind, uint64_t off)
{
	switch (kind % 8) {
	case FV_IN_RAM: return RAM_BASE + off;
	case FV_RAM_END: return RAM_BASE + FV_RAM_SIZE - off;
	case FV_MMIO: return VIRTIO_MMIO_BASE + off;
	case FV_ZERO: return off;
	case FV_TOP: return 0 - off;
	case FV_BELOW_RAM: return RAM_BASE - off;
	case FV_PAST_RAM: return RAM_BASE + FV_RAM_SIZE + off;
	}
	return RAM_BASE + FV_DATA + off;
}

static void set_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = ram(FV_DESC + 16 * (i % 256));
	uint64_t a = htole64(addr);
	uint32_t l = htole32(len);
	uint16_t f = htole16(flags), n = htole16(next);

	memcpy(d, &a, 8);
	memcpy(d + 8, &l, 4);
	memcpy(d + 12, &f, 2);
	memcpy(d + 14, &n, 2);
}

static void notify(unsigned q)
{
	bool broken = rd(VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET;
	uint16_t before;

	memcpy(&before, ram(FV_USED + 2), 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
	if (broken) {
		uint16_t after;

		memcpy(&after, ram(FV_USED + 2), 2);
		EXPECT(after == before, "a device needing a reset used a buffer");
	}
}

static void avail_add(uint16_t head)
{
	uint16_t n = num ? num : 1, h = htole16(head), i;

	memcpy(ram(FV_AVAIL + 4 + 2 * (avail_idx % n)), &h, 2);
	avail_idx++;
	i = htole16(avail_idx);
	memcpy(ram(FV_AVAIL + 2), &i, 2);
}

static void op_init(struct input *in)
{
	unsigned n = (unsigned)take(in, 1), f = (unsigned)take(in, 1);

	num = (uint16_t)((n & 0x80) && n % 10 == 9 ? n : 1u << (n % 10));
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (f & 1 ? 1u << VIRTIO_BLK_F_FLUSH : 0) |
	   (f & 2 ? 1u << VIRTIO_BLK_F_RO : 0) | (f & 4 ? 1u << VIRTIO_F_INDIRECT_DESC : 0));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, f & 8 ? 0 : 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_BASE + FV_DESC));
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_BASE + FV_AVAIL));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_BASE + FV_USED));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, (uint32_t)rd(VIRTIO_MMIO_STATUS, 4) | VIRTIO_STATUS_DRIVER_OK);
	avail_idx = 0;
	memset(ram(FV_AVAIL), 0, 4);
	memset(ram(FV_USED), 0, 4);
}

/* A whole request at head 0 in one of four framings, offered and notified. */
static void op_request(struct input *in)
{
	static const uint32_t types[] = { VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
					  VIRTIO_BLK_T_GET_ID, 13 };
	unsigned k = (unsigned)take(in, 1) % 6;
	uint32_t type = k < 5 ? types[k] : (uint32_t)take(in, 4);
	uint64_t sector = take(in, 4);
	uint32_t len = (uint32_t)take(in, 2) % (FV_RAM_SIZE - FV_DATA);
	unsigned layout = (unsigned)take(in, 1) % 4;
	uint16_t w = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
	uint64_t hdr = RAM_BASE + FV_HDR, data = RAM_BASE + FV_DATA;
	uint32_t t32 = htole32(type);
	uint64_t s64 = htole64(sector);

	memset(ram(FV_HDR), 0, 16);
	memcpy(ram(FV_HDR), &t32, 4);
	memcpy(ram(FV_HDR + 8), &s64, 8);
	*ram(FV_HDR + 16) = 0xee;
	switch (layout) {
	case 0:
		set_desc(0, hdr, 16, VIRTQ_DESC_F_NEXT, 1);
		set_desc(1, data, len, VIRTQ_DESC_F_NEXT | w, 2);
		set_desc(2, hdr + 16, 1, VIRTQ_DESC_F_WRITE, 0);
		break;
	case 1:
		set_desc(0, hdr, 5, VIRTQ_DESC_F_NEXT, 3);
		set_desc(3, hdr + 5, 11, VIRTQ_DESC_F_NEXT, 1);
		set_desc(1, data, len, VIRTQ_DESC_F_NEXT | w, 2);
		set_desc(2, hdr + 16, 1, VIRTQ_DESC_F_WRITE, 0);
		break;
	case 2:
		set_desc(0, hdr, 16, VIRTQ_DESC_F_NEXT, 1);
		set_desc(1, data, len / 2, VIRTQ_DESC_F_NEXT | w, 3);
		set_desc(3, data + len / 2, len - len / 2, VIRTQ_DESC_F_NEXT | w, 2);
		set_desc(2, hdr + 16, 1, VIRTQ_DESC_F_WRITE, 0);
		break;
	default:
		set_desc(0, hdr, 16, VIRTQ_DESC_F_NEXT, 1);
		set_desc(1, data, len + 1, VIRTQ_DESC_F_WRITE, 0);
		break;
	}
	avail_add(0);
	notify(0);
}

static void step(struct input *in)
{
	switch (take(in, 1) % FV_COUNT) {
	case FV_WRITE_REG: {
		uint64_t off = (take(in, 1) % 0x80) * 4;
		uint32_t v = (uint32_t)take(in, 4);

		if (off == VIRTIO_MMIO_QUEUE_NOTIFY)
			notify(v);
		else
			wr(off, v);
		break;
	}
	case FV_READ_REG: {
		uint64_t off = take(in, 2) % 0x200, v;
		unsigned len = 1u << (take(in, 1) % 4);
		int err = virtio_mmio_ops.read(t, off, len, &v, 0);

		EXPECT(off >= VIRTIO_MMIO_CONFIG || len == 4 || err == -EINVAL,
		       "%u-byte read of control register 0x%llx accepted", len,
		       (unsigned long long)off);
		break;
	}
	case FV_INIT:
		op_init(in);
		break;
	case FV_DESC_SET: {
		unsigned i = (unsigned)take(in, 1), kind = (unsigned)take(in, 1);
		uint64_t off = take(in, 2);
		uint32_t len = (uint32_t)take(in, 4);
		uint16_t flags = (uint16_t)take(in, 1), next = (uint16_t)take(in, 1);

		set_desc(i, where(kind, off), len, flags, next);
		break;
	}
	case FV_AVAIL_ADD:
		avail_add((uint16_t)take(in, 2));
		break;
	case FV_AVAIL_IDX: {
		uint16_t i = htole16((uint16_t)take(in, 2));

		memcpy(ram(FV_AVAIL + 2), &i, 2);
		break;
	}
	case FV_NOTIFY:
		notify((unsigned)take(in, 1));
		break;
	case FV_RAM: {
		uint64_t off = take(in, 2) % FV_RAM_SIZE;
		size_t n = (size_t)take(in, 1);

		if (n > in->left)
			n = in->left;
		if (n > FV_RAM_SIZE - off)
			n = FV_RAM_SIZE - off;
		memcpy(ram(off), in->p, n);
		in->p += n;
		in->left -= n;
		break;
	}
	case FV_REQUEST:
		op_request(in);
		break;
	case FV_ACK:
		wr(VIRTIO_MMIO_INTERRUPT_ACK, (uint32_t)take(in, 1));
		break;
	}
	check_line();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t sector[512];
	struct input in = { data, len };

	once();
	t = dev[take(&in, 1) & 1];
	virtio_mmio__reset(t);
	line = 0;
	memset(m.ram, 0, FV_RAM_SIZE);
	num = 0;
	avail_idx = 0;
	for (unsigned s = 0; s < FV_SECTORS; s++) {
		memset(sector, (int)s, sizeof(sector));
		EXPECT(pwrite(disk_fd[0], sector, 512, s * 512) == 512, "disk");
	}
	while (in.left)
		step(&in);
	return 0;
}
