/* vpstest xattr set <path> <name> <value> | get <path> <name>: an extended attribute of path (not
 * followed), for tests that craft upper dirs (busybox has no setfattr). get prints the value, or
 * the errno name (ENODATA when there is none); exit 0 on success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include "vpstest.h"

int vpstest_xattr(int argc, char **argv)
{
	char value[4096];
	ssize_t n;

	if (argc == 5 && !strcmp(argv[1], "set")) {
		if (lsetxattr(argv[2], argv[3], argv[4], strlen(argv[4]), 0) == 0)
			return 0;
		printf("%s\n", vpstest_errname(errno));
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "get")) {
		n = lgetxattr(argv[2], argv[3], value, sizeof(value));
		if (n < 0) {
			printf("%s\n", vpstest_errname(errno));
			return 1;
		}
		printf("%.*s\n", (int)n, value);
		return 0;
	}
	fprintf(stderr, "usage: vpstest xattr set <path> <name> <value> | get <path> <name>\n");
	return 2;
}
