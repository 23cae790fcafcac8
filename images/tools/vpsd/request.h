/* One request line: validation into a struct, and running it. */
#ifndef VPSD_REQUEST_H
#define VPSD_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "output.h"

#define VPSD_VERSION "0.1.0"

enum req_op { OP_PING, OP_EXEC, OP_VSERVERS };

struct request {
	struct req_id id;
	enum req_op op;
	/* exec: strings point into the parsed line */
	char **argv;		/* NULL-terminated, malloc'd array */
	char *stdin_b64;	/* NULL when not given; decoded in place by the child */
	size_t stdin_len;
	int64_t timeout_ms;	/* 0: no timeout */
	const char *cwd;	/* NULL: the agent's cwd */
};

/*
 * Parse and check line (modified in place). On failure req->id holds whatever id
 * could be read, and err the one-line reason.
 */
int request_parse(char *line, size_t len, struct json_doc *doc, struct request *req,
		  struct vps_err *err);
void request_free(struct request *req);

/* True when the request runs in a child; ping is answered by the agent directly. */
int request_needs_child(const struct request *req);
/* Run req and write its response line. */
void request_run(struct request *req);

#endif
