/* The snapshot stream inside a migration connection (MIGRATE.md): frames of a 4-byte big-endian
 * length and that many bytes (1..MIG_FRAME_MAX), an empty frame at the end, then the line
 * "MAC <hex>\n", the HMAC over every stream byte (mig_auth.h). Framing lets the target count and
 * cap the bytes and check the MAC without parsing the snapshot; the snapshot reader gets the bytes
 * through a pipe. */
#ifndef VPS_MIG_STREAM_H
#define VPS_MIG_STREAM_H

#include <stdint.h>
#include "../common/error.h"
#include "mig_auth.h"

#define MIG_FRAME_MAX 65536

/* Source: everything readable from src (until EOF) to sock as frames, then the end and the MAC;
 * *bytes gets the stream's size. */
int mig_stream_send(int sock, int src, const struct mig_session *s, uint64_t *bytes, struct vps_err *err);
/* Target: the frames from sock into dst, at most max bytes; dst is closed at the end of the stream
 * (the reader sees EOF there), then the MAC line is read and checked. Any error (a stream over
 * max, a bad frame, a wrong MAC, a closed connection) is -1 with err; *bytes counts what came. */
int mig_stream_receive(int sock, int dst, const struct mig_session *s, uint64_t max, uint64_t *bytes,
		       struct vps_err *err);

#endif
