/* vpstest capfork <forkers> <children>: create tasks for a capability drop to race with. Each of
 * <forkers> processes touches 8 MB (so that each fork spends its time copying the address space,
 * where it sleeps) and forks <children> children as fast as it can; each child starts a thread,
 * and both stay until killed (they die with the forker, the forkers with this process). Prints
 * "capfork <forkers>" when the forkers run, and "capfork done <tasks>" when all forks are done. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vpstest.h"

#define CAPFORK_MEM (8 * 1024 * 1024)

static void *thread_stay(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void child(pid_t parent)
{
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	pthread_create(&t, NULL, thread_stay, NULL);
	for (;;)
		pause();
}

/* Forks @n children; exits with how many it got (it stays, to keep them, until killed). */
static void forker(pid_t parent, long n, int done)
{
	char *mem = malloc(CAPFORK_MEM);
	pid_t self = getpid();
	unsigned char got = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!mem || getppid() != parent)
		_exit(1);
	memset(mem, 0x5a, CAPFORK_MEM);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			child(self);
		if (pid > 0)
			got++;
	}
	if (write(done, &got, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

int vpstest_capfork(int argc, char **argv)
{
	long n = argc == 3 ? vpstest_count(argv[1]) : -1;
	long per = argc == 3 ? vpstest_count(argv[2]) : -1;
	pid_t self = getpid();
	long tasks = 0;
	int p[2];

	if (n < 1 || per < 0 || per > 255) {
		fprintf(stderr, "usage: vpstest capfork <forkers> <children, at most 255>\n");
		return 2;
	}
	if (pipe(p) < 0) {
		perror("vpstest capfork");
		return 1;
	}
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("vpstest capfork: fork");
			return 1;
		}
		if (pid == 0) {
			close(p[0]);
			forker(self, per, p[1]);
		}
	}
	close(p[1]);
	printf("capfork %ld\n", n);
	fflush(stdout);
	for (long i = 0; i < n; i++) {
		unsigned char got;

		if (read(p[0], &got, 1) != 1)
			break;
		tasks += 1 + 2 * got;
	}
	printf("capfork done %ld\n", tasks);
	vpstest_hold();
}
