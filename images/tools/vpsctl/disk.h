/* The disk limit (the role of FreeBSD's vpsfs): the private files of a VPS on a filesystem of its
 * own, FSROOT_PRIV/disk.img (ext2 made by busybox mke2fs, mounted with the ext4 driver), on a loop
 * device, mounted at FSROOT_PRIV/disk. Its size is the hard limit: writing past it gives ENOSPC.
 * hard - soft is reserved for root (ext2 reserved blocks): other users stop at soft. The loop
 * device is what blockio's io.max applies to. */
#ifndef VPS_DISK_H
#define VPS_DISK_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"
#include "config.h"

/* 1 if cfg has a finite disk limit (and no ROOT_MOUNT of its own). */
int vps_disk_limited(const struct vps_config *cfg);
/* "<FSROOT_PRIV>/disk" where the image is mounted, and the image path. */
void vps_disk_paths(const struct vps_config *cfg, char *mnt, size_t mlen, char *img, size_t ilen);
/* At start: make the image if there is none (moving private files kept outside it in), grow it
 * to the hard limit, set the reserve, mount it. A bigger image than the limit is an error. */
int vps_disk_mount(const struct vps_config *cfg, struct vps_err *err);
/* Unmount it (the loop device detaches itself); not mounted is fine. */
int vps_disk_unmount(const struct vps_config *cfg, struct vps_err *err);
/* Live: grow the mounted filesystem to hard (never shrink) and set the reserve from soft. */
int vps_disk_resize(const struct vps_config *cfg, uint64_t soft, uint64_t hard, struct vps_err *err);
/* The block device under the mounted image ("7:0"); -1 if it is not mounted. */
int vps_disk_device(const struct vps_config *cfg, char *majmin, size_t len);

#endif
