/* The virtual machine as the VMM builds it: configuration, guest RAM, the MMIO bus
 * with its devices, the device tree, the boot state, and the stop/exit state. The
 * accelerator owns the vCPUs and runs them. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct accel_ops;

struct vm_config {
	uint64_t mem_size;       /* bytes of guest RAM from RAM_BASE */
	unsigned ncpus;
	const char *image_path;  /* kernel: Linux arm64 Image, ELF or raw binary */
	const char *initrd_path; /* or NULL */
	const char *cmdline;     /* /chosen/bootargs, or NULL */
	const char *dtb_out;     /* write the generated DTB here, or NULL */
	const char *accel;       /* "kvm", "model", or NULL for the first available */
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
	VM_STOP_ERROR,      /* the VMM cannot go on: machine->error says why */
};

struct machine {
	struct vm_config cfg;
	uint8_t *ram;        /* host mapping of guest RAM */
	uint64_t ram_base, ram_size;
	struct bus bus;
	void *dtb;
	size_t dtb_size;
	struct boot_info boot;
	const struct accel_ops *accel;
	void *accel_data;
	void *uart;          /* the PL011 console, for input and set_irq */

	_Atomic int stop_reason;  /* enum vm_stop_reason */
	int exit_status;          /* what vmm exits with once stopped */
	uint32_t guest_status;    /* last value written to the exit device's STATUS */
	char error[256];          /* one line, set with machine__error() */
};

/* Host address of guest physical [gpa, gpa+len), or NULL if it is not all RAM. */
void *machine__gpa_to_hva(struct machine *m, uint64_t gpa, uint64_t len);
/* Ask the VM to stop; the first request wins. Kicks the vCPUs. */
void machine__stop(struct machine *m, enum vm_stop_reason why, int status);
bool machine__stopping(const struct machine *m);
/* Record a one-line error (printf format) and stop with VM_STOP_ERROR. */
void machine__error(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void machine__set_irq(struct machine *m, unsigned intid, int level);

#endif
