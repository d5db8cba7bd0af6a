#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int h_hlt(void *opaque, struct cpu *c, uint32_t imm)
{
	struct harness *h = opaque;
	(void)c;
	h->hlt_seen = 1;
	h->hlt_imm = imm;
	h->vm->stop = true;
	return X_STOP;
}

static void h_fatal(void *opaque, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "model fatal: %s\n", msg);
}

static const struct model_env h_env = { .hlt = h_hlt, .fatal = h_fatal };

static void put64(uint8_t *ram, uint64_t pa, uint64_t v)
{
	memcpy(ram + (pa - H_RAM_BASE), &v, 8);
}

int harness__init(struct harness *h, int mmu_on)
{
	return harness__init_opts(h, mmu_on, 0);
}

int harness__init_opts(struct harness *h, int mmu_on, const struct model_opts *opts)
{
	memset(h, 0, sizeof(*h));
	h->ram = calloc(1, H_RAM_SIZE);
	h->vm = vm__new(h->ram, H_RAM_BASE, H_RAM_SIZE, 1, &h_env, h, opts);
	if (!h->vm)
		return -1;
	h->c = h->vm->cpu[0];
	if (mmu_on) {
		uint64_t l1 = H_TABLES, l2 = H_TABLES + 0x1000;
		put64(h->ram, l1 + 8 * 1, l2 | 3);              /* 1 GiB at 0x4000_0000 */
		put64(h->ram, l2 + 0, H_CODE | (1 << 10) | (3 << 8) | 1);          /* AF, ISH */
		put64(h->ram, l2 + 8, H_DATA | (1ull << 54) | (1ull << 53) | (1 << 10) | (3 << 8) |
				      (1 << 6) | 1);                 /* AP=01, UXN, PXN */
		struct cpu *c = h->c;
		c->sr.mair_el1 = 0xff;
		c->sr.tcr_el1 = 25 | (1ull << 23) | (3ull << 8) | (3ull << 10) | (3ull << 12) |
				(5ull << 32); /* T0SZ=25, EPD1, WBWA, ISH, IPS 48 bits */
		c->sr.ttbr0_el1 = l1;
		uint64_t v = SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_I;
		sysreg__write(c, SR_ENC(3, 0, 1, 0, 0), v);
		sysreg__write(c, SR_ENC(3, 0, 2, 0, 2), c->sr.tcr_el1);
	}
	return 0;
}

void harness__free(struct harness *h)
{
	vm__free(h->vm);
	free(h->ram);
}

int harness__run(struct harness *h, uint64_t pc, uint64_t max)
{
	h->c->pc = pc;
	h->hlt_seen = 0;
	h->vm->stop = false;
	while (max) {
		uint64_t q = max < 1000 ? max : 1000;
		int r = cpu__run(h->c, q);
		max -= q;
		vm__free_dead(h->vm);
		if (r == X_STOP)
			break;
	}
	return h->hlt_seen ? 0 : -1;
}

void harness__put32(struct harness *h, uint64_t pa, uint32_t v)
{
	memcpy(h->ram + (pa - H_RAM_BASE), &v, 4);
}

void harness__hlt_vectors(struct harness *h, uint64_t vbar)
{
	for (unsigned off = 0; off < 0x800; off += 0x80)
		harness__put32(h, vbar + off, 0xd4400000u | ((off >> 7) << 5)); /* HLT #n */
	h->c->sr.vbar_el1 = vbar;
}

int harness__run_code(struct harness *h, uint64_t pa, const uint32_t *code, unsigned n,
		      uint64_t max)
{
	for (unsigned k = 0; k < n; k++)
		harness__put32(h, pa + 4 * k, code[k]);
	vm__invalidate_all_code(h->vm);
	return harness__run(h, pa, max);
}
