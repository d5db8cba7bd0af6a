/* The virtual machine as the VMM builds it: configuration, guest RAM, the MMIO bus
 * with its devices, the device tree, the boot state, and the stop/exit state. The
 * accelerator owns the vCPUs and runs them. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devices.h"

struct accel_ops;

/* What a guest's PSCI SYSTEM_RESET does. */
enum vm_reboot {
	VM_REBOOT_EXIT = 0,  /* vmm exits with VMM_EXIT_RESET */
	VM_REBOOT_RESTART,   /* the VM is rebuilt and boots again */
};

/* vmm's exit status when vmm itself, not the guest, decides it. A guest's status
 * (exit device, STATUS + SYSTEM_OFF) is passed through: 0..255, larger values 255. */
enum vmm_exit_status {
	VMM_EXIT_ERROR = 1,  /* set-up failed or the VM hit an error (see the message) */
	VMM_EXIT_USAGE = 2,  /* bad command line */
	VMM_EXIT_RESET = 3,  /* the guest asked for a reset and --reboot=exit */
	VMM_EXIT_CHECK = 4,  /* a sanitizer check reported with --checks=stop */
	VMM_EXIT_TIMEOUT = 5,    /* --timeout expired */
	VMM_EXIT_INSN_LIMIT = 6, /* --max-insns reached (model) */
};

/* --jit: the model's block translator; VM_JIT_DEFAULT: on where the host has it */
enum vm_jit { VM_JIT_DEFAULT = 0, VM_JIT_ON, VM_JIT_OFF };

/* --pmu, --its: not given (on where the host has it), on (or fail), off. */
enum vm_switch { VM_SWITCH_DEFAULT = 0, VM_SWITCH_ON, VM_SWITCH_OFF };

/* --checks: the model's mmu/ sanitizer checks (docs/model.md). */
enum vm_checks { VM_CHECKS_OFF = 0, VM_CHECKS_REPORT, VM_CHECKS_STOP };
#define MACHINE_MAX_SYMBOLS 8 /* --symbols FILE.elf, repeatable */
struct symtab;

/* --switch-to-model-at: what hands the VM over from KVM to the model
 * (docs/handover.md); the monitor's switch-to-model works without it too. */
enum vm_handover_at {
	VM_HANDOVER_NONE = 0,
	VM_HANDOVER_PC,     /* a vCPU is about to execute the instruction at this VA */
	VM_HANDOVER_EXITS,  /* after this many KVM exits of all vCPUs */
	VM_HANDOVER_MONITOR, /* when the monitor asks (needs --monitor) */
};

struct vm_config {
	uint64_t mem_size;       /* bytes of guest RAM from RAM_BASE */
	unsigned ncpus;
	const char *image_path;  /* kernel: Linux arm64 Image, ELF or raw binary */
	const char *initrd_path; /* or NULL */
	const char *cmdline;     /* /chosen/bootargs, or NULL */
	const char *dtb_out;     /* write the generated DTB here, or NULL */
	const char *accel;       /* "kvm", "model", or NULL for the first available */
	enum vm_reboot reboot;
	enum vm_checks checks;   /* model only: sanitizer checks, and stop at the first report */
	bool checks_strict;      /* --checks=strict: the model keeps what it may (docs/sanitizer.md) */
	const char *symbols[MACHINE_MAX_SYMBOLS]; /* --symbols FILE.elf: names in reports */
	unsigned nsymbols;
	bool stats;              /* model only: print statistics when the VM stops */
	bool caches;             /* model only: attach the cache model */
	unsigned stage2;         /* model only: --stage2 block|page|lazy: enum stage2_mode + 1;
				  * 0: not given (block, no stage-2 events) */
	bool dirty_log;          /* model only: --dirty-log (docs/stage2.md) */
	unsigned jit;            /* model only: --jit: enum vm_jit */
	enum vm_switch pmu_req, its_req; /* --pmu, --its as given */
	bool pmu;                /* the vCPUs have a PMUv3 (main.c decides): a /pmu node */
	bool its;                /* the GIC has an ITS (main.c decides): its node under the GIC */
	double timeout;          /* --timeout: seconds of wall time, 0 = none */
	uint64_t max_insns;      /* --max-insns: model only, instructions in all vCPUs, 0 = none */
	const char *console_log; /* --console-log: a copy of the guest's console output, or NULL */
	const char *disks[MACHINE_MAX_DISKS]; /* --disk FILE[,ro], in order: virtio-mmio slot n */
	unsigned ndisks;
	const char *monitor;     /* --monitor: the monitor's socket (docs/monitor.md), or NULL */
	bool paused;             /* --paused: every vCPU stopped before its first instruction */
	const char *gdb;         /* --gdb PORT|unix:PATH: the gdb stub (docs/gdb.md), or NULL */
	const char *trace;       /* --trace EVENTS (docs/trace.md), or NULL */
	const char *trace_file;  /* --trace-file FILE */
	enum vm_handover_at switch_at; /* --switch-to-model-at KIND=switch_value */
	uint64_t switch_value;
};

struct boot_info {
	uint64_t entry;                   /* PC of the boot vCPU, MMU off */
	uint64_t dtb_addr;                /* x0 */
	uint64_t kernel_start, kernel_end;
	uint64_t initrd_start, initrd_end; /* 0, 0 when none */
};

