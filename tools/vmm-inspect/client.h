/* The client's side of the monitor socket: connect, read the greeting, send one
 * request, read messages (one JSON document per line, any size). */
#ifndef INSPECT_CLIENT_H
#define INSPECT_CLIENT_H

#include <stddef.h>

#include "json.h"

struct client {
	int fd;
	char *buf;            /* bytes received, not yet returned as lines */
	size_t len, cap;
	char *line;           /* the last line read (NUL-terminated, no newline) */
	size_t line_len;
	char err[256];
};

/* Connect to path and read the greeting into *greeting (the caller frees it).
 * 0, or -1 with c->err set. */
int client__open(struct client *c, const char *path, struct json_doc *greeting);
/* Send one line (a newline is added). */
int client__send(struct client *c, const char *json, size_t len);
/* The next line as a document (and in c->line); 1 at end of stream, -1 on error. */
int client__next(struct client *c, struct json_doc *doc);
void client__close(struct client *c);

#endif
