/* mem and disas: guest memory by virtual address (translated page by page as the
 * vCPU would, at EL1, without side effects) or by physical address. disas returns
 * the instruction words; the client disassembles them (capstone), so that vmm needs
 * no disassembler. */
#include <endian.h>
#include <string.h>

#include "guest_mmu.h"

#define MEM_MAX (64u * 1024)
#define DISAS_MAX 1024u

/* Read len bytes from addr into buf; returns how many were read before a fault or a
 * hole, and fills *f for a translation fault (f->kind NONE for a hole). */
static size_t read_guest(struct guest_mmu *g, uint64_t addr, size_t len, bool phys,
			 enum mmu_access acc, uint8_t *buf, struct mmu_fault *f,
			 uint64_t *hole)
{
	size_t done = 0;

	f->kind = MMU_FAULT_NONE;
	while (done < len) {
		uint64_t a = addr + done, pa = a;
		size_t n = 4096 - (a & 4095);
		struct mmu_result res;

		if (n > len - done)
			n = len - done;
		if (!phys && guest_mmu__va_to_pa(g, a, acc, 0, &pa, &res)) {
			*f = res.fault;
			break;
		}
		if (g->tg->ops->read_phys(g->tg->t, pa, buf + done, n)) {
			*hole = pa;
			break;
		}
		done += n;
	}
	return done;
}

static void hex_bytes(struct jw *out, const char *key, const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char chunk[512];
	size_t k = 0;

	jw__raw(out, key, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		chunk[k++] = hex[b[i] >> 4];
		chunk[k++] = hex[b[i] & 15];
		if (k == sizeof(chunk)) {
			jw__append(out, chunk, k);
			k = 0;
		}
	}
	jw__append(out, chunk, k);
	jw__append(out, "\"", 1);
}

/* Why the read stopped early, if it did. */
static void stop_reason(struct jw *out, const struct mmu_fault *f, uint64_t hole,
			size_t done, size_t len)
{
	if (done == len)
		return;
	jw__begin_object(out, "stopped");
	if (f->kind != MMU_FAULT_NONE) {
		jw__str(out, "fault", mmu__fault_name(f->kind));
		jw__u64(out, "stage", f->stage);
		jw__i64(out, "level", f->level);
		jw__hex(out, "esr", mmu__fault_esr(f, false, NULL));
	} else {
		jw__str(out, "hole", "no memory behind this physical address");
		jw__hex(out, "pa", hole);
	}
	jw__end_object(out);
}

static int setup(struct session *s, const struct json *args, struct guest_mmu *g,
		 struct vcpu_regs *regs, unsigned *cpu, bool *phys, struct cmd_error *e)
{
	if (args__cpu(s, args, cpu, e) || args__bool(args, "phys", false, phys, e) ||
	    target__regs(s, *cpu, regs, e))
		return -1;
	guest_mmu__init(g, s->tg, regs);
	return 0;
}

static int cmd_mem(struct session *s, const struct json *args, struct jw *out,
		   struct cmd_error *e)
{
	static uint8_t buf[MEM_MAX];
	struct vcpu_regs regs;
	struct guest_mmu g;
	struct mmu_fault f;
	uint64_t addr, len, hole = 0;
	unsigned cpu;
	bool phys;
	size_t done;

	if (!json__get(args, "addr"))
		return cmd__fail(e, ERR_ARG, "\"addr\" is required");
	if (args__u64(args, "addr", 0, &addr, e) || args__u64(args, "len", 64, &len, e))
		return -1;
	if (len > MEM_MAX)
		return cmd__fail(e, ERR_ARG, "\"len\" is at most %u", MEM_MAX);
	if (setup(s, args, &g, &regs, &cpu, &phys, e))
		return -1;
	done = read_guest(&g, addr, (size_t)len, phys, MMU_READ, buf, &f, &hole);
	jw__begin_object(out, NULL);
	jw__hex(out, "addr", addr);
	jw__bool(out, "phys", phys);
	jw__u64(out, "len", done);
	hex_bytes(out, "bytes", buf, done);
	stop_reason(out, &f, hole, done, (size_t)len);
	jw__end_object(out);
	return 0;
}

static int cmd_disas(struct session *s, const struct json *args, struct jw *out,
		     struct cmd_error *e)
{
	static uint8_t buf[DISAS_MAX * 4];
	struct vcpu_regs regs;
	struct guest_mmu g;
	struct mmu_fault f;
	uint64_t addr, count, hole = 0;
	unsigned cpu;
	bool phys;
	size_t done;

	if (setup(s, args, &g, &regs, &cpu, &phys, e) ||
	    args__u64(args, "addr", regs.pc, &addr, e) || args__u64(args, "count", 16, &count, e))
		return -1;
	if (count == 0 || count > DISAS_MAX)
		return cmd__fail(e, ERR_ARG, "\"count\" is 1 to %u", DISAS_MAX);
	if (addr & 3)
		return cmd__fail(e, ERR_ARG, "\"addr\" must be 4-byte aligned (A64 instructions)");
	/* as the CPU fetches them: an instruction fetch at the vCPU's current EL */
	done = phys ? read_guest(&g, addr, count * 4, true, MMU_FETCH, buf, &f, &hole) : 0;
	if (!phys) {
		unsigned flags = guest_mmu__flags(&regs, -1, false);

		f.kind = MMU_FAULT_NONE;
		while (done < count * 4) {
			uint64_t a = addr + done, pa;
			struct mmu_result res;

			if (guest_mmu__va_to_pa(&g, a, MMU_FETCH, flags, &pa, &res)) {
				f = res.fault;
				break;
			}
			if (s->tg->ops->read_phys(s->tg->t, pa, buf + done, 4)) {
				hole = pa;
				break;
			}
			done += 4;
		}
	}
	jw__begin_object(out, NULL);
	jw__hex(out, "addr", addr);
	jw__bool(out, "phys", phys);
	jw__hex(out, "pc", regs.pc);
	jw__begin_array(out, "insns");
	for (size_t i = 0; i + 4 <= done; i += 4) {
		uint32_t w;

		memcpy(&w, buf + i, 4);
		jw__hex(out, NULL, le32toh(w));
	}
	jw__end_array(out);
	stop_reason(out, &f, hole, done, (size_t)count * 4);
	jw__end_object(out);
	return 0;
}

static const char *const mem_args[] = { "cpu", "addr", "len", "phys", NULL };
static const char *const disas_args[] = { "cpu", "addr", "count", "phys", NULL };
const struct command command_mem = { "mem", cmd_mem, mem_args };
const struct command command_disas = { "disas", cmd_disas, disas_args };