enum vm_stop_reason {
	VM_RUNNING = 0,
	VM_STOP_POWEROFF,   /* PSCI SYSTEM_OFF: exit status = the guest's STATUS value */
	VM_STOP_RESET,      /* PSCI SYSTEM_RESET */
	VM_STOP_EXIT,       /* the exit device's EXIT register */
	VM_STOP_USER,       /* Ctrl-A x, a signal */
	VM_STOP_CHECK,      /* a sanitizer check reported, with --checks=stop */
	VM_STOP_ERROR,      /* the VMM cannot go on: machine->error says why */
	VM_STOP_TIMEOUT,    /* --timeout expired */
	VM_STOP_INSN_LIMIT, /* --max-insns reached */
	/* Not an end: the engine stops to hand the VM over to another one, then the
	 * VM runs on (docs/handover.md). Any other stop wins over it. */
	VM_STOP_HANDOVER,
};

struct machine {
	struct vm_config cfg;
	uint8_t *ram;        /* host mapping of guest RAM */
	uint64_t ram_base, ram_size;
	struct bus bus;
	/* the device table placed for this configuration (devices__place) */
	struct platform_device devices[MACHINE_MAX_DEVICES];
	unsigned ndevices;
	void *dev_state[MACHINE_MAX_DEVICES]; /* per entry of devices[] */
	void *dtb;
	size_t dtb_size;
	struct boot_info boot;
	const struct accel_ops *accel;
	void *accel_data;
	/* Held by machine__set_irq around accel->set_irq, by machine__stop around
	 * accel->kick, and by machine__run around accel->create and accel->destroy:
	 * device threads (console input) and stops from other threads (signals, Ctrl-A
	 * x) never see a half-built or freed engine. Recursive. */
	pthread_mutex_t accel_lock;
	void *uart;          /* the PL011 (struct pl011), for console input */
	void *console;       /* the host terminal side (struct console), or NULL */
	/* Console input has ended (EOF on stdin, or no console): no device can raise an
	 * interrupt any more, which lets an engine tell a guest deadlock from idling. */
	atomic_bool input_closed;

	/* enum vm_stop_reason. Set last, under stop_lock, once exit_status (and error)
	 * are written: whoever sees a stop sees its status. */
	_Atomic int stop_reason;
	pthread_mutex_t stop_lock;
	/* An eventfd written on every stop request: an engine that sleeps (all vCPUs in
	 * WFI) polls it, so a stop never waits for a guest event. */
	int wake_fd;
	int exit_status;          /* what vmm exits with once stopped */
	uint32_t guest_status;    /* last value written to the exit device's STATUS */
	char error[256];          /* one line, set with machine__error() */
	struct symtab *symbols;   /* from cfg.symbols (vmm/symbols.h), or NULL */

	/* Hand-over (docs/handover.md, vmm/handover.c): the engine that may take the VM
	 * over (NULL: none), whether it did, what asked for it and when, and a hook the
	 * CLI sets to follow the switch (the monitor's target). */
	const struct accel_ops *handover_to;
	int handover_refusal; /* 0, or why it cannot switch: -EPERM an ITS, -EBUSY --gdb */
	bool switched;
	char handover_trigger[48];
	uint64_t handover_t0_ns;
	char handover_report[224]; /* the switch's line, printed when the run ends */
	void (*on_switch)(struct machine *m);
};

/* Build the machine from cfg: RAM, devices, kernel/initrd/DTB in RAM, boot state.
 * Does not pick or start an accelerator. -errno with m->error set on failure. */
int machine__init(struct machine *m, const struct vm_config *cfg);
/* (Re)load kernel, initrd and device tree into RAM and fill m->boot; used by
 * machine__init and by a restart after a guest reset. */
int machine__load(struct machine *m);
/* Run on m->accel until the VM stops for good (restarting on reset when asked).
 * Returns 0, or -errno with m->error set. The outcome is in stop_reason/exit_status. */
int machine__run(struct machine *m);
void machine__destroy(struct machine *m);
/* One line saying how the VM ended, e.g. "guest powered off (PSCI SYSTEM_OFF)". */
const char *machine__stop_description(const struct machine *m);

/* MPIDR_EL1 of vCPU `cpu`, as KVM assigns it (Aff0 = cpu % 16, Aff1 = cpu / 16,
 * bit 31 RES1); the device tree and every accelerator use this. */
uint64_t machine__mpidr(unsigned cpu);

/* Host address of guest physical [gpa, gpa+len), or NULL if it is not all RAM. */
void *machine__gpa_to_hva(struct machine *m, uint64_t gpa, uint64_t len);
/* Ask the VM to stop; the first request wins (a reset that would restart the VM
 * loses to any later stop). Kicks the vCPUs. Any thread, never a signal handler. */
void machine__stop(struct machine *m, enum vm_stop_reason why, int status);
bool machine__stopping(const struct machine *m);
/* Record a one-line error (printf format) and stop with VM_STOP_ERROR. */
void machine__error(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void machine__set_irq(struct machine *m, unsigned intid, int level);
/* A device's MSI through the engine's ITS (accel_ops.signal_msi): 1, 0 or -errno. */
int machine__signal_msi(struct machine *m, uint32_t devid, uint32_t data);
/* Ask for a hand-over to m->handover_to (docs/handover.md); trigger says what asked
 * ("exits=100", "monitor"). Any thread, like machine__stop. 0; -ENOTSUP when there
 * is no engine to switch to or this one cannot hand over; m->handover_refusal when the
 * VM has what the other engine cannot take (-EPERM an ITS, -EBUSY the gdb stub on
 * KVM); -EALREADY once switched
 * (or asked); -ESHUTDOWN when the VM is stopping. */
int machine__request_handover(struct machine *m, const char *trigger);

#endif
