/* The target side of `vpsctl migrate`: listens on the lab network (TCP 7070), takes one migration
 * at a time from a peer that proves it holds the lab key, within deadlines and a size limit,
 * restores and starts the VPS, answers OK or ERR, and announces the VPS's addresses (gratuitous
 * ARP) once the source commits (MIGRATE.md). Reports go to stderr, one line per event. */
#include "receive.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lab_key.h"
#include "mig_stream.h"
#include "freeze.h"
#include "lifecycle.h"
#include "migrate_proto.h"
#include "net_conn.h"
#include "snapio.h"
#include "util.h"

/* Longest silence from the source at any point (a socket timeout on every read). */
#define PEER_TIMEOUT_MS 30000
/* Deadlines per connection, whatever the peer sends (a trickle never holds the receiver): until its
 * header is authenticated; then for the stream and the restore; then for its COMMIT. */
#define AUTH_DEADLINE_S 10
#define STREAM_DEADLINE_S 120
#define COMMIT_DEADLINE_S 30

static uint64_t max_stream;	/* the most stream bytes one migration may send */
static volatile sig_atomic_t conn_fd = -1, expired;

/* The connection's deadline passed: end it, so that every read on it (ours, the relay's) fails and
 * the usual cleanup runs. */
static void deadline_passed(int sig)
{
	(void)sig;
	expired = 1;
	if (conn_fd >= 0)
		shutdown(conn_fd, SHUT_RDWR);
}

static void deadline(unsigned int seconds)
{
	expired = 0;
	alarm(seconds);
}

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

/* What the relay child (socket -> pipe, mig_stream_receive) reports back (shared memory). */
struct relay {
	pid_t pid;		/* written by the parent only */
	int done, rc;		/* done: the relay finished by itself, with rc */
	uint64_t bytes;
	struct vps_err err;
};

/* Wait for the relay: 0 if it passed the whole stream on and its MAC was right, else -1 with its
 * error (or the deadline's). kill_it ends a relay that may still be reading, after the restore
 * failed: err is then replaced only if the relay's failure came first (it explains the restore's). */
static int relay_wait(struct relay *r, int kill_it, struct vps_err *err)
{
	int status;

	if (r->pid > 0) {
		if (kill_it)
			kill(r->pid, SIGKILL);
		while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
			;
		r->pid = 0;
	}
	if (expired)
		return vps_error(err, 0, "the source did not finish within the receiver's deadline (%d s for the stream)",
				 STREAM_DEADLINE_S);
	if (!r->done)	/* killed while the restore had its own reason to stop, or died */
		return kill_it ? -1 : vps_error(err, 0, "the stream relay died");
	if (r->rc < 0)
		*err = r->err;
	return r->rc;
}

static int relay_check(void *ctx, struct vps_err *err)
{
	return relay_wait(ctx, 0, err);
}

/* Start the relay: the stream's frames from fd into a pipe; returns the pipe's read end. */
static int relay_start(struct relay *r, int fd, const struct mig_session *s, struct vps_err *err)
{
	pid_t pid;
	int p[2];

	r->rc = -1;
	r->done = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return vps_error(err, errno, "receive the stream: pipe");
	pid = fork();	/* r is shared: only the parent writes r->pid */
	if (pid == 0) {
		close(p[0]);
		r->rc = mig_stream_receive(fd, p[1], s, max_stream, &r->bytes, &r->err);
		r->done = 1;
		_exit(r->rc < 0);
	}
	r->pid = pid;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return vps_error(err, errno, "receive the stream: fork");
	}
	return p[0];
}

