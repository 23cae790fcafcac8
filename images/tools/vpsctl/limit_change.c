/* Changing a VPS's limits: in its config and, on a running VPS, live — all of them or none. */
#include "limit_change.h"

#include <string.h>
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

int vps_limits_change(unsigned int id, char *const *lists, int n, struct vps_limit_change *c, struct vps_err *err)
{
	struct vps_config cfg;
	struct vps_runtime rt;
	int done[RES_COUNT] = { 0 };

	memset(c->notes, 0, sizeof(c->notes));
	if (vps_load_config(id, NULL, &cfg, err) < 0)
		return -1;
	c->next = cfg;
	vps_config_init(&c->listed, id);
	for (int i = 0; i < n; i++) {
		if (vps_parse_limits(lists[i], &c->listed, err) < 0 || vps_parse_limits(lists[i], &c->next, err) < 0)
			return vps_error_wrap(err, "limit VPS %u", id);
	}
	vps_runtime_read(id, &rt);
	c->running = rt.state != VPS_STOPPED && rt.init_pid > 0;
	for (int r = 0; r < RES_COUNT && c->running; r++) {
		if (!c->listed.limits[r].set)
			continue;
		if (vps_limit_apply(&c->next, r, rt.init_pid, c->notes[r], sizeof(c->notes[r]), err) < 0) {
			revert(&cfg, done, rt.init_pid);
			return vps_error_wrap(err, "limit VPS %u", id);
		}
		done[r] = 1;
	}
	if (vps_config_write(cfg.path, &c->next, err) < 0) {
		if (c->running)
			revert(&cfg, done, rt.init_pid);
		return vps_error_wrap(err, "limit VPS %u", id);
	}
	return 0;
}
