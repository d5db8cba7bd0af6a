/* The monitor's JSON reader and writer (vmm/monitor/json.h): RFC 8259 strictness
 * (the reader takes input from other processes), escapes both ways, exact 64-bit
 * integers, and the writer's separators. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static int parse(const char *s, struct json_doc *d)
{
	char err[128];

	return json__parse(s, strlen(s), d, err, sizeof(err));
}

/* RFC 8259 section 2-7: values, whitespace, nesting; members by name. */
static void json_reads_every_value_type(void **state)
{
	struct json_doc d;
	const struct json *a;

	(void)state;
	assert_int_equal(parse(" {\"a\": [1, -2, 3.5e1, true, false, null, \"x\"], \"b\": {}} ",
			       &d), 0);
	a = json__get(d.root, "a");
	assert_int_equal(a->type, JSON_ARRAY);
	assert_int_equal(a->u.kids.n, 7);
	assert_true(a->u.kids.first->u.num.is_int);
	assert_int_equal(a->u.kids.first->u.num.mag, 1);
	assert_true(a->u.kids.first->next->u.num.neg);
	assert_true(a->u.kids.first->next->next->u.num.d == 35.0);
	assert_false(a->u.kids.first->next->next->u.num.is_int);
	assert_int_equal(json__get(d.root, "b")->type, JSON_OBJECT);
	assert_null(json__get(d.root, "c"));
	json__free(&d);
}

/* RFC 8259: no comments, no trailing commas, no single quotes, no leading zeros,
 * one value only, control characters escaped, valid UTF-8 (section 8.1). */
static void json_rejects_what_the_rfc_forbids(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "01", "1 2", "{\"a\" 1}", "[1 2]",
		"\"a\nb\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\xc3\"",
		"\"\xc0\x80\"", "\"\xed\xa0\x80\"", "tru", "nul", "-", "1.", "1e", "/*c*/1",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	struct json_doc d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &d) == 0) {
			fprintf(stderr, "accepted: %s\n", bad[i]);
			fail();
		}
	}
}

/* RFC 8259 section 7: escapes, \u with surrogate pairs -> UTF-8. */
static void json_unescapes_strings(void **state)
{
	struct json_doc d;

	(void)state;
	assert_int_equal(parse("\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\"", &d), 0);
	assert_string_equal(json__str(d.root), "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
	json__free(&d);
	assert_int_equal(parse("\"a\\u0000b\"", &d), 0);
	assert_null(json__str(d.root)); /* an embedded NUL is no C string */
	assert_int_equal(d.root->u.str.len, 3);
	json__free(&d);
}

/* 64-bit quantities: integers exactly (not through a double), "0x..." strings. */
static void json_u64_is_exact(void **state)
{
	static const struct { const char *text; bool ok; uint64_t v; } cases[] = {
		{ "18446744073709551615", true, UINT64_MAX },
		{ "18446744073709551616", false, 0 },
		{ "\"0xffff800000001000\"", true, 0xffff800000001000ull },
		{ "\"0XAB\"", true, 0xab },
		{ "\"123\"", true, 123 },
		{ "\"0x\"", false, 0 }, { "\"0x 1\"", false, 0 }, { "\"-1\"", false, 0 },
		{ "\"0x10000000000000000\"", false, 0 }, { "-1", false, 0 }, { "1.5", false, 0 },
		{ "-0", true, 0 }, { "true", false, 0 }, { "\" 1\"", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_doc d;
		uint64_t v = 0;

		assert_int_equal(parse(cases[i].text, &d), 0);
		if (json__u64(d.root, &v) != cases[i].ok || v != cases[i].v) {
			fprintf(stderr, "json__u64(%s)\n", cases[i].text);
			fail();
		}
		json__free(&d);
	}
}

/* The writer: separators, keys, escapes, hex strings, rewinding a partial value. */
static void json_writer_output_reads_back(void **state)
{
	struct jw w;
	struct jw_mark m;
	struct json_doc d;

	(void)state;
	jw__init(&w, 0);
	jw__begin_object(&w, NULL);
	jw__str(&w, "s", "q\"\\\n\x01");
	jw__hex(&w, "h", 0xffff800000001000ull);
	jw__hex(&w, "z", 0);
	jw__i64(&w, "n", -42);
	m = jw__mark(&w);
	jw__begin_array(&w, "dropped");
	jw__u64(&w, NULL, 1);
	jw__rewind(&w, m);
	jw__key(&w, "a");
	jw__begin_array(&w, NULL);
	jw__u64(&w, NULL, UINT64_MAX);
	jw__bool(&w, NULL, true);
	jw__null(&w, NULL);
	jw__end_array(&w);
	jw__end_object(&w);
	jw__append(&w, "", 1);
	assert_string_equal(w.buf, "{\"s\":\"q\\\"\\\\\\n\\u0001\",\"h\":\"0xffff800000001000\","
			    "\"z\":\"0x0\",\"n\":-42,\"a\":[18446744073709551615,true,null]}");
	assert_int_equal(parse(w.buf, &d), 0);
	json__free(&d);
	jw__free(&w);
}

/* Strings are written as valid UTF-8 whatever the bytes: a sequence cut short (a
 * name truncated by "%.64s") becomes U+FFFD (RFC 8259 section 8.1). */
static void json_writer_replaces_invalid_utf8(void **state)
{
	struct jw w;
	struct json_doc d;

	(void)state;
	jw__init(&w, 0);
	jw__str(&w, NULL, "a\xc3\xa9\xf0\x9f\x98\x80" "b\xf0\x9f\xff");
	jw__append(&w, "", 1);
	assert_string_equal(w.buf, "\"a\xc3\xa9\xf0\x9f\x98\x80" "b\\ufffd\\ufffd\\ufffd\"");
	assert_int_equal(parse(w.buf, &d), 0);
	json__free(&d);
	jw__free(&w);
}

/* A writer with a size limit fails (oom) instead of growing past it. */
static void json_writer_respects_its_limit(void **state)
{
	struct jw w;

	(void)state;
	jw__init(&w, 100);
	jw__begin_array(&w, NULL);
	for (int i = 0; i < 100; i++)
		jw__u64(&w, NULL, 1234567);
	assert_true(w.oom);
	assert_true(w.len <= 100);
	jw__free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_reads_every_value_type),
		cmocka_unit_test(json_rejects_what_the_rfc_forbids),
		cmocka_unit_test(json_unescapes_strings),
		cmocka_unit_test(json_u64_is_exact),
		cmocka_unit_test(json_writer_output_reads_back),
		cmocka_unit_test(json_writer_replaces_invalid_utf8),
		cmocka_unit_test(json_writer_respects_its_limit),
	};
	return cmocka_run_group_tests_name("monitor JSON", tests, NULL, NULL);
}
