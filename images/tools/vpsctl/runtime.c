#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "caps.h"
#include "util.h"

void vps_cgroup_path(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, VPS_CGROUP_ROOT "/%u", id);
}

void vps_cgroup_leaf_path(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, VPS_CGROUP_ROOT "/%u/" VPS_CGROUP_LEAF, id);
}

void vps_veth_name(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, "vps%u", id);
}

void vps_pidfile_path(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, VPS_RUN_DIR "/%u.pid", id);
}

void vps_config_path(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, VPS_CONF_DIR "/vps_%u.conf", id);
}

static long read_long(const char *path)
{
	char buf[64];
	struct vps_err ignored;

	if (read_file(path, buf, sizeof(buf), &ignored) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

void vps_runtime_read(unsigned int id, struct vps_runtime *rt)
{
	char cg[256], path[320], buf[256];
	struct vps_err ignored;

	memset(rt, 0, sizeof(*rt));
	vps_cgroup_path(id, cg, sizeof(cg));
	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	if (read_file(path, buf, sizeof(buf), &ignored) < 0 || !strstr(buf, "populated 1"))
		return;
	rt->state = strstr(buf, "frozen 1") ? VPS_SUSPENDED : VPS_RUNNING;
	vps_pidfile_path(id, path, sizeof(path));
	rt->init_pid = read_long(path) > 0 ? (pid_t)read_long(path) : 0;
	if (rt->init_pid && kill(rt->init_pid, 0) < 0)
		rt->init_pid = 0;
	snprintf(path, sizeof(path), "%s/pids.current", cg);
	rt->nprocs = read_long(path);
	snprintf(path, sizeof(path), "%s/memory.current", cg);
	rt->mem_bytes = read_long(path);
}

const char *vps_state_name(enum vps_state s)
{
	switch (s) {
	case VPS_RUNNING:
		return "running";
	case VPS_SUSPENDED:
		return "suspended";
	default:
		return "stopped";
	}
}

int vps_load_config(unsigned int id, const char *path, struct vps_config *cfg, struct vps_err *err)
{
	char def[PATH_MAX];

	vps_config_init(cfg, id);
	if (!path) {
		vps_config_path(id, def, sizeof(def));
		if (access(def, F_OK) < 0 && errno == ENOENT)
			return vps_error(err, 0, "VPS %u has no config `%s` (create it with `vpsctl create %u`)",
					 id, def, id);
		path = def;
	}
	return vps_config_parse(path, cfg, err);
}

unsigned long long vps_config_caps(const struct vps_config *cfg)
{
	return (vps_caps_default() | cfg->priv_allow) & ~cfg->priv_nosys;
}

static int module_write(const char *cmd, struct vps_err *err)
{
	cleanup_close int fd = open(VPS_DEV, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return vps_error(err, errno, "open `%s` (is vps.ko loaded?)", VPS_DEV);
	if (write(fd, cmd, strlen(cmd)) < 0)
		return vps_error(err, errno, "write `%.*s` to `%s`", (int)strcspn(cmd, "\n"), cmd, VPS_DEV);
	return 0;
}

int vps_module_add(unsigned int id, pid_t init_pid, const char *name, struct vps_err *err)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "add %u %d %s\n", id, (int)init_pid, name);
	return module_write(cmd, err);
}

int vps_module_del(unsigned int id, struct vps_err *err)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "del %u\n", id);
	if (module_write(cmd, err) < 0 && err->errnum != ENOENT)
		return -1;
	return 0;
}

int vps_module_limit(unsigned int id, const char *res, uint64_t soft, uint64_t hard, struct vps_err *err)
{
	char cmd[128], s[24], h[24];

	if (soft == VPS_UNLIMITED)
		snprintf(s, sizeof(s), "unlimited");
	else
		snprintf(s, sizeof(s), "%llu", (unsigned long long)soft);
	if (hard == VPS_UNLIMITED)
		snprintf(h, sizeof(h), "unlimited");
	else
		snprintf(h, sizeof(h), "%llu", (unsigned long long)hard);
	snprintf(cmd, sizeof(cmd), "limit %u %s %s %s\n", id, res, s, h);
	return module_write(cmd, err);
}

int vps_module_capdrop(unsigned int id, uint64_t caps, struct vps_err *err)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "capdrop %u %llx\n", id, (unsigned long long)caps);
	return module_write(cmd, err);
}

int vps_task_capbnd(pid_t pid, uint64_t *caps)
{
	char path[64], buf[4096], *p;
	struct vps_err ignored;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf), &ignored) < 0 || !(p = strstr(buf, "\nCapBnd:")))
		return -1;
	*caps = strtoull(p + 8, NULL, 16);
	return 0;
}
