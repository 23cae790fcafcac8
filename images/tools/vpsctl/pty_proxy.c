#include "pty_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../common/fileio.h"

struct buf {
	char data[4096];
	size_t off, len;
};

static void sigset_wait_loop(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGWINCH);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int vps_session_prepare(struct vps_session *s, enum vps_session_kind kind, uid_t owner, struct vps_err *err)
{
	cleanup_close int pts = -1;
	struct statfs fs;
	sigset_t set;
	int unlock = 0;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->master = s->slave = s->sigfd = s->term_fd = -1;
	if (kind == VPS_SESSION_ATTACHED)
		for (int fd = 0; fd <= 2; fd++)
			if (isatty(fd)) {
				s->on_pty |= 1u << fd;
				if (s->term_fd < 0)
					s->term_fd = fd;
			}
	sigset_wait_loop(&set);
	if (sigprocmask(SIG_BLOCK, &set, &s->oldmask) < 0)
		return vps_error(err, errno, "block signals for the wait");
	s->blocked = 1;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0) {
		vps_error(err, errno, "create a signalfd");
		goto fail;
	}
	if (!s->on_pty)
		return 0;
	/* The VPS's own devpts: we are in its mount namespace. Its root owns /dev, so only a ptmx
	 * inside a devpts is opened (a node it made there could be any host device: we are not in its
	 * device cgroup). */
	pts = open("/dev/pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pts < 0 || fstatfs(pts, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC) {
		vps_error(err, pts < 0 ? errno : 0, "find the VPS's devpts at `/dev/pts`%s",
			  pts < 0 ? "" : ": not a devpts mount");
		goto fail;
	}
	s->master = openat(pts, "ptmx", O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (s->master < 0) {
		vps_error(err, errno, "open the VPS's pty multiplexer `/dev/pts/ptmx`");
		goto fail;
	}
	if (ioctl(s->master, TIOCSPTLCK, &unlock) < 0 ||
	    (s->slave = ioctl(s->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		vps_error(err, errno, "open a pty of the VPS");
		goto fail;
	}
	/* devpts made it ours (host root: nobody inside); its /dev/pts/N is the VPS root's, as if it
	 * had opened it itself */
	if (fchown(s->slave, owner, (gid_t)-1) < 0) {
		vps_error(err, errno, "give the pty to the root of the VPS");
		goto fail;
	}
	if (!(s->on_pty & 1)) {
		/* The caller's terminal stays cooked and turns "\n" into "\r\n" itself. */
		struct termios t;
		if (tcgetattr(s->slave, &t) == 0) {
			t.c_oflag &= ~(tcflag_t)ONLCR;
			tcsetattr(s->slave, TCSANOW, &t);
		}
	}
	return 0;
fail:
	vps_session_release(s);
	return -1;
}

int vps_session_child(struct vps_session *s, struct vps_err *err)
{
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	if (setsid() < 0)
		return vps_error(err, errno, "start a new session");
	if (s->kind == VPS_SESSION_DETACHED) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			return vps_error(err, errno, "open `/dev/null` as stdin, stdout and stderr");
	} else if (s->slave >= 0) {
		if (ioctl(s->slave, TIOCSCTTY, 0) < 0)
			return vps_error(err, errno, "make the VPS's pty the controlling terminal");
		for (int fd = 0; fd <= 2; fd++)
			if ((s->on_pty & (1u << fd)) && dup2(s->slave, fd) < 0)
				return vps_error(err, errno, "make the VPS's pty fd %d", fd);
	}
	if (close_range(3, ~0u, 0) < 0)
		return vps_error(err, errno, "close the inherited descriptors");
	return 0;
}

static void copy_winsize(const struct vps_session *s)
{
	struct winsize ws;

	if (s->term_fd >= 0 && ioctl(s->term_fd, TIOCGWINSZ, &ws) == 0)
		ioctl(s->master, TIOCSWINSZ, &ws);
}

static void forward(pid_t child, int sig)
{
	if (kill(-child, sig) < 0)
		kill(child, sig);
}

/* Read what the signalfd has; 1 once the child has exited (*status filled). */
static int take_signals(struct vps_session *s, pid_t child, int *status)
{
	struct signalfd_siginfo si;
	int exited = 0;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			if (waitpid(child, status, WNOHANG) == child)
				exited = 1;
			break;
		case SIGWINCH:
			if (s->master >= 0)
				copy_winsize(s);
			break;
		default:
			forward(child, (int)si.ssi_signo);
			break;
		}
		if (exited)
			break;
	}
	return exited;
}

/* The child has exited: what it wrote is still in the pty (a bounded amount: a process it left
 * behind may keep writing). */
