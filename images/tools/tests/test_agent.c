/*
 * The whole agent, natively: vpsd_serve on one end of a socketpair, driven from the other
 * the way the host drives /dev/ttyS1. Built as one unit (the agent's sources are included
 * below) so the Makefile needs no source list for it, and so limits can be shrunk.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>

static char test_vservers_dir[256];
#define VPSD_VSERVERS_DIR test_vservers_dir
#define VPSD_OUTPUT_CAP (256u << 10)

#include "../common/error.c"
#include "../common/fileio.c"
#include "../vpsd/agent.c"
#include "../vpsd/base64.c"
#include "../vpsd/exec.c"
#include "../vpsd/json.c"
#include "../vpsd/json_writer.c"
#include "../vpsd/output.c"
#include "../vpsd/request.c"
#include "../vpsd/vservers.c"

#include <sys/socket.h>

#include "check.h"

/* The host side: raw bytes in, complete lines kept until a test takes them. */
struct host {
	int fd;
	pid_t agent;
	char *in;		/* bytes of the line being received */
	size_t in_len, in_cap;
	char **lines;		/* complete lines not taken yet */
	size_t n_lines, cap_lines;
	uint64_t sent;		/* bytes written to the agent */
};

static void keep_line(struct host *h)
{
	char *line = malloc(h->in_len + 1);

	if (h->in_len)
		memcpy(line, h->in, h->in_len);
	line[h->in_len] = 0;
	h->in_len = 0;
	if (!line[0]) {
		free(line);
		return;
	}
	if (h->n_lines == h->cap_lines) {
		h->cap_lines = h->cap_lines ? h->cap_lines * 2 : 64;
		h->lines = realloc(h->lines, h->cap_lines * sizeof(char *));
	}
	h->lines[h->n_lines++] = line;
}

/* Read what is there (waiting up to timeout_ms for something); 0 on timeout, -1 at end of file. */
static int receive(struct host *h, int timeout_ms)
{
	struct pollfd p = { .fd = h->fd, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = read(h->fd, buf, sizeof(buf));
	if (n <= 0)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			keep_line(h);
			continue;
		}
		if (h->in_len == h->in_cap) {
			h->in_cap = h->in_cap ? h->in_cap * 2 : 4096;
			h->in = realloc(h->in, h->in_cap);
		}
		h->in[h->in_len++] = buf[i];
	}
	return 1;
}

/* Write everything, reading meanwhile so neither side blocks on a full buffer. */
static void send_bytes(struct host *h, const void *data, size_t len)
{
	const char *d = data;

	while (len) {
		struct pollfd p = { .fd = h->fd, .events = POLLIN | POLLOUT };
		ssize_t n;

		poll(&p, 1, 1000);
		if (p.revents & POLLIN)
			receive(h, 0);
		if (!(p.revents & POLLOUT))
			continue;
		n = write(h->fd, d, len);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0) {
			fprintf(stderr, "send: %s\n", strerror(errno));
			exit(2);
		}
		d += n;
		len -= (size_t)n;
		h->sent += (uint64_t)n;
	}
}

static void send_str(struct host *h, const char *s)
{
	send_bytes(h, s, strlen(s));
}

/* The first kept line starting with prefix, removed from the list; NULL after timeout_ms. */
static char *take(struct host *h, const char *prefix, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		for (size_t i = 0; i < h->n_lines; i++) {
			if (strncmp(h->lines[i], prefix, strlen(prefix)) == 0) {
				char *line = h->lines[i];

				memmove(h->lines + i, h->lines + i + 1, (h->n_lines - i - 1) * sizeof(char *));
				h->n_lines--;
				return line;
			}
		}
		long long left = end - now_ms();
		if (left <= 0 || receive(h, (int)left) < 0)
			return NULL;
	}
}

static char *take_id(struct host *h, long long id, int timeout_ms)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "{\"id\":%lld,", id);
	return take(h, prefix, timeout_ms);
}

