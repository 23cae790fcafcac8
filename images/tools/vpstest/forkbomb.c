/* vpstest forkbomb [--hold]: fork children that only wait, until fork is refused, and print
 * "forked <n> <ERRNO>". The children die with their parent (PR_SET_PDEATHSIG). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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
	while (n < FORKBOMB_MAX) {
		pid_t pid = fork();

		if (pid < 0) {
			e = errno;
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			for (;;)
				pause();
		}
		n++;
	}
	printf("forked %ld %s\n", n, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return e ? 0 : 1;
}
