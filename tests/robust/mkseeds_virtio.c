/* Writes the seed corpus of fuzz_virtio into DIR: scripts (fuzz_virtio.h) that a
 * correct driver would run (initialisation, then IN, OUT, FLUSH, GET_ID requests in
 * each framing) and the hostile cases of docs/virtio.md (a descriptor loop, a next
 * index past the queue, a buffer over MMIO and past RAM, an available index jump, an
 * indirect descriptor, a chain without a status byte, every register at every width),
 * so that the fuzzer starts from the deep paths. Written by code rather than checked
 * in as blobs so that what they hold is readable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <platform/virtio.h>

#include "fuzz_virtio.h"

static const char *dir;
static unsigned char buf[4096];
static size_t len;

static void le(unsigned long long v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		buf[len++] = (unsigned char)(v >> (8 * i));
}

static void start(unsigned disk)
{
	len = 0;
	le(disk, 1);
}

static void save(const char *name)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void init(unsigned size_log2, unsigned features)
{
	le(FV_INIT, 1);
	le(size_log2, 1);
	le(features, 1);
}

static void request(unsigned kind, unsigned long long sector, unsigned n, unsigned layout)
{
	le(FV_REQUEST, 1);
	le(kind, 1);
	le(sector, 4);
	le(n, 2);
	le(layout, 1);
}

static void desc(unsigned i, unsigned where, unsigned off, unsigned n, unsigned flags,
		 unsigned next)
{
	le(FV_DESC_SET, 1);
	le(i, 1);
	le(where, 1);
	le(off, 2);
	le(n, 4);
	le(flags, 1);
	le(next, 1);
}

static void offer(unsigned head)
{
	le(FV_AVAIL_ADD, 1);
	le(head, 2);
	le(FV_NOTIFY, 1);
	le(0, 1);
}

#define NEXT VIRTQ_DESC_F_NEXT
#define WRITE VIRTQ_DESC_F_WRITE

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	for (unsigned layout = 0; layout < 4; layout++) {
		char name[32];

		start(0);
		init(4, 1);
		request(0, 3, 1024, layout);     /* IN */
		request(1, 60, 2048, layout);    /* OUT */
		request(2, 0, 0, layout);        /* FLUSH */
		request(3, 0, 20, layout);       /* GET_ID */
		request(4, 0, 512, layout);      /* WRITE_ZEROES: UNSUPP */
		request(0, 63, 1024, layout);    /* past the capacity */
		le(FV_ACK, 1);
		le(1, 1);
		snprintf(name, sizeof(name), "requests-layout-%u", layout);
		save(name);
	}
	start(1);
	init(8, 3);
	request(1, 1, 512, 0);
	request(0, 1, 512, 0);
	save("read-only-disk-write");
	start(0);
	init(4, 1);
	desc(0, FV_DATA_AREA, 0, 16, NEXT, 1);
	desc(1, FV_DATA_AREA, 32, 1, NEXT | WRITE, 0);
	offer(0);
	save("descriptor-loop");
	start(0);
	init(4, 1);
	desc(0, FV_DATA_AREA, 0, 16, NEXT, 200);
	offer(0);
	save("next-past-the-queue");
	start(0);
	init(4, 1);
	le(FV_RAM, 1);
	le(FV_HDR, 2);
	le(16, 1);
	le(0, 16);                                     /* IN, sector 0 */
	desc(0, FV_IN_RAM, FV_HDR, 16, NEXT, 1);
	desc(1, FV_MMIO, 0, 512, NEXT | WRITE, 2);       /* data over the device itself */
	desc(2, FV_IN_RAM, FV_HDR + 16, 1, WRITE, 0);
	offer(0);
	desc(1, FV_RAM_END, 256, 512, NEXT | WRITE, 2);  /* across the end of RAM */
	offer(0);
	desc(1, FV_TOP, 256, 512, NEXT | WRITE, 2);      /* wrapping */
	offer(0);
	desc(1, FV_DATA_AREA, 0, 0xfffffe00, NEXT | WRITE, 2); /* absurd length */
	offer(0);
	desc(2, FV_PAST_RAM, 0, 1, WRITE, 0);          /* status past RAM */
	offer(0);
	save("buffers-outside-ram");
	start(0);
	init(4, 1);
	le(FV_AVAIL_IDX, 1);
	le(1000, 2);
	le(FV_NOTIFY, 1);
	le(0, 1);
	save("available-index-jump");
	start(0);
	init(4, 5);
	desc(0, FV_DATA_AREA, 0, 64, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	save("indirect-descriptor");
	start(0);
	init(2, 0);
	desc(0, FV_DATA_AREA, 0, 16, 0, 0);
	offer(0);
	save("no-status-byte");
	start(0);
	for (unsigned off = 0; off < 0x200; off += 4)
		for (unsigned w = 0; w < 4; w++) {
			le(FV_READ_REG, 1);
			le(off, 2);
			le(w, 1);
		}
	save("every-register-every-width");
	start(0);
	init(9 | 0x80, 1);                             /* queue size 137: refused */
	init(9, 1);                                    /* 512: more than QueueNumMax */
	init(4, 8);                                    /* without VERSION_1 */
	request(0, 0, 512, 0);
	save("bad-initialisations");
	return 0;
}
