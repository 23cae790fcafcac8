/* Each VPS runs in a user namespace of its own: uid and gid 0..VPS_IDS_PER_VPS-1 inside are
 * host ids vps_id_base(id).. outside, so root in a VPS is an unprivileged user on the host. */
#ifndef VPS_IDMAP_H
#define VPS_IDMAP_H

#include <stdint.h>
#include <sys/types.h>
#include "../common/error.h"

/* 65535, not 65536: the range of VPS 65535 then ends at 0xfffffffe ((uid_t)-1 is no id). */
#define VPS_IDS_PER_VPS 65535u
/* The id files have inside when their host owner lies outside the VPS's range (the kernel's
 * overflow id: what `ls -l` shows inside for them). */
#define VPS_ID_NOBODY 65534u

static inline uint32_t vps_id_base(unsigned int id)
{
	return (uint32_t)id << 16;
}

/* Host id -> id as seen inside VPS id (VPS_ID_NOBODY when outside its range). */
static inline uint32_t vps_id_inside(unsigned int id, uint32_t host)
{
	uint32_t base = vps_id_base(id);

	return host >= base && host - base < VPS_IDS_PER_VPS ? host - base : VPS_ID_NOBODY;
}

/* Id inside VPS id -> host id; -1 when the inside id is not mapped. */
static inline int64_t vps_id_host(unsigned int id, uint32_t inside)
{
	return inside < VPS_IDS_PER_VPS ? (int64_t)vps_id_base(id) + inside : -1;
}

/* Write uid_map and gid_map of the user namespace of pid: 0..VPS_IDS_PER_VPS-1 -> the VPS's range. */
int vps_idmap_write(pid_t pid, unsigned int id, struct vps_err *err);
/* In the user namespace of VPS id: become its root (ids 0, no supplementary groups), keeping the
 * capabilities the namespace gave (a bounding set is dropped later, before exec). */
int vps_idmap_become_root(unsigned int id, struct vps_err *err);
/* An fd of a fresh user namespace with VPS id's mapping, for idmapped mounts (its holder exits). */
int vps_idmap_userns_fd(unsigned int id, struct vps_err *err);

#endif
