/* The cgroup v2 group of a VPS: /sys/fs/cgroup/vps/<id> with its limits, its processes in leaf/ below. */
#ifndef VPS_CGROUP_H
#define VPS_CGROUP_H

#include "../common/error.h"
#include "config.h"

/* Create the group, write the config's limits, and make its leaf; returns an O_PATH|O_DIRECTORY fd
 * of the leaf for CLONE_INTO_CGROUP. */
int vps_cgroup_create(const struct vps_config *cfg, struct vps_err *err);
/* Write one resource's cgroup files: procs and threads pids.max; phys memory.max and memory.high;
 * pctcpu cpu.max and cpu.weight; blockio io.max on blockdev ("7:0"; NULL: nothing to do).
 * Other resources have no cgroup file: 0. */
int vps_cgroup_apply(const struct vps_config *cfg, enum vps_resource r, const char *blockdev, struct vps_err *err);
/* Write value to /sys/fs/cgroup/vps/<id>/<file>. */
int vps_cgroup_write(unsigned int id, const char *file, const char *value, struct vps_err *err);
/* Kill every process in the group and wait until it is empty (up to timeout_ms). */
int vps_cgroup_kill(unsigned int id, int timeout_ms, struct vps_err *err);
/* Remove the (empty) group; a missing group is fine. */
int vps_cgroup_remove(unsigned int id, struct vps_err *err);

#endif
