/* JSON reader: recursive descent over one buffer into arena-allocated nodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Arena: a list of blocks; nodes and unescaped strings come from the newest one. */
struct block {
	struct block *prev;
	size_t used, size;
	char data[];
};

struct parser {
	const char *p, *end, *start;
	struct block *arena;
	char *err;
	size_t errlen;
	bool failed;
};

static void *alloc(struct parser *ps, size_t n)
{
	struct block *b = ps->arena;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		size_t size = n > 65536 ? n : 65536;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->prev = ps->arena;
		b->used = 0;
		b->size = size;
		ps->arena = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static int fail(struct parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what, (size_t)(ps->p - ps->start));
	ps->failed = true;
	return -1;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				   *ps->p == '\r'))
		ps->p++;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "invalid literal");
	ps->p += n;
	return 0;
}

static int hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4)
		return fail(ps, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *ps->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(ps, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp, n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int escape(struct parser *ps, char *o, size_t *olen)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned cp, lo;
	const char *e;

	if (ps->p >= ps->end)
		return fail(ps, "unterminated escape");
	e = strchr(from, *ps->p);
	if (*ps->p && e) {
		ps->p++;
		o[(*olen)++] = to[e - from];
		return 0;
	}
	if (*ps->p++ != 'u')
		return fail(ps, "invalid escape");
	if (hex4(ps, &cp))
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return fail(ps, "lone high surrogate");
		ps->p += 2;
		if (hex4(ps, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*olen += put_utf8(o + *olen, cp);
	return 0;
}

/* A string after its opening quote; the unescaped text is never longer than the
 * escaped one, so one allocation of the raw length suffices. */
static int string(struct parser *ps, const char **s, size_t *len)
{
	const char *q = ps->p;
	size_t olen = 0;
	char *o;

	while (q < ps->end && *q != '"') /* upper bound of the length */
		q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
	o = alloc(ps, (size_t)(q - ps->p) + 1);
	if (!o)
		return fail(ps, "out of memory");
	for (;;) {
		size_t n;

		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		if (*ps->p == '"')
			break;
		if ((unsigned char)*ps->p < 0x20)
			return fail(ps, "control character in string");
		if (*ps->p == '\\') {
			ps->p++;
			if (escape(ps, o, &olen))
				return -1;
			continue;
		}
		n = utf8_len((const unsigned char *)ps->p, (const unsigned char *)ps->end);
		if (!n)
			return fail(ps, "invalid UTF-8 in string");
		memcpy(o + olen, ps->p, n);
		olen += n;
		ps->p += n;
	}
	ps->p++;
	o[olen] = 0;
	*s = o;
	*len = olen;
	return 0;
}

static int number(struct parser *ps, struct json *v)
{
	const char *q = ps->p;
	bool frac = false, ovf = false;
	uint64_t mag = 0;
	char buf[64];

	v->u.num.neg = q < ps->end && *q == '-';
	q += v->u.num.neg;
	if (q >= ps->end || *q < '0' || *q > '9')
		return fail(ps, "invalid number");
	if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
		return fail(ps, "leading zero in number");
	for (; q < ps->end && *q >= '0' && *q <= '9'; q++) {
		unsigned d = (unsigned)(*q - '0');

		ovf |= mag > (UINT64_MAX - d) / 10;
		mag = mag * 10 + d;
	}
	if (q < ps->end && *q == '.') {
		frac = true;
		if (++q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid fraction");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		frac = true;
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9')
			return fail(ps, "invalid exponent");
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	v->u.num.is_int = !frac && !ovf && (!v->u.num.neg || mag <= (uint64_t)INT64_MAX + 1);
	v->u.num.mag = mag;
	if ((size_t)(q - ps->p) < sizeof(buf)) {
		memcpy(buf, ps->p, (size_t)(q - ps->p));
		buf[q - ps->p] = 0;
		v->u.num.d = strtod(buf, NULL);
	} else {
		v->u.num.d = v->u.num.neg ? -1e300 : 1e300; /* absurdly long: keep it huge */
	}
	ps->p = q;
	return 0;
}

static struct json *value(struct parser *ps, unsigned depth);

/* Members or elements up to `close`; each appended to v's children. */
static int children(struct parser *ps, struct json *v, char close, unsigned depth)
{
	struct json **tail = &v->u.kids.first;

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		struct json *kid;
		size_t klen;

		skip_ws(ps);
		if (close == '}') {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			ps->p++;
			if (string(ps, &key, &klen))
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return fail(ps, "expected ':'");
		}
		kid = value(ps, depth + 1);
		if (!kid)
			return -1;
		kid->key = key;
		*tail = kid;
		tail = &kid->next;
		v->u.kids.n++;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return fail(ps, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static struct json *value(struct parser *ps, unsigned depth)
{
	struct json *v;
	int rc;

	if (depth > JSON_MAX_DEPTH) {
		fail(ps, "nested too deeply");
		return NULL;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "expected a value");
		return NULL;
	}
	v = alloc(ps, sizeof(*v));
	if (!v) {
		fail(ps, "out of memory");
		return NULL;
	}
	memset(v, 0, sizeof(*v));
	v->text = ps->p;
	switch (*ps->p) {
	case '{':
		ps->p++;
		v->type = JSON_OBJECT;
		rc = children(ps, v, '}', depth);
		break;
	case '[':
		ps->p++;
		v->type = JSON_ARRAY;
		rc = children(ps, v, ']', depth);
		break;
	case '"':
		ps->p++;
		v->type = JSON_STRING;
		rc = string(ps, &v->u.str.s, &v->u.str.len);
		break;
	case 't':
		v->type = JSON_BOOL;
		v->u.b = true;
		rc = literal(ps, "true");
		break;
	case 'f':
		v->type = JSON_BOOL;
		rc = literal(ps, "false");
		break;
	case 'n':
		rc = literal(ps, "null");
		break;
	default:
		v->type = JSON_NUMBER;
		rc = number(ps, v);
		break;
	}
	v->text_len = (size_t)(ps->p - v->text);
	return rc ? NULL : v;
}

static void free_arena(struct block *b)
{
	while (b) {
		struct block *prev = b->prev;

		free(b);
		b = prev;
	}
}

int json__parse(const char *text, size_t len, struct json_doc *doc, char *err, size_t errlen)
{
	struct parser ps = { .p = text, .end = text + len, .start = text, .err = err,
			     .errlen = errlen };
	struct json *root = value(&ps, 0);

	if (root) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			fail(&ps, "text after the value");
			root = NULL;
		}
	}
	if (!root) {
		free_arena(ps.arena);
		doc->root = NULL;
		doc->arena = NULL;
		return -1;
	}
	doc->root = root;
	doc->arena = ps.arena;
	return 0;
}

void json__free(struct json_doc *doc)
{
	free_arena(doc->arena);
	doc->arena = NULL;
	doc->root = NULL;
}

const struct json *json__get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json *k = obj->u.kids.first; k; k = k->next)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

const char *json__str(const struct json *v)
{
	if (!v || v->type != JSON_STRING || strlen(v->u.str.s) != v->u.str.len)
		return NULL;
	return v->u.str.s;
}

/* Digits in base 10 or 16, nothing else, no overflow. */
static bool parse_digits(const char *s, unsigned base, uint64_t *out)
{
	uint64_t x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
	}
	*out = x;
	return true;
}

bool json__u64(const struct json *v, uint64_t *out)
{
	const char *s;

	if (v && v->type == JSON_NUMBER) {
		if (!v->u.num.is_int || (v->u.num.neg && v->u.num.mag))
			return false;
		*out = v->u.num.mag;
		return true;
	}
	s = json__str(v);
	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s + 2, 16, out);
	return parse_digits(s, 10, out);
}