static void drop_acks(struct host *h)
{
	char *a;

	while ((a = take(h, "{\"event\":\"ack\"", 0)))
		free(a);
}

static void start(struct host *h, const char *lock)
{
	int sv[2];

	memset(h, 0, sizeof(*h));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		exit(2);
	}
	h->agent = fork();
	if (h->agent == 0) {
		close(sv[0]);
		exit(vpsd_serve(sv[1], sv[1], lock));
	}
	close(sv[1]);
	h->fd = sv[0];
	fcntl(h->fd, F_SETFL, O_NONBLOCK);
}

static int stop(struct host *h)
{
	int status = -1;

	shutdown(h->fd, SHUT_WR);
	while (receive(h, 5000) > 0)
		;
	drop_acks(h);
	waitpid(h->agent, &status, 0);
	close(h->fd);
	for (size_t i = 0; i < h->n_lines; i++) {
		fprintf(stderr, "unexpected line: %.200s\n", h->lines[i]);
		free(h->lines[i]);
	}
	CHECK(h->n_lines == 0, "%zu lines nobody expected", h->n_lines);
	free(h->lines);
	free(h->in);
	return status;
}

/* Field `key` of the JSON object in line (copied); base64 strings are decoded. */
struct reply {
	char *text;
	struct json_doc doc;
};

static int reply_parse(struct reply *r, const char *line)
{
	struct json_limits lim = { .max_depth = 4, .max_values = 1000 };
	struct vps_err err;

	r->text = strdup(line);
	if (json_parse(&r->doc, r->text, strlen(r->text), &lim, &err) < 0) {
		fprintf(stderr, "bad reply `%.200s`: %s\n", line, err.msg);
		return -1;
	}
	return 0;
}

static const struct json_value *field(struct reply *r, const char *key)
{
	const struct json_value *v = NULL;

	json_get(&r->doc, &r->doc.v[0], key, &v);
	return v;
}

static unsigned char *field_b64(struct reply *r, const char *key, size_t *len)
{
	const struct json_value *v = field(r, key);
	unsigned char *out;
	struct vps_err err;

	if (!v || v->type != JSON_STRING)
		return NULL;
	out = malloc(v->len + 1);
	if (base64_decode(v->str, v->len, out, len, &err) < 0) {
		free(out);
		return NULL;
	}
	out[*len] = 0;
	return out;
}

static void reply_free(struct reply *r)
{
	json_doc_free(&r->doc);
	free(r->text);
}

/* Run argv (a JSON array text) and check code and stdout (NULL: not checked). */
static void expect_exec(struct host *h, long long id, const char *argv_json, const char *extra,
			long long code, const char *out, const char *err_part)
{
	char req[4096], *line;
	struct reply r;
	size_t n;
	unsigned char *o, *e;
	int64_t got;

	snprintf(req, sizeof(req), "{\"id\":%lld,\"op\":\"exec\",\"argv\":%s%s}\n", id, argv_json, extra);
	send_str(h, req);
	line = take_id(h, id, 10000);
	CHECK(line, "no reply to %s", req);
	if (!line || reply_parse(&r, line) < 0) {
		free(line);
		return;
	}
	CHECK(field(&r, "ok") && field(&r, "ok")->boolean, "%s -> %s", argv_json, line);
	CHECK(field(&r, "code") && json_get_i64(field(&r, "code"), 0, 255, &got) == 0 && got == code,
	      "%s: want code %lld: %s", argv_json, code, line);
	o = field_b64(&r, "stdout", &n);
	CHECK(o && (!out || (n == strlen(out) && !strcmp((char *)o, out))), "%s: stdout `%s`, want `%s`",
	      argv_json, o ? (char *)o : "(bad)", out ? out : "");
	e = field_b64(&r, "stderr", &n);
	CHECK(e && (!err_part || strstr((char *)e, err_part)), "%s: stderr `%s`, want `%s`",
	      argv_json, e ? (char *)e : "(bad)", err_part ? err_part : "");
	free(o);
	free(e);
	reply_free(&r);
	free(line);
}

