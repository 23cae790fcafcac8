/* The VPS root: an overlay of the template with the private dir, mounted at FSROOT,
 * then moved over "/" of the VPS's mount namespace by its init before it execs. */
#ifndef VPS_ROOTFS_H
#define VPS_ROOTFS_H

#include "../common/error.h"
#include "config.h"

/* Host side: mount FSROOT (ROOT_MOUNT if the config has one, else the overlay). */
int vps_rootfs_mount(const struct vps_config *cfg, struct vps_err *err);
/* Host side: unmount FSROOT (ROOT_UNMOUNT if the config has one); not mounted is fine. */
int vps_rootfs_unmount(const struct vps_config *cfg, struct vps_err *err);
/* Inside the new mount namespace: make FSROOT the root, mount /proc, /sys and a private /dev. */
int vps_rootfs_enter(const struct vps_config *cfg, struct vps_err *err);

#endif
