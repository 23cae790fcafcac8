/* Strict, bounded JSON parser (RFC 8259, UTF-8 only) that decodes strings in place. */
#ifndef VPSD_JSON_H
#define VPSD_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	uint32_t next;		/* index of the next sibling, 0 for none (the root is index 0) */
	uint32_t child;		/* first element or member, 0 for none */
	uint32_t count;		/* number of elements or members */
	const char *key;	/* member name (decoded, NUL-terminated) when inside an object */
	size_t key_len;
	const char *str;	/* string: decoded UTF-8, NUL-terminated; number: its source text */
	size_t len;
	int boolean;
};

struct json_limits {
	unsigned max_depth;	/* nesting of arrays and objects; the root counts as 1 */
	uint32_t max_values;	/* values in the whole document */
};

struct json_doc {
	struct json_value *v;	/* v[0] is the root */
	uint32_t count, cap;
};

/*
 * Parse text[0..len) as one JSON value. Strings are decoded in place, so text is
 * modified and must outlive doc. Rejects: invalid UTF-8, lone surrogates, control
 * characters in strings, NUL bytes, trailing data, limits exceeded. Numbers keep
 * their text (see json_get_i64); errors read "at byte N: ...".
 */
int json_parse(struct json_doc *doc, char *text, size_t len,
	       const struct json_limits *lim, struct vps_err *err);
void json_doc_free(struct json_doc *doc);

static inline const struct json_value *json_at(const struct json_doc *doc, uint32_t i)
{
	return i ? &doc->v[i] : NULL;
}
/* First element/member of v, or NULL; then json_at(doc, e->next). */
static inline const struct json_value *json_first(const struct json_doc *doc, const struct json_value *v)
{
	return json_at(doc, v->child);
}
/* Member `key` of object obj: 1 found (*out set), 0 absent, -1 present more than once. */
int json_get(const struct json_doc *doc, const struct json_value *obj, const char *key,
	     const struct json_value **out);
/* A number written as an integer (no fraction or exponent) within [min, max]: 0, else -1. */
int json_get_i64(const struct json_value *v, int64_t min, int64_t max, int64_t *out);
const char *json_type_name(enum json_type t);

#endif