static void drain(struct vps_session *s, struct buf *out, int out_fd)
{
	if (out->len)
		write_full(out_fd, out->data + out->off, out->len);
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(s->master, out->data, sizeof(out->data));
		if (n <= 0 || write_full(out_fd, out->data, (size_t)n) < 0)
			break;
	}
}

static int proxy(struct vps_session *s, pid_t child, int *status, struct vps_err *err)
{
	static struct buf in, out;	/* caller -> master, master -> caller */
	int out_fd = (s->on_pty & 2) ? 1 : (s->on_pty & 4) ? 2 : -1;
	int in_open = s->on_pty & 1, master_open = 1, master_hup = 0, out_ok = out_fd >= 0;

	in.off = in.len = out.off = out.len = 0;
	if (fcntl(s->master, F_SETFL, O_NONBLOCK) < 0)
		return vps_error(err, errno, "make the pty master non-blocking");
	copy_winsize(s);
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = s->sigfd, .events = POLLIN },
			/* (a hang-up cannot be masked: no master while its news cannot be taken) */
			{ .fd = master_open && !(master_hup && out.len) ? s->master : -1,
			  .events = (short)((out.len ? 0 : POLLIN) | (in.len ? POLLOUT : 0)) },
			{ .fd = in_open && !in.len ? 0 : -1, .events = POLLIN },
			{ .fd = out.len ? out_fd : -1, .events = POLLOUT },
		};
		ssize_t n;

		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return vps_error(err, errno, "wait for the pty and the caller's terminal");
		}
		if (p[3].revents) {
			n = out_ok ? write(out_fd, out.data + out.off, out.len) : -1;
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				out_ok = 0, n = (ssize_t)out.len;	/* the caller's output is gone: drop */
			if (n > 0 && (out.off += (size_t)n, out.len -= (size_t)n) == 0)
				out.off = 0;
		}
		if (p[1].revents & POLLOUT) {
			n = write(s->master, in.data + in.off, in.len);
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				n = (ssize_t)in.len;
			if (n > 0 && (in.off += (size_t)n, in.len -= (size_t)n) == 0)
				in.off = 0;
		}
		if (p[1].fd >= 0)
			master_hup = (p[1].revents & (POLLHUP | POLLERR)) != 0;
		if (!out.len && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			n = read(s->master, out.data, sizeof(out.data));
			if (n > 0)
				out.len = (size_t)n;
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				master_open = 0;	/* EIO: no slave is open any more */
			if (!out_ok)
				out.len = 0;
		}
		if (p[2].revents) {
			n = read(0, in.data, sizeof(in.data));
			if (n > 0) {
				in.len = (size_t)n;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				/* The caller's input ended: an end-of-file for the VPS's side too. */
				struct termios t;
				in_open = 0;
				if (tcgetattr(s->master, &t) == 0 && (t.c_lflag & ICANON)) {
					in.data[0] = (char)t.c_cc[VEOF];
					in.len = 1;
				}
			}
		}
		if ((p[0].revents & POLLIN) && take_signals(s, child, status)) {
			drain(s, &out, out_ok ? out_fd : -1);
			return 0;
		}
	}
}

int vps_session_wait(struct vps_session *s, pid_t child, int *status, struct vps_err *err)
{
	int ret = 0;

	if (s->slave >= 0) {
		close(s->slave);
		s->slave = -1;
	}
	if (s->master < 0) {
		struct pollfd p = { .fd = s->sigfd, .events = POLLIN };
		for (;;) {
			if (poll(&p, 1, -1) < 0 && errno != EINTR) {
				ret = vps_error(err, errno, "wait for pid %d", (int)child);
				break;
			}
			if (take_signals(s, child, status))
				return 0;
		}
	} else {
		if ((s->on_pty & 1) && tcgetattr(0, &s->saved) == 0) {
			struct termios raw = s->saved;
			cfmakeraw(&raw);
			s->raw = tcsetattr(0, TCSANOW, &raw) == 0;
		}
		ret = proxy(s, child, status, err);
		if (s->raw)
			tcsetattr(0, TCSADRAIN, &s->saved);
		s->raw = 0;
		if (ret == 0)
			return 0;
	}
	kill(child, SIGKILL);
	while (waitpid(child, status, 0) < 0 && errno == EINTR)
		;
	return ret;
}

void vps_session_release(struct vps_session *s)
{
	if (s->raw)
		tcsetattr(0, TCSADRAIN, &s->saved);
	s->raw = 0;
	if (s->slave >= 0)
		close(s->slave);
	if (s->master >= 0)
		close(s->master);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->blocked)
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	s->blocked = 0;
	s->slave = s->master = s->sigfd = -1;
}
