/* One static binary for all guest tools (static glibc costs ~600 KB per binary): the name it is
 * run as picks the tool, as in busybox. `vps-tools <tool> [args]` works too. */
#include <stdio.h>
#include <string.h>

int vpsctl_main(int argc, char **argv);
int vpsd_main(int argc, char **argv);
int vpstest_main(int argc, char **argv);
int vpsinit_hostsetup_main(int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} tools[] = {
	{ "vpsctl", vpsctl_main },
	{ "vpsd", vpsd_main },
	{ "vpstest", vpstest_main },
	{ "vps-hostsetup", vpsinit_hostsetup_main },
};

static int (*find(const char *path))(int, char **)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(base, tools[i].name))
			return tools[i].fn;
	return NULL;
}

int main(int argc, char **argv)
{
	int (*fn)(int, char **) = find(argv[0]);

	if (fn)
		return fn(argc, argv);
	if (argc > 1 && (fn = find(argv[1])))
		return fn(argc - 1, argv + 1);
	fprintf(stderr, "vps-tools: run as vpsctl, vpsd, vpstest or vps-hostsetup (or: vps-tools <tool> [args])\n");
	return 2;
}
