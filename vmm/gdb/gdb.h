/* `vmm run --gdb PORT|unix:PATH`: a GDB remote-serial-protocol stub (docs/gdb.md).
 *
 * The stub (vmm/gdb/gdbstub.c) speaks the protocol on one socket, one client at a
 * time, in a thread of its own. It reaches the VM through two seams:
 *   - the monitor's struct monitor_target_ops (vmm/monitor/monitor.h): pause, resume,
 *     get_regs and read_phys, from which it walks the guest's page tables with mmu/
 *     (side-effect free, as the monitor's `walk`) to read memory by virtual address;
 *   - struct gdb_target_ops below, for what a debugger needs beyond looking: all
 *     registers (with SIMD&FP), writing them and memory, single step, and engine-side
 *     breakpoints and watchpoints.
 * Every gdb_target_ops call but set_break's effect on a running VM is made with the VM
 * paused (the monitor's pause); the engine makes them safe against its vCPU threads. */
#ifndef VMM_GDB_H
#define VMM_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct monitor_target_ops;

/* The registers in the order and layout of gdb's aarch64-core and aarch64-fpu
 * features: x0-x30, sp, pc, cpsr (32 bits), v0-v31 (128 bits), fpsr, fpcr. */
#define GDB_NREGS 68
#define GDB_REG_SP 31
#define GDB_REG_PC 32
#define GDB_REG_CPSR 33
#define GDB_REG_V0 34
#define GDB_REG_FPSR 66
#define GDB_REG_FPCR 67
struct gdb_regs {
	uint64_t x[31], sp, pc;
	uint32_t cpsr;
	uint8_t v[32][16];
	uint32_t fpsr, fpcr;
};

/* Why the VM stopped for the debugger. */
enum gdb_stop_kind { GDB_STOP_BREAK, GDB_STOP_WATCH, GDB_STOP_STEP, GDB_STOP_INTERRUPT };
struct gdb_stop {
	enum gdb_stop_kind kind;
	unsigned cpu;
	uint64_t addr;        /* the watched address (GDB_STOP_WATCH) */
	int wtype;            /* GDB_WP_WRITE, _READ or _ACCESS (GDB_STOP_WATCH) */
};

/* Z/z types: 0 software breakpoint, 1 hardware breakpoint, 2 write, 3 read and
 * 4 access watchpoint. */
enum gdb_bp_type { GDB_BP_SW = 0, GDB_BP_HW, GDB_WP_WRITE, GDB_WP_READ, GDB_WP_ACCESS };

struct gdb_target_ops {
	int (*get_regs)(void *t, unsigned cpu, struct gdb_regs *r);
	int (*set_regs)(void *t, unsigned cpu, const struct gdb_regs *r);
	/* Execute one instruction of cpu (the others stay stopped); 0 or -errno. A
	 * breakpoint or watchpoint met on the way is reported with gdb__notify_stop()
	 * before it returns (the stub then replies with that stop, not a step). */
	int (*step)(void *t, unsigned cpu);
	/* Write guest physical memory (RAM only), dropping any decoded copy. */
	int (*write_phys)(void *t, uint64_t pa, const void *buf, size_t len);
	/* Insert or remove; pa: the physical address of addr now, or ~0 when addr does
	 * not translate (always ~0 on removal). 0, -ENOSPC (no room), -EINVAL (a length
	 * or address the engine cannot watch), -EFAULT (no memory behind addr),
	 * -EOPNOTSUPP (type not supported: an empty reply). */
	int (*set_break)(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t pa,
			 uint64_t len, bool insert);
	/* Before resuming: which vCPU the stop was for is resumed past its breakpoint. */
	void (*before_resume)(void *t);
};

/* The engine side reports a breakpoint or watchpoint hit (any thread; never blocks).
 * The engine then runs nothing more until the stub has paused the VM. */
void gdb__notify_stop(const struct gdb_stop *s);

/* For an engine's ops, from the stub's thread (not a vCPU's): read len bytes (at most
 * 2048) at virtual address va as vCPU cpu translates it (the stub's walk); returns
 * the bytes read. */
size_t gdb__read_virt(unsigned cpu, uint64_t va, void *buf, size_t len);

/* Start serving m->cfg.gdb (nothing when NULL): the VM is paused before its first
 * instruction until the debugger continues. 0, or -errno with one line in err. */
int gdb__start(struct machine *m, char *err, size_t errlen);
/* After machine__run: tell the debugger the VM ended (W/X packet), close. */
void gdb__stop(struct machine *m, int status);

/* The engines' gdb targets (NULL: the engine has none). */
const struct gdb_target_ops *model_gdb__ops(struct machine *m, void **target);
/* KVM (vmm/accel/kvm_gdb.c): NULL without KVM_CAP_SET_GUEST_DEBUG, or not on arm64. */
const struct gdb_target_ops *kvm_gdb__ops(struct machine *m, void **target);

#endif
