/* Snapshot streams to and from a file descriptor: the cores of `vpsctl snapshot`/`restore`, also
 * run over a TCP connection by `vpsctl migrate`/`receive`. */
#ifndef VPS_SNAPIO_H
#define VPS_SNAPIO_H

#include <stdint.h>
#include "../common/error.h"
#include "config.h"
#include "runtime.h"
#include "snapshot.h"

/* Write VPS id's config and private files to fd. state is the VPS's state (a running VPS must be
 * frozen by the caller for the whole call); a stopped VPS with a disk image is mounted meanwhile. */
int vps_snapshot_to_fd(unsigned int id, int fd, enum vps_state state, uint64_t *entries, uint64_t *bytes,
		       struct vps_err *err);

/* Write VPS id to file ("-": standard output, which must not be a terminal); a running VPS is
 * frozen for the copy and thawed after it, and SIGINT, SIGTERM, SIGHUP and SIGPIPE wait until then.
 * *state is the VPS's state. On failure a file is removed. */
int vps_snapshot_to_file(unsigned int id, const char *file, enum vps_state *state, uint64_t *entries,
			 uint64_t *bytes, struct vps_err *err);

/* A last check before a restored VPS is put in place (the migration stream's MAC): 0 to go on,
 * -1 with err to throw the restore away. */
struct restore_check {
	int (*fn)(void *ctx, struct vps_err *err);
	void *ctx;
};

/* Recreate VPS id (stopped, no config yet) from the stream on fd (flags for snap_read_flags):
 * files go to a temporary directory renamed into place once the stream verified and check (if
 * any) passed, then the config is written. On failure nothing is left behind. info->config is
 * malloc'd on success; *cfg gets the new VPS's config. */
int vps_restore_from_fd(unsigned int id, int fd, unsigned int flags, const struct restore_check *check,
			struct snap_info *info, struct vps_config *cfg, struct vps_err *err);

#endif