static void expect_line(struct host *h, const char *prefix, const char *want)
{
	char *line = take(h, prefix, 10000);

	CHECK(line && !strcmp(line, want), "got `%s`, want `%s`", line ? line : "(nothing)", want);
	free(line);
}

static void test_basics(struct host *h)
{
	char *line;
	struct reply r;
	int64_t up;

	expect_line(h, "{\"event\"", "{\"event\":\"ready\",\"version\":\"0.1.0\"}");

	send_str(h, "{\"id\":1,\"op\":\"ping\"}\n");
	line = take_id(h, 1, 5000);
	CHECK(line && reply_parse(&r, line) == 0, "ping reply");
	if (line) {
		CHECK(field(&r, "ok")->boolean && !strcmp(field(&r, "version")->str, "0.1.0") &&
		      json_get_i64(field(&r, "uptime_ms"), 0, INT64_MAX, &up) == 0 && r.doc.v[0].count == 4,
		      "ping: %s", line);
		reply_free(&r);
	}
	free(line);

	send_str(h, "{\"id\":2,\"op\":\"exec\",\"argv\":[\"sh\",\"-c\",\"echo hi\"]}\n");
	expect_line(h, "{\"id\":2,", "{\"id\":2,\"ok\":true,\"code\":0,\"stdout\":\"aGkK\",\"stderr\":\"\","
		    "\"timed_out\":false,\"truncated\":false}");

	expect_exec(h, 3, "[\"sh\",\"-c\",\"echo out; echo err >&2; exit 3\"]", "", 3, "out\n", "err\n");
	expect_exec(h, 4, "[\"cat\"]", ",\"stdin\":\"aGVsbG8gd29ybGQ=\"", 0, "hello world", "");
	expect_exec(h, 5, "[\"cat\"]", "", 0, "", "");	/* stdin is /dev/null */
	expect_exec(h, 6, "[\"cat\"]", ",\"stdin\":\"\"", 0, "", "");
	expect_exec(h, 7, "[\"sh\",\"-c\",\"kill -9 $$\"]", "", 137, "", "");
	expect_exec(h, 8, "[\"no-such-command-xyz\"]", "", 127, "", "no-such-command-xyz: No such file");
	expect_exec(h, 9, "[\"/etc/passwd\"]", "", 126, "", "Permission denied");
	expect_exec(h, 10, "[\"sh\",\"-c\",\"echo \\\"$PATH|$HOME|$TERM\\\"\"]", "", 0,
		    "/usr/sbin:/usr/bin:/sbin:/bin|/root|dumb\n", "");
	expect_exec(h, 11, "[\"pwd\"]", ",\"cwd\":\"/tmp\"", 0, "/tmp\n", "");
	/* only 0, 1, 2 reach the command (3 is ls's own directory fd) */
	expect_exec(h, 12, "[\"ls\",\"/proc/self/fd\"]", "", 0, "0\n1\n2\n3\n", "");
	/* the command does not read its stdin: the agent must not hang or die of SIGPIPE */
	expect_exec(h, 13, "[\"true\"]", ",\"stdin\":\"aGVsbG8gd29ybGQ=\"", 0, "", "");
	/* unicode argv survives the trip */
	expect_exec(h, 14, "[\"printf\",\"%s\",\"caf\\u00e9 \\ud83d\\ude00\"]", "", 0, "caf\xc3\xa9 \xf0\x9f\x98\x80", "");
}

