/* The monitor: `vmm run --monitor PATH` serves a UNIX socket speaking newline-delimited
 * JSON (docs/monitor.md): a greeting, then requests {"id", "cmd", "args"} answered
 * {"id", "ok": RESULT} or {"id", "error": {"class", "desc"}}, and events pushed to
 * clients that subscribed. `vmm-inspect` (tools/vmm-inspect/) is its client.
 *
 * The monitor never touches the engines: it reaches the VM only through
 * struct monitor_target_ops, which the VMM implements once per engine. This header is
 * the whole seam.
 *
 * Wiring it into vmm (vmm/main.c, the engines):
 *
 *   struct monitor_config mc = { .path = opt_monitor, .version = VMM_VERSION,
 *                                .engine = m.accel->name };
 *   char err[256];
 *   if (monitor__start(&mc, &ops, target, err, sizeof(err)))   after the engine's
 *           -> report(REPORT_ERROR, "%s", err), exit 1          create(), before run()
 *   machine__run(...)
 *   monitor__post_stopped(machine__stop_description(&m), m.exit_status);
 *   monitor__stop();                                            before destroy()
 *
 * and from the engines, where a guest takes a synchronous abort (the model's
 * exception entry for EC 0x20/0x21/0x24/0x25):
 *
 *   if (monitor__wants_faults())                                inline, one load
 *           monitor__post_fault(&(struct monitor_fault){ ... });
 *
 * Threads: the monitor runs one thread of its own. Every target op is called from
 * that thread, one at a time, never from a signal handler; the target makes each op
 * safe against its vCPU threads. monitor__post_*() may be called from any thread
 * (never from a signal handler); they never block on the socket.
 *
 * Build: vmm/monitor/CMakeLists.txt defines `vmm_monitor` (this) and `monitor_json`
 * (the JSON reader/writer the client shares). vmm/CMakeLists.txt should
 * add_subdirectory(monitor) before tools/ is configured; until it does,
 * tools/vmm-inspect and tests/inspect add it themselves.
 */
#ifndef VMM_MONITOR_H
#define VMM_MONITOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mmu/mmu.h>

#define MONITOR_PROTOCOL 1
#define MONITOR_MAX_LINE (64 * 1024)  /* longest request line, newline excluded */

/* One vCPU's registers as an inspector needs them: enough to show the CPU to a
 * human and to rebuild its translation regime in mmu/ (struct mmu_sysregs). */
struct vcpu_regs {
	uint64_t x[31];
	uint64_t sp_el0, sp_el1;
	uint64_t pc;
	uint64_t pstate;   /* in SPSR_EL1 layout: NZCV[31:28], PAN[22], DAIF[9:6], M[3:0] */
	/* EL1 */
	uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1;
	uint64_t esr_el1, far_el1, elr_el1, spsr_el1, vbar_el1, par_el1, contextidr_el1;
	/* Stage 2 as the engine applies it, in EL2 register layout: the model's own
	 * stage-2 tables (HCR_EL2.VM = 1, VTCR_EL2, VTTBR_EL2, at the physical addresses
	 * read_phys reads); or all 0 when the engine has no stage 2 the monitor can read
	 * (KVM: then IPA = the guest physical address read_phys reads). */
	uint64_t hcr_el2, vtcr_el2, vttbr_el2;
	uint8_t pa_bits;   /* implemented PA size (ID_AA64MMFR0_EL1.PARange); 0: 48 */
};

/* What the model's memory system holds for one vCPU (all pointers may be NULL). */
struct monitor_mmu_view {
	const struct mmu_tlb *tlb;
	const struct mmu_caches *caches;
	const struct mmu_walk_stats *walks;
};
typedef void monitor_mmu_fn(void *arg, const struct monitor_mmu_view *v);
/* One named counter ("cpu0.insns", "tlb.l1d.hits"; dots make groups). */
typedef void monitor_stat_fn(void *arg, const char *name, uint64_t value);
/* One range of the guest's physical map as the VMM builds it (`pt --stage2` on an
 * engine whose stage-2 tables the monitor cannot read: KVM's are the host kernel's). */
enum monitor_phys_kind {
	MONITOR_PHYS_MEMSLOT,    /* RAM in a memslot: mapped at stage 2 by the host kernel */
	MONITOR_PHYS_MMIO,       /* a VMM device: unmapped, accesses exit to the VMM */
	MONITOR_PHYS_KERNEL_DEV, /* a device the host kernel emulates (the vGIC): unmapped, no exit */
};
struct monitor_phys_range {
	uint64_t ipa, size;
	enum monitor_phys_kind kind;
	const char *name;     /* the device, or "ram" */
	int slot;             /* memslot number (MEMSLOT), else -1 */
	uint64_t host;        /* the slot's host virtual address (MEMSLOT) */
	uint32_t flags;       /* the slot's KVM_MEM_* flags as given to KVM (MEMSLOT) */
	bool dirty_log, readonly; /* ... decoded: KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY */
};
typedef void monitor_phys_fn(void *arg, const struct monitor_phys_range *r);

