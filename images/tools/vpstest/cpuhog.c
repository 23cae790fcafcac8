/* vpstest cpuhog SECONDS: spin on the CPU for SECONDS of wall time. */
#include <stdio.h>
#include <time.h>
#include "vpstest.h"

int vpstest_cpuhog(int argc, char **argv)
{
	long secs = argc == 2 ? vpstest_count(argv[1]) : -1;
	struct timespec start, now;
	volatile unsigned int x = 1;

	if (secs < 0) {
		fprintf(stderr, "usage: vpstest cpuhog SECONDS\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		for (int i = 0; i < 100000; i++)
			x = x * 1103515245u + 12345u;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < secs ||
		 (now.tv_sec - start.tv_sec == secs && now.tv_nsec < start.tv_nsec));
	return 0;
}
