/* Command arguments: typed getters with defaults, and strictness (an argument the
 * command does not know is an error, so that a typo never silently means default). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int args__check(const struct json *args, const char *const *allowed, struct cmd_error *e)
{
	if (!args)
		return 0;
	for (const struct json *m = args->u.kids.first; m; m = m->next) {
		const char *const *a = allowed;

		while (a && *a && strcmp(*a, m->key))
			a++;
		if (!a || !*a)
			return cmd__fail(e, ERR_ARG, "unknown argument \"%.64s\"", m->key);
	}
	return 0;
}

int args__u64(const struct json *args, const char *name, uint64_t def, uint64_t *out,
	      struct cmd_error *e)
{
	const struct json *v = json__get(args, name);

	if (!v || v->type == JSON_NULL) {
		*out = def;
		return 0;
	}
	if (!json__u64(v, out))
		return cmd__fail(e, ERR_ARG, "\"%s\" must be an unsigned 64-bit integer "
				 "(a number, or a string \"0x...\")", name);
	return 0;
}

int args__bool(const struct json *args, const char *name, bool def, bool *out,
	       struct cmd_error *e)
{
	const struct json *v = json__get(args, name);

	if (!v || v->type == JSON_NULL) {
		*out = def;
		return 0;
	}
	if (v->type != JSON_BOOL)
		return cmd__fail(e, ERR_ARG, "\"%s\" must be true or false", name);
	*out = v->u.b;
	return 0;
}

int args__enum(const struct json *args, const char *name, const char *const *names,
	       int def, int *out, struct cmd_error *e)
{
	const struct json *v = json__get(args, name);
	const char *s;

	if (!v || v->type == JSON_NULL) {
		*out = def;
		return 0;
	}
	s = json__str(v);
	for (int i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	char list[160] = "";

	for (int i = 0; names[i]; i++) {
		size_t n = strlen(list);

		snprintf(list + n, sizeof(list) - n, "%s\"%s\"", i ? ", " : "", names[i]);
	}
	return cmd__fail(e, ERR_ARG, "\"%s\" must be one of %s", name, list);
}

int args__cpu(struct session *s, const struct json *args, unsigned *cpu, struct cmd_error *e)
{
	unsigned n = s->tg->ops->ncpus(s->tg->t);
	uint64_t v;

	if (args__u64(args, "cpu", 0, &v, e))
		return -1;
	if (v >= n)
		return cmd__fail(e, ERR_ARG, "no vCPU %llu (the VM has %u)",
				 (unsigned long long)v, n);
	*cpu = (unsigned)v;
	return 0;
}

int target__regs(struct session *s, unsigned cpu, struct vcpu_regs *r, struct cmd_error *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = s->tg->ops->get_regs(s->tg->t, cpu, r);
	if (rc)
		return cmd__fail(e, ERR_TARGET, "cannot read vCPU %u's registers: %s", cpu,
				 rc == -EBUSY ? "the VM is running (pause it first)" :
				 strerror(-rc));
	return 0;
}
