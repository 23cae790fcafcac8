/* Freezing a VPS: cgroup v2 cgroup.freeze on /sys/fs/cgroup/vps/<id>, waiting for cgroup.events. */
#ifndef VPS_FREEZE_H
#define VPS_FREEZE_H

#include "../common/error.h"

#define VPS_FREEZE_TIMEOUT_MS 5000

/* Write cgroup.freeze (1 or 0) and wait until cgroup.events says "frozen <frozen>"; a timeout or a
 * vanished group is an error naming the VPS. */
int vps_freeze(unsigned int id, int frozen, struct vps_err *err);

#endif
