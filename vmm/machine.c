/* The machine: guest RAM, the bus and its devices, the loaded kernel, initrd and
 * device tree, and the stop state shared by all threads. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>
#include <platform/memmap.h>

#include "accel.h"
#include "dev/pl011.h"
#include "devices.h"
#include "handover.h"
#include "loader/loader.h"
#include "machine.h"
#include "report.h"
#include "vmm_fdt.h"

uint64_t machine__mpidr(unsigned cpu)
{
	return 1ULL << 31 | ((uint64_t)(cpu >> 4) & 0xff) << 8 | (cpu & 0xf);
}

void *machine__gpa_to_hva(struct machine *m, uint64_t gpa, uint64_t len)
{
	if (gpa < m->ram_base || len > m->ram_size || gpa - m->ram_base > m->ram_size - len)
		return NULL;
	return m->ram + (gpa - m->ram_base);
}

/* The first stop wins, except over a reset that may yet become a restart: a user's
 * Ctrl-A x (or an error) while the VM restarts must not be lost. The status (and
 * error) are written before the reason under stop_lock: whoever sees the VM stopping
 * sees why, and a restart cannot slip in between. */
static bool claim_stop(struct machine *m, enum vm_stop_reason why, int status,
		       const char *error)
{
	int cur;
	bool won;

	pthread_mutex_lock(&m->stop_lock);
	cur = atomic_load(&m->stop_reason);
	won = cur == VM_RUNNING || (cur == VM_STOP_RESET && why != VM_STOP_RESET &&
				    m->cfg.reboot == VM_REBOOT_RESTART) ||
	      (cur == VM_STOP_HANDOVER && why != VM_STOP_HANDOVER);
	if (won) {
		m->exit_status = status;
		if (error)
			memcpy(m->error, error, sizeof(m->error));
		atomic_store(&m->stop_reason, (int)why);
	}
	pthread_mutex_unlock(&m->stop_lock);
	return won;
}

/* Under accel_lock: the engine cannot be destroyed under a kick, nor wake_fd closed. */
static void wake(struct machine *m)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->accel_lock);
	if (m->wake_fd >= 0 && write(m->wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so the engine is woken already */
	}
	if (m->accel && m->accel->kick)
		m->accel->kick(m);
	pthread_mutex_unlock(&m->accel_lock);
}

void machine__stop(struct machine *m, enum vm_stop_reason why, int status)
{
	claim_stop(m, why, status, NULL);
	wake(m);
}

bool machine__stopping(const struct machine *m)
{
	return atomic_load(&m->stop_reason) != VM_RUNNING;
}

