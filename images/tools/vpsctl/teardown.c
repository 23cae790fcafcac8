#include "teardown.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "cgroup.h"
#include "netlink.h"
#include "rootfs.h"
#include "runtime.h"

int vps_teardown(const struct vps_config *cfg, struct vps_err *err)
{
	struct vps_err step;
	char name[32], path[256];
	int failed = 0;

#define STEP(call) do { if ((call) < 0 && !failed++) *err = step; } while (0)
	STEP(vps_cgroup_kill(cfg->id, 5000, &step));
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