static void test_timeouts_and_output(struct host *h)
{
	char req[512], marker[] = "/tmp/vpsd-test-survivor.XXXXXX", *line;
	long long t0;
	struct reply r;
	size_t n;
	unsigned char *o;
	int fd = mkstemp(marker);

	close(fd);
	unlink(marker);
	/* the whole process group dies on timeout, including the background subshell */
	t0 = now_ms();
	snprintf(req, sizeof(req), "{\"id\":20,\"op\":\"exec\",\"argv\":[\"sh\",\"-c\","
		 "\"(sleep 0.6; echo x > %s) & sleep 30\"],\"timeout_ms\":200}\n", marker);
	send_str(h, req);
	expect_line(h, "{\"id\":20,", "{\"id\":20,\"ok\":true,\"code\":124,\"stdout\":\"\",\"stderr\":\"\","
		    "\"timed_out\":true,\"truncated\":false}");
	CHECK(now_ms() - t0 < 3000, "timeout took %lld ms", now_ms() - t0);
	usleep(900 * 1000);
	CHECK(access(marker, F_OK) != 0, "a process of the timed-out group survived");
	unlink(marker);

	/* a background process holding the pipes does not hold the answer */
	t0 = now_ms();
	expect_exec(h, 21, "[\"sh\",\"-c\",\"sleep 3 & echo started\"]", "", 0, "started\n", "");
	CHECK(now_ms() - t0 < 2500, "exec waited %lld ms for a background process", now_ms() - t0);

	/* output beyond the cap (256 KiB in this build) is dropped and flagged */
	send_str(h, "{\"id\":22,\"op\":\"exec\",\"argv\":[\"sh\",\"-c\",\"head -c 300000 /dev/zero; echo e >&2\"]}\n");
	line = take_id(h, 22, 10000);
	CHECK(line && reply_parse(&r, line) == 0, "truncated reply");
	if (line) {
		o = field_b64(&r, "stdout", &n);
		CHECK(o && n == VPSD_OUTPUT_CAP, "kept %zu bytes", n);
		CHECK(field(&r, "truncated")->boolean && !field(&r, "timed_out")->boolean, "flags");
		CHECK(json_get_i64(field(&r, "code"), 0, 0, &(int64_t){ 0 }) == 0, "code 0");
		free(o);
		reply_free(&r);
	}
	free(line);

	/* a slow command does not hold up a ping */
	send_str(h, "{\"id\":23,\"op\":\"exec\",\"argv\":[\"sleep\",\"1\"]}\n{\"id\":24,\"op\":\"ping\"}\n");
	line = take(h, "{\"id\":2", 5000);
	CHECK(line && !strncmp(line, "{\"id\":24,", 9), "ping answered first: %s", line ? line : "(nothing)");
	free(line);
	line = take_id(h, 23, 5000);
	CHECK(line != NULL, "slow exec answered");
	free(line);
}

