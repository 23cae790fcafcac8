/* vpstest udprecv PORT MS: print every UDP payload that arrives on PORT, one per line, until one
 * reads "control" or MS milliseconds pass; prints "ready" first. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

int vpstest_udprecv(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	long port = argc == 3 ? vpstest_count(argv[1]) : -1, ms = argc == 3 ? vpstest_count(argv[2]) : -1;
	struct timeval tv = { 0, 200000 };
	struct timespec start, now;
	char buf[512];
	int fd;

	if (port < 1 || port > 65535 || ms < 0) {
		fprintf(stderr, "usage: vpstest udprecv PORT MS\n");
		return 2;
	}
	addr.sin_port = htons((unsigned short)port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("vpstest: udprecv");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n >= 0) {
			buf[n] = '\0';
			printf("%s\n", buf);
			fflush(stdout);
			if (!strcmp(buf, "control"))
				return 0;
		} else if (errno != EAGAIN && errno != EINTR) {
			perror("vpstest: udprecv: recv");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= ms)
			return 0;
	}
}
