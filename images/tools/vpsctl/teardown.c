#include "teardown.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "cgroup.h"
#include "netlink.h"
#include "rootfs.h"
#include "runtime.h"

/* How long killed processes get to leave their cgroup. */
#define TEARDOWN_KILL_WAIT_MS 5000

int vps_teardown(const struct vps_config *cfg, struct vps_err *err)
{
	struct vps_err step;
	char name[32], path[256];
	int failed = 0;

	/* While a process is left, the root and the cgroup are busy: undo nothing, so that the
	 * same command can finish the job once it is gone (the VPS still shows as running). */
	if (vps_cgroup_kill(cfg->id, TEARDOWN_KILL_WAIT_MS, &step) < 0)
		return vps_error(err, 0, "%s; nothing else was undone: run it again once they are gone", step.msg);
#define STEP(call) do { if ((call) < 0 && !failed++) *err = step; } while (0)
	STEP(vps_module_del(cfg->id, &step));
	vps_veth_name(cfg->id, name, sizeof(name));
	STEP(nl_link_del(name, 1, &step));
	STEP(vps_rootfs_unmount(cfg, &step));
	STEP(vps_cgroup_remove(cfg->id, &step));
#undef STEP
	vps_pidfile_path(cfg->id, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT && !failed++)
		vps_error(err, errno, "remove `%s`", path);
	return failed ? -1 : 0;
}
