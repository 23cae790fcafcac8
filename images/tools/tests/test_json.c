/* Unit tests: vpsd's JSON parser and writer, and base64. Run under ASan/UBSan. */
#include "../vpsd/base64.h"
#include "../vpsd/json.h"
#include "../vpsd/json_writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const struct json_limits lim = { .max_depth = 8, .max_values = 1000 };

/* Parse a copy of s (n bytes; strlen when n == 0). The copy is returned in *buf for strings to point into. */
static int parse(const char *s, size_t n, struct json_doc *doc, char **buf, struct vps_err *err)
{
	if (!n)
		n = strlen(s);
	*buf = malloc(n ? n : 1);
	memcpy(*buf, s, n);
	return json_parse(doc, *buf, n, &lim, err);
}

static int parses(const char *s, size_t n)
{
	struct json_doc doc;
	struct vps_err err;
	char *buf;
	int r = parse(s, n, &doc, &buf, &err);

	json_doc_free(&doc);
	free(buf);
	return r == 0;
}

static void expect_error(const char *s, size_t n, const char *fragment)
{
	struct json_doc doc;
	struct vps_err err = { 0 };
	char *buf;
	int r = parse(s, n, &doc, &buf, &err);

	CHECK(r < 0, "`%s` should be rejected", s);
	if (r < 0)
		CHECK(strstr(err.msg, fragment), "`%s`: error `%s` lacks `%s`", s, err.msg, fragment);
	CHECK(doc.v == NULL, "`%s`: doc freed on failure", s);
	json_doc_free(&doc);
	free(buf);
}

static void test_values(void)
{
	struct json_doc doc;
	struct vps_err err;
	const struct json_value *v, *a;
	int64_t i;
	char *buf;
	const char *text = " {\"id\": 42, \"op\" : \"exec\", \"argv\":[\"sh\",\"-c\",\"echo hi\"],"
			   "\"t\":true,\"f\":false,\"n\":null,\"neg\":-7,\"real\":-1.5e+3,\"o\":{},\"e\":[]}\r\n";

	CHECK(parse(text, 0, &doc, &buf, &err) == 0, "%s", err.msg);
	CHECK(doc.v[0].type == JSON_OBJECT && doc.v[0].count == 10, "root");
	CHECK(json_get(&doc, &doc.v[0], "id", &v) == 1 && json_get_i64(v, 0, 100, &i) == 0 && i == 42, "id");
	CHECK(json_get(&doc, &doc.v[0], "op", &v) == 1 && v->type == JSON_STRING && !strcmp(v->str, "exec"), "op");
	CHECK(json_get(&doc, &doc.v[0], "argv", &v) == 1 && v->type == JSON_ARRAY && v->count == 3, "argv");
	a = json_first(&doc, v);
	CHECK(a && !strcmp(a->str, "sh"), "argv[0]");
	a = json_at(&doc, a->next);
	a = json_at(&doc, a->next);
	CHECK(a && !strcmp(a->str, "echo hi") && a->len == 7 && !a->next, "argv[2]");
	CHECK(json_get(&doc, &doc.v[0], "t", &v) == 1 && v->type == JSON_BOOL && v->boolean, "true");
	CHECK(json_get(&doc, &doc.v[0], "f", &v) == 1 && v->type == JSON_BOOL && !v->boolean, "false");
	CHECK(json_get(&doc, &doc.v[0], "n", &v) == 1 && v->type == JSON_NULL, "null");
	CHECK(json_get(&doc, &doc.v[0], "neg", &v) == 1 && json_get_i64(v, -10, 10, &i) == 0 && i == -7, "neg");
	CHECK(json_get(&doc, &doc.v[0], "real", &v) == 1 && v->type == JSON_NUMBER &&
	      v->len == 7 && json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0, "real kept as text, not an integer");
	CHECK(json_get(&doc, &doc.v[0], "o", &v) == 1 && v->type == JSON_OBJECT && v->count == 0 && !v->child, "{}");
	CHECK(json_get(&doc, &doc.v[0], "e", &v) == 1 && v->type == JSON_ARRAY && v->count == 0, "[]");
	CHECK(json_get(&doc, &doc.v[0], "missing", &v) == 0 && v == NULL, "absent key");
	json_doc_free(&doc);
	free(buf);

	CHECK(parse("{\"a\":1,\"b\":2,\"a\":3}", 0, &doc, &buf, &err) == 0, "duplicate keys parse");
	CHECK(json_get(&doc, &doc.v[0], "a", &v) == -1, "duplicate key reported by json_get");
	CHECK(json_get(&doc, &doc.v[0], "b", &v) == 1, "other key still found");
	json_doc_free(&doc);
	free(buf);

	for (const char *const *s = (const char *const[]){ "0", "-0", "1", "123", "1.0", "0.5", "1e5",
			"1E+5", "2e-3", "-12.5e10", "true", "false", "null", "\"\"", "[]", "{}", "[[[]]]", NULL }; *s; s++)
		CHECK(parses(*s, 0), "`%s` should parse", *s);
}

