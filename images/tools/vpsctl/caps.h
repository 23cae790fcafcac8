/* Linux capabilities by name, and the VPS capability bounding set. */
#ifndef VPS_CAPS_H
#define VPS_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

/* The set a VPS gets when its config says nothing (no SYS_ADMIN, SYS_MODULE, SYS_BOOT, SYS_TIME, ...). */
uint64_t vps_caps_default(void);
/* Parse "net_admin,CAP_SYS_TIME,..." into a mask. */
int vps_caps_parse(const char *list, uint64_t *mask, struct vps_err *err);
/* "chown,dac_override,..." (lower case, without CAP_); truncated to fit len. */
void vps_caps_format(uint64_t mask, char *buf, size_t len);
/* "sys_admin" for CAP_SYS_ADMIN; NULL outside 0..CAP_LAST_CAP. */
const char *vps_cap_name(int cap);
/* Drop every capability not in keep from this process's bounding set (and clear inheritable/ambient). */
int vps_caps_apply_bounding(uint64_t keep, struct vps_err *err);

#endif
