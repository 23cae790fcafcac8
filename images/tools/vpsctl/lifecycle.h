/* A VPS's life as functions (start.c, stop.c, destroy.c), for the commands and for those that
 * chain them (migrate, receive): each reports through err and prints nothing, but for vps_stop_how's
 * warning on stderr when NETWORK_REVOKE fails (the stop goes on). */
#ifndef VPS_LIFECYCLE_H
#define VPS_LIFECYCLE_H

#include <sys/types.h>
#include "../common/error.h"
#include "config.h"

/* Start VPS id from its config (path, or /etc/vps/vps_<id>.conf when NULL); rolls back on failure. */
int vps_start(unsigned int id, const char *path, pid_t *init_pid, struct vps_config *cfg, struct vps_err *err);
/* TERM its services, then kill what is left and remove every trace of the run. */
int vps_stop(unsigned int id, struct vps_err *err);
/* graceful 0: kill every process as it is (a frozen VPS stays frozen until killed), no TERM first. */
int vps_stop_how(unsigned int id, int graceful, struct vps_err *err);
/* Delete a stopped VPS: its private files, root mount point and config. */
int vps_destroy(unsigned int id, struct vps_err *err);

#endif
