/* vpsctl shell|execin|execwt: a process inside a running VPS — its namespaces, cgroup and bounding set. */
#include <stdio.h>
#include <sys/wait.h>
#include "commands.h"
#include "config.h"
#include "exec.h"

static int run_in_vps(const char *name, int argc, char **argv, char **cmd, enum vps_exec_mode mode)
{
	struct vps_err err = { 0 };
	unsigned int id;
	int result;

	if (argc < 2)
		return usage_error(name, "expects an id");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_exec(name, id, cmd, mode, &result, &err) < 0)
		return fail(&err);
	if (mode == VPS_EXEC_DETACH) {
		printf("%d\n", result);
		return 0;
	}
	if (WIFEXITED(result))
		return WEXITSTATUS(result);
	return 128 + WTERMSIG(result);
}

int cmd_shell(int argc, char **argv)
{
	char *sh[] = { "/bin/sh", "-l", NULL };

	if (argc != 2)
		return usage_error("shell", "expects one id");
	return run_in_vps("shell", argc, argv, sh, VPS_EXEC_WAIT);
}

int cmd_execwt(int argc, char **argv)
{
	if (argc < 3)
		return usage_error("execwt", "expects an id and a command");
	return run_in_vps("execwt", argc, argv, argv + 2, VPS_EXEC_WAIT);
}

int cmd_execin(int argc, char **argv)
{
	if (argc < 3)
		return usage_error("execin", "expects an id and a command");
	return run_in_vps("execin", argc, argv, argv + 2, VPS_EXEC_DETACH);
}
