/* vpstest fill FILE [UID]: write 64 kB blocks to FILE (as UID if given) until a write fails,
 * and print "fill <kB written> <ERRNO>"; exits 0 when that error is ENOSPC. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vpstest.h"

#define BLOCK (64 * 1024)

int vpstest_fill(int argc, char **argv)
{
	static char buf[BLOCK];
	long uid = argc == 3 ? vpstest_count(argv[2]) : 0;
	long long total = 0;
	int fd, e = 0;

	if (argc < 2 || argc > 3 || uid < 0) {
		fprintf(stderr, "usage: vpstest fill FILE [UID]\n");
		return 2;
	}
	if (argc == 3 && (setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0)) {
		perror("vpstest: fill: setuid");
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "vpstest: fill: open `%s`: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(buf, 0x5a, sizeof(buf));
	for (;;) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n < 0) {
			e = errno;
			break;
		}
		total += n;
	}
	if (fsync(fd) < 0 && !e)
		e = errno;
	close(fd);
	printf("fill %lld %s\n", total / 1024, vpstest_errname(e));
	return e == ENOSPC ? 0 : 1;
}
