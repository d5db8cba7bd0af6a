/* PSCI 1.0 over HVC (the device tree says method = "hvc"), the VMM playing EL2:
 * VERSION, FEATURES, CPU_ON/OFF, CPU_SUSPEND (as a standby wait), AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET (Arm DEN 0022). Also A64 semihosting
 * (HLT #0xF000): SYS_WRITEC, SYS_WRITE0 and SYS_EXIT. */
#include <stdio.h>

#include "machine.h"
#include "mem/mem.h"
#include "engine/model.h"

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMS (-2)
#define PSCI_ALREADY_ON (-4)

static struct cpu *by_mpidr(struct model *md, uint64_t mpidr)
{
	for (unsigned k = 0; k < md->vm->ncpus; k++)
		if ((md->vm->cpu[k]->sr.mpidr_el1 & 0xff00ffffffull) == (mpidr & 0xff00ffffffull))
			return md->vm->cpu[k];
	return 0;
}

static int64_t cpu_on(struct model *md, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct cpu *t = by_mpidr(md, mpidr);
	if (!t)
		return PSCI_INVALID_PARAMS;
	if (t->on)
		return PSCI_ALREADY_ON;
	model__start_cpu(md, t, entry, ctx);
	return PSCI_SUCCESS;
}

static bool supported(uint32_t fn)
{
	switch (fn & ~0x40000000u) {
	case 0x84000000: case 0x84000001: case 0x84000002: case 0x84000003: case 0x84000004:
	case 0x84000006: case 0x84000008: case 0x84000009: case 0x8400000a:
		return true;
	default:
		return false;
	}
}

int psci__call(struct model *md, struct cpu *c)
{
	uint32_t fn = (uint32_t)c->x[0];
	int64_t ret = PSCI_NOT_SUPPORTED;
	struct machine *m = md->m;
	switch (fn & ~0x40000000u) { /* SMC32 and SMC64 forms alike */
	case 0x84000000: ret = 0x00010000; break;            /* PSCI_VERSION: 1.0 */
	case 0x84000001: c->x[0] = 0; return X_WAIT; /* CPU_SUSPEND: standby (loop adds 4) */
	case 0x84000002:                                      /* CPU_OFF */
		c->on = false;
		return X_STOP;
	case 0x84000003: ret = cpu_on(md, c->x[1], c->x[2], c->x[3]); break;
	case 0x84000004: {                                    /* AFFINITY_INFO */
		struct cpu *t = by_mpidr(md, c->x[1]);
		ret = !t || c->x[2] ? PSCI_INVALID_PARAMS : t->on ? 0 : 1;
		break;
	}
	case 0x84000006: ret = 2; break;                      /* MIGRATE_INFO_TYPE: none */
	case 0x84000008:                                      /* SYSTEM_OFF */
		machine__stop(m, VM_STOP_POWEROFF, (int)m->guest_status);
		c->pc += 4;
		return X_STOP;
	case 0x84000009:                                      /* SYSTEM_RESET */
		machine__stop(m, VM_STOP_RESET, 0);
		c->pc += 4;
		return X_STOP;
	case 0x8400000a:                                      /* PSCI_FEATURES */
		ret = supported((uint32_t)c->x[1]) ? 0 : PSCI_NOT_SUPPORTED;
		break;
	default: break;
	}
	c->x[0] = (uint64_t)ret;
	c->pc += 4;
	return X_BRANCH;
}

/* Read a guest byte at a VA as the guest would (faults: give up quietly). */
static int guest_byte(struct cpu *c, uint64_t va, uint8_t *b)
{
	uint64_t v;
	struct model_vm *vm = c->vm;
	uint64_t pc = c->pc;
	uint64_t esr = c->sr.esr_el1;
	/* mem__read_slow takes an abort on failure: undo nothing, but detect it */
	int r = mem__read_slow(c, va, 1, &v, 0);
	(void)vm;
	if (r) {
		c->pc = pc;
		c->sr.esr_el1 = esr;
		return -1;
	}
	*b = (uint8_t)v;
	return 0;
}

int semihost__call(struct model *md, struct cpu *c)
{
	uint64_t op = c->x[0], arg = c->x[1];
	uint8_t b;
	switch (op) {
	case 0x03: /* SYS_WRITEC */
		if (guest_byte(c, arg, &b) == 0)
			fputc(b, stdout);
		break;
	case 0x04: /* SYS_WRITE0 */
		for (uint64_t k = 0; k < 65536 && guest_byte(c, arg + k, &b) == 0 && b; k++)
			fputc(b, stdout);
		break;
	case 0x18: case 0x20: { /* SYS_EXIT, SYS_EXIT_EXTENDED: {reason, subcode} at X1 */
		uint64_t reason = arg, sub = 0;
		if (mem__read_slow(c, arg, 8, &reason, 0) == 0)
			mem__read_slow(c, arg + 8, 8, &sub, 0);
		int status = reason == 0x20026 ? (int)sub : 1; /* ADP_Stopped_ApplicationExit */
		machine__stop(md->m, VM_STOP_EXIT, status);
		c->pc += 4;
		return X_STOP;
	}
	default:
		return vm__fatal(c->vm, "model: semihosting call 0x%llx is not implemented",
				 (unsigned long long)op);
	}
	fflush(stdout);
	c->x[0] = 0;
	c->pc += 4;
	return X_BRANCH;
}
