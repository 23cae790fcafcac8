/* Deleting a stopped VPS: its private files, root mount point and config. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "lifecycle.h"
#include "runtime.h"
#include "util.h"

int vps_destroy(unsigned int id, struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	char path[PATH_MAX];

	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	vps_runtime_read(id, &rt);
	if (rt.state != VPS_STOPPED)
		return vps_error(err, 0, "destroy: VPS %u is %s (stop it first)", id, vps_state_name(rt.state));
	/* Never remove a top-level directory: FSROOT paths are at least two levels deep. */
	if (!strchr(cfg.fsroot_priv + 1, '/') || !strchr(cfg.fsroot + 1, '/'))
		return vps_error(err, 0, "destroy: refusing to remove `%s` and `%s` (FSROOT and FSROOT_PRIV must be two "
				 "levels deep)", cfg.fsroot, cfg.fsroot_priv);
	if (rm_rf(cfg.fsroot_priv, err) < 0 || rm_rf(cfg.fsroot, err) < 0)
		return vps_error_wrap(err, "destroy VPS %u", id);
	vps_config_path(id, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return vps_error(err, errno, "destroy VPS %u: remove `%s`", id, path);
	return 0;
}
