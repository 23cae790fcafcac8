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
	e = vpstest_open_until_refused(OPENFILES_MAX, &n);
	printf("openfiles %ld %s\n", n, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return e ? 0 : 1;
}
