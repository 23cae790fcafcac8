/*
 * Whole response lines to the port. Every process (the agent and each request child)
 * takes an exclusive flock on its own open of the lock file around a line, so lines
 * from concurrent children never interleave.
 */
#ifndef VPSD_OUTPUT_H
#define VPSD_OUTPUT_H

#include <stdint.h>
#include "json_writer.h"

/* Request ids are JSON integers 0 .. 2^53-1; `present` is 0 when none could be read. */
struct req_id {
	int present;
	int64_t value;
};

void output_init(int port_fd, const char *lock_path);
/* In a new child: drop the parent's lock file description so the child opens its own. */
void output_after_fork(void);

/* Lock, then start a line on the port; the writer streams to it. */
void output_begin(struct json_writer *w);
/* Finish the line, flush, unlock. Failures go to stderr: there is nobody else to tell. */
void output_end(struct json_writer *w);

/* Writes "id":... (null when absent). */
void output_id(struct json_writer *w, const struct req_id *id);
/* {"id":...,"ok":false,"error":"msg"} */
void output_error(const struct req_id *id, const char *msg);

#endif
