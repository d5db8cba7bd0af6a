/* virtio-blk (virtio 1.2, 5.2) over the virtio-mmio transport (mmio.c), backed by a
 * host file or block device opened at start-up and locked (flock: shared when
 * read-only, exclusive otherwise), so that two VMs, or two --disk of one, cannot write
 * the same file.
 *
 * Features offered: VIRTIO_F_VERSION_1 (the transport adds it), VIRTIO_BLK_F_FLUSH,
 * and VIRTIO_BLK_F_RO for a read-only disk. Configuration: capacity only (the size of
 * the file in 512-byte sectors, rounded down); every other field reads 0.
 *
 * Requests (5.2.6), served at once on the notifying vCPU's thread, in any framing
 * (2.7.4: the header, data and status may be split across descriptors in any way):
 *   VIRTIO_BLK_T_IN     preadv into the device-writable buffers
 *   VIRTIO_BLK_T_OUT    pwritev from the device-readable buffers after the header;
 *                       VIRTIO_BLK_S_IOERR on a read-only disk, nothing written (5.2.6.2)
 *   VIRTIO_BLK_T_FLUSH  fdatasync
 *   VIRTIO_BLK_T_GET_ID the ID string "vmm-disk<n>", NUL-padded to 20 bytes
 *   anything else       VIRTIO_BLK_S_UNSUPP
 * A request the guest got wrong is answered VIRTIO_BLK_S_IOERR and the device goes on:
 * a buffer not in guest RAM (over MMIO, past RAM, wrapping), a device-readable buffer
 * after a device-writable one, a header shorter than 16 bytes, data that is not a whole
 * number of sectors or reaches past the capacity. Only a request with no status byte
 * to write (the last descriptor is not device-writable, or not in RAM) cannot be
 * answered: the device then needs a reset (mmio.c). Every such request is reported,
 * rate-limited. Left out: discard, write-zeroes, secure erase, lifetime, the write-cache
 * toggle (CONFIG_WCE), size_max/seg_max/geometry/blk_size/topology, multiple queues. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <platform/device.h>
#include <platform/virtio.h>

#include "blk.h"
#include "mmio.h"
#include "../../machine.h"
#include "../../report.h"

REPORT_LIMIT(bad_requests, "virtio-blk requests refused as I/O errors", REPORT_BURST);

struct virtio_blk {
	struct virtio_mmio *t;
	int fd;
	bool ro;
	uint64_t capacity;                     /* sectors */
	char *path;
	uint8_t config[VIRTIO_BLK_CFG_SIZE];
	char id[VIRTIO_BLK_ID_BYTES];
	struct iovec iov[VIRTQ_NUM_MAX];
};

/* The parts of a request chain: its device-readable bytes (header, then OUT data)
 * and its device-writable bytes (IN data, then the status byte, the very last). */
struct layout {
	uint64_t readable, writable;
};

static uint8_t __attribute__((format(printf, 2, 3)))
refuse(struct virtio_blk *b, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	report_limited(&bad_requests, REPORT_WARN, "%s: %s: VIRTIO_BLK_S_IOERR", b->t->name, what);
	return VIRTIO_BLK_S_IOERR;
}

/* Every buffer in RAM, readable ones first (2.7.4.2). 0, or the status to answer. */
static int check_layout(struct virtio_blk *b, const struct virtq_chain *c, struct layout *l)
{
	bool seen_write = false;
	unsigned i;

	l->readable = l->writable = 0;
	for (i = 0; i < c->nseg; i++) {
		const struct virtq_seg *s = &c->seg[i];

		if (!s->hva)
			return refuse(b, "buffer [0x%llx, +0x%x) is not in guest RAM",
				      (unsigned long long)s->gpa, s->len);
		if (!s->write && seen_write)
			return refuse(b, "device-readable buffer %u of the chain after a "
				      "device-writable one", i);
		seen_write |= s->write;
		*(s->write ? &l->writable : &l->readable) += s->len;
	}
	l->writable--; /* the status byte */
	return 0;
}

/* iov over bytes [from, from + len) of the readable (or writable) buffers. */
static int make_iov(struct virtio_blk *b, const struct virtq_chain *c, bool write,
		    uint64_t from, uint64_t len)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < c->nseg && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t take;

		if (s->write != write)
			continue;
		if (from >= s->len) {
			from -= s->len;
			continue;
		}
		take = s->len - from < len ? s->len - from : len;
		b->iov[n].iov_base = s->hva + from;
		b->iov[n].iov_len = take;
		n++;
		len -= take;
		from = 0;
	}
	return n;
}