static void test_strings(void)
{
	struct json_doc doc;
	struct vps_err err;
	char *buf;
	static const struct { const char *json, *want; size_t want_len; } cases[] = {
		{ "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "a\"b\\c/d\be\ff\ng\rh\ti", 17 },
		{ "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6 },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4 },		/* surrogate pair */
		{ "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4 },		/* U+10FFFF */
		{ "\"x\\u0000y\"", "x\0y", 3 },					/* NUL by escape is data */
		{ "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14 },
		{ "\"\x7f\"", "\x7f", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int r = parse(cases[i].json, 0, &doc, &buf, &err);

		CHECK(r == 0, "case %zu: %s", i, err.msg);
		if (r == 0) {
			CHECK(doc.v[0].type == JSON_STRING && doc.v[0].len == cases[i].want_len &&
			      !memcmp(doc.v[0].str, cases[i].want, cases[i].want_len) &&
			      doc.v[0].str[doc.v[0].len] == '\0', "case %zu decoded wrong", i);
		}
		json_doc_free(&doc);
		free(buf);
	}
	/* keys are decoded too */
	CHECK(parse("{\"\\u0069d\":1}", 0, &doc, &buf, &err) == 0, "%s", err.msg);
	CHECK(doc.v[1].key_len == 2 && !strcmp(doc.v[1].key, "id"), "escaped key");
	json_doc_free(&doc);
	free(buf);
}

static void test_malformed(void)
{
	expect_error("", 0, "empty input");
	expect_error("  \r\n", 4, "empty input");
	expect_error("{", 0, "unexpected end of input");
	expect_error("{\"id\":1", 0, "unexpected end of input");
	expect_error("{\"id\":1,", 0, "unexpected end of input");
	expect_error("[1,]", 0, "expected a value");
	expect_error("{\"a\":1,}", 0, "expected a string key");
	expect_error("{\"a\" 1}", 0, "expected ':'");
	expect_error("{a:1}", 0, "expected a string key");
	expect_error("[1 2]", 0, "expected ',' or ']'");
	expect_error("{\"a\":1 \"b\":2}", 0, "expected ',' or '}'");
	expect_error("'x'", 0, "unexpected '''");
	expect_error("\"abc", 0, "unterminated string");
	expect_error("\"abc\\", 0, "truncated escape");
	expect_error("\"\\x\"", 0, "invalid escape");
	expect_error("\"\\u12\"", 0, "truncated \\u escape");
	expect_error("\"\\u12", 0, "truncated \\u escape");
	expect_error("\"\\u12G4\"", 0, "bad hex digit");
	expect_error("\"\\ud800\"", 0, "high surrogate not followed");
	expect_error("\"\\ud800\\u0041\"", 0, "high surrogate not followed");
	expect_error("\"\\ud800\\ud800\"", 0, "high surrogate not followed");
	expect_error("\"\\udc00\"", 0, "lone low surrogate");
	expect_error("\"a\x01" "b\"", 0, "control character");
	expect_error("\"a\nb\"", 0, "control character");
	expect_error("\"a\0b\"", 5, "NUL byte in string");
	expect_error("{\"a\":1}\0", 8, "trailing data");
	expect_error("\0", 1, "NUL byte");
	expect_error("\"\xff\"", 0, "invalid UTF-8");
	expect_error("\"\xc0\x80\"", 0, "invalid UTF-8");		/* overlong NUL */
	expect_error("\"\xe0\x80\xaf\"", 0, "invalid UTF-8");	/* overlong '/' */
	expect_error("\"\xed\xa0\x80\"", 0, "invalid UTF-8");	/* encoded surrogate */
	expect_error("\"\xf4\x90\x80\x80\"", 0, "invalid UTF-8");	/* above U+10FFFF */
	expect_error("\"\xe2\x82\"", 0, "invalid UTF-8");		/* truncated sequence */
	expect_error("\"\x80\"", 0, "invalid UTF-8");		/* stray continuation */
	expect_error("tru", 0, "expected a value");
	expect_error("nul", 0, "expected a value");
	expect_error("True", 0, "unexpected 'T'");
	expect_error("01", 0, "leading zero");
	expect_error("-01", 0, "leading zero");
	expect_error("1.", 0, "a digit after '.'");
	expect_error(".5", 0, "unexpected '.'");
	expect_error("-", 0, "a digit");
	expect_error("-a", 0, "a digit");
	expect_error("1e", 0, "exponent");
	expect_error("1e+", 0, "exponent");
	expect_error("+1", 0, "unexpected '+'");
	expect_error("NaN", 0, "unexpected 'N'");
	expect_error("{}x", 0, "trailing data");
	expect_error("1 2", 0, "trailing data");
	expect_error("[1]]", 0, "trailing data");
	expect_error("\xef\xbb\xbf{}", 0, "unexpected byte 0xef");	/* no BOM */
}

static void test_limits(void)
{
	char deep[64];
	char many[4096];
	struct json_doc doc;
	struct vps_err err;
	const struct json_value *v;
	int64_t i;
	char *buf;
	size_t n = 0;

	/* depth 8 is allowed, 9 is not (the root counts) */
	memset(deep, '[', 8);
	memset(deep + 8, ']', 8);
	deep[16] = 0;
	CHECK(parses(deep, 0), "depth 8");
	memset(deep, '[', 9);
	memset(deep + 9, ']', 9);
	deep[18] = 0;
	expect_error(deep, 0, "nested deeper than 8 levels");
	expect_error("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}}}}", 0, "nested deeper");
	/* 1000 values allowed: the array itself plus 999 elements */
	many[n++] = '[';
	for (int k = 0; k < 999; k++) {
		many[n++] = '0';
		many[n++] = ',';
	}
	many[n - 1] = ']';
	many[n] = 0;
	CHECK(parses(many, 0), "1000 values");
	many[n - 1] = ',';
	many[n++] = '0';
	many[n++] = ']';
	many[n] = 0;
	expect_error(many, 0, "more than 1000 values");

	/* huge numbers keep their text; integer conversion checks the range */
	CHECK(parse("[1e999999, 123456789012345678901234567890, 9223372036854775807, 9223372036854775808,"
		    " -9223372036854775808, -9223372036854775809, 9007199254740991, 1.0, -0]",
		    0, &doc, &buf, &err) == 0, "%s", err.msg);
	v = json_first(&doc, &doc.v[0]);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0, "1e999999 not an integer");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0 && v->len == 30, "30 digits out of range");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) == 0 && i == INT64_MAX, "INT64_MAX");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0, "INT64_MAX + 1");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) == 0 && i == INT64_MIN, "INT64_MIN");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0, "INT64_MIN - 1");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, 0, 9007199254740991LL, &i) == 0 && i == 9007199254740991LL, "2^53-1");
	CHECK(json_get_i64(v, 0, 9007199254740990LL, &i) < 0, "range max");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, INT64_MIN, INT64_MAX, &i) < 0, "1.0 is not integer syntax");
	v = json_at(&doc, v->next);
	CHECK(json_get_i64(v, 0, 1, &i) == 0 && i == 0, "-0");
	CHECK(json_get_i64(&doc.v[0], 0, 1, &i) < 0, "array is not a number");
	json_doc_free(&doc);
	free(buf);
}

