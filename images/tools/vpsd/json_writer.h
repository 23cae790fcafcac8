/* JSON output as one line, streamed to an fd or kept in memory. */
#ifndef VPSD_JSON_WRITER_H
#define VPSD_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

#define JSON_WRITER_MAX_DEPTH 16

/*
 * Streaming writer. With fd >= 0 the buffer is flushed to fd as it fills (large
 * values never sit whole in memory); with fd < 0 everything stays in buf. The
 * first write error sticks and makes the rest no-ops; json_writer_finish reports it.
 * Strings are written as UTF-8; bytes that are not valid UTF-8 become U+FFFD.
 */
struct json_writer {
	char *buf;
	size_t len, cap;
	int fd;
	int err;			/* errno of the first failure, 0 if none */
	unsigned depth;
	unsigned char has_items[JSON_WRITER_MAX_DEPTH];
	int after_key;
};

void jw_init(struct json_writer *w, int fd);
void jw_object_begin(struct json_writer *w);
void jw_object_end(struct json_writer *w);
void jw_array_begin(struct json_writer *w);
void jw_array_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s, size_t len);
void jw_cstring(struct json_writer *w, const char *s);
void jw_base64(struct json_writer *w, const void *data, size_t len);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_bool(struct json_writer *w, int v);
void jw_null(struct json_writer *w);
/* Append "\n" and flush (fd mode). 0, or -1 with err filled. */
int jw_finish(struct json_writer *w, struct vps_err *err);
void jw_free(struct json_writer *w);

#endif
