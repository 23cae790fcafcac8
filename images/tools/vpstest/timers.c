/* Timer workloads for the checkpoint tests:
 *   vpstest itimer <ms>   arm ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF for <ms> each, print
 *                         "armed", then spin (the CPU timers run only while it runs) and print
 *                         "real fired", "virtual fired", "prof fired" as each one fires; exit 0
 *                         once all three have
 *   vpstest ptimer        create a POSIX timer (CLOCK_MONOTONIC, SIGUSR1, 1000 s), print
 *                         "armed", then wait
 *   vpstest lock flock|posix <file>   take a write lock on the whole file (flock or fcntl),
 *                         print "armed", then wait */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "vpstest.h"

static volatile sig_atomic_t fired[3];

static void on_timer(int sig)
{
	fired[sig == SIGALRM ? 0 : sig == SIGVTALRM ? 1 : 2] = 1;
}

int vpstest_itimer(int argc, char **argv)
{
	static const char *name[3] = { "real", "virtual", "prof" };
	static const int which[3] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
	static const int sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };
	long ms = argc == 2 ? vpstest_count(argv[1]) : -1;
	int told[3] = { 0 };
	struct sigaction sa;

	if (ms <= 0) {
		fprintf(stderr, "usage: vpstest itimer <ms>\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;
	for (int i = 0; i < 3; i++) {
		struct itimerval it = { { 0, 0 }, { ms / 1000, ms % 1000 * 1000 } };

		if (sigaction(sig[i], &sa, NULL) || setitimer(which[i], &it, NULL)) {
			perror("vpstest: itimer");
			return 1;
		}
	}
	printf("armed\n");
	fflush(stdout);
	for (int left = 3; left;) {
		for (int i = 0; i < 3; i++)
			if (fired[i] && !told[i]) {
				told[i] = 1;
				left--;
				printf("%s fired\n", name[i]);
				fflush(stdout);
			}
	}
	return 0;
}

int vpstest_ptimer(int argc, char **argv)
{
	struct sigevent ev;
	struct itimerspec its = { { 0, 0 }, { 1000, 0 } };
	timer_t id;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vpstest ptimer\n");
		return 2;
	}
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	if (timer_create(CLOCK_MONOTONIC, &ev, &id) || timer_settime(id, 0, &its, NULL)) {
		perror("vpstest: ptimer");
		return 1;
	}
	printf("armed\n");
	fflush(stdout);
	for (;;)
		pause();
}

int vpstest_lock(int argc, char **argv)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, posix = argc == 3 && !strcmp(argv[1], "posix");

	if (argc != 3 || (!posix && strcmp(argv[1], "flock"))) {
		fprintf(stderr, "usage: vpstest lock flock|posix <file>\n");
		return 2;
	}
	fd = open(argv[2], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || (posix ? fcntl(fd, F_SETLK, &fl) : flock(fd, LOCK_EX | LOCK_NB))) {
		perror("vpstest: lock");
		return 1;
	}
	printf("armed\n");
	fflush(stdout);
	for (;;)
		pause();
}
