/* virtio-mmio transport, version 2 (virtio 1.2, 4.2): the register page of one
 * virtio-mmio slot, for any device type behind it. The device type (the backend: blk.c)
 * gives its ID, its features, its configuration space and a function that serves one
 * request chain; the transport does the rest: the status handshake (2.1, 3.1), feature
 * negotiation (2.2), queue set-up (4.2.3.2), notifications (4.2.3.3) and the interrupt
 * (4.2.3.4), and DEVICE_NEEDS_RESET when the guest breaks a queue.
 *
 * Requests are served synchronously, on the thread of the vCPU that writes QueueNotify
 * (deterministic on the model), under the transport's lock. */
#ifndef VMM_VIRTIO_MMIO_H
#define VMM_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtqueue.h"

struct machine;
struct mmio_ops;
struct platform_device;

#define VIRTIO_MMIO_MAX_QUEUES 1
#define VIRTIO_MMIO_VENDOR 0x006d6d76 /* "vmm" */

/* What serving a chain came to. */
enum virtio_req {
	VIRTIO_REQ_DONE,   /* returned on the used ring with the length written */
	VIRTIO_REQ_BROKEN, /* the device cannot answer it: DEVICE_NEEDS_RESET */
};

struct virtio_backend {
	const char *name;          /* "virtio-blk", in reports */
	uint32_t device_id;        /* VIRTIO_ID_* */
	unsigned nqueues;          /* at most VIRTIO_MMIO_MAX_QUEUES */
	/* Serve chain c of queue q; *written = bytes written into it. why: for BROKEN. */
	enum virtio_req (*request)(void *be, unsigned q, const struct virtq_chain *c,
				   uint32_t *written, char *why, size_t whylen);
};

struct virtio_mmio {
	struct machine *m;
	const struct virtio_backend *be_ops;
	void *be;
	uint64_t features;              /* offered (DeviceFeatures) */
	const uint8_t *config;          /* the device-specific configuration space */
	size_t config_len;
	unsigned intid;
	char name[48];                  /* "virtio-blk 0 at 0xa000000" */

	pthread_mutex_t lock;
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	uint32_t interrupt_status;
	int line;                       /* last level given to the interrupt controller */
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	struct virtq_chain chain;       /* the chain being served */
};

/* The transport of slot d (placed: base, SPI) for backend ops/be, offering features
 * (VIRTIO_F_VERSION_1 is added) and config[0..config_len). NULL if out of memory. */
struct virtio_mmio *virtio_mmio__new(struct machine *m, const struct platform_device *d,
				     const struct virtio_backend *ops, void *be,
				     uint64_t features, const uint8_t *config, size_t config_len);
void virtio_mmio__free(struct virtio_mmio *t);
/* The register page: 32-bit accesses to the control registers (others are refused:
 * the guest takes an external abort), 1/2/4/8-byte aligned reads of the configuration
 * space (4.2.2). */
extern const struct mmio_ops virtio_mmio_ops;
/* The device reset (Status = 0, or a guest reset): also the platform_device reset. */
void virtio_mmio__reset(void *dev);

#endif
