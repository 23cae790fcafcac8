/* vpstest cpushare CGROUP MS: the CPU time CGROUP used over the next MS milliseconds, in percent
 * of one CPU (usage_usec of its cpu.stat against CLOCK_MONOTONIC): "cpushare <percent>". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "vpstest.h"

static long long usage_usec(const char *cgroup)
{
	char path[512], key[64];
	long long v = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpu.stat", cgroup);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &n) == 2)
		if (!strcmp(key, "usage_usec"))
			v = n;
	fclose(f);
	return v;
}

static long long mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int vpstest_cpushare(int argc, char **argv)
{
	long ms = argc == 3 ? vpstest_count(argv[2]) : -1;
	long long u0, u1, t0, t1;
	struct timespec d;

	if (ms <= 0) {
		fprintf(stderr, "usage: vpstest cpushare CGROUP MS\n");
		return 2;
	}
	d.tv_sec = ms / 1000;
	d.tv_nsec = ms % 1000 * 1000000L;
	t0 = mono_usec();
	u0 = usage_usec(argv[1]);
	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
	u1 = usage_usec(argv[1]);
	t1 = mono_usec();
	if (u0 < 0 || u1 < 0) {
		fprintf(stderr, "vpstest: cpushare: no usage_usec in `%s/cpu.stat`\n", argv[1]);
		return 1;
	}
	printf("cpushare %lld\n", (u1 - u0) * 100 / (t1 - t0));
	return 0;
}
