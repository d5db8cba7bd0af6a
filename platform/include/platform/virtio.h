/* The virtio interface the machine offers, as numbers: the virtio-mmio register layout
 * (version 2, the modern one), device status and feature bits, the split virtqueue's
 * descriptor flags, and virtio-blk's request types and statuses. From the OASIS
 * "Virtual I/O Device (VIRTIO) Version 1.2" specification; each group names its
 * section. Read by the VMM's transport and device (vmm/dev/virtio/), the guest's
 * driver (guest/drivers/virtio_*.c) and the raw test guests, hence only #defines
 * (assembler-safe, as memmap.h). The structures (descriptor, rings, request header)
 * are written out where they are used: they are C, and each side states its own
 * endianness handling. docs/virtio.md says what is implemented. */
#ifndef PLATFORM_VIRTIO_H
#define PLATFORM_VIRTIO_H

/* 4.2.2 MMIO Device Register Layout. Control registers are 32 bits wide; the
 * device-specific configuration space starts at VIRTIO_MMIO_CONFIG. */
#define VIRTIO_MMIO_MAGIC_VALUE       0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION           0x004 /* 2: no legacy registers */
#define VIRTIO_MMIO_DEVICE_ID         0x008 /* 0: an empty slot */
#define VIRTIO_MMIO_VENDOR_ID         0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL         0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034
#define VIRTIO_MMIO_QUEUE_NUM         0x038
#define VIRTIO_MMIO_QUEUE_READY       0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS  0x060
#define VIRTIO_MMIO_INTERRUPT_ACK     0x064
#define VIRTIO_MMIO_STATUS            0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090 /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0 /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL           0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW       0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH      0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW      0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH     0x0bc
#define VIRTIO_MMIO_QUEUE_RESET       0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG            0x100

#define VIRTIO_MMIO_MAGIC             0x74726976 /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_MODERN    2
/* InterruptStatus / InterruptACK bits (4.2.2) */
#define VIRTIO_MMIO_INT_VRING         0x1 /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG        0x2 /* configuration change */

/* 5 Device Types */
#define VIRTIO_ID_BLOCK               2

/* 2.1 Device Status Field */
#define VIRTIO_STATUS_ACKNOWLEDGE     1
#define VIRTIO_STATUS_DRIVER          2
#define VIRTIO_STATUS_DRIVER_OK       4
#define VIRTIO_STATUS_FEATURES_OK     8
#define VIRTIO_STATUS_NEEDS_RESET     64
#define VIRTIO_STATUS_FAILED          128

/* 6 Reserved Feature Bits (bit numbers) */
#define VIRTIO_F_INDIRECT_DESC        28
#define VIRTIO_F_EVENT_IDX            29
#define VIRTIO_F_VERSION_1            32
#define VIRTIO_F_ACCESS_PLATFORM      33
#define VIRTIO_F_RING_PACKED          34

/* 2.7.5 The Virtqueue Descriptor Table: flags */
#define VIRTQ_DESC_F_NEXT             1
#define VIRTQ_DESC_F_WRITE            2 /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT         4
/* 2.7.6 The Virtqueue Available Ring / 2.7.8 The Virtqueue Used Ring: flags */
#define VIRTQ_AVAIL_F_NO_INTERRUPT    1
#define VIRTQ_USED_F_NO_NOTIFY        1
/* 2.7 Split Virtqueues (its table of parts): sizes in bytes of the three parts of a
 * queue of n entries (without VIRTIO_F_EVENT_IDX), and their alignment. */
#define VIRTQ_DESC_SIZE(n)            (16 * (n))
#define VIRTQ_AVAIL_SIZE(n)           (6 + 2 * (n))
#define VIRTQ_USED_SIZE(n)            (6 + 8 * (n))
#define VIRTQ_DESC_ALIGN              16
#define VIRTQ_AVAIL_ALIGN             2
#define VIRTQ_USED_ALIGN              4
#define VIRTQ_MAX_SIZE                32768 /* 2.7: the largest Queue Size */

/* 5.2.3 Block Device: Feature bits (bit numbers) */
#define VIRTIO_BLK_F_SIZE_MAX         1
#define VIRTIO_BLK_F_SEG_MAX          2
#define VIRTIO_BLK_F_GEOMETRY         4
#define VIRTIO_BLK_F_RO               5
#define VIRTIO_BLK_F_BLK_SIZE         6
#define VIRTIO_BLK_F_FLUSH            9
/* 5.2.4 Device configuration layout: offsets in the configuration space */
#define VIRTIO_BLK_CFG_CAPACITY       0x00 /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE           0x24 /* through num_queues */
/* 5.2.6 Device Operation: the request header (le32 type, le32 reserved, le64 sector),
 * then data, then one status byte */
#define VIRTIO_BLK_REQ_HDR_SIZE       16
#define VIRTIO_BLK_SECTOR_SIZE        512
#define VIRTIO_BLK_ID_BYTES           20
#define VIRTIO_BLK_T_IN               0
#define VIRTIO_BLK_T_OUT              1
#define VIRTIO_BLK_T_FLUSH            4
#define VIRTIO_BLK_T_GET_ID           8
#define VIRTIO_BLK_S_OK               0
#define VIRTIO_BLK_S_IOERR            1
#define VIRTIO_BLK_S_UNSUPP           2

#endif
