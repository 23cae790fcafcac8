/* vpstest fdhold <n>: try to hold more descriptors than the context's files limit without
 * opening anything past it. A child opens /dev/null until refused (the context is then full),
 * then this process dup2()s onto its free slots below RLIMIT_NOFILE and forks <n> children that
 * keep copies of its table. Prints, one line each:
 *   open <k> <ERRNO>   the child's opens, until refused
 *   dup2 <k> <ERRNO>   dup2 onto free slots, until refused ("OK": every free slot taken)
 *   fork <k> <ERRNO>   children forked, until refused ("OK": all <n>)
 * and keeps everything until killed (its children die with it). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include "vpstest.h"

/* The child that fills the context: opens until refused, reports, tells @ready, holds. */
static void fill(int ready)
{
	long n;
	int e;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	e = vpstest_open_until_refused(LONG_MAX, &n);
	printf("open %ld %s\n", n, vpstest_errname(e));
	fflush(stdout);
	if (write(ready, "", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

int vpstest_fdhold(int argc, char **argv)
{
	long want = argc == 2 ? vpstest_count(argv[1]) : -1, n;
	pid_t self = getpid(), pid;
	struct rlimit rl;
	int p[2], e;
	char c;

	if (want < 0) {
		fprintf(stderr, "usage: vpstest fdhold <children>\n");
		return 2;
	}
	if (pipe(p) < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("vpstest fdhold");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("vpstest fdhold: fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		fill(p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		fprintf(stderr, "vpstest fdhold: the filling child died\n");
		return 1;
	}

	n = 0;
	e = 0;
	for (rlim_t fd = 0; fd < rl.rlim_cur && fd < 4096; fd++) {
		if (fcntl((int)fd, F_GETFD) >= 0)
			continue;	/* taken */
		if (dup2(STDOUT_FILENO, (int)fd) < 0) {
			e = errno;
			break;
		}
		n++;
	}
	printf("dup2 %ld %s\n", n, vpstest_errname(e));
	fflush(stdout);

	for (n = 0, e = 0; n < want && !(e = vpstest_fork_waiter(self)); n++)
		;
	printf("fork %ld %s\n", n, vpstest_errname(e));
	vpstest_hold();
}
