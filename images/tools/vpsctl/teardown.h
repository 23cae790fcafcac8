/* Removing every trace of a VPS run: processes, registration, veth, root mount, cgroup, pid file. */
#ifndef VPS_TEARDOWN_H
#define VPS_TEARDOWN_H

#include "../common/error.h"
#include "config.h"

/* Each step tolerates "already gone"; the first real failure is reported after all steps ran.
 * Processes that outlive SIGKILL (uninterruptible sleep) stop it before anything else is undone,
 * named in err, so that running it again finishes the job. */
int vps_teardown(const struct vps_config *cfg, struct vps_err *err);

#endif
