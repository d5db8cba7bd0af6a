/* JSON writer: appends to one growable buffer. Hand-rolled number and hex
 * formatting, because a page-table dump writes a few million of them. */
#include <stdlib.h>
#include <string.h>

#include "json.h"

void jw__init(struct jw *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	w->max = max;
	w->first = 1;
}

void jw__free(struct jw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

struct jw_mark jw__mark(const struct jw *w)
{
	return (struct jw_mark){ .len = w->len, .depth = w->depth, .first = w->first };
}

void jw__rewind(struct jw *w, struct jw_mark m)
{
	if (m.len < w->len)
		w->len = m.len;
	w->depth = m.depth;
	w->first = m.first;
	w->keyed = false;
	w->oom = false;
}

static bool reserve(struct jw *w, size_t n)
{
	size_t cap;
	char *b;

	if (w->oom)
		return false;
	if (w->cap - w->len >= n)
		return true;
	cap = w->cap ? w->cap : 4096;
	while (cap - w->len < n)
		cap *= 2;
	if (w->max && cap > w->max) {
		if (w->len + n > w->max) {
			w->oom = true;
			return false;
		}
		cap = w->max;
	}
	b = realloc(w->buf, cap);
	if (!b) {
		w->oom = true;
		return false;
	}
	w->buf = b;
	w->cap = cap;
	return true;
}

void jw__append(struct jw *w, const char *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

void jw__newline(struct jw *w)
{
	jw__append(w, "\n", 1);
	w->depth = 0;
	w->first |= 1; /* the next message starts afresh */
}

/* Length of a valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_ok(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp, len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (unsigned i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A JSON string: escapes where RFC 8259 needs them, and U+FFFD for any byte that is
 * not valid UTF-8 (a truncated name in an error message stays valid JSON). */
static void put_escaped(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t plain = 0;

	/* the common case (names, numbers in words): nothing to escape */
	while (plain < n && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x7f &&
	       s[plain] != '"' && s[plain] != '\\')
		plain++;
	if (plain == n) {
		if (!reserve(w, n + 2))
			return;
		w->buf[w->len] = '"';
		memcpy(w->buf + w->len + 1, s, n);
		w->buf[w->len + n + 1] = '"';
		w->len += n + 2;
		return;
	}
	if (!reserve(w, 6 * n + 2))
		return;
	char *o = w->buf + w->len;

	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else if (c < 0x80) {
			*o++ = (char)c;
		} else if ((k = utf8_ok((const unsigned char *)s + i, n - i)) != 0) {
			memcpy(o, s + i, k);
			o += k;
			i += k - 1;
		} else {
			memcpy(o, "\\ufffd", 6);
			o += 6;
		}
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* The separator and the key before a value at the current depth. */
static void prefix(struct jw *w, const char *key)
{
	uint64_t bit = 1ull << (w->depth & 63);

	if (w->keyed) { /* jw__key wrote the separator and the name */
		w->keyed = false;
		return;
	}
	if (!(w->first & bit))
		jw__append(w, ",", 1);
	w->first &= ~bit;
	if (key) {
		put_escaped(w, key, strlen(key));
		jw__append(w, ":", 1);
	}
}

void jw__key(struct jw *w, const char *key)
{
	prefix(w, key);
	w->keyed = true;
}

static void open_(struct jw *w, const char *key, char c)
{
	prefix(w, key);
	jw__append(w, &c, 1);
	w->depth++;
	w->first |= 1ull << (w->depth & 63);
}

static void close_(struct jw *w, char c)
{
	if (w->depth)
		w->depth--;
	jw__append(w, &c, 1);
}

void jw__begin_object(struct jw *w, const char *key) { open_(w, key, '{'); }
void jw__end_object(struct jw *w) { close_(w, '}'); }
void jw__begin_array(struct jw *w, const char *key) { open_(w, key, '['); }
void jw__end_array(struct jw *w) { close_(w, ']'); }

void jw__strn(struct jw *w, const char *key, const char *s, size_t n)
{
	prefix(w, key);
	put_escaped(w, s, n);
}

void jw__str(struct jw *w, const char *key, const char *s)
{
	jw__strn(w, key, s, strlen(s));
}

void jw__u64(struct jw *w, const char *key, uint64_t v)
{
	char tmp[24];
	int n = 0;

	prefix(w, key);
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jw__append(w, tmp + sizeof(tmp) - n, (size_t)n);
}

void jw__i64(struct jw *w, const char *key, int64_t v)
{
	if (v >= 0) {
		jw__u64(w, key, (uint64_t)v);
		return;
	}
	prefix(w, key);
	jw__append(w, "-", 1);
	w->first |= 1ull << (w->depth & 63); /* the digits follow without a comma */
	jw__u64(w, NULL, -(uint64_t)v);
}

void jw__hex(struct jw *w, const char *key, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[20];
	int n = 0;

	prefix(w, key);
	tmp[sizeof(tmp) - 1] = '"';
	n = 1;
	do {
		tmp[sizeof(tmp) - 1 - n++] = hex[v & 15];
		v >>= 4;
	} while (v);
	tmp[sizeof(tmp) - 1 - n++] = 'x';
	tmp[sizeof(tmp) - 1 - n++] = '0';
	tmp[sizeof(tmp) - 1 - n++] = '"';
	jw__append(w, tmp + sizeof(tmp) - n, (size_t)n);
}

void jw__bool(struct jw *w, const char *key, bool v)
{
	prefix(w, key);
	jw__append(w, v ? "true" : "false", v ? 4 : 5);
}

void jw__null(struct jw *w, const char *key)
{
	prefix(w, key);
	jw__append(w, "null", 4);
}

void jw__raw(struct jw *w, const char *key, const char *json, size_t n)
{
	prefix(w, key);
	jw__append(w, json, n);
}
