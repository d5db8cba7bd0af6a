/* PSCI 1.0 over HVC (the device tree says method = "hvc"), the VMM playing EL2:
 * VERSION, FEATURES, CPU_ON/OFF, CPU_SUSPEND (as a standby wait), AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET (Arm DEN 0022). Also A64 semihosting
 * (HLT #0xF000): SYS_WRITEC, SYS_WRITE0 and SYS_EXIT. */
#include "machine.h"
#include "mem/mem.h"
#include "engine/model.h"
#include "report.h"

/* Function IDs (SMC32; the SMC64 forms add PSCI_SMC64) and return values, DEN 0022 */
#define PSCI_SMC64              0x40000000u
#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_SUSPEND        0x84000001u
#define PSCI_CPU_OFF            0x84000002u
#define PSCI_CPU_ON             0x84000003u
#define PSCI_AFFINITY_INFO      0x84000004u
#define PSCI_MIGRATE_INFO_TYPE  0x84000006u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_SYSTEM_RESET       0x84000009u
#define PSCI_FEATURES           0x8400000au

#define PSCI_VERSION_1_0        0x00010000
#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMS     (-2)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_AFFINITY_ON        0
#define PSCI_AFFINITY_OFF       1
#define PSCI_TOS_NOT_PRESENT_MP 2 /* MIGRATE_INFO_TYPE: no Trusted OS to migrate */

/* Semihosting (Arm IHI 0084): operations in W0 of HLT #0xF000 */
#define SYS_WRITEC              0x03
#define SYS_WRITE0              0x04
#define SYS_EXIT                0x18
#define SYS_EXIT_EXTENDED       0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* MPIDR_EL1 affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0) */
#define MPIDR_AFF_MASK 0xff00ffffffull

static struct cpu *by_mpidr(struct model *md, uint64_t mpidr)
{
	for (unsigned k = 0; k < md->vm->ncpus; k++)
		if ((md->vm->cpu[k]->sr.mpidr_el1 & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
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
	switch (fn & ~PSCI_SMC64) {
	case PSCI_VERSION: case PSCI_CPU_SUSPEND: case PSCI_CPU_OFF: case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
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
	switch (fn & ~PSCI_SMC64) { /* SMC32 and SMC64 forms alike */
	case PSCI_VERSION: ret = PSCI_VERSION_1_0; break;
	case PSCI_CPU_SUSPEND: c->x[0] = PSCI_SUCCESS; return X_WAIT; /* standby (loop adds 4) */
	case PSCI_CPU_OFF:
		c->on = false;
		return X_STOP;
	case PSCI_CPU_ON: ret = cpu_on(md, c->x[1], c->x[2], c->x[3]); break;
	case PSCI_AFFINITY_INFO: {
		struct cpu *t = by_mpidr(md, c->x[1]);
		ret = !t || c->x[2] ? PSCI_INVALID_PARAMS : t->on ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
		break;
	}
	case PSCI_MIGRATE_INFO_TYPE: ret = PSCI_TOS_NOT_PRESENT_MP; break;
	case PSCI_SYSTEM_OFF:
		machine__stop(m, VM_STOP_POWEROFF, (int)m->guest_status);
		c->pc += 4;
		return X_STOP;
	case PSCI_SYSTEM_RESET:
		machine__stop(m, VM_STOP_RESET, 0);
		c->pc += 4;
		return X_STOP;
	case PSCI_FEATURES:
		ret = supported((uint32_t)c->x[1]) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
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

/* The guest's text is shown by lines, through the CLI's reports (bytes that are not
 * printable as \xNN), and held back once a guest has written a lot of it. */
REPORT_LIMIT(semihost_lines, "lines of semihosting output", 10000);

void semihost__flush(struct model *md)
{
	if (!md->semihost_len)
		return;
	report_limited(&semihost_lines, REPORT_INFO, "semihosting: %.*s", (int)md->semihost_len,
		       md->semihost_line);
	md->semihost_len = 0;
}

static void semihost_putc(struct model *md, uint8_t b)
{
	static const char hex[] = "0123456789abcdef";
	if (b == '\n') {
		semihost__flush(md);
		return;
	}
	if (md->semihost_len + 4 > sizeof(md->semihost_line))
		semihost__flush(md);
	if (b >= 0x20 && b < 0x7f) {
		md->semihost_line[md->semihost_len++] = (char)b;
		return;
	}
	md->semihost_line[md->semihost_len++] = '\\';
	md->semihost_line[md->semihost_len++] = 'x';
	md->semihost_line[md->semihost_len++] = hex[b >> 4];
	md->semihost_line[md->semihost_len++] = hex[b & 15];
}

int semihost__call(struct model *md, struct cpu *c)
{
	uint64_t op = c->x[0], arg = c->x[1];
	uint8_t b;
	switch (op) {
	case SYS_WRITEC:
		if (guest_byte(c, arg, &b) == 0)
			semihost_putc(md, b);
		break;
	case SYS_WRITE0:
		for (uint64_t k = 0; k < 65536 && guest_byte(c, arg + k, &b) == 0 && b; k++)
			semihost_putc(md, b);
		break;
	case SYS_EXIT: case SYS_EXIT_EXTENDED: { /* {reason, subcode} at X1 */
		uint64_t reason = arg, sub = 0;
		if (mem__read_slow(c, arg, 8, &reason, 0) == 0)
			mem__read_slow(c, arg + 8, 8, &sub, 0);
		int status = reason == ADP_STOPPED_APPLICATION_EXIT ? (int)sub : 1;
		machine__stop(md->m, VM_STOP_EXIT, status);
		c->pc += 4;
		return X_STOP;
	}
	default:
		return vm__fatal(c->vm, "model: semihosting call 0x%llx is not implemented",
				 (unsigned long long)op);
	}
	c->x[0] = 0;
	c->pc += 4;
	return X_BRANCH;
}
