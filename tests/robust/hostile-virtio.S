/* A hostile driver of the virtio-blk device (raw guest, loaded at RAM + 0x80000, run
 * with `vmm-asan run --accel model --mem 64M --disk FILE`, FILE at least 64 sectors).
 * It programs virtio-mmio slot 0 (VIRTIO_MMIO_BASE) with each hostile case of
 * docs/virtio.md and checks the answer the device owes it, then that a good request
 * still works: the device survives and vmm keeps running. Every check has a number
 * (x25); a failed check exits with its number as the status (through the exit
 * device), all passed exits 0. The checks, in order:
 *
 *   identification (4.2.2): "virt", version 2, DeviceID 2; an 8-bit or 64-bit access
 *     to a control register is an external abort (DFSC 0x10); the capacity reads at
 *     0x100 with a 64-bit access;
 *   a good write then read back of sector 5 (5.2.6);
 *   VIRTIO_BLK_S_IOERR, the device going on (5.2.6.2, 2.7.5): data over the PL011 (MMIO),
 *     across the end of RAM, at an address that wraps, of length 0xfffffe00, beyond
 *     the capacity, at sector 2^63, a partial sector, an 8-byte header, a readable
 *     descriptor after a writable one; VIRTIO_BLK_S_UNSUPP for an unknown type;
 *   DEVICE_NEEDS_RESET with a configuration change interrupt, then a reset and a good
 *     request (2.1.2, 2.7.5.2, 2.7.6): a descriptor loop, a next index past the
 *     queue, a head past the queue, the available index moved by 1000, an indirect
 *     descriptor (not offered), a chain without a device-writable status byte, and
 *     QueueReady with the descriptor table over MMIO or a queue size of 3;
 *   queue registers written while the queue is ready are ignored.
 *
 * With the MMU off every access is Device-nGnRnE, so all accesses here are aligned;
 * the model has no caches, so what the device writes to RAM is seen at once. */
#include <platform/memmap.h>
#include <platform/virtio.h>

#define NUM     16
#define RING    (RAM_BASE + 0x200000)
#define DESC    (RING)
#define AVAIL   (RING + 0x1000)
#define USED    (RING + 0x2000)
#define HDR     (RING + 0x3000)
#define STATUS  (RING + 0x3100)
#define DATA    (RING + 0x4000)
#define RAM_END (RAM_BASE + 0x4000000)	/* --mem 64M */
#define S_INIT  (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)
#define S_FEAT  (S_INIT | VIRTIO_STATUS_FEATURES_OK)
#define S_OK    (S_FEAT | VIRTIO_STATUS_DRIVER_OK)
#define F_NEXT  VIRTQ_DESC_F_NEXT
#define F_WRITE VIRTQ_DESC_F_WRITE

/* x19 the device, x21 exceptions taken, x20 the last ESR, x22 our available index,
 * x23 the used index we have seen, x25 the check number; x0-x7 scratch, x9-x10 the
 * vector's. */
	.text
	.global _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	ldr	x19, =VIRTIO_MMIO_BASE
	mov	x25, #0
	b	main

.macro CHECK
	add	x25, x25, #1
