/* vpsctl suspend|resume <id>: freeze and thaw every process of a VPS (cgroup v2 cgroup.freeze). */
#include <stdio.h>
#include "commands.h"
#include "freeze.h"
#include "runtime.h"

static int suspend_resume(const char *name, int argc, char **argv, int frozen)
{
	struct vps_err err = { 0 };
	struct vps_runtime rt;
	unsigned int id;

	if (argc != 2)
		return usage_error(name, "expects one id");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	vps_runtime_read(id, &rt);
	if (rt.state == VPS_STOPPED)
		vps_error(&err, 0, "%s: VPS %u is not running", name, id);
	else if (frozen && rt.state == VPS_SUSPENDED)
		vps_error(&err, 0, "suspend: VPS %u is already suspended", id);
	else if (!frozen && rt.state != VPS_SUSPENDED)
		vps_error(&err, 0, "resume: VPS %u is not suspended", id);
	else if (vps_freeze(id, frozen, &err) == 0) {
		printf("VPS %u %s\n", id, frozen ? "suspended" : "resumed");
		return 0;
	}
	return fail(&err);
}

int cmd_suspend(int argc, char **argv)
{
	return suspend_resume("suspend", argc, argv, 1);
}

int cmd_resume(int argc, char **argv)
{
	return suspend_resume("resume", argc, argv, 0);
}
