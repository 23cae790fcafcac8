/* Every LIMITS resource and the mechanism that enforces it, at start and live (vpsctl limit).
 *
 *   procs, threads  cgroup pids.max (the tighter hard value)      soft: advisory
 *   phys            memory.max (hard), memory.high (soft)
 *   virt            RLIMIT_AS soft/hard of every process; vps.ko: all of them together (hard)
 *   pctcpu          cpu.max (hard), cpu.weight (soft)
 *   blockio         io.max rbps/wbps on the disk image's loop device (hard)   soft: advisory
 *   disk            the disk image: size (hard), root-reserved blocks (hard - soft)
 *   files           vps.ko at alloc_fd (hard); RLIMIT_NOFILE = hard per process
 *   tcpsock         vps.ko netfilter hooks (hard)
 *   netspeed        TBF on both ends of the veth: rate (soft), peak rate (hard)
 *
 * vps.ko logs a crossed soft limit of files, tcpsock and virt. */
#ifndef VPS_LIMITS_H
#define VPS_LIMITS_H

#include <stddef.h>
#include <sys/types.h>
#include "../common/error.h"
#include "config.h"

/* Set RLIMIT_AS (virt) and RLIMIT_NOFILE (files) of the calling process: INIT before it execs,
 * and every process vpsctl puts into a running VPS. */
int vps_limits_self(const struct vps_config *cfg, struct vps_err *err);
/* Shape ifname (in the current netns) for netspeed; no netspeed limit removes the shaper. */
int vps_limits_shape(const struct vps_config *cfg, const char *ifname, struct vps_err *err);
/* At start, once INIT runs and the context is registered: vps.ko's limits and io.max. */
int vps_limits_start(const struct vps_config *cfg, struct vps_err *err);
/* Live: apply resource r of cfg to the running VPS whose init is init_pid. A resource that cannot
 * be enforced as things stand (blockio without a block device) is not an error: note says why. */
int vps_limit_apply(const struct vps_config *cfg, enum vps_resource r, pid_t init_pid, char *note, size_t len,
		    struct vps_err *err);
/* How r is enforced for this VPS, for argshow. */
void vps_limit_mechanism(const struct vps_config *cfg, enum vps_resource r, char *buf, size_t len);

#endif
