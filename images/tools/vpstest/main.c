#include <stdio.h>
#include <string.h>
#include "vpstest.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} tests[] = {
	{ "syscalls", vpstest_syscalls },
	{ "cpu", vpstest_cpu },
	{ "forkexec", vpstest_forkexec },
	{ "forkbomb", vpstest_forkbomb },
	{ "memhog", vpstest_memhog },
	{ "fill", vpstest_fill },
	{ "openfiles", vpstest_openfiles },
	{ "connflood", vpstest_connflood },
	{ "listen", vpstest_listen },
	{ "cpuhog", vpstest_cpuhog },
	{ "cpushare", vpstest_cpushare },
	{ "spoof", vpstest_spoof },
	{ "udprecv", vpstest_udprecv },
	{ "escape", vpstest_escape },
	{ "chrootescape", vpstest_chrootescape },
	{ "inotify", vpstest_inotify },
	{ "bpf", vpstest_bpf },
	{ "ra", vpstest_ra },
	{ "userns", vpstest_userns },
	{ "cgroup-limit", vpstest_cgroup_limit },
	{ "fdhold", vpstest_fdhold },
	{ "fdunshare", vpstest_fdunshare },
	{ "vmfork", vpstest_vmfork },
	{ "capfork", vpstest_capfork },
	{ "tiocsti", vpstest_tiocsti },
	{ "ptyrun", vpstest_ptyrun },
	{ "catchenter", vpstest_catchenter },
	{ "migsend", vpstest_migsend },
	{ "xattr", vpstest_xattr },
	{ "ckpt", vpstest_ckpt },
	{ "itimer", vpstest_itimer },
	{ "ptimer", vpstest_ptimer },
	{ "lock", vpstest_lock },
};

int vpstest_main(int argc, char **argv)
{
	for (size_t i = 0; argc > 1 && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(argv[1], tests[i].name))
			return tests[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "usage: vpstest <test> [args]; tests:");
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		fprintf(stderr, " %s", tests[i].name);
	fprintf(stderr, "\n");
	return 2;
}