static void test_bad_input(struct host *h)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "garbage\n", "{\"id\":null,\"ok\":false,\"error\":\"invalid JSON at byte 0: unexpected 'g', expected a value\"}" },
		{ "[1]\n", "{\"id\":null,\"ok\":false,\"error\":\"request must be a JSON object, not array\"}" },
		{ "{\"id\":1\n", "{\"id\":null,\"ok\":false,\"error\":\"invalid JSON at byte 7: unexpected end of input, expected ',' or '}'\"}" },
		{ "{\"id\":30,\"op\":\"nope\"}\n", "{\"id\":30,\"ok\":false,\"error\":\"unknown op `nope`\"}" },
		{ "{\"id\":\"x\",\"op\":\"ping\"}\n", "{\"id\":null,\"ok\":false,\"error\":\"`id` must be an integer from 0 to 9007199254740991\"}" },
		{ "{\"id\":9007199254740992,\"op\":\"ping\"}\n", "{\"id\":null,\"ok\":false,\"error\":\"`id` must be an integer from 0 to 9007199254740991\"}" },
		{ "{\"id\":1.5,\"op\":\"ping\"}\n", "{\"id\":null,\"ok\":false,\"error\":\"`id` must be an integer from 0 to 9007199254740991\"}" },
		{ "{\"op\":\"ping\"}\n", "{\"id\":null,\"ok\":false,\"error\":\"missing field `id`\"}" },
		{ "{\"id\":31,\"op\":\"ping\",\"id\":32}\n", "{\"id\":null,\"ok\":false,\"error\":\"duplicate field `id`\"}" },
		{ "{\"id\":33}\n", "{\"id\":33,\"ok\":false,\"error\":\"missing field `op`\"}" },
		{ "{\"id\":34,\"op\":7}\n", "{\"id\":34,\"ok\":false,\"error\":\"`op` must be a string, not number\"}" },
		{ "{\"id\":35,\"op\":\"ping\",\"argv\":[]}\n", "{\"id\":35,\"ok\":false,\"error\":\"unknown field `argv` for op `ping`\"}" },
		{ "{\"id\":36,\"op\":\"exec\"}\n", "{\"id\":36,\"ok\":false,\"error\":\"missing field `argv`\"}" },
		{ "{\"id\":37,\"op\":\"exec\",\"argv\":[]}\n", "{\"id\":37,\"ok\":false,\"error\":\"`argv` must be a non-empty array of strings\"}" },
		{ "{\"id\":38,\"op\":\"exec\",\"argv\":\"ls\"}\n", "{\"id\":38,\"ok\":false,\"error\":\"`argv` must be a non-empty array of strings\"}" },
		{ "{\"id\":39,\"op\":\"exec\",\"argv\":[\"a\",1]}\n", "{\"id\":39,\"ok\":false,\"error\":\"`argv[1]` must be a string, not number\"}" },
		{ "{\"id\":40,\"op\":\"exec\",\"argv\":[\"a\\u0000b\"]}\n", "{\"id\":40,\"ok\":false,\"error\":\"`argv[0]` contains a NUL character\"}" },
		{ "{\"id\":41,\"op\":\"exec\",\"argv\":[\"true\"],\"timeout_ms\":0}\n", "{\"id\":41,\"ok\":false,\"error\":\"`timeout_ms` must be an integer from 1 to 9007199254740991\"}" },
		{ "{\"id\":42,\"op\":\"exec\",\"argv\":[\"true\"],\"stdin\":5}\n", "{\"id\":42,\"ok\":false,\"error\":\"`stdin` must be a base64 string, not number\"}" },
		{ "{\"id\":43,\"op\":\"exec\",\"argv\":[\"true\"],\"stdin\":\"@@@@\"}\n", "{\"id\":43,\"ok\":false,\"error\":\"`stdin`: invalid base64: bad character at offset 0\"}" },
		{ "{\"id\":44,\"op\":\"exec\",\"argv\":[\"pwd\"],\"cwd\":\"/no/such/dir\"}\n", "{\"id\":44,\"ok\":false,\"error\":\"cwd `/no/such/dir`: No such file or directory\"}" },
		{ "{\"id\":45,\"op\":\"exec\",\"argv\":[\"true\"],\"time_out\":1}\n", "{\"id\":45,\"ok\":false,\"error\":\"unknown field `time_out` for op `exec`\"}" },
		{ "{\"id\":46,\"op\":\"p\xffng\"}\n", "{\"id\":null,\"ok\":false,\"error\":\"invalid JSON at byte 16: invalid UTF-8 in string\"}" },
		{ "{\"id\":47,\"op\":[[[[[[[[[]]]]]]]]]}\n", "{\"id\":null,\"ok\":false,\"error\":\"invalid JSON at byte 21: nested deeper than 8 levels\"}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		send_str(h, cases[i].in);
		expect_line(h, "{\"id\":", cases[i].out);
	}
	/* NUL bytes, bare CRs, blank lines */
	send_bytes(h, "{\"id\":50,\"op\":\"ping\"}\0\n", 23);
	expect_line(h, "{\"id\":", "{\"id\":null,\"ok\":false,\"error\":\"request contains a NUL byte\"}");
	send_str(h, "\n\r\n   \n\t\n{\"id\":51,\"op\":\"ping\"}\r\n");
	free(take_id(h, 51, 5000));
	send_str(h, "{\"id\":52,\"op\":\"ping\"}\n");
	{
		char *line = take(h, "{", 5000);
		CHECK(line && !strncmp(line, "{\"id\":52,\"ok\":true", 18), "blank lines got no reply: %s",
		      line ? line : "(nothing)");
		free(line);
	}
}

