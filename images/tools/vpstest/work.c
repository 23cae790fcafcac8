/* vpstest cpu N | forkexec N: fixed amounts of CPU-bound and fork/exec-bound work, timed with
 * CLOCK_MONOTONIC; prints the elapsed milliseconds. The benchmark runs each on the host and
 * inside a VPS in the same boot and compares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long count_arg(int argc, char **argv, const char *usage)
{
	char *end;
	long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;

	if (argc != 2 || *end || n <= 0) {
		fprintf(stderr, "usage: vpstest %s\n", usage);
		return -1;
	}
	return n;
}

int vpstest_cpu(int argc, char **argv)
{
	long n = count_arg(argc, argv, "cpu ITERATIONS");
	volatile unsigned int x = 1;
	double t0;

	if (n < 0)
		return 2;
	t0 = now_ms();
	for (long i = 0; i < n; i++)
		x = x * 1103515245u + 12345u;
	printf("%.3f\n", now_ms() - t0);
	return 0;
}

int vpstest_forkexec(int argc, char **argv)
{
	long n = count_arg(argc, argv, "forkexec COUNT");
	double t0;

	if (n < 0)
		return 2;
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("vpstest: fork");
			return 1;
		}
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "vpstest: /bin/true failed\n");
			return 1;
		}
	}
	printf("%.3f\n", now_ms() - t0);
	return 0;
}
