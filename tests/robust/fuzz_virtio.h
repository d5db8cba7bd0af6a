/* The input of fuzz_virtio.c, shared with its seed writer (mkseeds_virtio.c): a first
 * byte choosing the disk (bit 0: the read-only one), then a script of operations, each
 * an opcode byte followed by its little-endian fields. A script ends with the input;
 * a field cut short reads as zero. */
#ifndef ROBUST_FUZZ_VIRTIO_H
#define ROBUST_FUZZ_VIRTIO_H

#define FV_RAM_SIZE 0x10000          /* 64 KiB of guest RAM at RAM_BASE */
#define FV_DESC 0x0000               /* offsets in it of the test driver's queue */
#define FV_AVAIL 0x1000
#define FV_USED 0x2000
#define FV_HDR 0x3000
#define FV_DATA 0x4000
#define FV_SECTORS 64                /* the disk */

enum fv_op {
	FV_WRITE_REG,  /* off:1 (x4: 0..0x1fc), value:4 */
	FV_READ_REG,   /* off:2 (% 0x200), width:1 (1 << (w % 4)) */
	FV_INIT,       /* num:1 (queue size 1 << (n % 10), or n itself if n & 0x80 and
			* n % 10 == 9), features:1 (bit 0 FLUSH, bit 1 RO, bit 2 INDIRECT, bit 3
			* leave out VERSION_1): reset, features, queue at FV_DESC.., DRIVER_OK */
	FV_DESC_SET,   /* index:1, where:1 (address kind, % 8), off:2, len:4, flags:1, next:1 */
	FV_AVAIL_ADD,  /* head:2: into the available ring, index + 1 */
	FV_AVAIL_IDX,  /* idx:2: the available index as is */
	FV_NOTIFY,     /* queue:1 */
	FV_RAM,        /* off:2, n:1, then n bytes into guest RAM */
	FV_REQUEST,    /* type:1 (% 6: IN OUT FLUSH GET_ID, 13, random:4), sector:4, len:2,
			* layout:1 (% 4: 3 descriptors, header split, data split, status
			* inside data): a whole request at head 0, offered and notified */
	FV_ACK,        /* bits:1: InterruptACK */
	FV_COUNT
};

/* FV_DESC_SET address kinds: where + off */
enum fv_where {
	FV_IN_RAM,       /* RAM_BASE + off */
	FV_RAM_END,      /* RAM end - off */
	FV_MMIO,         /* the virtio slot itself + off */
	FV_ZERO,         /* 0 + off */
	FV_TOP,          /* 2^64 - off */
	FV_BELOW_RAM,    /* RAM_BASE - off */
	FV_PAST_RAM,     /* RAM end + off */
	FV_DATA_AREA,    /* RAM_BASE + FV_DATA + off */
};

#endif