static int handle(int fd, const struct sockaddr_in *from)
{
	struct vps_err err = { 0 };
	struct vps_config cfg;
	struct snap_info info = { 0 };
	struct mig_session s = { 0 };
	struct relay *relay;
	enum vps_state state;
	char peer[INET_ADDRSTRLEN], line[MIG_LINE_MAX], aside[PATH_MAX + 32];
	long long t0;
	unsigned int id;
	int in, rc;
	pid_t pid;

	inet_ntop(AF_INET, &from->sin_addr, peer, sizeof(peer));
	conn_fd = fd;
	deadline(AUTH_DEADLINE_S);
	if (!mig_peer_allowed(&from->sin_addr)) {
		vps_error(&err, 0, "%s is not on the lab network " MIG_LAN_PREFIX "0/24", peer);
		return refuse(fd, peer, &err), 1;
	}
	/* No key, no migration: every peer is refused until the lab provisions one. */
	if (lab_key_load(LAB_KEY_PATH, s.key, &err) < 0 || mig_nonce(s.tnonce, &err) < 0)
		return refuse(fd, peer, &err), 1;
	mig_challenge_format(line, sizeof(line), s.tnonce);
	if (socket_timeouts(fd, PEER_TIMEOUT_MS, &err) < 0 || mig_write_line(fd, line, "the challenge", &err) < 0 ||
	    mig_read_line(fd, line, sizeof(line), "the migration header", &err) < 0 ||
	    mig_header_parse(line, &s, &id, &state, &err) < 0) {
		if (expired)
			vps_error(&err, 0, "no authenticated migration header within %d s", AUTH_DEADLINE_S);
		return refuse(fd, peer, &err), 1;
	}
	deadline(STREAM_DEADLINE_S);
	t0 = now_ms();
	relay = mmap(NULL, sizeof(*relay), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (relay == MAP_FAILED) {
		vps_error(&err, errno, "receive VPS %u: mmap", id);
		return refuse(fd, peer, &err), 1;
	}
	if (set_aside_config(id, aside, sizeof(aside), &err) < 0)
		return refuse(fd, peer, &err), 1;
	in = relay_start(relay, fd, &s, &err);
	rc = in < 0 ? -1
		    : vps_restore_from_fd(id, in, 0, &(struct restore_check){ relay_check, relay }, &info, &cfg, &err);
	/* a relay that failed (limit, MAC, deadline, connection) explains a broken stream best; it
	 * is ended before its pipe closes, so the restore's own reason is never lost to EPIPE */
	if (rc < 0)
		relay_wait(relay, 1, &err);
	if (in >= 0)
		close(in);
	if (rc < 0) {
		put_back_config(id, aside);
		vps_error_wrap(&err, "restore VPS %u", id);
		return refuse(fd, peer, &err), 1;
	}
	alarm(0);
	free(info.config);
	if (state != VPS_STOPPED && vps_start(id, NULL, &pid, &cfg, &err) < 0) {
		undo(id, 0, aside);
		return refuse(fd, peer, &err), 1;
	}
	if (state == VPS_SUSPENDED && vps_freeze(id, 1, &err) < 0) {
		undo(id, 1, aside);
		return refuse(fd, peer, &err), 1;
	}
	deadline(COMMIT_DEADLINE_S);
	mig_ok_format(line, sizeof(line), now_ms() - t0, &s);
	if (mig_write_line(fd, line, "the reply", &err) < 0 ||
	    mig_read_line(fd, line, sizeof(line), "the source's commit", &err) < 0 ||
	    mig_commit_parse(line, &s, &err) < 0) {
		/* The source may or may not have heard our OK: stop this copy but keep its files, so a
		 * lost COMMIT never loses the VPS (MIGRATE.md, "the window"). */
		vps_stop_how(id, 0, &(struct vps_err){ 0 });
		note(peer, "VPS %u was not committed (%s): stopped here, its files kept; start it with `vpsctl start %u` "
		     "if it no longer runs on %s, else `vpsctl destroy %u`", id, expired ? "no COMMIT in time" : err.msg,
		     id, peer, id);
		return 1;
	}
	alarm(0);
	close(fd);
	if (aside[0])
		unlink(aside);
	if (state != VPS_STOPPED)
		announce(&cfg, peer);
	note(peer, "VPS %u (%s) received: %llu bytes, %s after %lld ms", id, cfg.name,
	     (unsigned long long)relay->bytes, state == VPS_STOPPED ? "restored" : "running", now_ms() - t0);
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

int vps_receive_serve(int port, uint64_t max_bytes, struct vps_err *err)
{
	struct sigaction sa = { .sa_handler = deadline_passed };	/* no SA_RESTART: reads end */
	int lfd;

	max_stream = max_bytes;
	if ((lfd = listen_on(port, err)) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGALRM, &sa, NULL);
	setvbuf(stderr, NULL, _IOLBF, 0);
	note("*", "listening on TCP port %d for migrations from " MIG_LAN_PREFIX "0/24 (lab key %s, streams up to %llu "
	     "bytes)", port, access(LAB_KEY_PATH, F_OK) == 0 ? "present" : "not provisioned yet",
	     (unsigned long long)max_stream);
	/* One migration at a time, each in its own process (no two can race for one id), each within
	 * its deadlines. */
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
