/* How a process vpsctl puts into a VPS meets the caller: always a session of its own, never a
 * host terminal. Where the caller's stdin, stdout or stderr is a terminal, the process gets a pty
 * of the VPS's own devpts there instead (pipes and files pass through), and vpsctl copies bytes
 * between that pty's master and its own terminal, as lxc-attach does.
 *
 *	vps_session_prepare()	parent, in the VPS's mount namespace, before the clone
 *	vps_session_child()	the child, before its exec
 *	vps_session_wait()	parent: proxy (with a pty) and wait; the child's wait status */
#ifndef VPS_PTY_PROXY_H
#define VPS_PTY_PROXY_H

#include <signal.h>
#include <sys/types.h>
#include <termios.h>
#include "../common/error.h"

enum vps_session_kind {
	VPS_SESSION_ATTACHED,	/* the caller's stdio; a pty where it is a terminal */
	VPS_SESSION_DETACHED,	/* /dev/null as stdio (execin) */
};

struct vps_session {
	enum vps_session_kind kind;
	int master;		/* pty master from the VPS's /dev/ptmx, -1 without a pty */
	int slave;		/* its peer, for the child (TIOCGPTPEER: no path lookup) */
	int sigfd;		/* signalfd for the parent's loop, -1 before prepare */
	unsigned int on_pty;	/* bit n: the child's fd n is the pty (the caller's fd n is a terminal) */
	int term_fd;		/* the caller's terminal we take the size from, -1 if none */
	int raw;		/* the caller's stdin was put in raw mode: restore `saved` */
	struct termios saved;
	int blocked;		/* the wait loop's signals are blocked: restore `oldmask` */
	sigset_t oldmask;	/* the signal mask before prepare; the child gets it back */
};

/* Parent, after entering the VPS's mount namespace (so /dev/ptmx is the VPS's) and before the
 * clone: allocate the pty if any of the caller's fds 0-2 is a terminal, give it to owner (the host
 * uid of the VPS's root), block the signals the wait loop reads. On failure nothing is left
 * allocated. */
int vps_session_prepare(struct vps_session *s, enum vps_session_kind kind, uid_t owner, struct vps_err *err);

/* Child, before its exec: a new session; the pty as controlling terminal and in place of each
 * terminal fd (or /dev/null for a detached one); the parent's signal mask; every fd above 2
 * closed, so no host descriptor (cgroup fd, signalfd, the caller's others) reaches the VPS. */
int vps_session_child(struct vps_session *s, struct vps_err *err);

/* Parent, after the clone: close the slave; with a pty, put the caller's terminal in raw mode,
 * copy its size now and on SIGWINCH, and copy bytes both ways until the child has exited and its
 * output is drained. SIGINT, SIGQUIT, SIGTERM and SIGHUP are passed on to the child's process
 * group. The caller's terminal is restored before returning, also after those signals. Fills
 * *status (as waitpid does); -1 on error (the child is then killed). */
int vps_session_wait(struct vps_session *s, pid_t child, int *status, struct vps_err *err);

/* Parent: release what prepare took (after wait, or when the clone failed). */
void vps_session_release(struct vps_session *s);

#endif
