/* vpstest connflood IPV4 PORT [MAX] [--hold]: open TCP connections to IPV4:PORT and keep them,
 * until connect() fails (or MAX are open); print "connflood <n> <ERRNO>" ("OK" when MAX were
 * reached). A SYN that gets no answer fails after 5 s. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "vpstest.h"

#define CONNFLOOD_MAX 10000

int vpstest_connflood(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { 5, 0 };
	int hold = argc > 3 && !strcmp(argv[argc - 1], "--hold");
	long port = argc >= 3 ? vpstest_count(argv[2]) : -1, n = 0;
	long max = argc - hold == 4 ? vpstest_count(argv[3]) : CONNFLOOD_MAX;
	int e = 0;

	if (argc < 3 || argc - hold > 4 || max < 0 || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: vpstest connflood IPV4 PORT [MAX] [--hold]\n");
		return 2;
	}
	to.sin_port = htons((unsigned short)port);
	while (n < max) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			e = errno;
			break;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
			e = errno == EINPROGRESS ? ETIMEDOUT : errno;
			break;
		}
		n++;
	}
	printf("connflood %ld %s\n", n, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return e || n == max ? 0 : 1;
}
