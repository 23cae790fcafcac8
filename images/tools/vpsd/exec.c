#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pipe2, ppoll */
#endif
#include "exec.h"
#include "base64.h"
#include "../common/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * After the command exits, processes it left behind may still hold its pipes: their
 * output is taken until the pipes are idle this long, or for at most DRAIN_MAX_MS.
 */
#define DRAIN_IDLE_MS 50
#define DRAIN_MAX_MS 1000

extern char **environ;

static char *command_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "TERM=dumb", NULL,
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0u) == 0)
		return;
#endif
	for (int fd = lowfd; fd < 4096; fd++)
		close(fd);
}

/* In the forked child: become the command. Never returns. */
static void __attribute__((noreturn)) become_command(char *const argv[], int in_fd, int out_fd, int err_fd)
{
	static const int reset[] = { SIGPIPE, SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM };
	sigset_t none;
	int e;

	setpgid(0, 0);
	for (size_t i = 0; i < sizeof(reset) / sizeof(*reset); i++)
		signal(reset[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	close_from(3);
	environ = command_env;
	execvp(argv[0], argv);
	e = errno;
	dprintf(2, "vpsd: %s: %s\n", argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static void capture_add(struct capture *c, const unsigned char *data, size_t n)
{
	if (c->len + n > VPSD_OUTPUT_CAP) {
		c->truncated = 1;
		n = VPSD_OUTPUT_CAP - c->len;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 64 * 1024;
		unsigned char *d;

		while (cap < c->len + n)
			cap *= 2;
		if (cap > VPSD_OUTPUT_CAP)
			cap = VPSD_OUTPUT_CAP;
		d = realloc(c->data, cap);
		if (!d) {
			c->truncated = 1;	/* keep what fits; the command still runs to the end */
			return;
		}
		c->data = d;
		c->cap = cap;
	}
	memcpy(c->data + c->len, data, n);
	c->len += n;
}

/* Read what is there; closes *fd at end of file or on error. */
static void pump_out(int *fd, struct capture *c)
{
	unsigned char buf[65536];

	for (;;) {
		ssize_t n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			capture_add(c, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(*fd);
		*fd = -1;
		return;
	}
}

/* Write what the pipe takes; closes *fd when all is written or the reader is gone. */
static void pump_in(int *fd, const unsigned char *data, size_t len, size_t *off)
{
	while (*off < len) {
		ssize_t n = write(*fd, data + *off, len - *off);
		if (n > 0) {
			*off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		break;	/* EPIPE: the command does not want the rest */
	}
	close(*fd);
	*fd = -1;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int exec_run(char *const argv[], const unsigned char *stdin_data, size_t stdin_len,
	     long long timeout_ms, struct exec_result *res, struct vps_err *err)
{
	cleanup_close int in_r = -1, in_w = -1, out_r = -1, out_w = -1, err_r = -1, err_w = -1;
	int p[2], status = 0, exited = 0;
	long long deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0, drain_end = 0;
	size_t in_off = 0;
	sigset_t wait_mask;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (stdin_data) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return vps_error(err, errno, "creating the stdin pipe");
		in_r = p[0];
		in_w = p[1];
	} else if ((in_r = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		return vps_error(err, errno, "open `/dev/null`");
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "creating the stdout pipe");
	out_r = p[0];
	out_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "creating the stderr pipe");
	err_r = p[0];
	err_w = p[1];

	pid = fork();
	if (pid < 0)
		return vps_error(err, errno, "fork for `%s`", argv[0]);
	if (pid == 0)
		become_command(argv, in_r, out_w, err_w);
	setpgid(pid, pid);	/* also done by the child; whichever runs first wins */
	close(in_r);
	close(out_w);
	close(err_w);
	in_r = out_w = err_w = -1;
	fcntl(out_r, F_SETFL, O_NONBLOCK);
	fcntl(err_r, F_SETFL, O_NONBLOCK);
	if (in_w >= 0)
		fcntl(in_w, F_SETFL, O_NONBLOCK);

	sigprocmask(SIG_BLOCK, NULL, &wait_mask);
	sigdelset(&wait_mask, SIGCHLD);
	for (;;) {
		struct pollfd fds[3];
		struct timespec ts, *tsp = NULL;
		nfds_t n = 0;
		long long now, wait = -1;
		int r;

		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			drain_end = now_ms() + DRAIN_MAX_MS;
			if (in_w >= 0) {
				close(in_w);
				in_w = -1;
			}
		}
		now = now_ms();
		if (!exited && deadline && now >= deadline && !res->timed_out) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			res->timed_out = 1;
		}
		if (exited && ((out_r < 0 && err_r < 0) || now >= drain_end))
			break;

		if (out_r >= 0)
			fds[n++] = (struct pollfd){ .fd = out_r, .events = POLLIN };
		if (err_r >= 0)
			fds[n++] = (struct pollfd){ .fd = err_r, .events = POLLIN };
		if (in_w >= 0)
			fds[n++] = (struct pollfd){ .fd = in_w, .events = POLLOUT };
		if (exited)
			wait = DRAIN_IDLE_MS;
		else if (deadline && !res->timed_out)
			wait = deadline - now;
		if (wait >= 0) {
			ts.tv_sec = wait / 1000;
			ts.tv_nsec = (wait % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(fds, n, tsp, &wait_mask);
		if (r < 0 && errno != EINTR)
			return vps_error(err, errno, "waiting for `%s`", argv[0]);
		if (r == 0 && exited)
			break;	/* idle after exit: whatever still holds the pipes keeps them */
		for (nfds_t i = 0; r > 0 && i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == out_r)
				pump_out(&out_r, &res->out);
			else if (fds[i].fd == err_r)
				pump_out(&err_r, &res->err);
			else if (fds[i].fd == in_w)
				pump_in(&in_w, stdin_data, stdin_len, &in_off);
		}
	}
	res->code = res->timed_out ? 124 : exit_code(status);
	return 0;
}

void exec_result_free(struct exec_result *res)
{
	free(res->out.data);
	free(res->err.data);
	res->out.data = res->err.data = NULL;
}

void exec_request(struct request *req)
{
	struct exec_result res;
	struct json_writer w;
	struct vps_err err;
	unsigned char *in = NULL;
	size_t in_len = 0;

	if (req->stdin_b64) {
		in = (unsigned char *)req->stdin_b64;
		if (base64_decode(req->stdin_b64, req->stdin_len, in, &in_len, &err) < 0) {
			vps_error_wrap(&err, "`stdin`");
			output_error(&req->id, err.msg);
			return;
		}
	}
	if (req->cwd && chdir(req->cwd) < 0) {
		vps_error(&err, errno, "cwd `%s`", req->cwd);
		output_error(&req->id, err.msg);
		return;
	}
	if (exec_run(req->argv, in, in_len, req->timeout_ms, &res, &err) < 0) {
		output_error(&req->id, err.msg);
		return;
	}
	output_begin(&w);
	jw_object_begin(&w);
	output_id(&w, &req->id);
	jw_key(&w, "ok");
	jw_bool(&w, 1);
	jw_key(&w, "code");
	jw_int(&w, res.code);
	jw_key(&w, "stdout");
	jw_base64(&w, res.out.data, res.out.len);
	jw_key(&w, "stderr");
	jw_base64(&w, res.err.data, res.err.len);
	jw_key(&w, "timed_out");
	jw_bool(&w, res.timed_out);
	jw_key(&w, "truncated");
	jw_bool(&w, res.out.truncated || res.err.truncated);
	jw_object_end(&w);
	output_end(&w);
	exec_result_free(&res);
}