/* Writer output into memory, as a C string. */
static char *written(struct json_writer *w)
{
	struct vps_err err;
	char *s;

	CHECK(jw_finish(w, &err) == 0, "finish");
	s = malloc(w->len + 1);
	memcpy(s, w->buf, w->len);
	s[w->len] = 0;
	jw_free(w);
	return s;
}

static void test_writer(void)
{
	struct json_writer w;
	char *s;

	jw_init(&w, -1);
	jw_object_begin(&w);
	jw_key(&w, "id");
	jw_int(&w, -5);
	jw_key(&w, "big");
	jw_uint(&w, UINT64_MAX);
	jw_key(&w, "a");
	jw_array_begin(&w);
	jw_bool(&w, 1);
	jw_bool(&w, 0);
	jw_null(&w);
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_array_end(&w);
	jw_key(&w, "s");
	jw_string(&w, "q\"b\\n\n\r\t\b\f\x01\x1f\x7f/", 14);
	jw_key(&w, "u");
	jw_cstring(&w, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	jw_key(&w, "bad");
	jw_string(&w, "a\xff" "b\xc0\x80" "c\xed\xa0\x80" "d\xe2\x82", 12);
	jw_key(&w, "nul");
	jw_string(&w, "x\0y", 3);
	jw_key(&w, "b64");
	jw_base64(&w, "hi!?", 4);
	jw_object_end(&w);
	s = written(&w);
	CHECK(!strcmp(s, "{\"id\":-5,\"big\":18446744073709551615,\"a\":[true,false,null,{},[]],"
			 "\"s\":\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\","
			 "\"u\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\","
			 "\"bad\":\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\","
			 "\"nul\":\"x\\u0000y\",\"b64\":\"aGkhPw==\"}\n"), "writer output: %s", s);

	/* what the writer emits, the parser reads back byte for byte */
	{
		struct json_doc doc;
		struct vps_err err;
		const struct json_value *v;
		size_t len = strlen(s);

		CHECK(json_parse(&doc, s, len, &lim, &err) == 0, "reparse: %s", err.msg);
		CHECK(json_get(&doc, &doc.v[0], "nul", &v) == 1 && v->len == 3 && !memcmp(v->str, "x\0y", 3), "nul");
		CHECK(json_get(&doc, &doc.v[0], "s", &v) == 1 && v->len == 14 &&
		      !memcmp(v->str, "q\"b\\n\n\r\t\b\f\x01\x1f\x7f/", 14), "s");
		json_doc_free(&doc);
	}
	free(s);

	/* long base64 crosses the chunking inside jw_base64 */
	{
		size_t n = 100000;
		unsigned char *data = malloc(n), *back;
		size_t back_len;
		struct vps_err err;

		for (size_t i = 0; i < n; i++)
			data[i] = (unsigned char)(i * 7 + 3);
		jw_init(&w, -1);
		jw_base64(&w, data, n);
		s = written(&w);
		CHECK(strlen(s) == base64_encoded_len(n) + 3, "length");
		back = malloc(n);
		CHECK(base64_decode(s + 1, base64_encoded_len(n), back, &back_len, &err) == 0 &&
		      back_len == n && !memcmp(back, data, n), "base64 via writer round trip");
		free(back);
		free(data);
		free(s);
	}
}

static void test_base64(void)
{
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char enc[64];
	unsigned char dec[64], all[256];
	size_t n;
	struct vps_err err;

	for (size_t i = 0; i < sizeof(vec) / sizeof(*vec); i++) {
		size_t len = strlen(vec[i][0]);

		CHECK(base64_encoded_len(len) == strlen(vec[i][1]), "encoded len %zu", i);
		base64_encode((const unsigned char *)vec[i][0], len, enc);
		CHECK(!memcmp(enc, vec[i][1], strlen(vec[i][1])), "encode `%s`", vec[i][0]);
		CHECK(base64_decode(vec[i][1], strlen(vec[i][1]), dec, &n, &err) == 0 && n == len &&
		      !memcmp(dec, vec[i][0], len), "decode `%s`", vec[i][1]);
	}
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (size_t len = 0; len <= 256; len++) {
		char *b = malloc(base64_encoded_len(len) + 1);

		base64_encode(all, len, b);
		/* in place */
		CHECK(base64_decode(b, base64_encoded_len(len), (unsigned char *)b, &n, &err) == 0 &&
		      n == len && !memcmp(b, all, len), "in-place round trip of %zu bytes", len);
		free(b);
	}
	static const struct { const char *in, *frag; } bad[] = {
		{ "Zg=", "not a multiple of 4" }, { "Z", "not a multiple of 4" },
		{ "Zg==Zg==", "misplaced '='" }, { "Z===", "misplaced '='" }, { "=Zg=", "misplaced '='" },
		{ "Zm=v", "misplaced '='" }, { "Zm9v\n", "not a multiple" }, { "Zm 9", "bad character" },
		{ "Zm9-", "bad character" }, { "Zm9_", "bad character" }, { "Zh==", "non-zero bits" },
		{ "Zm9=", "non-zero bits" }, { "Zm\0v", "bad character" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		size_t len = i == sizeof(bad) / sizeof(*bad) - 1 ? 4 : strlen(bad[i].in);
		int r = base64_decode(bad[i].in, len, dec, &n, &err);

		CHECK(r < 0 && strstr(err.msg, bad[i].frag), "`%s`: %s", bad[i].in, r < 0 ? err.msg : "accepted");
	}
}

/* Random mutations of valid documents: the parser must reject or accept, never crash. */
static void test_fuzz(void)
{
	static const char *const seeds[] = {
		"{\"id\":1,\"op\":\"exec\",\"argv\":[\"sh\",\"-c\",\"echo \\u00e9\\ud83d\\ude00\"],\"stdin\":\"aGk=\"}",
		"[1,-2.5e3,true,false,null,{\"a\":[[],{}]},\"\\n\\\\\\\"\"]",
	};
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefABCDEFtrunlse.-+eE \t\r\n\x00\x01\x7f\x80\xbf\xc3\xed\xf0\xf4\xff";
	uint32_t rng = 12345;
	int accepted = 0;

	for (int iter = 0; iter < 200000; iter++) {
		const char *seed = seeds[iter % 2];
		size_t len = strlen(seed);
		char *buf = malloc(len + 8);
		struct json_doc doc;
		struct vps_err err;
		int edits;

		memcpy(buf, seed, len);
		rng = rng * 1103515245 + 12345;
		edits = 1 + (int)((rng >> 16) % 4);
		for (int e = 0; e < edits; e++) {
			rng = rng * 1103515245 + 12345;
			size_t at = (rng >> 8) % (len + 1);
			rng = rng * 1103515245 + 12345;
			char c = alphabet[(rng >> 16) % (sizeof(alphabet) - 1)];
			switch ((rng >> 4) % 3) {
			case 0:	/* replace */
				if (at < len)
					buf[at] = c;
				break;
			case 1:	/* delete */
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			default:	/* insert */
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = c;
				len++;
			}
		}
		if (json_parse(&doc, buf, len, &lim, &err) == 0) {
			accepted++;
			json_doc_free(&doc);
		}
		/* truncations at every length must never crash either */
		if (iter < 2)
			for (size_t cut = 0; cut < len; cut++)
				if (json_parse(&doc, buf, cut, &lim, &err) == 0)
					json_doc_free(&doc);
		free(buf);
	}
	CHECK(accepted > 0 && accepted < 200000, "fuzz accepted %d", accepted);
}

int main(void)
{
	test_values();
	test_strings();
	test_malformed();
	test_limits();
	test_writer();
	test_base64();
	test_fuzz();
	return check_summary();
}
