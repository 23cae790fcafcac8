/* Which extended attributes a restore writes: overlayfs trusts its own `trusted.overlay.*` (and,
 * mounted with userxattr, `user.overlay.*`) attributes in an upper dir, so a stream may set only
 * the one an upper dir legitimately carries, `overlay.opaque` = "y" on a directory
 * (SNAPSHOT.md, "Extended attributes"). */
#ifndef VPS_SNAP_XATTR_H
#define VPS_SNAP_XATTR_H

#include <sys/types.h>
#include "snapfmt.h"

/* 1 if x may be set on an object of type mode, 0 if the restore drops it. */
int snap_xattr_restorable(const struct snap_xattr *x, mode_t mode);

#endif
