#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "devices.h"
#include "runtime.h"
#include "util.h"

int vps_cgroup_write(unsigned int id, const char *file, const char *value, struct vps_err *err)
{
	char path[256];

	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/%s", id, file);
	return write_file(path, value, err);
}

static void fmt_max(uint64_t v, char *buf, size_t len)
{
	if (v == VPS_UNLIMITED)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static uint64_t hard_of(const struct vps_limit *l)
{
	return l->set ? l->hard : VPS_UNLIMITED;
}

int vps_cgroup_apply(const struct vps_config *cfg, enum vps_resource r, const char *blockdev, struct vps_err *err)
{
	const struct vps_limit *l = cfg->limits;
	char v[96], a[32], b[32];
	uint64_t hard, weight;

	switch (r) {
	case RES_PROCS:
	case RES_THREADS:
		/* pids.max counts threads and processes alike: the tighter of the two applies. */
		hard = hard_of(&l[RES_PROCS]);
		if (hard_of(&l[RES_THREADS]) < hard)
			hard = hard_of(&l[RES_THREADS]);
		fmt_max(hard, v, sizeof(v));
		return vps_cgroup_write(cfg->id, "pids.max", v, err);
	case RES_PHYS:
		fmt_max(hard_of(&l[RES_PHYS]), a, sizeof(a));
		fmt_max(l[RES_PHYS].set ? l[RES_PHYS].soft : VPS_UNLIMITED, b, sizeof(b));
		if (vps_cgroup_write(cfg->id, "memory.max", a, err) < 0)
			return -1;
		return vps_cgroup_write(cfg->id, "memory.high", b, err);
	case RES_PCTCPU:
		hard = hard_of(&l[RES_PCTCPU]);
		if (hard == VPS_UNLIMITED)
			snprintf(v, sizeof(v), "max 100000");
		else
			snprintf(v, sizeof(v), "%llu 100000", (unsigned long long)hard * 1000);
		if (vps_cgroup_write(cfg->id, "cpu.max", v, err) < 0)
			return -1;
		/* the share under contention: soft percent against 100 for everybody else */
		weight = l[RES_PCTCPU].set && l[RES_PCTCPU].soft != VPS_UNLIMITED ? l[RES_PCTCPU].soft : 100;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)(weight > 10000 ? 10000 : weight));
		return vps_cgroup_write(cfg->id, "cpu.weight", v, err);
	case RES_BLOCKIO:
		if (!blockdev)
			return 0;
		hard = hard_of(&l[RES_BLOCKIO]);
		fmt_max(hard, a, sizeof(a));
		snprintf(v, sizeof(v), "%s rbps=%s wbps=%s", blockdev, a, a);
		return vps_cgroup_write(cfg->id, "io.max", v, err);
	default:
		return 0;
	}
}

/* Write the limits the cgroup enforces before anything runs in it (procs/threads, phys, pctcpu). */
static int apply_start_limits(const struct vps_config *cfg, struct vps_err *err)
{
	static const enum vps_resource rs[] = { RES_PROCS, RES_PHYS, RES_PCTCPU };

	for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		if (vps_cgroup_apply(cfg, rs[i], NULL, err) < 0)
			return -1;
	return 0;
}

int vps_cgroup_create(const struct vps_config *cfg, struct vps_err *err)
{
	char path[256], leaf[256];
	int fd;

	vps_cgroup_path(cfg->id, path, sizeof(path));
	if (mkdir(path, 0755) < 0)
		return vps_error(err, errno, "create cgroup `%s`", path);
	if (apply_start_limits(cfg, err) < 0) {
		rmdir(path);
		return vps_error_wrap(err, "set limits of VPS %u", cfg->id);
	}
	if (vps_devices_restrict(cfg->id, err) < 0) {
		rmdir(path);
		return -1;
	}
	vps_cgroup_leaf_path(cfg->id, leaf, sizeof(leaf));
	if (mkdir(leaf, 0755) < 0) {
		vps_error(err, errno, "create cgroup `%s`", leaf);
		rmdir(path);
		return -1;
	}
	fd = open(leaf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		vps_error(err, errno, "open cgroup `%s`", leaf);
		rmdir(leaf);
		rmdir(path);
		return -1;
	}
	return fd;
}

/* Wait until the group has no processes; returns 0 if empty, -1 with err on timeout. */
static int wait_empty(unsigned int id, int timeout_ms, struct vps_err *err)
{
	char path[256], buf[256];
	long long deadline = now_ms() + timeout_ms;
	struct vps_err ignored;

	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/cgroup.events", id);
	for (;;) {
		if (read_file(path, buf, sizeof(buf), &ignored) < 0 || strstr(buf, "populated 0"))
			return 0;
		if (now_ms() >= deadline)
			return vps_error(err, ETIMEDOUT, "wait for the processes of VPS %u to exit", id);
		sleep_ms(20);
	}
}

int vps_cgroup_kill(unsigned int id, int timeout_ms, struct vps_err *err)
{
	if (vps_cgroup_write(id, "cgroup.kill", "1", err) < 0 && err->errnum != ENOENT)
		return -1;
	return wait_empty(id, timeout_ms, err);
}

int vps_cgroup_remove(unsigned int id, struct vps_err *err)
{
	char path[256], leaf[256];

	vps_cgroup_leaf_path(id, leaf, sizeof(leaf));
	vps_cgroup_path(id, path, sizeof(path));
	/* The last tasks may still be leaving: rmdir says EBUSY until they are gone. */
	for (int i = 0; i < 100; i++) {
		if ((rmdir(leaf) == 0 || errno == ENOENT) && (rmdir(path) == 0 || errno == ENOENT))
			return 0;
		if (errno != EBUSY)
			break;
		sleep_ms(20);
	}
	return vps_error(err, errno, "remove cgroup `%s`", path);
}
