/* vpstest chrootescape: the classic chroot break-out (chroot into a subdirectory while the cwd
 * stays outside it, climb "..", chroot there). Inside a VPS it must end where it began: the VPS
 * root is moved over the namespace root, so ".." at the top leads back into it. Prints what the
 * climb reached; exits 1 if the host's /etc/vps became visible. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vpstest.h"

int vpstest_chrootescape(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (mkdir("/.escape", 0700) < 0 && errno != EEXIST) {
		perror("vpstest: mkdir /.escape");
		return 2;
	}
	if (chdir("/") < 0 || chroot("/.escape") < 0) {
		fprintf(stderr, "vpstest: chroot /.escape: %s\n", strerror(errno));
		return 2;
	}
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		fprintf(stderr, "vpstest: chroot .: %s\n", strerror(errno));
		return 2;
	}
	if (access("/etc/vps", F_OK) == 0) {
		printf("escaped: the host's /etc/vps is visible\n");
		return 1;
	}
	printf("contained: /etc/vps is not visible after climbing out\n");
	return 0;
}
