/* vpstest listen PORT: accept TCP connections on PORT and keep every one open until killed;
 * prints "listening" once it accepts. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "vpstest.h"

int vpstest_listen(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	long port = argc == 2 ? vpstest_count(argv[1]) : -1;
	int one = 1, fd;

	if (port < 1 || port > 65535) {
		fprintf(stderr, "usage: vpstest listen PORT\n");
		return 2;
	}
	addr.sin_port = htons((unsigned short)port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 128) < 0) {
		perror("vpstest: listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;)
		if (accept(fd, NULL, NULL) < 0 && errno != EINTR && errno != ECONNABORTED) {
			perror("vpstest: accept");
			return 1;
		}
}
