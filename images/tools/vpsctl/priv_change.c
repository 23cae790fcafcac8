/* Changing a VPS's capability set: in its config and, where Linux allows it, in the running VPS.
 * A bounding set only shrinks: deny takes the capabilities from every running task (vps.ko has
 * each task drop them itself); allow waits for the next start. */
#include "priv_change.h"

#include <stdio.h>
#include <stdlib.h>
#include "caps.h"
#include "util.h"

#define DROP_WAIT_MS 5000

/* Tasks of the VPS (every thread: each has its own credentials) that still hold any of caps in
 * their bounding set. */
static int holding(unsigned int id, uint64_t caps)
{
	static char buf[65536];
	char path[256];
	struct vps_err ignored;
	int n = 0;

	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/" VPS_CGROUP_LEAF "/cgroup.threads", id);
	if (read_file(path, buf, sizeof(buf), &ignored) < 0)
		return 0;
	for (char *p = buf; *p;) {
		char *end;
		long tid = strtol(p, &end, 10);
		uint64_t bnd;

		if (end == p)
			break;
		p = end;
		if (tid > 0 && vps_task_capbnd((pid_t)tid, &bnd) == 0 && (bnd & caps))
			n++;
	}
	return n;
}

static int deny_live(unsigned int id, uint64_t drop, struct vps_err *err)
{
	long long deadline = now_ms() + DROP_WAIT_MS;
	char names[512];
	int left;

	if (vps_module_capdrop(id, drop, err) < 0)
		return -1;
	/* each task drops them on its way back to user space: wait for that */
	while ((left = holding(id, drop)) > 0 && now_ms() < deadline)
		sleep_ms(20);
	if (left > 0) {
		vps_caps_format(drop, names, sizeof(names));
		return vps_error(err, 0, "%d tasks of VPS %u still hold %s after %d ms", left, id, names, DROP_WAIT_MS);
	}
	return 0;
}

int vps_priv_change(unsigned int id, int deny, uint64_t mask, struct vps_priv_change *c, struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;

	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	vps_runtime_read(id, &rt);
	c->state = rt.state;
	c->running = 0;
	c->live = rt.state != VPS_STOPPED && rt.init_pid > 0 && vps_task_capbnd(rt.init_pid, &c->running) == 0;
	if (deny) {
		cfg.priv_allow &= ~mask;
		cfg.priv_nosys |= mask & vps_caps_default();
	} else {
		cfg.priv_nosys &= ~mask;
		cfg.priv_allow |= mask & ~vps_caps_default();
	}
	/* a frozen task runs its task_work when it thaws: nothing to wait for until then */
	if (deny && c->live && (mask & c->running) &&
	    (rt.state == VPS_SUSPENDED ? vps_module_capdrop(id, mask & c->running, err)
				       : deny_live(id, mask & c->running, err)) < 0)
		return vps_error_wrap(err, "priv VPS %u", id);
	if (vps_config_write(cfg.path, &cfg, err) < 0)
		return vps_error_wrap(err, "priv VPS %u", id);
	return 0;
}