/* Send one long line the way the host must: 16 KiB, then wait for the ack, and so on. */
static uint64_t send_paced(struct host *h, const char *line, size_t len, int *acks_ok)
{
	uint64_t acks = 0;

	*acks_ok = 1;
	for (size_t off = 0; off < len; off += VPSD_ACK_EVERY) {
		size_t n = len - off < VPSD_ACK_EVERY ? len - off : VPSD_ACK_EVERY;
		char *ack, want[64];

		send_bytes(h, line + off, n);
		if (off + n == len)
			break;
		ack = take(h, "{\"event\":\"ack\"", 5000);
		snprintf(want, sizeof(want), "{\"event\":\"ack\",\"bytes\":%llu}", (unsigned long long)h->sent);
		if (!ack || strcmp(ack, want)) {
			fprintf(stderr, "ack after %zu bytes: got `%s`, want `%s`\n", off + n, ack ? ack : "(none)", want);
			*acks_ok = 0;
			free(ack);
			break;
		}
		free(ack);
		acks++;
	}
	return acks;
}

static char *stdin_request(long long id, const char *argv_json, const unsigned char *data, size_t n, size_t *len)
{
	char head[256];
	int hl = snprintf(head, sizeof(head), "{\"id\":%lld,\"op\":\"exec\",\"argv\":%s,\"stdin\":\"", id, argv_json);
	size_t b = base64_encoded_len(n);
	char *req = malloc((size_t)hl + b + 3);

	memcpy(req, head, (size_t)hl);
	base64_encode(data, n, req + hl);
	memcpy(req + hl + b, "\"}\n", 3);
	*len = (size_t)hl + b + 3;
	return req;
}

static void test_large(struct host *h)
{
	size_t n = 300000, len, got;
	unsigned char *data = malloc(n), *back;
	char *req, *line;
	struct reply r;
	int acks_ok;
	uint64_t acks;

	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 131 + (i >> 9));
	/* paced upload: one ack per 16 KiB, counting every byte received so far */
	req = stdin_request(60, "[\"cat\"]", data, 200000, &len);
	acks = send_paced(h, req, len, &acks_ok);
	CHECK(acks_ok && acks == (len - 1) / VPSD_ACK_EVERY, "%llu acks for %zu bytes", (unsigned long long)acks, len);
	free(req);
	line = take_id(h, 60, 10000);
	CHECK(line && reply_parse(&r, line) == 0, "reply to the paced request");
	if (line) {
		back = field_b64(&r, "stdout", &got);
		CHECK(back && got == 200000 && !memcmp(back, data, got), "stdin came back (%zu bytes)", got);
		free(back);
		reply_free(&r);
	}
	free(line);

	/* a line just under the limit (48 MiB): 36 MiB of stdin less a little, counted by wc */
	n = ((size_t)36 << 20) - 48;
	data = realloc(data, n);
	memset(data, 'z', n);
	req = stdin_request(61, "[\"wc\",\"-c\"]", data, n, &len);
	CHECK(len - 1 <= VPSD_MAX_LINE, "request is %zu bytes", len);
	send_bytes(h, req, len);
	free(req);
	line = take_id(h, 61, 60000);
	CHECK(line && strstr(line, "\"stdout\":\"Mzc3NDg2ODgK\""), "wc saw 37748688 bytes: %.200s", line ? line : "(nothing)");
	free(line);
	drop_acks(h);

	/* one byte over the limit: an error, then business as usual */
	n = (size_t)VPSD_MAX_LINE + 1;
	data = realloc(data, n + 1);
	memset(data, 'a', n);
	data[n] = '\n';
	send_bytes(h, data, n + 1);
	expect_line(h, "{\"id\":", "{\"id\":null,\"ok\":false,\"error\":\"request line longer than 50331648 bytes\"}");
	line = take(h, "{\"event\":\"ack\"", 0);
	CHECK(line != NULL, "acks while dropping the line");
	free(line);
	drop_acks(h);
	send_str(h, "{\"id\":62,\"op\":\"ping\"}\n");
	line = take_id(h, 62, 5000);
	CHECK(line != NULL, "ping after an oversize line");
	free(line);
	free(data);
}

