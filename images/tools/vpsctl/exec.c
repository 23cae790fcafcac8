/* A process inside a running VPS — its namespaces, cgroup and bounding set: `vpsctl shell`, `execin`, `execwt`. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "caps.h"
#include "exec.h"
#include "idmap.h"
#include "limits.h"
#include "pty_proxy.h"
#include "runtime.h"
#include "spawn.h"

static void __attribute__((noreturn)) exec_child(const struct vps_config *cfg, int init_fd, char **cmd,
						 unsigned long long caps, struct vps_session *session)
{
	unsigned int id = cfg->id;
	struct vps_err err = { 0 };
	const char *term = getenv("TERM");
	char term_copy[64];

	snprintf(term_copy, sizeof(term_copy), "%s", term ? term : "linux");
	/* Root of the VPS's user namespace; then its own session, a pty of the VPS for the caller's
	 * terminals, no other host descriptor. */
	if (vps_enter_user(init_fd, id, &err) < 0 || vps_session_child(session, &err) < 0) {
		vps_error_print("vpsctl", &err);
		_exit(126);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	if (vps_limits_self(cfg, &err) < 0 || vps_caps_apply_bounding(caps, &err) < 0) {
		vps_error_print("vpsctl", &err);
		_exit(126);
	}
	if (chdir("/") < 0)
		_exit(126);
	clearenv();
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", term_copy, 1);
	execvp(cmd[0], cmd);
	vps_error(&err, errno, "exec `%s` in VPS %u", cmd[0], id);
	vps_error_print("vpsctl", &err);
	_exit(err.errnum == ENOENT ? 127 : 126);
}

int vps_exec(const char *what, unsigned int id, char **cmd, enum vps_exec_mode mode, int *result,
	     struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	cleanup_close int cg_fd = -1;
	cleanup_close int init_fd = -1;
	struct vps_session session;
	char path[256];
	int ret;
	pid_t pid;
	uint64_t caps, running;

	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	vps_runtime_read(id, &rt);
	if (rt.state == VPS_STOPPED || rt.init_pid <= 0)
		return vps_error(err, 0, "%s: VPS %u is not running", what, id);
	if (rt.state == VPS_SUSPENDED)
		return vps_error(err, 0, "%s: VPS %u is suspended (resume it first)", what, id);
	vps_cgroup_leaf_path(id, path, sizeof(path));
	cg_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0)
		return vps_error(err, errno, "%s: open cgroup `%s`", what, path);
	/* Never more than the VPS runs with: a capability allowed since its start waits for the next. */
	caps = vps_config_caps(&cfg);
	if (vps_task_capbnd(rt.init_pid, &running) == 0)
		caps &= running;
	/* Not dumpable from here to the child's exec (the clone inherits it, exec resets it): no VPS
	 * process reaches the child's /proc/<pid>/exe, fd, cwd, root or mem while it still runs the
	 * host's binary with the host's credentials. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return vps_error(err, errno, "%s: make vpsctl not dumpable", what);
	init_fd = vps_pidfd_open(rt.init_pid);
	if (init_fd < 0 || vps_enter_namespaces(init_fd) < 0)
		return vps_error(err, errno, "%s: enter the namespaces of VPS %u (init pid %d)", what, id,
				 (int)rt.init_pid);
	if (vps_session_prepare(&session, mode == VPS_EXEC_DETACH ? VPS_SESSION_DETACHED : VPS_SESSION_ATTACHED,
				vps_id_base(id), err) < 0)
		return vps_error_wrap(err, "%s: VPS %u", what, id);
	fflush(NULL);
	pid = vps_clone_into(0, cg_fd);
	if (pid < 0) {
		vps_error(err, errno, "%s: start a process in VPS %u", what, id);
		vps_session_release(&session);
		return -1;
	}
	if (pid == 0)
		exec_child(&cfg, init_fd, cmd, caps, &session);
	if (mode == VPS_EXEC_DETACH) {
		vps_session_release(&session);
		*result = (int)pid;
		return 0;
	}
	ret = vps_session_wait(&session, pid, result, err);
	vps_session_release(&session);
	if (ret < 0)
		return vps_error_wrap(err, "%s: VPS %u", what, id);
	return 0;
}