/* The whole transfer or -errno; the end of the file is -EIO. */
static int transfer(struct virtio_blk *b, int n, uint64_t off, bool to_file)
{
	struct iovec *iov = b->iov;

	while (n > 0) {
		ssize_t done = to_file ? pwritev(b->fd, iov, n, (off_t)off) :
					 preadv(b->fd, iov, n, (off_t)off);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return done < 0 ? -errno : -EIO;
		off += (uint64_t)done;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

/* Data of len bytes at sector: whole sectors, all within the capacity. */
static int check_range(struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	if (len % VIRTIO_BLK_SECTOR_SIZE)
		return refuse(b, "%llu bytes of data at sector %llu: not whole sectors",
			      (unsigned long long)len, (unsigned long long)sector);
	if (sector > b->capacity || len / VIRTIO_BLK_SECTOR_SIZE > b->capacity - sector)
		return refuse(b, "%llu bytes at sector %llu: beyond the capacity (%llu sectors)",
			      (unsigned long long)len, (unsigned long long)sector,
			      (unsigned long long)b->capacity);
	return 0;
}

static uint8_t do_io(struct virtio_blk *b, const struct virtq_chain *c, const struct layout *l,
		     bool out, uint64_t sector, uint32_t *data_written)
{
	uint64_t len = out ? l->readable - VIRTIO_BLK_REQ_HDR_SIZE : l->writable;
	int err = check_range(b, sector, len), n;

	if (err)
		return (uint8_t)err;
	if (out && b->ro)
		return refuse(b, "write of %llu bytes at sector %llu: read-only disk",
			      (unsigned long long)len, (unsigned long long)sector);
	n = make_iov(b, c, !out, out ? VIRTIO_BLK_REQ_HDR_SIZE : 0, len);
	err = transfer(b, n, sector * VIRTIO_BLK_SECTOR_SIZE, out);
	if (err)
		return refuse(b, "%s at sector %llu of %s: %s", out ? "write" : "read",
			      (unsigned long long)sector, b->path, strerror(-err));
	if (!out)
		*data_written = (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t get_id(struct virtio_blk *b, const struct virtq_chain *c, const struct layout *l,
		      uint32_t *data_written)
{
	uint64_t len = l->writable < VIRTIO_BLK_ID_BYTES ? l->writable : VIRTIO_BLK_ID_BYTES;
	int n = make_iov(b, c, true, 0, len), i;
	const char *p = b->id;

	for (i = 0; i < n; i++) {
		memcpy(b->iov[i].iov_base, p, b->iov[i].iov_len);
		p += b->iov[i].iov_len;
	}
	*data_written = (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

/* One request: the status to write; *data_written bytes written before the status. */
static uint8_t serve(struct virtio_blk *b, const struct virtq_chain *c, uint32_t *data_written)
{
	uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE], *p = hdr;
	struct layout l;
	uint32_t type;
	uint64_t sector;
	int err = check_layout(b, c, &l), n, i;

	*data_written = 0;
	if (err)
		return (uint8_t)err;
	if (l.readable < VIRTIO_BLK_REQ_HDR_SIZE)
		return refuse(b, "request header of %llu bytes, not 16",
			      (unsigned long long)l.readable);
	n = make_iov(b, c, false, 0, VIRTIO_BLK_REQ_HDR_SIZE);
	for (i = 0; i < n; i++) {
		memcpy(p, b->iov[i].iov_base, b->iov[i].iov_len);
		p += b->iov[i].iov_len;
	}
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		return do_io(b, c, &l, false, sector, data_written);
	case VIRTIO_BLK_T_OUT:
		return do_io(b, c, &l, true, sector, data_written);
	case VIRTIO_BLK_T_FLUSH:
		if (!b->ro && fdatasync(b->fd) < 0)
			return refuse(b, "fdatasync of %s: %s", b->path, strerror(errno));
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		return get_id(b, c, &l, data_written);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

static enum virtio_req blk_request(void *be, unsigned q, const struct virtq_chain *c,
				   uint32_t *written, char *why, size_t whylen)
{
	struct virtio_blk *b = be;
	const struct virtq_seg *last = &c->seg[c->nseg - 1];
	uint32_t data = 0;
	uint8_t status;

	(void)q;
	/* 5.2.6: the status is the last byte the device writes; without it the driver
	 * cannot be told anything */
	if (!last->write || !last->len || !last->hva) {
		snprintf(why, whylen, "request at descriptor %u ends with no device-writable "
			 "status byte in guest RAM", c->head);
		return VIRTIO_REQ_BROKEN;
	}
	status = serve(b, c, &data);
	last->hva[last->len - 1] = status;
	*written = data + 1;
	return VIRTIO_REQ_DONE;
}

static const struct virtio_backend blk_backend = {
	.name = "virtio-blk", .device_id = VIRTIO_ID_BLOCK, .nqueues = 1, .request = blk_request,
};

static void blk_free(struct virtio_blk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	virtio_mmio__free(b->t);
	free(b->path);
	free(b);
}

/* Opens, checks and locks the disk; its size in bytes, or -errno with why. */
static int open_disk(struct virtio_blk *b, const char *path, char *why, size_t whylen)
{
	struct stat st;
	off_t size;

	b->fd = open(path, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		return snprintf(why, whylen, "cannot open disk %s: %s", path, strerror(errno)), -errno;
	if (fstat(b->fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return snprintf(why, whylen, "disk %s: not a file or a block device", path), -EINVAL;
	if (flock(b->fd, (b->ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		return snprintf(why, whylen, "disk %s is in use (locked by another process or "
				"another --disk)", path), -EBUSY;
	size = lseek(b->fd, 0, SEEK_END);
	if (size < 0)
		return snprintf(why, whylen, "disk %s: cannot find its size: %s", path,
				strerror(errno)), -errno;
	if (size % VIRTIO_BLK_SECTOR_SIZE)
		report(REPORT_WARN, "disk %s: %lld bytes is not a whole number of 512-byte sectors; "
		       "the last %lld are not seen by the guest", path, (long long)size,
		       (long long)(size % VIRTIO_BLK_SECTOR_SIZE));
	b->capacity = (uint64_t)size / VIRTIO_BLK_SECTOR_SIZE;
	return 0;
}

struct virtio_mmio *virtio_blk__new(struct machine *m, const struct platform_device *d,
				    const char *path, bool ro, char *why, size_t whylen)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	uint64_t cap;
	int err;

	if (!b)
		return snprintf(why, whylen, "out of memory for disk %s", path), errno = ENOMEM, NULL;
	b->fd = -1;
	b->ro = ro;
	b->path = strdup(path);
	err = b->path ? open_disk(b, path, why, whylen) : -ENOMEM;
	if (!err) {
		cap = htole64(b->capacity);
		memcpy(b->config + VIRTIO_BLK_CFG_CAPACITY, &cap, sizeof(cap));
		snprintf(b->id, sizeof(b->id), "vmm-disk%u", d->instance); /* NUL-padded */
		b->t = virtio_mmio__new(m, d, &blk_backend, b, 1ULL << VIRTIO_BLK_F_FLUSH |
					(ro ? 1ULL << VIRTIO_BLK_F_RO : 0), b->config,
					sizeof(b->config));
		if (!b->t)
			err = -ENOMEM;
	}
	if (err) {
		if (err == -ENOMEM)
			snprintf(why, whylen, "out of memory for disk %s", path);
		blk_free(b);
		errno = -err;
		return NULL;
	}
	return b->t;
}

void *virtio_blk__create(struct machine *m, const struct platform_device *d)
{
	const char *arg = m->cfg.disks[d->instance];
	size_t len = strlen(arg);
	bool ro = len > 3 && !strcmp(arg + len - 3, ",ro");
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%.*s", (int)(ro ? len - 3 : len), arg);
	return virtio_blk__new(m, d, path, ro, m->error, sizeof(m->error));
}

void virtio_blk__destroy(void *dev)
{
	struct virtio_mmio *t = dev;

	blk_free(t->be);
}

unsigned virtio_blk__instances(const struct machine *m)
{
	return m->cfg.ndisks;
}

int virtio_blk__parse_disk(struct vm_config *cfg, const char *val, char *why, size_t n)
{
	if (cfg->ndisks == MACHINE_MAX_DISKS)
		return snprintf(why, n, "--disk %s: at most %d disks", val, MACHINE_MAX_DISKS), -1;
	if (!*val || !strcmp(val, ",ro"))
		return snprintf(why, n, "--disk needs a file: --disk FILE or --disk FILE,ro"), -1;
	cfg->disks[cfg->ndisks++] = val;
	return 0;
}
