#include "net_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int socket_timeouts(int fd, int ms, struct vps_err *err)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return vps_error(err, errno, "set socket timeouts");
	return 0;
}

int tcp_connect(const struct in_addr *addr, int port, int timeout_ms, struct vps_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = *addr };
	struct pollfd p;
	char ip[INET_ADDRSTRLEN];
	socklen_t len = sizeof(int);
	int fd, soerr = 0, r;

	inet_ntop(AF_INET, addr, ip, sizeof(ip));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return vps_error(err, errno, "connect to %s:%d: socket", ip, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		soerr = errno;
		goto failed;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		soerr = ETIMEDOUT;
	else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr)
		goto failed;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		soerr = errno;
		goto failed;
	}
	return fd;
failed:
	close(fd);
	return vps_error(err, soerr, "connect to %s:%d", ip, port);
}