static void test_busy(struct host *h)
{
	char req[128], *line;
	int busy = 0, done = 0;

	for (int i = 0; i < VPSD_MAX_CHILDREN + 2; i++) {
		snprintf(req, sizeof(req), "{\"id\":%d,\"op\":\"exec\",\"argv\":[\"sleep\",\"1\"]}\n", 100 + i);
		send_str(h, req);
	}
	for (int i = 0; i < VPSD_MAX_CHILDREN + 2; i++) {
		line = take_id(h, 100 + i, 10000);
		if (line && strstr(line, "\"error\":\"busy: 16 requests are already running\""))
			busy++;
		else if (line && strstr(line, "\"ok\":true,\"code\":0"))
			done++;
		free(line);
	}
	CHECK(busy == 2 && done == VPSD_MAX_CHILDREN, "busy %d, done %d", busy, done);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_vservers(struct host *h)
{
	char sub[300], path[300];

	write_file(test_vservers_dir, "setup", "vps module version 0.1.0\n");
	write_file(test_vservers_dir, "3", "vserver id: 3\nnodename: web\n");
	write_file(test_vservers_dir, "self", "vserver id: 0\n\tbad \xff\n");
	snprintf(sub, sizeof(sub), "%s/subdir", test_vservers_dir);
	mkdir(sub, 0700);
	send_str(h, "{\"id\":70,\"op\":\"vservers\"}\n");
	expect_line(h, "{\"id\":70,", "{\"id\":70,\"ok\":true,\"files\":{\"3\":\"vserver id: 3\\nnodename: web\\n\","
		    "\"self\":\"vserver id: 0\\n\\tbad \\ufffd\\n\",\"setup\":\"vps module version 0.1.0\\n\"}}");
	rmdir(sub);
	for (const char *const *f = (const char *const[]){ "setup", "3", "self", NULL }; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", test_vservers_dir, *f);
		unlink(path);
	}
	rmdir(test_vservers_dir);
	send_str(h, "{\"id\":71,\"op\":\"vservers\"}\n");
	{
		char *line = take_id(h, 71, 5000);
		CHECK(line && strstr(line, "\"ok\":false,\"error\":\"the vps module is not loaded: open `") &&
		      strstr(line, "`: No such file or directory\""), "missing dir: %s", line ? line : "(nothing)");
		free(line);
	}
}

int main(void)
{
	char lock[] = "/tmp/vpsd-test-lock.XXXXXX";
	struct host h;
	int fd = mkstemp(lock), status;

	close(fd);
	signal(SIGPIPE, SIG_IGN);
	snprintf(test_vservers_dir, sizeof(test_vservers_dir), "/tmp/vpsd-test-vservers.XXXXXX");
	if (!mkdtemp(test_vservers_dir)) {
		perror("mkdtemp");
		return 2;
	}
	start(&h, lock);
	test_basics(&h);
	test_bad_input(&h);
	test_timeouts_and_output(&h);
	test_large(&h);
	test_busy(&h);
	test_vservers(&h);
	status = stop(&h);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "agent exit status %d", status);
	unlink(lock);
	return check_summary();
}
