/* vpstest fdunshare: a thread takes a descriptor table of its own (unshare(CLONE_FILES): a copy
 * of the process's) and opens /dev/null in it until refused. Prints "unshare <0|1> <ERRNO>" and
 * "open <n> <ERRNO>", then keeps everything until killed; when unshare is refused it exits. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "vpstest.h"

static void *own_table(void *arg)
{
	long n = 0;
	int e = 0;

	(void)arg;
	if (unshare(CLONE_FILES) < 0) {
		printf("unshare 0 %s\n", vpstest_errname(errno));
		fflush(stdout);
		_exit(0);
	}
	printf("unshare 1 OK\n");
	e = vpstest_open_until_refused(LONG_MAX, &n);
	printf("open %ld %s\n", n, vpstest_errname(e));
	fflush(stdout);
	for (;;)
		pause();
}

int vpstest_fdunshare(int argc, char **argv)
{
	pthread_t t;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vpstest fdunshare\n");
		return 2;
	}
	fflush(stdout);
	if (pthread_create(&t, NULL, own_table, NULL)) {
		perror("vpstest fdunshare");
		return 1;
	}
	vpstest_hold();
}