void machine__error(struct machine *m, const char *fmt, ...)
{
	char line[sizeof(m->error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Only the first error is kept: later ones are usually its consequences. */
	claim_stop(m, VM_STOP_ERROR, VMM_EXIT_ERROR, line);
	wake(m);
}

int machine__signal_msi(struct machine *m, uint32_t devid, uint32_t data)
{
	int ret = -ENODEV;

	pthread_mutex_lock(&m->accel_lock);
	if (m->accel && m->accel->signal_msi && m->accel_data)
		ret = m->accel->signal_msi(m, devid, data);
	pthread_mutex_unlock(&m->accel_lock);
	return ret;
}

int machine__request_handover(struct machine *m, const char *trigger)
{
	struct timespec t;
	int cur;

	if (!m->handover_to || !m->accel || !m->accel->save_state ||
	    !m->handover_to->create_from_state)
		return -ENOTSUP;
	if (m->handover_refusal)
		return m->handover_refusal;
	pthread_mutex_lock(&m->stop_lock);
	cur = atomic_load(&m->stop_reason);
	if (m->switched || cur == VM_STOP_HANDOVER) {
		pthread_mutex_unlock(&m->stop_lock);
		return -EALREADY;
	}
	if (cur != VM_RUNNING) {
		pthread_mutex_unlock(&m->stop_lock);
		return -ESHUTDOWN;
	}
	snprintf(m->handover_trigger, sizeof(m->handover_trigger), "%s", trigger);
	clock_gettime(CLOCK_MONOTONIC, &t);
	m->handover_t0_ns = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	atomic_store(&m->stop_reason, (int)VM_STOP_HANDOVER);
	pthread_mutex_unlock(&m->stop_lock);
	wake(m);
	return 0;
}

void machine__set_irq(struct machine *m, unsigned intid, int level)
{
	pthread_mutex_lock(&m->accel_lock);
	if (m->accel && m->accel->set_irq)
		m->accel->set_irq(m, intid, level);
	pthread_mutex_unlock(&m->accel_lock);
}

const char *machine__stop_description(const struct machine *m)
{
	static char user[48];

	switch (atomic_load(&m->stop_reason)) {
	case VM_RUNNING: return "the VM is still running";
	case VM_STOP_POWEROFF: return "guest powered off (PSCI SYSTEM_OFF)";
	case VM_STOP_RESET: return "guest asked for a reset (PSCI SYSTEM_RESET; --reboot=exit)";
	case VM_STOP_EXIT: return "guest wrote the exit device";
	case VM_STOP_USER:
		if (m->exit_status <= 128)
			return "stopped by the user (Ctrl-A x)";
		snprintf(user, sizeof(user), "stopped by the user (signal %d)", m->exit_status - 128);
		return user;
	case VM_STOP_CHECK: return "a sanitizer check reported (--checks=stop)";
	case VM_STOP_ERROR: return m->error;
	case VM_STOP_TIMEOUT: return "stopped: --timeout expired";
	case VM_STOP_INSN_LIMIT: return "stopped: --max-insns reached";
	case VM_STOP_HANDOVER: return "switching engines";
	}
	return "?";
}

static int fail(struct machine *m, int err, const char *why)
{
	size_t len = strnlen(why, sizeof(m->error) - 1);

	memcpy(m->error, why, len); /* long messages are cut, not overflowed */
	m->error[len] = 0;
	return err;
}

/* The device tree of this machine, at m->boot.dtb_addr. */
static int build_dtb(struct machine *m)
{
	uint64_t mpidr[PLATFORM_MAX_CPUS];
	struct fdt_desc d = {
		.ram_base = m->ram_base, .ram_size = m->ram_size, .ncpus = m->cfg.ncpus,
		.mpidr = mpidr, .bootargs = m->cfg.cmdline,
		.initrd_start = m->boot.initrd_start, .initrd_end = m->boot.initrd_end,
		.devices = m->devices, .ndevices = m->ndevices,
		.pmu = m->cfg.pmu, .its = m->cfg.its,
	};
	char why[LOADER_WHY];
	unsigned i;
	int err;

	if (m->cfg.ncpus < 1 || m->cfg.ncpus > PLATFORM_MAX_CPUS)
		return fail(m, -EINVAL, "the platform describes 1 to PLATFORM_MAX_CPUS vCPUs");
	for (i = 0; i < m->cfg.ncpus; i++)
		mpidr[i] = machine__mpidr(i);
	free(m->dtb);
	m->dtb = malloc(FDT_MAX_SIZE);
	if (!m->dtb)
		return fail(m, -ENOMEM, "out of memory for the device tree");
	err = fdt__build(&d, m->dtb, FDT_MAX_SIZE, why, sizeof(why));
	if (err)
		return fail(m, -EINVAL, why);
	m->dtb_size = fdt_totalsize(m->dtb);
	memcpy(machine__gpa_to_hva(m, m->boot.dtb_addr, m->dtb_size), m->dtb, m->dtb_size);
	return 0;
}

static int load_initrd(struct machine *m, const struct guest_ram *ram)
{
	char why[LOADER_WHY];
	size_t len = 0;
	void *buf = NULL;
	int err = 0;

	if (m->cfg.initrd_path)
		err = loader__read_file(m->cfg.initrd_path, "initrd", ram->size, &buf, &len,
					why, sizeof(why));
	if (!err)
		err = loader__place(ram, len, FDT_MAX_SIZE, &m->boot, why, sizeof(why));
	if (!err && len)
		memcpy(machine__gpa_to_hva(m, m->boot.initrd_start, len), buf, len);
	free(buf);
	return err ? fail(m, err, why) : 0;
}

int machine__load(struct machine *m)
{
	const struct guest_ram ram = { m->ram, m->ram_base, m->ram_size };
	char why[LOADER_WHY], msg[LOADER_WHY + 64];
	size_t len;
	void *buf;
	int err;

	err = loader__read_file(m->cfg.image_path, "image", m->ram_size, &buf, &len, why, sizeof(why));
	if (err)
		return fail(m, err, why);
	err = loader__load_kernel(&ram, buf, len, &m->boot, why, sizeof(why));
	free(buf);
	if (err) {
		snprintf(msg, sizeof(msg), "%s: %s", m->cfg.image_path, why);
		return fail(m, err, msg);
	}
	err = load_initrd(m, &ram);
	return err ? err : build_dtb(m);
}

/* --dtb-out: a FIFO without a reader is refused at once instead of blocking in
 * open(); a full disk (or /dev/full) is reported, the file closed exactly once. */
static int write_dtb(struct machine *m)
{
	char why[LOADER_WHY];
	int err = 0;
	int fd = open(m->cfg.dtb_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);

	if (fd < 0) {
		err = errno;
	} else {
		size_t done = 0;

		fcntl(fd, F_SETFL, 0); /* a FIFO with a reader: ordinary blocking writes */
		while (!err && done < m->dtb_size) {
			ssize_t n = write(fd, (char *)m->dtb + done, m->dtb_size - done);

			if (n > 0)
				done += (size_t)n;
			else if (n < 0 && errno != EINTR)
				err = errno;
		}
		if (close(fd) < 0 && !err)
			err = errno;
	}
	if (!err)
		return 0;
	snprintf(why, sizeof(why), "cannot write the device tree to %s: %s", m->cfg.dtb_out,
		 err == ENXIO ? "a FIFO with no reader" : strerror(err));
	return fail(m, -err, why);
}

/* Every device of the table (devices.c) placed for this configuration: its state,
 * then its region on the bus. */
static int create_devices(struct machine *m)
{
	char why[sizeof(m->error)];
	unsigned i;
	int err = devices__place(m, m->devices, MACHINE_MAX_DEVICES, &m->ndevices, why, sizeof(why));

	if (err)
		return fail(m, err, why);
	for (i = 0; i < m->ndevices; i++) {
		const struct platform_device *d = &m->devices[i];
		struct mmio_region r = { d->name, d->base, d->size, d->ops, NULL };

		r.dev = m->dev_state[i] = d->create(m, d);
		if (!r.dev) {
			if (m->error[0]) /* the device said why */
				return -errno;
			snprintf(why, sizeof(why), "cannot create the %s device: %s", d->name,
				 strerror(errno));
			return fail(m, -errno, why);
		}
		err = bus__register(&m->bus, &r);
		if (err) {
			snprintf(why, sizeof(why), "cannot put the %s device at 0x%llx on the bus: %s",
				 d->name, (unsigned long long)d->base, strerror(-err));
			return fail(m, err, why);
		}
	}
	return 0;
}

int machine__init(struct machine *m, const struct vm_config *cfg)
{
	pthread_mutexattr_t recursive;
	int err;

	memset(m, 0, sizeof(*m));
	m->wake_fd = -1;
	/* recursive: an engine's create() or set_irq() that fails stops the VM, and
	 * machine__stop() takes the lock to kick */
	pthread_mutexattr_init(&recursive);
	pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m->accel_lock, &recursive);
	pthread_mutexattr_destroy(&recursive);
	pthread_mutex_init(&m->stop_lock, NULL);
	m->cfg = *cfg;
	m->ram_base = RAM_BASE;
	m->ram_size = cfg->mem_size;
	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return fail(m, -ENOMEM, "cannot allocate guest RAM: use a smaller --mem");
	}
	m->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->wake_fd < 0)
		return fail(m, -errno, "cannot create the VM's wake-up eventfd");
	err = create_devices(m);
	if (err)
		return err;
	err = machine__load(m);
	if (!err && cfg->dtb_out)
		err = write_dtb(m);
	return err;
}

