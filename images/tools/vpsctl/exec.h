/* A process inside a running VPS: `vpsctl shell`, `execin` and `execwt`. */
#ifndef VPS_EXEC_H
#define VPS_EXEC_H

#include "../common/error.h"

enum vps_exec_mode {
	VPS_EXEC_WAIT,		/* wait for it; the caller's terminals reach it through a pty of the VPS */
	VPS_EXEC_DETACH,	/* start it in the background with /dev/null as stdio */
};

/* Run cmd (searched in the VPS's PATH) in running VPS id, with its namespaces, cgroup, limits and
 * at most the bounding set its INIT has, in a session of its own. The calling process enters the
 * VPS's namespaces to do so. *result: its wait status (VPS_EXEC_WAIT) or host pid
 * (VPS_EXEC_DETACH); 127 exit: not found, 126: cannot run. what names the command in errors. */
int vps_exec(const char *what, unsigned int id, char **cmd, enum vps_exec_mode mode, int *result,
	     struct vps_err *err);

#endif
