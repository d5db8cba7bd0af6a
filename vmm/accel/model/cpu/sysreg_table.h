/* The descriptor of one system register in the model's tables (cpu/sysregs.c holds
 * the main one; cpu/debug.c and cpu/pmu.c each hold the table of their registers,
 * merged into the same encoding index by sysreg__init). */
#ifndef MODEL_SYSREG_TABLE_H
#define MODEL_SYSREG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct sysreg_desc;
typedef int sr_read_fn(struct cpu *c, const struct sysreg_desc *r, uint64_t *val);
typedef int sr_write_fn(struct cpu *c, const struct sysreg_desc *r, uint64_t val);
/* EL0_IF_FN: may EL0 make this access? (false: it traps to EL1, EC 0x18) */
typedef bool sr_el0_fn(const struct cpu *c, const struct sysreg_desc *r, bool write);

/* What EL0 may do with a register (anything else is UNDEFINED there)... */
enum el0_access { EL0_NONE = 0, EL0_READ, EL0_RW };
/* ...and while which control bits are set (else it traps to EL1, EC 0x18). */
enum el0_enable { EL0_ALWAYS = 0, EL0_IF_SCTLR, EL0_IF_CNTKCTL, EL0_IF_FN };

struct sysreg_desc {
	uint16_t enc;              /* enum sysreg_enc */
	const char *name;
	sr_read_fn *read;          /* NULL: write-only, MRS is UNDEFINED */
	sr_write_fn *write;        /* NULL: read-only, MSR is UNDEFINED */
	bool kept;                 /* the value lives in struct sysregs at `field` */
	uint16_t field;
	uint64_t val;              /* reset value when kept; else the value of a constant */
	void (*reset)(struct cpu *c, const struct sysreg_desc *r); /* instead of val */
	unsigned arg;              /* the owner's own number (enum timer_reg, a counter...) */
	uint8_t el0, el0_enable;   /* enum el0_access, enum el0_enable */
	uint32_t el0_bits;         /* the SCTLR_EL1 or CNTKCTL_EL1 bits of el0_enable */
	sr_el0_fn *el0_ok;         /* EL0_IF_FN */
};

struct sysreg_table {
	const struct sysreg_desc *r;
	unsigned n;
};

/* The other files' tables (sysreg__init indexes them after the main one). */
extern const struct sysreg_table debug__sysregs, pmu__sysregs;

#define SR(reg)     .enc = SYS_##reg, .name = #reg
#define KEPT(f)     .kept = true, .field = offsetof(struct sysregs, f)
#define EL0(acc, en, bits) .el0 = (acc), .el0_enable = (en), .el0_bits = (bits)
#define EL0_FN(acc, fn) .el0 = (acc), .el0_enable = EL0_IF_FN, .el0_ok = (fn)

#endif
