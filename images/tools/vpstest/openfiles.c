/* vpstest openfiles [--hold]: open /dev/null until refused, and print "openfiles <n> <ERRNO>". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "vpstest.h"

#define OPENFILES_MAX 100000

int vpstest_openfiles(int argc, char **argv)
{
	int hold = argc == 2 && !strcmp(argv[1], "--hold");
	long n = 0;
	int e = 0;

	if (argc > 2 || (argc == 2 && !hold)) {
		fprintf(stderr, "usage: vpstest openfiles [--hold]\n");
		return 2;
	}
	while (n < OPENFILES_MAX) {
		if (open("/dev/null", O_RDONLY) < 0) {
			e = errno;
			break;
		}
		n++;
	}
	printf("openfiles %ld %s\n", n, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return e ? 0 : 1;
}
