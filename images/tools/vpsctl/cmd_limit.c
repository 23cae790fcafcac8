/* vpsctl limit <id> res:soft:hard,...: change limits in the config and, on a running VPS, live —
 * all of them or none. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "limits.h"
#include "runtime.h"

/* Put back what was applied before a later step failed. */
static void revert(const struct vps_config *old, const int *done, pid_t init_pid)
{
	struct vps_err ignored;
	char note[256];

	for (int r = RES_COUNT - 1; r >= 0; r--)
		if (done[r])
			vps_limit_apply(old, r, init_pid, note, sizeof(note), &ignored);
}

int cmd_limit(int argc, char **argv)
{
	struct vps_config cfg, next, listed;
	struct vps_runtime rt;
	struct vps_err err = { 0 };
	char notes[RES_COUNT][256];
	int done[RES_COUNT] = { 0 };
	unsigned int id;
	int running;

	if (argc < 3)
		return usage_error("limit", "expects an id and at least one resource:soft:hard");
	if (vps_parse_id(argv[1], &id, &err) < 0 || vps_load_config(id, NULL, &cfg, &err) < 0)
		return fail(&err);
	next = cfg;
	vps_config_init(&listed, id);
	for (int i = 2; i < argc; i++) {
		if (vps_parse_limits(argv[i], &listed, &err) < 0 || vps_parse_limits(argv[i], &next, &err) < 0) {
			vps_error_wrap(&err, "limit VPS %u", id);
			return fail(&err);
		}
	}
	vps_runtime_read(id, &rt);
	running = rt.state != VPS_STOPPED && rt.init_pid > 0;
	for (int r = 0; r < RES_COUNT && running; r++) {
		if (!listed.limits[r].set)
			continue;
		if (vps_limit_apply(&next, r, rt.init_pid, notes[r], sizeof(notes[r]), &err) < 0) {
			revert(&cfg, done, rt.init_pid);
			vps_error_wrap(&err, "limit VPS %u", id);
			return fail(&err);
		}
		done[r] = 1;
	}
	if (vps_config_write(cfg.path, &next, &err) < 0) {
		if (running)
			revert(&cfg, done, rt.init_pid);
		vps_error_wrap(&err, "limit VPS %u", id);
		return fail(&err);
	}
	for (int r = 0; r < RES_COUNT; r++) {
		char soft[32], hard[32];

		if (!listed.limits[r].set)
			continue;
		vps_limit_value_format(r, next.limits[r].soft, soft, sizeof(soft));
		vps_limit_value_format(r, next.limits[r].hard, hard, sizeof(hard));
		if (!running)
			printf("VPS %u: %s:%s:%s saved (VPS %u is stopped: it applies at start)\n", id,
			       vps_resource_name(r), soft, hard, id);
		else if (notes[r][0])
			printf("VPS %u: %s:%s:%s saved; %s\n", id, vps_resource_name(r), soft, hard, notes[r]);
		else
			printf("VPS %u: %s:%s:%s applied\n", id, vps_resource_name(r), soft, hard);
	}
	return 0;
}
