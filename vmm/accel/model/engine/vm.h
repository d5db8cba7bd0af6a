/* The model's VM: the vCPUs, guest RAM as the model sees it, the decoded-page cache,
 * virtual time and the devices the model owns (GIC, timers). struct machine (vmm/)
 * is optional so that tests can run the CPU on a bare RAM buffer. */
#ifndef MODEL_VM_H
#define MODEL_VM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "engine/model_limits.h"

struct machine;
struct gicv3;
struct xlat_vm;
struct jit;
struct jit_page;

/* What the world outside the CPU provides: the VMM (model.c) or a test harness. */
struct model_env {
	/* MMIO: 0, -ENODEV (nothing there) or another -errno (device error) */
	int (*bus_read)(void *opaque, struct cpu *c, uint64_t pa, unsigned len, uint64_t *val);
	int (*bus_write)(void *opaque, struct cpu *c, uint64_t pa, unsigned len, uint64_t val);
	int (*hvc)(void *opaque, struct cpu *c, uint32_t imm);  /* exec_r */
	int (*hlt)(void *opaque, struct cpu *c, uint32_t imm);  /* exec_r */
	void (*fatal)(void *opaque, const char *msg);
	/* a sanitizer check reported (kind: enum xlat_check_kind); line says what and
	 * where. May be NULL: reports are then only counted (xlat__check_count) */
	void (*check_report)(void *opaque, unsigned kind, const char *line);
	/* a report of this kind would only be counted now (rate limit): the line need not
	 * be made; may be NULL */
	bool (*check_quiet)(void *opaque, unsigned kind);
	/* "func+0x1c" for a guest address into buf (--symbols): 0, or -1 when unknown;
	 * may be NULL */
	int (*symbolize)(void *opaque, uint64_t addr, char *buf, size_t n);
	/* a sanitizer check reported with MODEL_CHECKS_STOP (may be NULL: vm->stop only) */
	void (*check_stop)(void *opaque);
	/* the guest is about to take an Undefined Instruction exception for insn at pc
	 * (cpu/undef.c); may be NULL */
	void (*undef)(void *opaque, struct cpu *c, uint64_t pc, uint32_t insn);
	/* the guest takes a synchronous exception (esr, far; ret: its preferred return
	 * address) from c->el: the monitor's fault events; may be NULL */
	void (*fault)(void *opaque, struct cpu *c, uint32_t esr, uint64_t far, uint64_t ret);
	/* the VMM resolved a stage-2 fault of c at ipa (va: the access's address; kind:
	 * enum stage2_event, or S2EV_MMIO for an access sent to the bus); may be NULL */
	void (*stage2_event)(void *opaque, struct cpu *c, unsigned kind, uint64_t va,
			     uint64_t ipa, bool write);
};

/* What the model attaches beyond the TLBs (vmm run --checks, --caches). */
enum model_checks { MODEL_CHECKS_OFF = 0, MODEL_CHECKS_REPORT, MODEL_CHECKS_STOP };
struct model_opts {
	enum model_checks checks; /* mmu/ sanitizer checks: off, report each, stop at first */
	bool strict;              /* with checks: keep every TLB entry until a TLBI removes it,
				   * and decoded code until an IC invalidates it (sanitizer.md) */
	bool caches;              /* mmu/ cache model: L1I, L1D per vCPU, one shared L2 */
	unsigned stage2;          /* enum stage2_mode (mem/stage2.h): block, page, lazy */
	bool dirty_log;           /* stage 2 write-protects RAM and logs written pages */
	unsigned jit;             /* enum model_jit: the block translator (jit/) */
	bool no_pmu;              /* --pmu off: no FEAT_PMUv3 (ID_AA64DFR0_EL1.PMUVer 0, its
				   * registers UNDEFINED), as the device tree then says */
	unsigned jit_cache_kib;   /* its code cache (0: the default, 64 MiB); tests make it
				   * small to have it flushed often */
};
/* MODEL_JIT_DEFAULT: on where the host has the translator (x86-64), else off */
enum model_jit { MODEL_JIT_DEFAULT = 0, MODEL_JIT_ON, MODEL_JIT_OFF };
/* The host has the block translator (jit/, x86-64 only). */
static inline bool model__have_jit(void)
{
#ifdef MODEL_HAVE_JIT
	return true;
#else
	return false;
#endif
}