struct monitor_target_ops {
	/* --- required --- */
	unsigned (*ncpus)(void *t);
	/* Stop every vCPU and return once they have stopped (0), or -errno. Pausing a
	 * paused VM succeeds. */
	int (*pause)(void *t);
	int (*resume)(void *t);
	bool (*paused)(void *t);
	/* Ask the VM to stop, as Ctrl-A x does; returns at once (0 or -errno). */
	int (*quit)(void *t);
	/* A consistent snapshot of one vCPU's registers (0 <= cpu < ncpus), 0 or -errno.
	 * An engine that can read registers only while the vCPU is stopped may stop it
	 * briefly (as QEMU's run_on_cpu) or return -EBUSY ("pause first"). */
	int (*get_regs)(void *t, unsigned cpu, struct vcpu_regs *out);
	/* Read len bytes at physical address pa, with no side effect on the guest:
	 * guest RAM, and (model) the stage-2 tables at the addresses VTTBR_EL2 gives.
	 * 0, or -EFAULT when any byte has no memory behind it (MMIO is never read). */
	int (*read_phys)(void *t, uint64_t pa, void *buf, size_t len);

	/* --- optional: NULL means "needs the model engine" (an error reply) --- */
	/* Call fn with vCPU cpu's TLB, caches and walk counters while they cannot
	 * change (e.g. between scheduling quanta, or paused); 0 or -errno. */
	int (*mmu_view)(void *t, unsigned cpu, monitor_mmu_fn *fn, void *arg);
	/* Report every statistic through put; 0 or -errno. */
	int (*stats)(void *t, monitor_stat_fn *put, void *arg);
	/* The stage-2 dirty log (vmm run --dirty-log, as KVM_GET_DIRTY_LOG): put each run
	 * of consecutive dirty 4 KiB pages (IPA, pages) while the VM is held; with reset,
	 * then write-protect them again and clear the log. 0, -ENODATA without
	 * --dirty-log, or -errno. */
	int (*dirty_log)(void *t, bool reset, void (*put)(void *arg, uint64_t ipa, uint64_t pages),
			 void *arg);
	/* The guest's physical map (KVM: memslots, the VMM's MMIO devices, the in-kernel
	 * vGIC), each range once, in address order; 0 or -errno. NULL: the engine's stage
	 * 2 is read through the EL2 registers get_regs gives (the model). */
	int (*phys_map)(void *t, monitor_phys_fn *put, void *arg);
	/* Hand the running VM over to the model engine (docs/handover.md); returns once
	 * asked, not switched: 0, -ENOTSUP (no model to switch to), -EPERM (the guest has
	 * an ITS, which the model lacks), -EBUSY (--gdb on KVM), -EALREADY, -ESHUTDOWN.
	 * NULL: this engine cannot hand over. */
	int (*switch_to_model)(void *t);
};

struct monitor_config {
	const char *path;     /* socket path */
	const char *version;  /* vmm's version, for the greeting */
	const char *engine;   /* "kvm", "model", ... (status command) */
	/* 0: the defaults (docs/monitor.md "The socket"); smaller ones are for tests */
	size_t max_reply;     /* one reply (default 512 MiB) */
	size_t max_unsent;    /* the unsent replies of all clients together (default 1 GiB) */
};

/* Open the socket (mode 0600; PATH must not exist, or be a stale socket nobody
 * listens on) and start serving. 0, or -errno with one line in err. One monitor per
 * process. */
int monitor__start(const struct monitor_config *cfg, const struct monitor_target_ops *ops,
		   void *target, char *err, size_t errlen);
/* Close the client and the socket, remove PATH, join the thread. Safe to call when
 * not started. */
void monitor__stop(void);
/* The VM moved to another engine (docs/handover.md): serve it through its target
 * from the next request on (waits for one being served). */
void monitor__set_target(const struct monitor_target_ops *ops, void *target, const char *engine);

/* A synchronous abort the guest took (instruction or data abort; any EC really). */
struct monitor_fault {
	unsigned cpu;
	uint64_t pc;          /* of the faulting instruction (ELR of the exception) */
	unsigned el;          /* EL the fault came from */
	uint64_t esr, far;
	uint64_t ipa;         /* faulting IPA (stage-2 faults), else 0 */
	bool ipa_valid;
	uint64_t insns;       /* the vCPU's instruction count (model), 0 if unknown */
	/* NULL for a fault the guest takes; else a stage-2 fault the VMM resolved itself
	 * (model): "first-touch", "split", "dirty", "mmio" (docs/stage2.md) */
	const char *stage2;
};

/* Set while a monitor runs: faults are recorded (the `faults` history) and pushed
 * to subscribers. Engines test it before building a struct monitor_fault. */
extern atomic_bool monitor_fault_wanted;
static inline bool monitor__wants_faults(void)
{
	return atomic_load_explicit(&monitor_fault_wanted, memory_order_relaxed);
}
void monitor__post_fault(const struct monitor_fault *f);
/* The VM stopped for good (reason: machine__stop_description()). */
void monitor__post_stopped(const char *reason, int status);

#endif
