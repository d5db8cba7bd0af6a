/* Inside the KVM accelerator (arm64 hosts only): the VM and its vCPUs. kvm.c owns
 * the VM's life cycle, kvm_vcpu.c the vCPUs and their exits, kvm_gic.c the in-kernel
 * GICv3, kvm_pmu.c the vCPUs' PMU, kvm_its.c the GIC's ITS. */
#ifndef VMM_ACCEL_KVM_PRIV_H
#define VMM_ACCEL_KVM_PRIV_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

struct machine;

struct kvm_vcpu {
	struct kvm_vm *vm;
	unsigned id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	/* The thread runs: a kick may signal it. Cleared by the thread itself, under
	 * the machine's accel_lock (which kicks hold), before it ends. */
	int started;
	int debug_armed;  /* kvm_handover.c set a hardware breakpoint (pc= trigger) */
	int saved_ok;     /* its state for a hand-over is in vm->saved[id] */
};

struct kvm_vm {
	struct machine *m;
	int sys_fd, vm_fd, gic_fd, its_fd;
	size_t run_size;
	int inject_dabt;  /* KVM_CAP_ARM_INJECT_EXT_DABT: unclaimed accesses abort */
	unsigned ncpus;
	struct kvm_vcpu *vcpus;
	struct kvm_userspace_memory_region ram_slot; /* as given to KVM (pt --stage2) */
	/* hand-over (kvm_handover.c): exits of all vCPUs, each vCPU's saved state */
	atomic_ullong exits;
	struct vcpu_state *saved;
};

/* ioctl() that records "<what> failed: <errno text>" with machine__error. */
int kvm__ioctl(struct machine *m, int fd, unsigned long req, void *arg, const char *what);
#define KVM_IOCTL(m, fd, req, arg) kvm__ioctl((m), (fd), (req), (arg), #req)

int kvm_vcpu__create(struct kvm_vm *vm, unsigned id);
int kvm_vcpu__set_boot_regs(struct kvm_vcpu *vcpu);
void *kvm_vcpu__thread(void *arg);
/* The signal that kicks a vCPU out of KVM_RUN: the only one its thread takes. */
#define KVM_KICK_SIGNAL SIGUSR1
void kvm_vcpu__destroy(struct kvm_vcpu *vcpu);

int kvm_gic__create(struct kvm_vm *vm);

/* kvm_pmu.c (--pmu): does this host's KVM give vCPUs a PMUv3; after the vGIC is
 * initialised, each vCPU's overflow PPI and PMU init. */
int kvm_pmu__probe(char *why, size_t len);
int kvm_pmu__init(struct kvm_vm *vm);
/* kvm_its.c (--its): can this host's KVM make a vGIC ITS; make it (after the vGIC);
 * an MSI from a device of the VMM: DeviceID devid writes data to GITS_TRANSLATER
 * (KVM_SIGNAL_MSI; 1 delivered, 0 blocked by the guest's tables, or -errno). */
int kvm_its__probe(char *why, size_t len);
int kvm_its__create(struct kvm_vm *vm);
int kvm_its__signal_msi(struct kvm_vm *vm, uint32_t devid, uint32_t data);

/* Hand-over to the model (kvm_handover.c, docs/handover.md): the vCPU thread's calls
 * before its loop, after each exit, on KVM_EXIT_DEBUG and after its loop; and
 * accel_ops.save_state. */
struct vm_state;
int kvm_handover__vcpu_start(struct kvm_vcpu *v);
void kvm_handover__exit(struct kvm_vcpu *v);
void kvm_handover__debug_exit(struct kvm_vcpu *v);
void kvm_handover__vcpu_end(struct kvm_vcpu *v);
int kvm_handover__save(struct machine *m, struct vm_state *st);

/* The monitor (kvm_monitor.c): accel_ops.monitor_ops, and the vCPU thread's look
 * before each KVM_RUN (parks it while the monitor wants it stopped; clears a kick's
 * immediate_exit). True: look at the stop state again before KVM_RUN. */
struct monitor_target_ops;
const struct monitor_target_ops *kvm_monitor__ops(struct machine *m, void **target);
int kvm_monitor__before_run(struct kvm_vcpu *v);
/* Run fn on vCPU cpu's own thread with every vCPU stopped (parked), as the KVM API
 * asks of vCPU ioctls; fn's return value, or -errno (-ECANCELED: the VM stops). Not
 * from a vCPU thread. */
typedef int kvm_vcpu_fn(struct kvm_vcpu *v, void *arg);
int kvm_monitor__on_vcpu(struct machine *m, unsigned cpu, kvm_vcpu_fn *fn, void *arg);
/* Does the monitor (or the gdb stub) want the vCPUs parked? */
bool kvm_monitor__stop_wanted(void);

/* The run loop's exit handling (kvm_vcpu.c), for a KVM_RUN made elsewhere (a step). */
void kvm_vcpu__handle_exit(struct kvm_vcpu *v);
void kvm_vcpu__trace_exit(struct kvm_vcpu *v, uint32_t reason);

/* The gdb stub's side (kvm_gdb.c): a KVM_EXIT_DEBUG the run loop got. */
void kvm_gdb__debug_exit(struct kvm_vcpu *v);

#endif
