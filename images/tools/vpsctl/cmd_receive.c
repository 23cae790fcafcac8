/* vpsctl receive [--port N]: the target side of `vpsctl migrate`. Listens on the lab network
 * (TCP 7070), takes one migration at a time, restores and starts the VPS, answers OK or ERR, and
 * announces the VPS's addresses (gratuitous ARP) once the source commits (MIGRATE.md). Runs from
 * inittab; reports go to stderr, one line per event. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "freeze.h"
#include "lifecycle.h"
#include "migrate_proto.h"
#include "net_conn.h"
#include "snapio.h"
#include "util.h"

/* Longest silence from the source while it sends the stream or before its COMMIT. */
#define PEER_TIMEOUT_MS 30000

static void note(const char *peer, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const char *peer, const char *fmt, ...)
{
	char when[32];
	time_t now = time(NULL);
	va_list ap;

	strftime(when, sizeof(when), "%H:%M:%S", gmtime(&now));
	fprintf(stderr, "%s vpsctl receive: %s: ", when, peer);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void refuse(int fd, const char *peer, const struct vps_err *err)
{
	char line[MIG_LINE_MAX];
	struct vps_err ignored;

	snprintf(line, sizeof(line), "ERR %s\n", err->msg);
	for (char *p = line; p[1]; p++)	/* one line, whatever the message held */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	mig_write_line(fd, line, "the refusal", &ignored);
	note(peer, "refused: %s", err->msg);
}

/* Tell the LAN that the VPS's IPv4 addresses now live behind this host's eth0. */
static void announce(const struct vps_config *cfg, const char *peer)
{
	for (int i = 0; i < cfg->n_ipnets; i++) {
		const struct vps_ipnet *n = &cfg->ipnets[i];
		char ip[INET_ADDRSTRLEN];
		struct vps_err err;

		if (n->family != AF_INET)
			continue;
		inet_ntop(AF_INET, n->addr, ip, sizeof(ip));
		char *argv[] = { "/usr/sbin/arping", "-U", "-c", "2", "-w", "3", "-I", "eth0", ip, NULL };
		if (run_quiet("announce with arping", argv, &err) < 0)
			note(peer, "VPS %u: gratuitous ARP for %s failed: %s", cfg->id, ip, err.msg);
	}
}

/* Every lab host starts as a copy of one image, so each has the example configs: a VPS that is
 * only a config here (stopped, no private files) gives way to the incoming one. Its config is set
 * aside in *aside ("" if there was none) and put back if the migration fails. */
static int set_aside_config(unsigned int id, char *aside, size_t len, struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	struct stat st;
	char path[PATH_MAX];

	aside[0] = '\0';
	vps_config_path(id, path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 0;
	vps_runtime_read(id, &rt);
	if (rt.state != VPS_STOPPED)
		return vps_error(err, 0, "VPS %u is %s on this host", id, vps_state_name(rt.state));
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	if (lstat(cfg.fsroot_priv, &st) == 0)
		return vps_error(err, 0, "VPS %u on this host has its own files in `%s` (destroy it there first)", id,
				 cfg.fsroot_priv);
	snprintf(aside, len, "%s.before-migration", path);
	if (rename(path, aside) < 0) {
		vps_error(err, errno, "set aside `%s`", path);
		aside[0] = '\0';
		return -1;
	}
	return 0;
}

static void put_back_config(unsigned int id, const char *aside)
{
	char path[PATH_MAX];

	vps_config_path(id, path, sizeof(path));
	if (aside[0])
		rename(aside, path);
}

/* Undo a VPS that this receive created and started (or only restored); put back what it replaced. */
static void undo(unsigned int id, int started, const char *aside)
{
	struct vps_err ignored;

	if (started)
		vps_stop_how(id, 0, &ignored);
	vps_destroy(id, &ignored);
	put_back_config(id, aside);
}

static int handle(int fd, const struct sockaddr_in *from)
{
	struct vps_err err = { 0 };
	struct vps_config cfg;
	struct snap_info info = { 0 };
	enum vps_state state;
	char peer[INET_ADDRSTRLEN], line[MIG_LINE_MAX], aside[PATH_MAX + 32];
	long long t0;
	unsigned int id;
	pid_t pid;

	inet_ntop(AF_INET, &from->sin_addr, peer, sizeof(peer));
	if (!mig_peer_allowed(&from->sin_addr)) {
		vps_error(&err, 0, "%s is not on the lab network " MIG_LAN_PREFIX "0/24", peer);
		return refuse(fd, peer, &err), 1;
	}
	if (socket_timeouts(fd, PEER_TIMEOUT_MS, &err) < 0 ||
	    mig_read_line(fd, line, sizeof(line), "the migration header", &err) < 0 ||
	    mig_header_parse(line, &id, &state, &err) < 0)
		return refuse(fd, peer, &err), 1;
	t0 = now_ms();
	if (set_aside_config(id, aside, sizeof(aside), &err) < 0)
		return refuse(fd, peer, &err), 1;
	if (vps_restore_from_fd(id, fd, SNAP_READ_TO_TRAILER, &info, &cfg, &err) < 0) {
		put_back_config(id, aside);
		vps_error_wrap(&err, "restore VPS %u", id);
		return refuse(fd, peer, &err), 1;
	}
	free(info.config);
	if (state != VPS_STOPPED && vps_start(id, NULL, &pid, &cfg, &err) < 0) {
		undo(id, 0, aside);
		return refuse(fd, peer, &err), 1;
	}
	if (state == VPS_SUSPENDED && vps_freeze(id, 1, &err) < 0) {
		undo(id, 1, aside);
		return refuse(fd, peer, &err), 1;
	}
	snprintf(line, sizeof(line), "OK %lld\n", now_ms() - t0);
	if (mig_write_line(fd, line, "the reply", &err) < 0 ||
	    mig_read_line(fd, line, sizeof(line), "the source's commit", &err) < 0 ||
	    (strcmp(line, "COMMIT") && vps_error(&err, 0, "the source said `%.80s`", line) < 0)) {
		/* The source may or may not have heard our OK: stop this copy but keep its files, so a
		 * lost COMMIT never loses the VPS (MIGRATE.md, "the window"). */
		vps_stop_how(id, 0, &(struct vps_err){ 0 });
		note(peer, "VPS %u was not committed (%s): stopped here, its files kept; start it with `vpsctl start %u` "
		     "if it no longer runs on %s, else `vpsctl destroy %u`", id, err.msg, id, peer, id);
		return 1;
	}
	close(fd);
	if (aside[0])
		unlink(aside);
	if (state != VPS_STOPPED)
		announce(&cfg, peer);
	note(peer, "VPS %u (%s) received: %llu bytes, %s after %lld ms", id, cfg.name,
	     (unsigned long long)info.stream_bytes, state == VPS_STOPPED ? "restored" : "running", now_ms() - t0);
	return 0;
}

static int listen_on(int port, struct vps_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = { INADDR_ANY } };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return vps_error(err, errno, "listen on port %d: socket", port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		vps_error(err, errno, "listen on port %d", port);
		close(fd);
		return -1;
	}
	return fd;
}

int cmd_receive(int argc, char **argv)
{
	struct vps_err err = { 0 };
	int port = MIG_PORT, lfd;
	char *end;

	if (argc == 3 && !strcmp(argv[1], "--port")) {
		long p = strtol(argv[2], &end, 10);
		if (*end || end == argv[2] || p < 1 || p > 65535)
			return usage_error("receive", "port `%s` is not 1..65535", argv[2]);
		port = (int)p;
	} else if (argc != 1)
		return usage_error("receive", "takes no arguments but --port N");
	if ((lfd = listen_on(port, &err)) < 0)
		return fail(&err);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);
	note("*", "listening on TCP port %d for migrations from " MIG_LAN_PREFIX "0/24", port);
	/* One migration at a time, each in its own process: no two can race for one id. */
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		int fd = accept4(lfd, (struct sockaddr *)&from, &len, SOCK_CLOEXEC);
		pid_t child;

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				note("*", "accept: %s", strerror(errno));
			continue;
		}
		child = fork();
		if (child == 0) {
			close(lfd);
			_exit(handle(fd, &from));
		}
		if (child < 0)
			note("*", "fork: %s", strerror(errno));
		close(fd);
		while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
