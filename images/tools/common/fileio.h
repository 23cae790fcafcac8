/* Whole buffers onto descriptors, and files replaced in one step. */
#ifndef VPS_FILEIO_H
#define VPS_FILEIO_H

#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* All len bytes to fd, through short writes and EINTR; 0, or -1 with errno. */
int write_full(int fd, const void *buf, size_t len);
/* Replace path by len bytes of data with mode: a temporary file in the same directory, fsync,
 * rename over path, fsync the directory. A reader sees the old file or the new one, never a
 * mix; on failure path is unchanged and no temporary file is left. */
int write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct vps_err *err);

#endif
