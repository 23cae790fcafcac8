/* vpstest forkbomb [--hold]: fork children that only wait, until fork is refused, and print
 * "forked <n> <ERRNO>". With --hold it keeps trying (every 20 ms) and keeps whatever it gets.
 * The children die with their parent (PR_SET_PDEATHSIG). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

#define FORKBOMB_MAX 100000

/* One child that waits until its parent dies; the fork's errno, or 0. */
static int spawn(pid_t parent)
{
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return 0;
}

int vpstest_forkbomb(int argc, char **argv)
{
	int hold = argc == 2 && !strcmp(argv[1], "--hold");
	pid_t parent = getpid();
	long n = 0;
	int e = 0;

	if (argc > 2 || (argc == 2 && !hold)) {
		fprintf(stderr, "usage: vpstest forkbomb [--hold]\n");
		return 2;
	}
	fflush(stdout);
	while (n < FORKBOMB_MAX && !(e = spawn(parent)))
		n++;
	printf("forked %ld %s\n", n, vpstest_errname(e));
	fflush(stdout);
	while (hold) {
		struct timespec tick = { 0, 20 * 1000 * 1000 };

		nanosleep(&tick, NULL);
		while (!spawn(parent))
			;
	}
	return e ? 0 : 1;
}
