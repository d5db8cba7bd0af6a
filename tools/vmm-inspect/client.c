/* Monitor socket client (client.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

/* Replies can be large (a page-table dump); refuse absurd ones. */
#define MAX_MESSAGE (1024u << 20)

int client__open(struct client *c, const char *path, struct json_doc *greeting)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	const struct json *err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(c->err, sizeof(c->err), "socket path too long: %s", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof(a))) {
		snprintf(c->err, sizeof(c->err), "cannot connect to %s: %s", path, strerror(errno));
		return -1;
	}
	if (client__next(c, greeting)) {
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "%s closed before its greeting", path);
		return -1;
	}
	err = json__get(greeting->root, "error");
	if (err) {
		const char *desc = json__str(json__get(err, "desc"));

		snprintf(c->err, sizeof(c->err), "refused: %s", desc ? desc : "(no reason)");
		json__free(greeting);
		return -1;
	}
	if (!json__get(greeting->root, "vmm")) {
		snprintf(c->err, sizeof(c->err), "%s does not greet as a vmm monitor", path);
		json__free(greeting);
		return -1;
	}
	return 0;
}

int client__send(struct client *c, const char *json, size_t len)
{
	char nl = '\n';

	while (len) {
		ssize_t n = send(c->fd, json, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(c->err, sizeof(c->err), "send: %s", strerror(errno));
			return -1;
		}
		json += n;
		len -= (size_t)n;
	}
	if (send(c->fd, &nl, 1, MSG_NOSIGNAL) != 1) {
		snprintf(c->err, sizeof(c->err), "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Bytes [0, n) of buf become c->line; the rest moves to the front later. */
static char *take_line(struct client *c, size_t n)
{
	free(c->line);
	c->line = malloc(n + 1);
	if (!c->line)
		return NULL;
	memcpy(c->line, c->buf, n);
	c->line[n] = 0;
	c->line_len = n;
	memmove(c->buf, c->buf + n + 1, c->len - n - 1);
	c->len -= n + 1;
	return c->line;
}

int client__next(struct client *c, struct json_doc *doc)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = c->len > scanned ? memchr(c->buf + scanned, '\n', c->len - scanned) : NULL;
		ssize_t n;

		if (nl) {
			if (!take_line(c, (size_t)(nl - c->buf))) {
				snprintf(c->err, sizeof(c->err), "out of memory");
				return -1;
			}
			if (json__parse(c->line, c->line_len, doc, c->err, sizeof(c->err)))
				return -1;
			return 0;
		}
		scanned = c->len;
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 1u << 20;
			char *b = cap <= MAX_MESSAGE ? realloc(c->buf, cap) : NULL;

			if (!b) {
				snprintf(c->err, sizeof(c->err), "message larger than %u MiB",
					 MAX_MESSAGE >> 20);
				return -1;
			}
			c->buf = b;
			c->cap = cap;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(c->err, sizeof(c->err), "recv: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 1;
		c->len += (size_t)n;
	}
}

void client__close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c->line);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}
