/* A small JSON reader and writer (RFC 8259) for the monitor protocol and its client.
 *
 * Reader: json__parse() builds a tree in one arena (freed at once by json__free());
 * strict (no comments, no trailing commas, valid UTF-8, nesting at most
 * JSON_MAX_DEPTH), because it reads what other processes send.
 *
 * Writer: struct jw appends to a growable buffer; each call names its member key
 * (NULL inside arrays and at the top), commas are the writer's business. A failed
 * allocation is remembered (jw.oom) and checked once at the end. */
#ifndef MONITOR_JSON_H
#define MONITOR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	const char *key;        /* member name when the parent is an object */
	struct json *next;      /* next sibling */
	const char *text;       /* where the value starts in the parsed text */
	size_t text_len;        /* and its length: the value's JSON spelling */
	union {
		bool b;
		struct {
			double d;
			bool is_int;    /* an integer that fits int64 or uint64 exactly */
			bool neg;
			uint64_t mag;   /* |value| when is_int */
		} num;
		struct {
			const char *s;  /* NUL-terminated, unescaped (may hold NULs: see len) */
			size_t len;
		} str;
		struct {
			struct json *first;
			size_t n;
		} kids;
	} u;
};

struct json_doc {
	struct json *root;
	void *arena;            /* every node and string of this document */
};

/* Parse len bytes (one whole value, whitespace around it allowed). Returns 0, or -1
 * with a one-line reason in err ("expected ':' at byte 12"). The document borrows
 * nothing from text except the spans in json.text. */
int json__parse(const char *text, size_t len, struct json_doc *doc, char *err, size_t errlen);
void json__free(struct json_doc *doc);

/* Member of an object by name (first match), or NULL. */
const struct json *json__get(const struct json *obj, const char *key);
/* An unsigned 64-bit value: a non-negative integer number, or a string "0x..." (hex)
 * or decimal digits. Returns false for anything else (and leaves *out alone). */
bool json__u64(const struct json *v, uint64_t *out);
/* A string's text, or NULL when v is not a string or holds a NUL. */
const char *json__str(const struct json *v);

struct jw {
	char *buf;
	size_t len, cap;
	size_t max;             /* grow no further than this (0: no limit); oom beyond */
	unsigned depth;
	bool oom;               /* an allocation failed or max was reached: output is bad */
	bool keyed;             /* jw__key was written: the next value takes no key */
	uint64_t first;         /* bit d: nothing written yet at depth d */
};

void jw__init(struct jw *w, size_t max);
void jw__free(struct jw *w);
/* Where the output is, to go back there (dropping a handler's partial result). */
struct jw_mark {
	size_t len;
	unsigned depth;
	uint64_t first;
};
struct jw_mark jw__mark(const struct jw *w);
void jw__rewind(struct jw *w, struct jw_mark m);

/* A member name alone: the next call writes its value (with key NULL). */
void jw__key(struct jw *w, const char *key);
void jw__begin_object(struct jw *w, const char *key);
void jw__end_object(struct jw *w);
void jw__begin_array(struct jw *w, const char *key);
void jw__end_array(struct jw *w);
void jw__str(struct jw *w, const char *key, const char *s);
void jw__strn(struct jw *w, const char *key, const char *s, size_t n);
void jw__u64(struct jw *w, const char *key, uint64_t v);
void jw__i64(struct jw *w, const char *key, int64_t v);
/* "0x" and lowercase hex digits, as a string: 64-bit quantities survive readers
 * whose numbers are doubles. */
void jw__hex(struct jw *w, const char *key, uint64_t v);
void jw__bool(struct jw *w, const char *key, bool v);
void jw__null(struct jw *w, const char *key);
/* Already-valid JSON text (e.g. an id echoed back). */
void jw__raw(struct jw *w, const char *key, const char *json, size_t n);
/* Plain bytes, no separator handling. */
void jw__append(struct jw *w, const char *s, size_t n);
/* End a top-level message with a newline: the next value starts a new message. */
void jw__newline(struct jw *w);

#endif