/* Decoded instructions of one 4 KiB physical page of RAM. */
struct dpage {
	uint64_t pa;
	bool valid;          /* false once invalidated (freed at the end of the quantum) */
	struct dpage *next_dead;
	struct jit_page *jit; /* its translations (jit/), freed with the page; or NULL */
	struct dent e[1024];
};

struct model_vm {
	const struct model_env *env;
	void *env_opaque;        /* passed back to env's callbacks */
	uint8_t *ram;
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	struct cpu *cpu[MODEL_MAX_CPUS];
	struct dpage **dpages;   /* per RAM page, or NULL */
	struct dpage *dead;      /* invalidated pages not yet freed */
	uint32_t *live;          /* RAM page numbers that had a decoded page (may be stale) */
	size_t nlive, live_cap;
	uint64_t vtime;          /* virtual time, in instructions (sched.c) */
	/* The generic timer (timer.c): CNTFRQ_EL0, and what CNTPCT/CNTVCT add to vtime:
	 * MODEL_CNTFRQ and 0, but the KVM counters' after a hand-over (docs/handover.md) */
	uint64_t cntfrq, cnt_poff, cnt_voff;
	struct gicv3 *gic;
	struct xlat_vm *xlat;    /* mem/xlat.c's state (stage 2, checks, shared L2) */
	struct jit *jit;         /* the block translator's code cache, or NULL: interpreter only */
	uint64_t quantum;
	struct model_opts opts;
	uint64_t decoded, decode_dropped; /* pages decoded, decoded pages dropped (--stats) */
	uint64_t decode_kept;    /* strict: stores to decoded code that left it decoded */
	bool stop;               /* test harness / internal stop request */
	int stop_r;
};

static inline void *vm__ram(struct model_vm *vm, uint64_t pa, uint64_t len)
{
	if (pa >= vm->ram_base && pa - vm->ram_base + len <= vm->ram_size)
		return vm->ram + (pa - vm->ram_base);
	return 0;
}

/* engine/vm.c; opts may be NULL: no checks, no caches, the translator where the host
 * has one. NULL if ncpus is 0 or above MODEL_MAX_CPUS, RAM's base or size is not a
 * multiple of 4 KiB, MODEL_JIT_ON on a host without the translator (all EINVAL), or
 * out of memory (errno says which). */
struct model_vm *vm__new(uint8_t *ram, uint64_t ram_base, uint64_t ram_size, unsigned ncpus,
			 const struct model_env *env, void *opaque, const struct model_opts *opts);
void vm__free(struct model_vm *vm);
/* Run one vCPU for up to budget instructions; returns an exec_r (X_STOP: stopped).
 * cpu/exec.c. */
int cpu__run(struct cpu *c, uint64_t budget);
/* Decode the RAM page at pa (4 KiB aligned) into the cache; NULL if out of memory. */
struct dpage *vm__decode_page(struct model_vm *vm, uint64_t pa);
/* Decoded code on a RAM page was (maybe) changed: drop it. */
void vm__invalidate_code(struct model_vm *vm, uint64_t pa);
/* The page holds decoded code (writes to it must drop the decode). */
static inline bool vm__is_code(struct model_vm *vm, uint64_t pa)
{
	return vm->dpages[(pa - vm->ram_base) >> 12] != 0;
}

/* A guest store (CPU) to RAM at pa: drops decoded code there, except with
 * --checks=strict, where only the I-cache maintenance instructions (IC IVAU, IC
 * IALLU[IS]) drop it and fetches keep seeing the old instructions until then (the data
 * side sees the new bytes: memory is always current). */
static inline void vm__store_to_code(struct model_vm *vm, uint64_t pa)
{
	if (!vm__is_code(vm, pa))
		return;
	if (vm->opts.strict)
		vm->decode_kept++;
	else
		vm__invalidate_code(vm, pa);
}
void vm__invalidate_all_code(struct model_vm *vm);
void vm__free_dead(struct model_vm *vm);
/* static inline vm helpers for what the environment provides */
static inline int vm__bus_read(struct model_vm *vm, struct cpu *c, uint64_t pa, unsigned len,
			       uint64_t *val)
{
	return vm->env->bus_read ? vm->env->bus_read(vm->env_opaque, c, pa, len, val) : -ENODEV;
}
static inline int vm__bus_write(struct model_vm *vm, struct cpu *c, uint64_t pa, unsigned len,
				uint64_t val)
{
	return vm->env->bus_write ? vm->env->bus_write(vm->env_opaque, c, pa, len, val) : -ENODEV;
}
/* machine__error or the harness's error: stops the VM. Returns X_STOP. */
int vm__fatal(struct model_vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
