/* The VPS root: an overlay of the template (idmapped into the VPS's ids) with the private dir,
 * mounted at FSROOT, then moved over "/" of the VPS's mount namespace before its init execs. */
#ifndef VPS_ROOTFS_H
#define VPS_ROOTFS_H

#include "../common/error.h"
#include "config.h"

/* Host side: mount FSROOT (ROOT_MOUNT if the config has one, else the overlay). */
int vps_rootfs_mount(const struct vps_config *cfg, struct vps_err *err);
/* Host side: unmount FSROOT (ROOT_UNMOUNT if the config has one); not mounted is fine. */
int vps_rootfs_unmount(const struct vps_config *cfg, struct vps_err *err);
/* Start of a VPS, first in a new mount namespace of the host (host credentials): detach the host's
 * mounts, move FSROOT over "/", chroot into it and make its /dev. */
int vps_rootfs_enter_host(const struct vps_config *cfg, struct vps_err *err);
/* Then as root of the VPS's user namespace, in its own mount namespace (a locked copy of the
 * first): mount its /proc (host state masked), /sys, /dev/pts and /dev/shm. */
int vps_rootfs_enter_vps(const struct vps_config *cfg, struct vps_err *err);

#endif