/* Back to running after a reset, unless another stop came meanwhile. */
static bool claim_restart(struct machine *m)
{
	uint64_t n;
	bool won;

	/* the reset's wake-up is spent: an engine polling wake_fd must not see it */
	if (m->wake_fd >= 0 && read(m->wake_fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing to drain */
	}
	pthread_mutex_lock(&m->stop_lock);
	won = atomic_load(&m->stop_reason) == VM_STOP_RESET;
	if (won)
		atomic_store(&m->stop_reason, VM_RUNNING);
	pthread_mutex_unlock(&m->stop_lock);
	return won;
}

/* A guest reset with --reboot=restart: fresh RAM, devices and boot state. The
 * exit status is left alone: only the next stop's claim sets it. */
static int restart(struct machine *m)
{
	unsigned i;

	madvise(m->ram, m->ram_size, MADV_DONTNEED); /* private anonymous: reads as zero */
	for (i = 0; i < m->ndevices; i++)
		if (m->devices[i].reset && m->dev_state[i])
			m->devices[i].reset(m->dev_state[i]);
	return machine__load(m);
}

/* a guest can reset in a loop */
REPORT_LIMIT(restarts, "guest resets that restarted the VM", REPORT_BURST);

int machine__run(struct machine *m)
{
	int err;

	for (;;) {
		if (machine__stopping(m)) /* a signal before the (re)boot: none */
			return 0;
		pthread_mutex_lock(&m->accel_lock);
		err = m->accel->create(m);
		pthread_mutex_unlock(&m->accel_lock);
		for (int ran = 0; !err && ran == 0;) {
			err = m->accel->run(m);
			/* stopped for a hand-over: the other engine goes on (handover.c) */
			if (!err && atomic_load(&m->stop_reason) == VM_STOP_HANDOVER)
				ran = handover__switch(m, &err);
			else
				ran = 1;
		}
		pthread_mutex_lock(&m->accel_lock);
		m->accel->destroy(m); /* unregisters what create() put on the bus */
		pthread_mutex_unlock(&m->accel_lock);
		if (err)
			return err;
		if (m->cfg.reboot != VM_REBOOT_RESTART || !claim_restart(m))
			return 0;
		report_limited(&restarts, REPORT_INFO, "guest reset: restarting the VM");
		/* An image that can no longer be loaded is a stop like any other: one
		 * that came first (a signal during the restart) keeps its status. */
		if (restart(m)) {
			char why[sizeof(m->error)];

			memcpy(why, m->error, sizeof(why));
			machine__error(m, "%s", why);
		}
	}
}

void machine__destroy(struct machine *m)
{
	unsigned i;

	if (m->uart)
		pl011__cancel(m->uart);
	for (i = 0; i < m->ndevices; i++) {
		void *dev = m->dev_state[i];

		/* with a console, its thread may still hold the UART until the process ends */
		if (!dev || !m->devices[i].destroy || (dev == m->uart && m->console))
			continue;
		bus__unregister(&m->bus, m->devices[i].base);
		m->devices[i].destroy(dev);
		m->dev_state[i] = NULL;
	}
	pthread_mutex_lock(&m->accel_lock);
	if (m->wake_fd >= 0)
		close(m->wake_fd);
	m->wake_fd = -1;
	m->accel = NULL; /* a late stop (the console's Ctrl-A x) kicks nothing */
	pthread_mutex_unlock(&m->accel_lock);
	free(m->dtb);
	m->dtb = NULL;
	if (m->ram)
		munmap(m->ram, m->ram_size);
	m->ram = NULL;
}
