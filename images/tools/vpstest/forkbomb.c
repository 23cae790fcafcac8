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
	while (n < FORKBOMB_MAX && !(e = vpstest_fork_waiter(parent)))
		n++;
	printf("forked %ld %s\n", n, vpstest_errname(e));
	fflush(stdout);
	while (hold) {
		struct timespec tick = { 0, 20 * 1000 * 1000 };

		nanosleep(&tick, NULL);
		while (!vpstest_fork_waiter(parent))
			;
	}
	return e ? 0 : 1;
}
