/* The protocol's framing of one message: greeting, request -> reply (ok or error).
 * The transport (socket, lines) is server.c's; the commands are commands*.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

int cmd__fail(struct cmd_error *e, const char *cls, const char *fmt, ...)
{
	va_list ap;

	e->cls = cls;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
	return -1;
}

void protocol__greeting(struct target *tg, struct jw *out)
{
	jw__begin_object(out, NULL);
	jw__begin_object(out, "vmm");
	jw__str(out, "version", tg->version ? tg->version : "unknown");
	jw__u64(out, "protocol", MONITOR_PROTOCOL);
	jw__str(out, "engine", tg->engine ? tg->engine : "unknown");
	jw__u64(out, "cpus", tg->ops->ncpus(tg->t));
	commands__list(out, "commands");
	jw__end_object(out);
	jw__end_object(out);
	jw__newline(out);
}

static void error_reply(struct jw *out, const char *id, size_t id_len, const char *cls,
			const char *desc)
{
	jw__begin_object(out, NULL);
	if (id)
		jw__raw(out, "id", id, id_len);
	else
		jw__null(out, "id");
	jw__begin_object(out, "error");
	jw__str(out, "class", cls);
	jw__str(out, "desc", desc);
	jw__end_object(out);
	jw__end_object(out);
	jw__newline(out);
}

void protocol__too_large(struct jw *out)
{
	char desc[96];

	snprintf(desc, sizeof(desc), "request line longer than %u bytes (discarded)",
		 MONITOR_MAX_LINE);
	error_reply(out, NULL, 0, ERR_TOO_LARGE, desc);
}

/* Check the request's shape; the command and its arguments, or an error. */
static int parse_request(const struct json *req, const struct command **cmd,
			 const struct json **args, struct cmd_error *e)
{
	const char *name;

	if (req->type != JSON_OBJECT)
		return cmd__fail(e, ERR_REQUEST, "a request is a JSON object");
	for (const struct json *m = req->u.kids.first; m; m = m->next)
		if (strcmp(m->key, "id") && strcmp(m->key, "cmd") && strcmp(m->key, "args"))
			return cmd__fail(e, ERR_REQUEST, "unknown request member \"%.64s\"",
					 m->key);
	name = json__str(json__get(req, "cmd"));
	if (!name)
		return cmd__fail(e, ERR_REQUEST, "\"cmd\" must be a string");
	*args = json__get(req, "args");
	if (*args && (*args)->type == JSON_NULL)
		*args = NULL;
	if (*args && (*args)->type != JSON_OBJECT)
		return cmd__fail(e, ERR_REQUEST, "\"args\" must be an object");
	*cmd = commands__find(name);
	if (!*cmd)
		return cmd__fail(e, ERR_NO_CMD, "unknown command \"%.64s\"", name);
	return args__check(*args, (*cmd)->args, e);
}

/* set by monitor__start() from its config */
size_t monitor_max_reply = MONITOR_MAX_REPLY, monitor_max_unsent = MONITOR_MAX_UNSENT;

/* A size in MiB, or in KiB below 1 MiB (the limits tests set). */
static void size_text(char *buf, size_t n, size_t bytes)
{
	if (bytes >= (1u << 20))
		snprintf(buf, n, "%zu MiB", bytes >> 20);
	else
		snprintf(buf, n, "%zu KiB", bytes >> 10);
}

/* The reply outgrew what this client may have now (max, the writer's limit). */
static void too_large_reply(struct cmd_error *e, size_t max)
{
	char now[32], one[32], all[32];

	size_text(now, sizeof(now), max);
	size_text(one, sizeof(one), monitor_max_reply);
	size_text(all, sizeof(all), monitor_max_unsent);
	if (max >= monitor_max_reply)
		cmd__fail(e, ERR_REPLY_TOO_LARGE, "the reply would exceed %s; ask for less", now);
	else
		cmd__fail(e, ERR_REPLY_TOO_LARGE,
			  "the reply would exceed %s, the room left now: the unsent replies of "
			  "all clients may take %s together (one reply %s); ask for less, or "
			  "again once the other clients have read theirs", now, all, one);
}

void protocol__handle(struct session *s, const char *line, size_t len, struct jw *out)
{
	struct cmd_error e = { 0 };
	const struct command *cmd = NULL;
	const struct json *args = NULL, *id = NULL;
	struct json_doc doc;
	struct jw_mark mark;
	char err[128];

	if (json__parse(line, len, &doc, err, sizeof(err))) {
		error_reply(out, NULL, 0, ERR_PARSE, err);
		return;
	}
	if (doc.root->type == JSON_OBJECT)
		id = json__get(doc.root, "id");
	mark = jw__mark(out);
	if (parse_request(doc.root, &cmd, &args, &e) == 0) {
		jw__begin_object(out, NULL);
		if (id)
			jw__raw(out, "id", id->text, id->text_len);
		else
			jw__null(out, "id");
		jw__key(out, "ok");
		if (cmd->fn(s, args, out, &e) == 0 && !out->oom) {
			jw__end_object(out);
			jw__newline(out);
			if (!out->oom) {
				json__free(&doc);
				return;
			}
		}
		if (!e.cls)
			too_large_reply(&e, out->max);
		jw__rewind(out, mark);
	}
	error_reply(out, id ? id->text : NULL, id ? id->text_len : 0, e.cls, e.desc);
	json__free(&doc);
}
