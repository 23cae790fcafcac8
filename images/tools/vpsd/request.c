#include "request.h"
#include "exec.h"
#include "vservers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SAFE_INT 9007199254740991LL	/* 2^53 - 1: what JavaScript numbers hold exactly */

static const struct json_limits limits = { .max_depth = 8, .max_values = 65536 };

static const char *op_name(enum req_op op)
{
	switch (op) {
	case OP_PING: return "ping";
	case OP_EXEC: return "exec";
	case OP_VSERVERS: return "vservers";
	}
	return "?";
}

/* A string field without NUL characters (argv, cwd become C strings). */
static int c_string(const struct json_value *v, const char *name, const char **out,
		    struct vps_err *err)
{
	if (v->type != JSON_STRING)
		return vps_error(err, 0, "`%s` must be a string, not %s", name, json_type_name(v->type));
	if (memchr(v->str, '\0', v->len))
		return vps_error(err, 0, "`%s` contains a NUL character", name);
	*out = v->str;
	return 0;
}

static int parse_exec(const struct json_doc *doc, const struct json_value *root,
		      struct request *req, struct vps_err *err)
{
	const struct json_value *argv, *v;
	size_t i = 0;
	int r;

	if ((r = json_get(doc, root, "argv", &argv)) <= 0)
		return vps_error(err, 0, r < 0 ? "duplicate field `argv`" : "missing field `argv`");
	if (argv->type != JSON_ARRAY || argv->count == 0)
		return vps_error(err, 0, "`argv` must be a non-empty array of strings");
	req->argv = calloc((size_t)argv->count + 1, sizeof(char *));
	if (!req->argv)
		return vps_error(err, ENOMEM, "parsing `argv`");
	for (const struct json_value *a = json_first(doc, argv); a; a = json_at(doc, a->next), i++) {
		char name[32];

		snprintf(name, sizeof(name), "argv[%zu]", i);
		if (c_string(a, name, (const char **)&req->argv[i], err) < 0)
			return -1;
	}
	if ((r = json_get(doc, root, "stdin", &v)) < 0)
		return vps_error(err, 0, "duplicate field `stdin`");
	if (r) {
		if (v->type != JSON_STRING)
			return vps_error(err, 0, "`stdin` must be a base64 string, not %s",
					 json_type_name(v->type));
		req->stdin_b64 = (char *)v->str;
		req->stdin_len = v->len;
	}
	if ((r = json_get(doc, root, "timeout_ms", &v)) < 0)
		return vps_error(err, 0, "duplicate field `timeout_ms`");
	if (r && json_get_i64(v, 1, MAX_SAFE_INT, &req->timeout_ms) < 0)
		return vps_error(err, 0, "`timeout_ms` must be an integer from 1 to %lld", MAX_SAFE_INT);
	if ((r = json_get(doc, root, "cwd", &v)) < 0)
		return vps_error(err, 0, "duplicate field `cwd`");
	if (r && c_string(v, "cwd", &req->cwd, err) < 0)
		return -1;
	return 0;
}

static int known_field(enum req_op op, const char *key, size_t len)
{
	static const char *const common[] = { "id", "op" };
	static const char *const exec[] = { "argv", "stdin", "timeout_ms", "cwd" };

	for (size_t i = 0; i < sizeof(common) / sizeof(*common); i++)
		if (strlen(common[i]) == len && !memcmp(common[i], key, len))
			return 1;
	if (op == OP_EXEC)
		for (size_t i = 0; i < sizeof(exec) / sizeof(*exec); i++)
			if (strlen(exec[i]) == len && !memcmp(exec[i], key, len))
				return 1;
	return 0;
}

int request_parse(char *line, size_t len, struct json_doc *doc, struct request *req,
		  struct vps_err *err)
{
	const struct json_value *root, *id, *op;
	int r;

	memset(req, 0, sizeof(*req));
	if (memchr(line, '\0', len))
		return vps_error(err, 0, "request contains a NUL byte");
	if (json_parse(doc, line, len, &limits, err) < 0)
		return -1;
	root = &doc->v[0];
	if (root->type != JSON_OBJECT)
		return vps_error(err, 0, "request must be a JSON object, not %s", json_type_name(root->type));

	if ((r = json_get(doc, root, "id", &id)) <= 0)
		return vps_error(err, 0, r < 0 ? "duplicate field `id`" : "missing field `id`");
	if (json_get_i64(id, 0, MAX_SAFE_INT, &req->id.value) < 0)
		return vps_error(err, 0, "`id` must be an integer from 0 to %lld", MAX_SAFE_INT);
	req->id.present = 1;

	if ((r = json_get(doc, root, "op", &op)) <= 0)
		return vps_error(err, 0, r < 0 ? "duplicate field `op`" : "missing field `op`");
	if (op->type != JSON_STRING)
		return vps_error(err, 0, "`op` must be a string, not %s", json_type_name(op->type));
	if (!strcmp(op->str, "ping") && op->len == 4)
		req->op = OP_PING;
	else if (!strcmp(op->str, "exec") && op->len == 4)
		req->op = OP_EXEC;
	else if (!strcmp(op->str, "vservers") && op->len == 8)
		req->op = OP_VSERVERS;
	else
		return vps_error(err, 0, "unknown op `%.64s`", op->str);

	for (const struct json_value *m = json_first(doc, root); m; m = json_at(doc, m->next))
		if (!known_field(req->op, m->key, m->key_len))
			return vps_error(err, 0, "unknown field `%.64s` for op `%s`", m->key, op_name(req->op));
	if (req->op == OP_EXEC)
		return parse_exec(doc, root, req, err);
	return 0;
}

void request_free(struct request *req)
{
	free(req->argv);
	req->argv = NULL;
}

int request_needs_child(const struct request *req)
{
	return req->op != OP_PING;
}

static void run_ping(const struct request *req)
{
	struct json_writer w;
	struct timespec ts;
	uint64_t uptime_ms = 0;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		uptime_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	output_begin(&w);
	jw_object_begin(&w);
	output_id(&w, &req->id);
	jw_key(&w, "ok");
	jw_bool(&w, 1);
	jw_key(&w, "version");
	jw_cstring(&w, VPSD_VERSION);
	jw_key(&w, "uptime_ms");
	jw_uint(&w, uptime_ms);
	jw_object_end(&w);
	output_end(&w);
}

void request_run(struct request *req)
{
	switch (req->op) {
	case OP_PING:
		run_ping(req);
		break;
	case OP_EXEC:
		exec_request(req);
		break;
	case OP_VSERVERS:
		vservers_request(req);
		break;
	}
}
