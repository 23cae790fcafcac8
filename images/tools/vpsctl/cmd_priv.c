/* vpsctl priv <id> allow|deny cap,...: change the capability set in the config and, where Linux
 * allows it, in the running VPS. A bounding set only shrinks: deny takes the capabilities from
 * every running task (vps.ko has each task drop them itself); allow waits for the next start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "caps.h"
#include "commands.h"
#include "runtime.h"
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

int cmd_priv(int argc, char **argv)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	struct vps_err err = { 0 };
	uint64_t mask = 0, running = 0;
	char names[512], missing[512];
	unsigned int id;
	int deny, live;

	if (argc != 4)
		return usage_error("priv", "expects an id, allow or deny, and capabilities");
	if (strcmp(argv[2], "allow") && strcmp(argv[2], "deny"))
		return usage_error("priv", "`%s` is neither allow nor deny", argv[2]);
	deny = !strcmp(argv[2], "deny");
	if (vps_parse_id(argv[1], &id, &err) < 0)
		return fail(&err);
	if (vps_caps_parse(argv[3], &mask, &err) < 0 || (mask == 0 && vps_error(&err, 0, "no capability given"))) {
		vps_error_wrap(&err, "priv VPS %u", id);
		return fail(&err);
	}
	if (vps_load_config(id, NULL, &cfg, &err) < 0)
		return fail(&err);
	vps_runtime_read(id, &rt);
	live = rt.state != VPS_STOPPED && rt.init_pid > 0 && vps_task_capbnd(rt.init_pid, &running) == 0;
	if (deny) {
		cfg.priv_allow &= ~mask;
		cfg.priv_nosys |= mask & vps_caps_default();
	} else {
		cfg.priv_nosys &= ~mask;
		cfg.priv_allow |= mask & ~vps_caps_default();
	}
	vps_caps_format(mask, names, sizeof(names));
	/* a frozen task runs its task_work when it thaws: nothing to wait for until then */
	if (deny && live && (mask & running) &&
	    (rt.state == VPS_SUSPENDED ? vps_module_capdrop(id, mask & running, &err) : deny_live(id, mask & running, &err)) < 0) {
		vps_error_wrap(&err, "priv VPS %u", id);
		return fail(&err);
	}
	if (vps_config_write(cfg.path, &cfg, &err) < 0) {
		vps_error_wrap(&err, "priv VPS %u", id);
		return fail(&err);
	}
	if (!live) {
		printf("VPS %u: %s %s: saved (VPS %u is stopped: it applies at start)\n", id, argv[2], names, id);
	} else if (deny && rt.state == VPS_SUSPENDED) {
		printf("VPS %u: deny %s: saved; every process drops them when VPS %u resumes\n", id, names, id);
	} else if (deny) {
		printf("VPS %u: deny %s: dropped from every running process and saved\n", id, names);
	} else if (mask & ~running) {
		vps_caps_format(mask & ~running, missing, sizeof(missing));
		printf("VPS %u: allow %s: saved for the next start\n", id, names);
		fprintf(stderr, "vpsctl: priv: VPS %u keeps running without %s: Linux cannot add capabilities to the "
			"bounding set of running processes (restart VPS %u to apply)\n", id, missing, id);
	} else {
		printf("VPS %u: allow %s: saved (the running VPS has them already)\n", id, names);
	}
	return 0;
}
