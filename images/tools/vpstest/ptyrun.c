/* vpstest ptyrun [-s ROWSxCOLS] [-t SECONDS] [STEP...] -- CMD [ARG...]: run CMD as the session
 * leader of a fresh pty (the pty is its controlling terminal, stdin, stdout and stderr), like a
 * user at a terminal, and copy everything the pty shows to stdout. The steps run in order:
 *   -w TEXT       wait until TEXT has appeared in the output (after the previous -w's match)
 *   -i TEXT       type TEXT (\n, \r, \t, \\ and \xHH escapes)
 *   -z ROWSxCOLS  resize the terminal (CMD's foreground process group gets SIGWINCH)
 *   -p SECONDS    pause (the output is still copied)
 * Exits with CMD's exit code (128+signal if killed), or 124 with one line on stderr when a -w or
 * CMD's exit takes longer than -t (default 60 s). The guest tests drive vpsctl shell with it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

static const char usage[] = "usage: vpstest ptyrun [-s ROWSxCOLS] [-t SECONDS] [-w TEXT | -i TEXT | -z ROWSxCOLS | -p SECONDS]... -- CMD [ARG...]\n";

static int parse_size(const char *s, struct winsize *ws)
{
	unsigned int rows, cols;
	char end;

	if (sscanf(s, "%ux%u%c", &rows, &cols, &end) != 2 || rows > 0xffff || cols > 0xffff)
		return -1;
	memset(ws, 0, sizeof(*ws));
	ws->ws_row = (unsigned short)rows;
	ws->ws_col = (unsigned short)cols;
	return 0;
}

/* The escapes of -i decoded in place; returns the length. */
static size_t unescape(char *s)
{
	char *out = s;

	for (char *p = s; *p; p++) {
		if (*p != '\\' || !p[1]) {
			*out++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 't': *out++ = '\t'; break;
		case 'x': {
			char hex[3] = { p[1], p[1] ? p[2] : 0, 0 };
			*out++ = (char)strtoul(hex, NULL, 16);
			p += strlen(hex);
			break;
		}
		default: *out++ = *p; break;
		}
	}
	return (size_t)(out - s);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Output seen since the last -w matched (the tail, if it grows past the buffer). */
static char seen[65536];
static size_t nseen;

static void remember(const char *buf, size_t n)
{
	if (n >= sizeof(seen) - 1) {
		buf += n - (sizeof(seen) - 1);
		n = sizeof(seen) - 1;
	}
	if (nseen + n > sizeof(seen) - 1) {
		size_t drop = nseen + n - (sizeof(seen) - 1);
		memmove(seen, seen + drop, nseen - drop);
		nseen -= drop;
	}
	memcpy(seen + nseen, buf, n);
	nseen += n;
	seen[nseen] = '\0';
}

/* Copy what the pty has to stdout; 0 while it may have more, -1 once no slave is open. */
static int pump(int master, int timeout_ms)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	n = read(master, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN) ? 0 : -1;
	remember(buf, (size_t)n);
	if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
		return -1;
	fflush(stdout);
	return 0;
}

static int wait_exit(pid_t child, int *status)
{
	pid_t r = waitpid(child, status, WNOHANG);

	return r == child ? 1 : 0;
}

int vpstest_ptyrun(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	long timeout_s = 60;
	long long deadline;
	int master, status = 0, exited = 0, first_step, cmd;
	pid_t child;

	/* -s and -t first; the steps keep their order, so no getopt. */
	for (first_step = 1; first_step + 1 < argc; first_step += 2) {
		if (!strcmp(argv[first_step], "-s") && parse_size(argv[first_step + 1], &ws) == 0)
			continue;
		if (!strcmp(argv[first_step], "-t") && (timeout_s = vpstest_count(argv[first_step + 1])) > 0)
			continue;
		if (!strcmp(argv[first_step], "-s") || !strcmp(argv[first_step], "-t")) {
			fputs(usage, stderr);
			return 2;
		}
		break;
	}
	for (cmd = first_step; cmd < argc && strcmp(argv[cmd], "--"); cmd += 2) {
		struct winsize check;
		if (cmd + 1 >= argc || argv[cmd][0] != '-' || !argv[cmd][1] || argv[cmd][2] || !strchr("wizp", argv[cmd][1]) ||
		    (!strcmp(argv[cmd], "-z") && parse_size(argv[cmd + 1], &check) < 0) ||
		    (!strcmp(argv[cmd], "-p") && vpstest_count(argv[cmd + 1]) < 0)) {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (cmd + 1 >= argc) {
		fputs(usage, stderr);
		return 2;
	}

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || ioctl(master, TIOCSWINSZ, &ws) < 0) {
		fprintf(stderr, "vpstest ptyrun: allocate a pty: %s\n", strerror(errno));
		return 1;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "vpstest ptyrun: fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		const char *name = ptsname(master);
		int slave;

		if (setsid() < 0 || !name || (slave = open(name, O_RDWR)) < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 ||
		    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
			fprintf(stderr, "vpstest ptyrun: open the pty's slave: %s\n", strerror(errno));
			_exit(126);
		}
		if (slave > 2)
			close(slave);
		execvp(argv[cmd + 1], argv + cmd + 1);
		fprintf(stderr, "vpstest ptyrun: exec `%s`: %s\n", argv[cmd + 1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}

	deadline = now_ms() + timeout_s * 1000;
	for (int s = first_step; s < cmd; s += 2) {
		char *arg = argv[s + 1];

		if (!strcmp(argv[s], "-i")) {
			size_t len = unescape(arg);
			if (write(master, arg, len) != (ssize_t)len) {
				fprintf(stderr, "vpstest ptyrun: type into the pty: %s\n", strerror(errno));
				break;
			}
		} else if (!strcmp(argv[s], "-p")) {
			long long until = now_ms() + vpstest_count(arg) * 1000;
			while (!exited && now_ms() < until && pump(master, (int)(until - now_ms())) == 0)
				exited = wait_exit(child, &status);
		} else if (!strcmp(argv[s], "-z")) {
			parse_size(arg, &ws);
			ioctl(master, TIOCSWINSZ, &ws);
		} else {
			char *hit;
			while (!(hit = strstr(seen, arg))) {
				long long left = deadline - now_ms();
				if (left <= 0 || pump(master, (int)(left < 1000 ? left : 1000)) < 0 ||
				    (exited = exited || wait_exit(child, &status)))
					break;
			}
			if (!hit && !(hit = strstr(seen, arg))) {
				fprintf(stderr, "vpstest ptyrun: `%s` did not appear%s\n", arg,
					exited ? " before the command exited" : " in time");
				kill(-child, SIGKILL);
				return 124;
			}
			hit += strlen(arg);
			nseen -= (size_t)(hit - seen);
			memmove(seen, hit, nseen + 1);
		}
	}
	/* The rest of the output, until the command has exited and no slave is left open. */
	while (!exited) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			fprintf(stderr, "vpstest ptyrun: `%s` did not exit in time\n", argv[cmd + 1]);
			kill(-child, SIGKILL);
			return 124;
		}
		if (pump(master, (int)(left < 200 ? left : 200)) < 0) {
			waitpid(child, &status, 0);
			exited = 1;
		} else {
			exited = wait_exit(child, &status);
		}
	}
	fcntl(master, F_SETFL, O_NONBLOCK);
	while (pump(master, 0) == 0 && poll(&(struct pollfd){ .fd = master, .events = POLLIN }, 1, 0) > 0)
		;
	close(master);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
