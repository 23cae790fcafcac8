/* vpstest vmfork <MB> <n>: map <MB> of address space (never touched: it costs no memory), then
 * fork up to <n> children that keep a copy of it. Prints "map <MB> <ERRNO>" and then
 * "fork <k> <ERRNO>" ("OK": all <n>), and keeps everything until killed (the children die with
 * it). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "vpstest.h"

#define MB (1024 * 1024)

int vpstest_vmfork(int argc, char **argv)
{
	long mb = argc == 3 ? vpstest_count(argv[1]) : -1;
	long want = argc == 3 ? vpstest_count(argv[2]) : -1, n;
	pid_t self = getpid();
	int e = 0;

	if (mb < 0 || want < 0) {
		fprintf(stderr, "usage: vpstest vmfork <MB> <children>\n");
		return 2;
	}
	if (mmap(NULL, (size_t)mb * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0) == MAP_FAILED)
		e = errno;
	printf("map %ld %s\n", mb, vpstest_errname(e));
	fflush(stdout);
	if (e)
		return 1;
	for (n = 0; n < want && !(e = vpstest_fork_waiter(self)); n++)
		;
	printf("fork %ld %s\n", n, vpstest_errname(e));
	vpstest_hold();
}
