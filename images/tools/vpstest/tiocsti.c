/* vpstest tiocsti [-d SECONDS] [-o FILE] TEXT: type "TEXT\n" into every terminal this process can
 * reach with ioctl(TIOCSTI): its stdin, stdout, stderr and /dev/tty (its controlling terminal).
 * Prints "<channel> <ERRNO>" per channel ("OK": the text was typed there). -d waits first, to
 * outlive the shell that started it (SIGHUP is ignored, as an attacker would); -o writes the
 * report to FILE instead of stdout. A process vpsctl put into a VPS may only ever reach a
 * terminal of the VPS. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "vpstest.h"

static int type_text(int fd, const char *text)
{
	if (!isatty(fd))
		return errno;
	for (const char *p = text; *p; p++)
		if (ioctl(fd, TIOCSTI, p) < 0)
			return errno;
	if (ioctl(fd, TIOCSTI, "\n") < 0)
		return errno;
	return 0;
}

int vpstest_tiocsti(int argc, char **argv)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	const char *out_path = NULL;
	long delay = 0;
	FILE *out = stdout;
	int c, fd, e;

	while ((c = getopt(argc, argv, "+d:o:")) != -1) {
		if (c == 'd' && (delay = vpstest_count(optarg)) >= 0)
			continue;
		if (c == 'o') {
			out_path = optarg;
			continue;
		}
		fprintf(stderr, "usage: vpstest tiocsti [-d SECONDS] [-o FILE] TEXT\n");
		return 2;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: vpstest tiocsti [-d SECONDS] [-o FILE] TEXT\n");
		return 2;
	}
	signal(SIGHUP, SIG_IGN);
	if (delay > 0)
		sleep((unsigned int)delay);
	if (out_path && !(out = fopen(out_path, "we"))) {
		fprintf(stderr, "vpstest tiocsti: open `%s`: %s\n", out_path, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 3; i++)
		fprintf(out, "%s %s\n", names[i], vpstest_errname(type_text(i, argv[optind])));
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	e = fd < 0 ? errno : type_text(fd, argv[optind]);
	fprintf(out, "devtty %s\n", vpstest_errname(e));
	if (fd >= 0)
		close(fd);
	return fclose(out) == 0 ? 0 : 1;
}
