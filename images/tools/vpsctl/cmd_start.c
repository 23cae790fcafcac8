/* vpsctl start <id> [config]: namespaces, cgroup, root, veth, INIT as pid 1 — or nothing at all. */
#include <stdio.h>
#include "commands.h"
#include "lifecycle.h"

int cmd_start(int argc, char **argv)
{
	struct vps_config cfg;
	struct vps_err err = { 0 };
	unsigned int id;
	pid_t pid = 0;

	if (argc < 2 || argc > 3)
		return usage_error("start", "expects an id and optionally a config file");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_start(id, argc == 3 ? argv[2] : NULL, &pid, &cfg, &err) < 0)
		return fail(&err);
	printf("VPS %u (%s) started, init pid %d\n", id, cfg.name, (int)pid);
	return 0;
}
