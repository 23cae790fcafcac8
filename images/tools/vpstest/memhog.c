/* vpstest memhog MB [--hold]: map and touch MB megabytes, one at a time, printing
 * "allocated <n> MB" after each; then "memhog <n> <ERRNO>" ("OK" when all of it fit). Under a
 * memory limit the OOM killer usually ends it first. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "vpstest.h"

#define MB (1024 * 1024)

int vpstest_memhog(int argc, char **argv)
{
	int hold = argc == 3 && !strcmp(argv[2], "--hold");
	long want = argc >= 2 ? vpstest_count(argv[1]) : -1, n;
	int e = 0;

	if (want < 0 || argc > 3 || (argc == 3 && !hold)) {
		fprintf(stderr, "usage: vpstest memhog MB [--hold]\n");
		return 2;
	}
	for (n = 0; n < want; n++) {
		char *p = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			e = errno;
			break;
		}
		memset(p, 0xa5, MB);
		printf("allocated %ld MB\n", n + 1);
		fflush(stdout);
	}
	printf("memhog %ld %s\n", n, vpstest_errname(e));
	if (hold)
		vpstest_hold();
	return 0;
}
