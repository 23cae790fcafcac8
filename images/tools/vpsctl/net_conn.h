/* TCP connections for migration: connect with a deadline, and I/O timeouts on a socket. */
#ifndef VPS_NET_CONN_H
#define VPS_NET_CONN_H

#include <netinet/in.h>
#include "../common/error.h"

/* Connect to addr:port within timeout_ms; the socket is blocking, close-on-exec. */
int tcp_connect(const struct in_addr *addr, int port, int timeout_ms, struct vps_err *err);
/* Reads and writes on fd fail with EAGAIN after ms without progress. */
int socket_timeouts(int fd, int ms, struct vps_err *err);

#endif
