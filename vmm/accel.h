/* An accelerator is an execution engine for the guest's vCPUs. Two exist: `kvm`
 * (Linux KVM on an arm64 host) and `model` (the software AArch64 CPU whose memory
 * accesses go through mmu/). The machine (RAM, bus, devices, device tree, boot state)
 * is built once and handed to whichever engine runs it. */
#ifndef VMM_ACCEL_H
#define VMM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct monitor_target_ops;
struct vm_state;

/* What an engine may give the guest beyond CPUs, GIC and timer, each on by default
 * where the host has it and described in the device tree (--pmu, --its). */
enum accel_feature {
	ACCEL_PMU = 1u << 0, /* a PMUv3 per vCPU, overflow interrupt PPI_PMU */
	ACCEL_ITS = 1u << 1, /* a GICv3 ITS at GIC_ITS_BASE (LPIs through MSIs) */
};

struct accel_ops {
	const char *name;
	/* The most vCPUs this engine runs (at most PLATFORM_MAX_CPUS); the CLI checks
	 * --cpus against it before create(). */
	unsigned max_cpus;
	/* enum accel_feature: what the engine can give at all (model: a PMU; kvm: both). */
	unsigned offers;
	/* Whether this host gives one of them: 0, or -errno and a one-line reason in why
	 * (e.g. "this host's KVM lacks KVM_CAP_ARM_PMU_V3"). NULL: all it offers. Only
	 * called when available() said yes. */
	int (*has_feature)(enum accel_feature f, char *why, size_t len);
	/* 0 if the engine can run on this host; otherwise -errno and a one-line reason in
	 * why (e.g. "no /dev/kvm", "this vmm was built for x86_64"). */
	int (*available)(char *why, size_t len);
	/* Create the VM: map RAM, create vCPUs and the interrupt controller, set the boot
	 * CPU's registers from machine->boot. On failure: -errno and machine__error().
	 * MMIO regions it registers on machine->bus are dropped after destroy(), so a
	 * restarted VM (guest reset with --reboot=restart) can register them again.
	 * create() and destroy() run under machine->accel_lock, as set_irq() does. */
	int (*create)(struct machine *m);
	/* Run until the VM stops (machine__stop()); returns 0 or -errno. */
	int (*run)(struct machine *m);
	/* A device drives an interrupt line (INTID: SPI = 32 + n). Any thread. */
	void (*set_irq)(struct machine *m, unsigned intid, int level);
	/* A device's MSI: DeviceID devid writes data to the ITS's GITS_TRANSLATER. 1 it
	 * became an LPI, 0 the ITS dropped it, -errno. NULL: the engine has no ITS. */
	int (*signal_msi)(struct machine *m, uint32_t devid, uint32_t data);
	/* Wake the vCPUs so that they notice machine__stopping(). Any thread, never from
	 * a signal handler (signals are handled in a thread of their own, main.c).
	 * machine__stop() has already written machine->wake_fd, which an engine waiting
	 * in poll() sees too. */
	void (*kick)(struct machine *m);
	void (*destroy)(struct machine *m);
	/* A hand-over to another engine (docs/handover.md). save_state: after run()
	 * returned for a hand-over (machine->stop_reason VM_STOP_HANDOVER), the whole
	 * state of the VM, before destroy(); 0, or -errno and machine__error(). NULL: the
	 * engine cannot hand over. create_from_state: create() that continues st instead
	 * of booting; NULL: the engine cannot take over. Both under machine->accel_lock. */
	int (*save_state)(struct machine *m, struct vm_state *st);
	int (*create_from_state)(struct machine *m, const struct vm_state *st);
	/* `vmm run --monitor`: the engine's operations for the monitor and their target
	 * (vmm/monitor/monitor.h), for the life of the process; NULL: no monitor. */
	const struct monitor_target_ops *(*monitor_ops)(struct machine *m, void **target);
};

extern const struct accel_ops accel_kvm;
extern const struct accel_ops accel_model;

/* By name; NULL name: the first available one (kvm, then model). NULL when the
 * named engine is not built into this vmm (or, for NULL, none is available). */
const struct accel_ops *accel__find(const char *name);
/* Is name one of the engines vmm knows ("kvm", "model"), built in or not? */
int accel__known(const char *name);

/* Building the model engine: vmm/CMakeLists.txt adds vmm/accel/model/ when it has a
 * CMakeLists.txt. That file defines a static library target `vmm_accel_model` that
 * provides `accel_model`; it may link `vmmcore` (machine, bus, devices, loaders,
 * fdt). vmm then links it and defines VMM_HAVE_MODEL. */

#endif
