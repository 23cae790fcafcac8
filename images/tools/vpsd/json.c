#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct json_doc *doc;
	char *text;
	size_t len, pos;
	const struct json_limits *lim;
	struct vps_err *err;
};

static int fail(struct parser *p, size_t at, const char *what)
{
	return vps_error(p->err, 0, "invalid JSON at byte %zu: %s", at, what);
}

static int fail_unexpected(struct parser *p, const char *expected)
{
	unsigned char c;

	if (p->pos >= p->len)
		return vps_error(p->err, 0, "invalid JSON at byte %zu: unexpected end of input, expected %s",
				 p->pos, expected);
	c = (unsigned char)p->text[p->pos];
	if (c == 0)
		return fail(p, p->pos, "NUL byte");
	if (c >= 0x21 && c < 0x7f)
		return vps_error(p->err, 0, "invalid JSON at byte %zu: unexpected '%c', expected %s",
				 p->pos, c, expected);
	return vps_error(p->err, 0, "invalid JSON at byte %zu: unexpected byte 0x%02x, expected %s",
			 p->pos, c, expected);
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->text[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int new_value(struct parser *p, enum json_type type, uint32_t *idx)
{
	struct json_doc *d = p->doc;

	if (d->count >= p->lim->max_values)
		return vps_error(p->err, 0, "invalid JSON at byte %zu: more than %u values",
				 p->pos, (unsigned)p->lim->max_values);
	if (d->count == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 16;
		struct json_value *v;

		if (cap > p->lim->max_values)
			cap = p->lim->max_values;
		v = realloc(d->v, (size_t)cap * sizeof(*v));
		if (!v)
			return vps_error(p->err, ENOMEM, "parsing JSON");
		d->v = v;
		d->cap = cap;
	}
	*idx = d->count++;
	memset(&d->v[*idx], 0, sizeof(d->v[*idx]));
	d->v[*idx].type = type;
	return 0;
}

static int literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
		return fail_unexpected(p, "a value");
	p->pos += n;
	return 0;
}

static int parse_number(struct parser *p, struct json_value *v)
{
	size_t start = p->pos;
	const char *t = p->text;

#define DIGIT(i) ((i) < p->len && t[i] >= '0' && t[i] <= '9')
	if (p->pos < p->len && t[p->pos] == '-')
		p->pos++;
	if (!DIGIT(p->pos))
		return fail_unexpected(p, "a digit");
	if (t[p->pos] == '0') {
		p->pos++;
		if (DIGIT(p->pos))
			return fail(p, p->pos, "leading zero in number");
	} else {
		while (DIGIT(p->pos))
			p->pos++;
	}
	if (p->pos < p->len && t[p->pos] == '.') {
		p->pos++;
		if (!DIGIT(p->pos))
			return fail_unexpected(p, "a digit after '.'");
		while (DIGIT(p->pos))
			p->pos++;
	}
	if (p->pos < p->len && (t[p->pos] == 'e' || t[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (t[p->pos] == '+' || t[p->pos] == '-'))
			p->pos++;
		if (!DIGIT(p->pos))
			return fail_unexpected(p, "a digit in the exponent");
		while (DIGIT(p->pos))
			p->pos++;
	}
#undef DIGIT
	v->str = t + start;
	v->len = p->pos - start;
	return 0;
}

static int hex4(struct parser *p, size_t at, unsigned *out)
{
	unsigned v = 0;

	if (p->len - at < 4)
		return fail(p, at, "truncated \\u escape");
	for (size_t i = 0; i < 4; i++) {
		char c = p->text[at + i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, at + i, "bad hex digit in \\u escape");
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
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 (overlong, surrogate, > U+10FFFF, truncated). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* p->pos is at the opening quote. Decodes into the same bytes and NUL-terminates. */
static int parse_string(struct parser *p, const char **out, size_t *out_len)
{
	char *t = p->text;
	size_t o = ++p->pos;
	const char *start = t + o;

	for (;;) {
		unsigned char c;

		if (p->pos >= p->len)
			return fail(p, p->pos, "unterminated string");
		c = (unsigned char)t[p->pos];
		if (c == '"') {
			/* the closing quote is at or after o, so the terminator fits */
			t[o] = '\0';
			p->pos++;
			*out = start;
			*out_len = (size_t)(t + o - start);
			return 0;
		}
		if (c == 0)
			return fail(p, p->pos, "NUL byte in string");
		if (c < 0x20)
			return fail(p, p->pos, "control character in string (must be escaped)");
		if (c == '\\') {
			unsigned cp, lo;
			size_t at = p->pos;

			if (p->pos + 1 >= p->len)
				return fail(p, at, "truncated escape");
			switch (t[p->pos + 1]) {
			case '"': t[o++] = '"'; break;
			case '\\': t[o++] = '\\'; break;
			case '/': t[o++] = '/'; break;
			case 'b': t[o++] = '\b'; break;
			case 'f': t[o++] = '\f'; break;
			case 'n': t[o++] = '\n'; break;
			case 'r': t[o++] = '\r'; break;
			case 't': t[o++] = '\t'; break;
			case 'u':
				if (hex4(p, at + 2, &cp) < 0)
					return -1;
				p->pos += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail(p, at, "lone low surrogate in \\u escape");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (p->len - (at + 6) < 2 || t[at + 6] != '\\' || t[at + 7] != 'u')
						return fail(p, at, "high surrogate not followed by a low surrogate");
					if (hex4(p, at + 8, &lo) < 0)
						return -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return fail(p, at + 6, "high surrogate not followed by a low surrogate");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p->pos += 6;
				}
				/* at most 4 bytes out for 6 or 12 in */
				o += put_utf8(t + o, cp);
				break;
			default:
				return fail(p, at, "invalid escape");
			}
			p->pos += 2;
			continue;
		}
		if (c < 0x80) {
			t[o++] = (char)c;
			p->pos++;
			continue;
		}
		size_t n = utf8_seq_len((const unsigned char *)t + p->pos, p->len - p->pos);
		if (!n)
			return fail(p, p->pos, "invalid UTF-8 in string");
		memmove(t + o, t + p->pos, n);
		o += n;
		p->pos += n;
	}
}

static int parse_value(struct parser *p, unsigned depth, uint32_t *idx);

/* Arrays and objects share the loop; members also carry a key. */
static int parse_container(struct parser *p, unsigned depth, uint32_t idx, int is_object)
{
	char close = is_object ? '}' : ']';
	uint32_t prev = 0;

	if (depth > p->lim->max_depth)
		return vps_error(p->err, 0, "invalid JSON at byte %zu: nested deeper than %u levels",
				 p->pos, p->lim->max_depth);
	p->pos++;
	skip_space(p);
	if (p->pos < p->len && p->text[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t key_len = 0;
		uint32_t child;

		skip_space(p);
		if (is_object) {
			if (p->pos >= p->len || p->text[p->pos] != '"')
				return fail_unexpected(p, "a string key");
			if (parse_string(p, &key, &key_len) < 0)
				return -1;
			skip_space(p);
			if (p->pos >= p->len || p->text[p->pos] != ':')
				return fail_unexpected(p, "':' after the key");
			p->pos++;
		}
		if (parse_value(p, depth + 1, &child) < 0)
			return -1;
		p->doc->v[child].key = key;
		p->doc->v[child].key_len = key_len;
		if (prev)
			p->doc->v[prev].next = child;
		else
			p->doc->v[idx].child = child;
		p->doc->v[idx].count++;
		prev = child;
		skip_space(p);
		if (p->pos < p->len && p->text[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->text[p->pos] == close) {
			p->pos++;
			return 0;
		}
		return fail_unexpected(p, is_object ? "',' or '}'" : "',' or ']'");
	}
}

static int parse_value(struct parser *p, unsigned depth, uint32_t *idx)
{
	char c;

	skip_space(p);
	if (p->pos >= p->len)
		return fail_unexpected(p, "a value");
	c = p->text[p->pos];
	switch (c) {
	case '{':
	case '[':
		if (new_value(p, c == '{' ? JSON_OBJECT : JSON_ARRAY, idx) < 0)
			return -1;
		return parse_container(p, depth, *idx, c == '{');
	case '"': {
		const char *s;
		size_t n;

		if (new_value(p, JSON_STRING, idx) < 0 || parse_string(p, &s, &n) < 0)
			return -1;
		p->doc->v[*idx].str = s;
		p->doc->v[*idx].len = n;
		return 0;
	}
	case 't':
	case 'f':
		if (new_value(p, JSON_BOOL, idx) < 0 || literal(p, c == 't' ? "true" : "false") < 0)
			return -1;
		p->doc->v[*idx].boolean = c == 't';
		return 0;
	case 'n':
		if (new_value(p, JSON_NULL, idx) < 0)
			return -1;
		return literal(p, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			if (new_value(p, JSON_NUMBER, idx) < 0)
				return -1;
			return parse_number(p, &p->doc->v[*idx]);
		}
		return fail_unexpected(p, "a value");
	}
}

int json_parse(struct json_doc *doc, char *text, size_t len,
	       const struct json_limits *lim, struct vps_err *err)
{
	struct parser p = { .doc = doc, .text = text, .len = len, .lim = lim, .err = err };
	uint32_t root;

	doc->v = NULL;
	doc->count = doc->cap = 0;
	skip_space(&p);
	if (p.pos >= len)
		return vps_error(err, 0, "invalid JSON: empty input");
	if (parse_value(&p, 1, &root) < 0)
		goto fail;
	skip_space(&p);
	if (p.pos < len) {
		fail(&p, p.pos, "trailing data after the value");
		goto fail;
	}
	return 0;
fail:
	json_doc_free(doc);
	return -1;
}

void json_doc_free(struct json_doc *doc)
{
	free(doc->v);
	doc->v = NULL;
	doc->count = doc->cap = 0;
}

int json_get(const struct json_doc *doc, const struct json_value *obj, const char *key,
	     const struct json_value **out)
{
	size_t n = strlen(key);
	int found = 0;

	*out = NULL;
	for (const struct json_value *m = json_first(doc, obj); m; m = json_at(doc, m->next)) {
		if (m->key_len == n && memcmp(m->key, key, n) == 0) {
			if (found)
				return -1;
			found = 1;
			*out = m;
		}
	}
	return found;
}

int json_get_i64(const struct json_value *v, int64_t min, int64_t max, int64_t *out)
{
	const char *s = v->str;
	size_t i = 0;
	int neg = 0;
	uint64_t acc = 0, limit;

	if (v->type != JSON_NUMBER)
		return -1;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < v->len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;	/* fraction or exponent */
		if (acc > (limit - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		acc = acc * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg) {
		int64_t r = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
		if (r < min || r > max)
			return -1;
		*out = r;
	} else {
		if (acc > (uint64_t)max || (int64_t)acc < min)
			return -1;
		*out = (int64_t)acc;
	}
	return 0;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {
		[JSON_NULL] = "null", [JSON_BOOL] = "boolean", [JSON_NUMBER] = "number",
		[JSON_STRING] = "string", [JSON_ARRAY] = "array", [JSON_OBJECT] = "object",
	};
	return names[t];
}
