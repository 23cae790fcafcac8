/* vpsctl stop <id> | stop --all: TERM to the services, then kill what is left, then tear down. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "lifecycle.h"
#include "runtime.h"

static int stop_all(void)
{
	DIR *d = opendir(VPS_CGROUP_ROOT);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct vps_err err = { 0 };
		char *end;
		unsigned long id = strtoul(de->d_name, &end, 10);
		struct vps_runtime rt;

		if (*end || end == de->d_name)
			continue;
		vps_runtime_read((unsigned int)id, &rt);
		if (rt.state == VPS_STOPPED)
			continue;
		if (vps_stop((unsigned int)id, &err) < 0)
			rc = fail(&err);
		else
			printf("VPS %lu stopped\n", id);
	}
	closedir(d);
	return rc;
}

int cmd_stop(int argc, char **argv)
{
	struct vps_err err = { 0 };
	unsigned int id;

	if (argc == 2 && !strcmp(argv[1], "--all"))
		return stop_all();
	if (argc != 2)
		return usage_error("stop", "expects one id (or --all)");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_stop(id, &err) < 0)
		return fail(&err);
	printf("VPS %u stopped\n", id);
	return 0;
}
