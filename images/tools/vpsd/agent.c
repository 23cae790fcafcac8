#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* ppoll */
#endif
#include "agent.h"
#include "output.h"
#include "request.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEEP_BUFFER (1u << 20)	/* line buffers above this are freed after use */

struct agent {
	char *line;		/* the unfinished line */
	size_t len, cap;
	uint64_t line_total;	/* bytes of the unfinished line so far, kept or not */
	const char *dropped;	/* why the line is being dropped, or NULL */
	uint64_t acked_blocks;	/* VPSD_ACK_EVERY blocks of it already acknowledged */
	uint64_t rx_total;	/* bytes received since the start */
	unsigned children;
};

static void on_sigchld(int sig)
{
	(void)sig;	/* only here to interrupt ppoll */
}

static void reap(struct agent *a)
{
	int status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		if (a->children)
			a->children--;
}

static void send_ready(void)
{
	struct json_writer w;

	output_begin(&w);
	jw_object_begin(&w);
	jw_key(&w, "event");
	jw_cstring(&w, "ready");
	jw_key(&w, "version");
	jw_cstring(&w, VPSD_VERSION);
	jw_object_end(&w);
	output_end(&w);
}

static void send_ack(uint64_t bytes)
{
	struct json_writer w;

	output_begin(&w);
	jw_object_begin(&w);
	jw_key(&w, "event");
	jw_cstring(&w, "ack");
	jw_key(&w, "bytes");
	jw_uint(&w, bytes & ((UINT64_C(1) << 53) - 1));
	jw_object_end(&w);
	output_end(&w);
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static void handle_line(struct agent *a, char *line, size_t len)
{
	struct json_doc doc = { 0 };
	struct request req;
	struct vps_err err;
	pid_t pid;

	if (blank(line, len))
		return;	/* lets the host end any half line it may have left */
	if (len && line[len - 1] == '\r')
		len--;
	if (request_parse(line, len, &doc, &req, &err) < 0) {
		output_error(&req.id, err.msg);
		goto out;
	}
	if (!request_needs_child(&req)) {
		request_run(&req);
		goto out;
	}
	if (a->children >= VPSD_MAX_CHILDREN) {
		vps_error(&err, 0, "busy: %u requests are already running", a->children);
		output_error(&req.id, err.msg);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		vps_error(&err, errno, "fork for the request");
		output_error(&req.id, err.msg);
		goto out;
	}
	if (pid == 0) {
		output_after_fork();
		request_run(&req);
		_exit(0);
	}
	a->children++;
out:
	request_free(&req);
	json_doc_free(&doc);
}

static void append(struct agent *a, const char *s, size_t n)
{
	a->line_total += n;
	if (a->dropped || !n)
		return;
	if (a->len + n > VPSD_MAX_LINE) {
		static char too_long[64];

		snprintf(too_long, sizeof(too_long), "request line longer than %u bytes", VPSD_MAX_LINE);
		a->dropped = too_long;
	} else if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap : 64 * 1024;
		char *b;

		while (cap < a->len + n)
			cap *= 2;
		if (cap > VPSD_MAX_LINE)
			cap = VPSD_MAX_LINE;
		b = realloc(a->line, cap);
		if (b) {
			a->line = b;
			a->cap = cap;
		} else {
			a->dropped = "out of memory for the request line";
		}
	}
	if (a->dropped) {
		free(a->line);
		a->line = NULL;
		a->len = a->cap = 0;
		return;
	}
	memcpy(a->line + a->len, s, n);
	a->len += n;
}

static void end_line(struct agent *a)
{
	if (a->dropped)
		output_error(NULL, a->dropped);
	else
		handle_line(a, a->line, a->len);
	/* a request child has its own copy now; do not keep megabytes around */
	if (a->cap > KEEP_BUFFER) {
		free(a->line);
		a->line = NULL;
		a->cap = 0;
	}
	a->len = 0;
	a->line_total = 0;
	a->acked_blocks = 0;
	a->dropped = NULL;
}

static void feed(struct agent *a, const char *buf, size_t n)
{
	a->rx_total += n;
	while (n) {
		const char *nl = memchr(buf, '\n', n);
		size_t seg = nl ? (size_t)(nl - buf) : n;

		append(a, buf, seg);
		if (!nl)
			break;
		end_line(a);
		buf += seg + 1;
		n -= seg + 1;
	}
	if (a->line_total / VPSD_ACK_EVERY > a->acked_blocks) {
		a->acked_blocks = a->line_total / VPSD_ACK_EVERY;
		send_ack(a->rx_total);
	}
}

static void wait_children(struct agent *a)
{
	while (a->children) {
		if (wait(NULL) < 0 && errno != EINTR)
			break;
		a->children--;
	}
}

int vpsd_serve(int in_fd, int out_fd, const char *lock_path)
{
	static char buf[64 * 1024];
	struct agent a = { 0 };
	struct sigaction sa = { .sa_handler = on_sigchld };
	sigset_t block, wait_mask;
	int tty = isatty(in_fd);

	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGCHLD);
	umask(022);

	output_init(out_fd, lock_path);
	/* ends whatever half line an earlier agent may have left */
	if (write(out_fd, "\n", 1) < 0)
		fprintf(stderr, "vpsd: writing to the port: %s\n", strerror(errno));
	send_ready();
	for (;;) {
		struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
		ssize_t n;
		int r = ppoll(&pfd, 1, NULL, &wait_mask), e = errno;

		reap(&a);
		if (r < 0 && e == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "vpsd: poll: %s\n", strerror(e));
			free(a.line);
			return 1;
		}
		n = read(in_fd, buf, sizeof(buf));
		if (n > 0) {
			feed(&a, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (!tty) {
			if (n < 0)
				fprintf(stderr, "vpsd: reading requests: %s\n", strerror(errno));
			wait_children(&a);
			free(a.line);
			return n < 0;
		}
		/* a hung-up or failing tty: keep it open (reopening loses input) and retry */
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
}