.endm
.macro W32 off, val
	ldr	w0, =\val
	str	w0, [x19, #\off]
.endm
.macro EXPECT reg, value
	CHECK
	ldr	x24, =\value
	cmp	\reg, x24
	b.ne	fail
.endm
/* \insn takes exactly one external abort (DFSC 0x10) */
.macro ABORTS insn:vararg
	CHECK
	mov	x21, #0
	\insn
	cmp	x21, #1
	b.ne	fail
	and	x24, x20, #0x3f
	cmp	x24, #0x10
	b.ne	fail
.endm
/* descriptor i = { addr, len, flags, next } */
.macro DESCR i, addr, len, flags, next
	ldr	x1, =DESC + 16 * \i
	ldr	x0, =\addr
	str	x0, [x1]
	ldr	w0, =\len
	str	w0, [x1, #8]
	mov	w0, #\flags
	strh	w0, [x1, #12]
	mov	w0, #\next
	strh	w0, [x1, #14]
.endm
/* header: type, sector; status byte 0xee */
.macro HEADER type, sector
	ldr	x1, =HDR
	ldr	w0, =\type
	str	w0, [x1]
	str	wzr, [x1, #4]
	ldr	x0, =\sector
	str	x0, [x1, #8]
	ldr	x1, =STATUS
	mov	w0, #0xee
	strb	w0, [x1]
.endm
/* a request in three descriptors (header, data, status) at head 0: the status byte
 * the device wrote in w0 */
.macro REQUEST type, sector, data, len, dflags
	HEADER	\type, \sector
	DESCR	0, HDR, 16, F_NEXT, 1
	DESCR	1, \data, \len, F_NEXT | \dflags, 2
	DESCR	2, STATUS, 1, F_WRITE, 0
	mov	w0, #0
	bl	offer
	bl	used_one
	ldr	x1, =STATUS
	ldrb	w0, [x1]
.endm
/* the request was refused with status \st and the device still serves */
.macro ANSWERS st, type, sector, data, len, dflags
	REQUEST	\type, \sector, \data, \len, \dflags
	EXPECT	x0, \st
	bl	serving
.endm
/* after the hostile set-up, offer head \head: DEVICE_NEEDS_RESET, then recovery */
.macro BREAKS head
	mov	w0, #\head
	bl	offer
	bl	needs_reset
.endm

main:
	/* identification */
	ldr	w1, [x19, #VIRTIO_MMIO_MAGIC_VALUE]
	EXPECT	x1, VIRTIO_MMIO_MAGIC
	ldr	w1, [x19, #VIRTIO_MMIO_VERSION]
	EXPECT	x1, 2
	ldr	w1, [x19, #VIRTIO_MMIO_DEVICE_ID]
	EXPECT	x1, VIRTIO_ID_BLOCK				/* 3: run with --disk */
	ABORTS	ldrb w1, [x19, #VIRTIO_MMIO_MAGIC_VALUE]
	ABORTS	ldr x1, [x19, #VIRTIO_MMIO_STATUS]
	ldr	x1, [x19, #VIRTIO_MMIO_CONFIG]			/* capacity */
	CHECK
	cmp	x1, #64
	b.lo	fail
	bl	init
	/* a good write then read back of sector 5 */
	ldr	x1, =DATA
	ldr	x0, =0x0123456789abcdef
	mov	x2, #64
1:	str	x0, [x1], #8
	add	x0, x0, #1
	subs	x2, x2, #1
	b.ne	1b
	ANSWERS	VIRTIO_BLK_S_OK, VIRTIO_BLK_T_OUT, 5, DATA, 512, 0
	ldr	x1, =DATA
	mov	x2, #64
2:	str	xzr, [x1], #8
	subs	x2, x2, #1
	b.ne	2b
	ANSWERS	VIRTIO_BLK_S_OK, VIRTIO_BLK_T_IN, 5, DATA, 512, F_WRITE
	ldr	x1, =DATA + 504
	ldr	x0, [x1]
	EXPECT	x0, 0x0123456789abcdef + 63
	/* bad requests: IOERR, the device goes on */
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0, PL011_BASE, 512, F_WRITE
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_OUT, 0, VIRTIO_MMIO_BASE, 512, 0
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0, RAM_END - 256, 512, F_WRITE
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0, 0xfffffffffffffe00, 512, F_WRITE
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0, DATA, 0xfffffe00, F_WRITE
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0x100000, DATA, 512, F_WRITE
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_OUT, 0x8000000000000000, DATA, 512, 0
	ANSWERS	VIRTIO_BLK_S_IOERR, VIRTIO_BLK_T_IN, 0, DATA, 100, F_WRITE
	ANSWERS	VIRTIO_BLK_S_UNSUPP, 0x7f, 0, DATA, 512, F_WRITE
	/* an 8-byte header */
	HEADER	VIRTIO_BLK_T_IN, 0
	DESCR	0, HDR, 8, F_NEXT, 1
	DESCR	1, STATUS, 1, F_WRITE, 0
	mov	w0, #0
	bl	offer
	bl	used_one
	ldr	x1, =STATUS
	ldrb	w0, [x1]
	EXPECT	x0, VIRTIO_BLK_S_IOERR
	/* a device-readable descriptor after a device-writable one */
	HEADER	VIRTIO_BLK_T_IN, 0
	DESCR	0, HDR, 16, F_NEXT, 1
	DESCR	1, DATA, 512, F_NEXT | F_WRITE, 3
	DESCR	3, DATA + 512, 512, F_NEXT, 2
	DESCR	2, STATUS, 1, F_WRITE, 0
	mov	w0, #0
	bl	offer
	bl	used_one
	ldr	x1, =STATUS
	ldrb	w0, [x1]
	EXPECT	x0, VIRTIO_BLK_S_IOERR
	bl	serving

	/* broken queues: DEVICE_NEEDS_RESET */
	HEADER	VIRTIO_BLK_T_IN, 0
	DESCR	0, HDR, 16, F_NEXT, 1				/* a loop: 0 -> 1 -> 0 */
	DESCR	1, STATUS, 1, F_NEXT | F_WRITE, 0
	BREAKS	0
	DESCR	0, HDR, 16, F_NEXT, 200				/* next past the queue */
	BREAKS	0
	BREAKS	NUM + 5						/* head past the queue */
	ldr	x1, =AVAIL					/* the index moved by 1000 */
	mov	w0, #1000
	strh	w0, [x1, #2]
	str	wzr, [x19, #VIRTIO_MMIO_QUEUE_NOTIFY]
	bl	needs_reset
	DESCR	0, DATA, 64, VIRTQ_DESC_F_INDIRECT, 0		/* indirect: not offered */
	BREAKS	0
	HEADER	VIRTIO_BLK_T_FLUSH, 0				/* no status byte */
	DESCR	0, HDR, 16, 0, 0
	BREAKS	0
	HEADER	VIRTIO_BLK_T_FLUSH, 0				/* status byte over MMIO */
	DESCR	0, HDR, 16, F_NEXT, 1
	DESCR	1, PL011_BASE, 1, F_WRITE, 0
	BREAKS	0
	/* QueueReady refused: the descriptor table over MMIO, a queue size of 3 */
	ldr	x3, =PL011_BASE
	mov	x4, #NUM
	bl	init_with
	ldr	w1, [x19, #VIRTIO_MMIO_QUEUE_READY]
	EXPECT	x1, 0
	ldr	w1, [x19, #VIRTIO_MMIO_STATUS]
	and	x1, x1, #VIRTIO_STATUS_NEEDS_RESET
	EXPECT	x1, VIRTIO_STATUS_NEEDS_RESET
	ldr	x3, =DESC
	mov	x4, #3
	bl	init_with
	ldr	w1, [x19, #VIRTIO_MMIO_QUEUE_READY]
	EXPECT	x1, 0
	bl	init
	bl	serving
	/* queue registers while the queue is ready: ignored */
	W32	VIRTIO_MMIO_QUEUE_NUM, 3
	W32	VIRTIO_MMIO_QUEUE_DESC_LOW, 0x09000000
	bl	serving
	b	pass

/* Device initialisation (3.1.1, 4.2.3) with the queue at DESC, NUM entries. */
init:
	ldr	x3, =DESC
	mov	x4, #NUM
/* the same with the descriptor table at x3 and x4 entries (does not enable DRIVER_OK
 * when QueueReady reads 0) */
init_with:
	str	wzr, [x19, #VIRTIO_MMIO_STATUS]
	W32	VIRTIO_MMIO_STATUS, S_INIT
	W32	VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1
	W32	VIRTIO_MMIO_DRIVER_FEATURES, 1			/* VERSION_1 */
	W32	VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0
	str	wzr, [x19, #VIRTIO_MMIO_DRIVER_FEATURES]
	W32	VIRTIO_MMIO_STATUS, S_FEAT
	str	wzr, [x19, #VIRTIO_MMIO_QUEUE_SEL]
	str	w4, [x19, #VIRTIO_MMIO_QUEUE_NUM]
	str	w3, [x19, #VIRTIO_MMIO_QUEUE_DESC_LOW]
	lsr	x3, x3, #32
	str	w3, [x19, #VIRTIO_MMIO_QUEUE_DESC_HIGH]
	W32	VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL
	str	wzr, [x19, #VIRTIO_MMIO_QUEUE_DRIVER_HIGH]
	W32	VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED
	str	wzr, [x19, #VIRTIO_MMIO_QUEUE_DEVICE_HIGH]
	ldr	x1, =AVAIL
	mov	w0, #VIRTQ_AVAIL_F_NO_INTERRUPT			/* polled, as the guest's driver */
	str	w0, [x1]
	ldr	x1, =USED
	str	wzr, [x1]
	mov	x22, #0
	mov	x23, #0
	W32	VIRTIO_MMIO_QUEUE_READY, 1
	ldr	w0, [x19, #VIRTIO_MMIO_QUEUE_READY]
	cbz	w0, 1f
	W32	VIRTIO_MMIO_STATUS, S_OK
1:	ret

/* Offer head w0 on the available ring and notify queue 0. */
offer:
	ldr	x1, =AVAIL
	and	x2, x22, #NUM - 1
	add	x2, x1, x2, lsl #1
	strh	w0, [x2, #4]
	add	x22, x22, #1
	strh	w22, [x1, #2]
	dsb	sy
	str	wzr, [x19, #VIRTIO_MMIO_QUEUE_NOTIFY]
	ret

/* The device used exactly one more buffer, head 0. */
used_one:
	ldr	x1, =USED
	ldrh	w0, [x1, #2]
	add	x23, x23, #1
	and	x2, x23, #0xffff
	CHECK
	cmp	x0, x2
	b.ne	fail
	sub	x2, x23, #1
	and	x2, x2, #NUM - 1
	add	x2, x1, x2, lsl #3
	ldr	w0, [x2, #4]					/* its id: head 0 */
	CHECK
	cbnz	w0, fail
	ret

/* Not in DEVICE_NEEDS_RESET, and a FLUSH is answered OK. */
serving:
	mov	x7, x30
	ldr	w1, [x19, #VIRTIO_MMIO_STATUS]
	EXPECT	x1, S_OK
	HEADER	VIRTIO_BLK_T_FLUSH, 0
	DESCR	0, HDR, 16, F_NEXT, 1
	DESCR	1, STATUS, 1, F_WRITE, 0
	mov	w0, #0
	bl	offer
	bl	used_one
	ldr	x1, =STATUS
	ldrb	w0, [x1]
	EXPECT	x0, VIRTIO_BLK_S_OK
	mov	x30, x7
	ret

/* DEVICE_NEEDS_RESET and the configuration change interrupt status, nothing used;
 * then a reset (Status = 0), a new initialisation and a good request. */
needs_reset:
	mov	x6, x30
	ldr	w1, [x19, #VIRTIO_MMIO_STATUS]
	EXPECT	x1, S_OK | VIRTIO_STATUS_NEEDS_RESET
	ldr	w1, [x19, #VIRTIO_MMIO_INTERRUPT_STATUS]
	and	x1, x1, #VIRTIO_MMIO_INT_CONFIG
	EXPECT	x1, VIRTIO_MMIO_INT_CONFIG
	ldr	x1, =USED					/* nothing used */
	ldrh	w0, [x1, #2]
	and	x2, x23, #0xffff
	CHECK
	cmp	x0, x2
	b.ne	fail
	W32	VIRTIO_MMIO_INTERRUPT_ACK, 3
	bl	init
	bl	serving
	mov	x30, x6
	ret

pass:
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	wzr, [x1]
	b	.
fail:
	ldr	x1, =EXIT_DEV_BASE + EXIT_DEV_EXIT
	str	w25, [x1]
	b	.

	.balign 2048
vectors:
	.rept 16
	.balign 128
	b	sync
	.endr
/* a synchronous exception: counted, ESR kept, returned past the instruction */
sync:
	mrs	x20, esr_el1
	mrs	x9, elr_el1
	add	x21, x21, #1
	add	x9, x9, #4
	msr	elr_el1, x9
	eret
	.ltorg
	.balign 16
	.skip 4096
stack_top:
