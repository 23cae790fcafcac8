/* The target side of a migration: `vpsctl receive` (MIGRATE.md). */
#ifndef VPS_RECEIVE_H
#define VPS_RECEIVE_H

#include <stdint.h>
#include "../common/error.h"

/* Listen on TCP port and take migrations from lab hosts, one at a time, each in a process of its
 * own, each stream at most max_stream bytes; reports go to stderr, one line per event. Returns
 * only when it cannot listen: -1 with err. */
int vps_receive_serve(int port, uint64_t max_stream, struct vps_err *err);

#endif
