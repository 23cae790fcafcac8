/* The exec op: run argv in its own process group, capture its output, answer. */
#ifndef VPSD_EXEC_H
#define VPSD_EXEC_H

#include <stddef.h>
#include "request.h"

#ifndef VPSD_OUTPUT_CAP
#define VPSD_OUTPUT_CAP (32u << 20)	/* bytes kept per stream; the rest is read and dropped */
#endif

struct capture {
	unsigned char *data;
	size_t len, cap;
	int truncated;
};

struct exec_result {
	int code;		/* exit status, 128+signal, 124 on timeout, 126/127 when exec fails */
	int timed_out;
	struct capture out, err;
};

/* Runs in a request child: decodes stdin in place, runs, writes the response line. */
void exec_request(struct request *req);

/* The work itself; stdin_data NULL means /dev/null. Fails only when the command could not start. */
int exec_run(char *const argv[], const unsigned char *stdin_data, size_t stdin_len,
	     long long timeout_ms, struct exec_result *res, struct vps_err *err);
void exec_result_free(struct exec_result *res);

#endif
