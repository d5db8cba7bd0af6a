/* virtio-blk (virtio 1.2, 5.2) backed by a host file or block device: `vmm run --disk
 * FILE[,ro]`, one virtio-mmio slot per disk (docs/virtio.md). */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct platform_device;
struct virtio_mmio;
struct vm_config;

/* The device-table side: instance n is the configuration's disk n (m->cfg.disks[n]).
 * create() returns the slot's transport (virtio_mmio_ops, virtio_mmio__reset); on
 * failure NULL with errno set and the reason in m->error. */
void *virtio_blk__create(struct machine *m, const struct platform_device *d);
void virtio_blk__destroy(void *dev);
unsigned virtio_blk__instances(const struct machine *m);

/* A disk on path (read-only: VIRTIO_BLK_F_RO offered, writes refused), in slot d.
 * NULL with errno set and a one-line reason in why. For the tests as well. */
struct virtio_mmio *virtio_blk__new(struct machine *m, const struct platform_device *d,
				    const char *path, bool ro, char *why, size_t whylen);

/* --disk FILE[,ro]: the option's parser for vmm/main.c's table. */
int virtio_blk__parse_disk(struct vm_config *cfg, const char *val, char *why, size_t n);

#endif
