/* Writing and reading snapshot streams (the format is snapfmt.h, documented in SNAPSHOT.md). */
#ifndef VPS_SNAPSHOT_H
#define VPS_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"
#include "snapfmt.h"

/* Write a whole snapshot to fd: header, config text, every object under upper, an empty process
 * section, trailer. Prints nothing; *bytes gets the stream size. */
int snap_write(int fd, const struct snap_header *h, const char *config, size_t config_len, const char *upper,
	       uint64_t *entries, uint64_t *bytes, struct vps_err *err);

struct snap_info {
	struct snap_header header;
	char *config;			/* NUL-terminated config text (malloc'd) */
	uint64_t entries, data_bytes, records, stream_bytes, skipped;
	unsigned char sha256[32];
};

/* Called once the config record is read: return the fd of the directory to restore the files
 * into, -2 to only verify (showdump), or -1 with err. */
typedef int (*snap_target_fn)(void *ctx, const struct snap_info *info, struct vps_err *err);

/* Read and verify a whole stream from fd; with a target, recreate every object under it (never
 * outside it). Any truncation, bad checksum, bad size or unsafe path is an error. */
int snap_read(int fd, snap_target_fn target, void *ctx, struct snap_info *info, struct vps_err *err);
/* Stop after the trailer instead of requiring the end of the input (a stream inside a connection
 * that carries more after it, as `vpsctl migrate` does). */
#define SNAP_READ_TO_TRAILER 1u
/* owner_id: restore owners (as seen inside a VPS in the stream) with the host ids of VPS
 * owner_id's range; an id outside it is an error. 0: as stored. */
int snap_read_flags(int fd, unsigned int flags, unsigned int owner_id, snap_target_fn target, void *ctx,
		    struct snap_info *info, struct vps_err *err);

#endif
