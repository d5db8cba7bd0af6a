/* libFuzzer target: one request line (as the server frames it: no newline inside)
 * through the protocol and every command, against the 4K scenario's fake target.
 * Besides ASan/UBSan, checks that each reply is exactly one line of valid JSON with
 * an "id" and exactly one of "ok" and "error", and that the page tables never
 * change (walks with hardware AF/dirty updates enabled on vCPU 1 must not write). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scenarios.h"

static struct fake f;
static struct target tg;
static uint8_t *pristine;
static size_t tables;     /* the page tables: the bytes a stray write would hit */

static void once(void)
{
	scenario_4k(&f);
	f.tlb = mmu__tlb_create(NULL);
	f.ncpus = 2;
	f.regs[1] = f.regs[0];
	f.regs[1].tcr_el1 |= 1ull << 39 | 1ull << 40 | 1ull << 37; /* HA, HD, TBI0 */
	tg = (struct target){ &fake_model_ops, &f, "fuzz", "fake" };
	tables = f.next - f.base - TABLES_AT;
	pristine = malloc(tables);
	memcpy(pristine, f.ram + TABLES_AT, tables);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session s = { .tg = &tg };
	struct json_doc d;
	struct jw out;
	char err[128];
	bool ok, error;

	if (!tg.ops)
		once();
	if (size > MONITOR_MAX_LINE || memchr(data, '\n', size))
		return 0;
	jw__init(&out, MONITOR_MAX_REPLY);
	protocol__handle(&s, (const char *)data, size, &out);
	if (out.oom || !out.len || out.buf[out.len - 1] != '\n' ||
	    memchr(out.buf, '\n', out.len) != out.buf + out.len - 1)
		abort();
	if (json__parse(out.buf, out.len - 1, &d, err, sizeof(err)))
		abort();
	ok = json__get(d.root, "ok") != NULL;
	error = json__get(d.root, "error") != NULL;
	if (!json__get(d.root, "id") || ok == error)
		abort();
	json__free(&d);
	jw__free(&out);
	events__subscribe(s.slot, 0);
	if (memcmp(pristine, f.ram + TABLES_AT, tables))
		abort();
	return 0;
}
