/* The devices a VPS may use, enforced by a cgroup device program (cgroup v2 has no devices.allow
 * file): the character devices of its private /dev (null, zero, full, random, urandom, tty,
 * ptmx, pts/N) and nothing else, for mknod, read and write alike. Without it, root in a VPS
 * (which has CAP_MKNOD) could make a node for the host's console or another VPS's disk. */
#ifndef VPS_DEVICES_H
#define VPS_DEVICES_H

#include "../common/error.h"

/* Attach the filter to /sys/fs/cgroup/vps/<id>; it stays until the cgroup is removed. */
int vps_devices_restrict(unsigned int id, struct vps_err *err);

#endif
