#include "json_writer.h"
#include "base64.h"
#include "../common/fileio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLUSH_AT (64 * 1024)

void jw_init(struct json_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
}

static void flush(struct json_writer *w)
{
	if (!w->err && write_full(w->fd, w->buf, w->len) < 0)
		w->err = errno;
	w->len = 0;
}

/* Room for n more bytes; 0, or -1 after recording the error. */
static int reserve(struct json_writer *w, size_t n)
{
	if (w->err)
		return -1;
	if (w->fd >= 0 && w->len + n > FLUSH_AT && w->len) {
		flush(w);
		if (w->err)
			return -1;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		char *b;

		while (cap < w->len + n)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->err = ENOMEM;
			return -1;
		}
		w->buf = b;
		w->cap = cap;
	}
	return 0;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (reserve(w, n) < 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Comma before a value or key, when it is not the first item of its container. */
static void item(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth) {
		if (w->has_items[w->depth - 1])
			put(w, ",", 1);
		w->has_items[w->depth - 1] = 1;
	}
}

static void open_container(struct json_writer *w, char c)
{
	item(w);
	if (w->depth >= JSON_WRITER_MAX_DEPTH) {
		w->err = EOVERFLOW;
		return;
	}
	w->has_items[w->depth++] = 0;
	put(w, &c, 1);
}

static void close_container(struct json_writer *w, char c)
{
	if (w->depth)
		w->depth--;
	put(w, &c, 1);
}

void jw_object_begin(struct json_writer *w) { open_container(w, '{'); }
void jw_object_end(struct json_writer *w) { close_container(w, '}'); }
void jw_array_begin(struct json_writer *w) { open_container(w, '['); }
void jw_array_end(struct json_writer *w) { close_container(w, ']'); }

/* Length of a valid UTF-8 sequence at s, or 0. Same rules as the parser. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

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

static void string_body(struct json_writer *w, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	put(w, "\"", 1);
	while (i < len && !w->err) {
		size_t run = i;

		/* copy plain ASCII in runs */
		while (run < len && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
			run++;
		if (run > i) {
			put(w, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = u[i];
		char esc[8];
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				put(w, esc, 6);
			} else {
				size_t n = utf8_len(u + i, len - i);
				if (n) {
					put(w, s + i, n);
					i += n;
					continue;
				}
				put(w, "\\ufffd", 6);
			}
		}
		i++;
	}
	put(w, "\"", 1);
}

void jw_key(struct json_writer *w, const char *key)
{
	item(w);
	string_body(w, key, strlen(key));
	put(w, ":", 1);
	w->after_key = 1;
}

void jw_string(struct json_writer *w, const char *s, size_t len)
{
	item(w);
	string_body(w, s, len);
}

void jw_cstring(struct json_writer *w, const char *s)
{
	jw_string(w, s, strlen(s));
}

void jw_base64(struct json_writer *w, const void *data, size_t len)
{
	const unsigned char *d = data;
	const size_t step = 3 * 4096;

	item(w);
	put(w, "\"", 1);
	for (size_t off = 0; off < len && !w->err; off += step) {
		size_t n = len - off < step ? len - off : step;
		size_t out = base64_encoded_len(n);

		if (reserve(w, out) < 0)
			break;
		base64_encode(d + off, n, w->buf + w->len);
		w->len += out;
	}
	put(w, "\"", 1);
}

void jw_int(struct json_writer *w, int64_t v)
{
	char b[24];

	item(w);
	put(w, b, (size_t)snprintf(b, sizeof(b), "%" PRId64, v));
}

void jw_uint(struct json_writer *w, uint64_t v)
{
	char b[24];

	item(w);
	put(w, b, (size_t)snprintf(b, sizeof(b), "%" PRIu64, v));
}

void jw_bool(struct json_writer *w, int v)
{
	item(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jw_null(struct json_writer *w)
{
	item(w);
	put(w, "null", 4);
}

int jw_finish(struct json_writer *w, struct vps_err *err)
{
	put(w, "\n", 1);
	if (w->fd >= 0 && !w->err)
		flush(w);
	if (w->err)
		return vps_error(err, w->err, "writing a JSON line");
	return 0;
}

void jw_free(struct json_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
