#include "limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "cgroup.h"
#include "disk.h"
#include "netlink.h"
#include "runtime.h"
#include "spawn.h"
#include "util.h"

#define NOFILE_DEFAULT_CUR 1024	/* the kernel's INR_OPEN_CUR / INR_OPEN_MAX: no files limit */
#define NOFILE_DEFAULT_MAX 4096
#define NR_OPEN_MAX (1024 * 1024)	/* fs.nr_open: RLIMIT_NOFILE cannot go higher */

static const struct vps_limit none = { 0, VPS_UNLIMITED, VPS_UNLIMITED };

static const struct vps_limit *limit_of(const struct vps_config *cfg, enum vps_resource r)
{
	return cfg->limits[r].set ? &cfg->limits[r] : &none;
}

static rlim_t rlim(uint64_t v)
{
	return v == VPS_UNLIMITED ? RLIM_INFINITY : (rlim_t)v;
}

static void rlimits_of(const struct vps_config *cfg, struct rlimit *as, struct rlimit *nofile)
{
	const struct vps_limit *virt = limit_of(cfg, RES_VIRT), *files = limit_of(cfg, RES_FILES);

	as->rlim_cur = rlim(virt->soft);
	as->rlim_max = rlim(virt->hard);
	if (files->hard == VPS_UNLIMITED) {
		nofile->rlim_cur = NOFILE_DEFAULT_CUR;
		nofile->rlim_max = NOFILE_DEFAULT_MAX;
	} else {
		nofile->rlim_cur = nofile->rlim_max = files->hard > NR_OPEN_MAX ? NR_OPEN_MAX : (rlim_t)files->hard;
	}
}

int vps_limits_self(const struct vps_config *cfg, struct vps_err *err)
{
	struct rlimit as, nofile;

	rlimits_of(cfg, &as, &nofile);
	if (setrlimit(RLIMIT_AS, &as) < 0)
		return vps_error(err, errno, "virt: set RLIMIT_AS");
	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return vps_error(err, errno, "files: set RLIMIT_NOFILE");
	return 0;
}

/* prlimit one resource on every process of the running VPS. */
static int rlimit_all(unsigned int id, int resource, const struct rlimit *rl, struct vps_err *err)
{
	char path[256], buf[16384];

	snprintf(path, sizeof(path), VPS_CGROUP_ROOT "/%u/" VPS_CGROUP_LEAF "/cgroup.procs", id);
	if (read_file(path, buf, sizeof(buf), err) < 0)
		return -1;
	for (char *p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		p = end;
		if (pid > 0 && prlimit((pid_t)pid, resource, rl, NULL) < 0 && errno != ESRCH)
			return vps_error(err, errno, "set the %s of pid %ld", resource == RLIMIT_AS ? "RLIMIT_AS" : "RLIMIT_NOFILE",
					 pid);
	}
	return 0;
}

/* bytes -> kB for vps.ko, rounded up */
static uint64_t kb(uint64_t v)
{
	return v == VPS_UNLIMITED ? v : v / 1024 + (v % 1024 != 0);
}

static int module_limit(const struct vps_config *cfg, enum vps_resource r, struct vps_err *err)
{
	const struct vps_limit *l = limit_of(cfg, r);

	if (r == RES_VIRT)
		return vps_module_limit(cfg->id, "virt", kb(l->soft), kb(l->hard), err);
	return vps_module_limit(cfg->id, vps_resource_name(r), l->soft, l->hard, err);
}

int vps_limits_shape(const struct vps_config *cfg, const char *ifname, struct vps_err *err)
{
	const struct vps_limit *l = limit_of(cfg, RES_NETSPEED);
	uint64_t rate = l->soft, peak = l->hard;

	if (rate == VPS_UNLIMITED && peak == VPS_UNLIMITED)
		return nl_qdisc_root_del(ifname, err);
	if (rate == VPS_UNLIMITED || rate == peak) {	/* one rate: no burst above it */
		rate = peak;
		peak = 0;
	} else if (peak == VPS_UNLIMITED) {
		peak = 0;
	}
	if (rate < 8)
		return vps_error(err, EINVAL, "netspeed: %llu bits/s is below one byte per second", (unsigned long long)rate);
	if (nl_tbf_set(ifname, rate / 8, peak / 8, err) < 0)
		return vps_error_wrap(err, "netspeed");
	return 0;
}

int vps_limits_start(const struct vps_config *cfg, struct vps_err *err)
{
	static const enum vps_resource module_res[] = { RES_FILES, RES_TCPSOCK, RES_VIRT };
	char dev[32];

	for (size_t i = 0; i < sizeof(module_res) / sizeof(module_res[0]); i++)
		if (limit_of(cfg, module_res[i]) != &none && module_limit(cfg, module_res[i], err) < 0)
			return vps_error_wrap(err, "%s", vps_resource_name(module_res[i]));
	if (cfg->limits[RES_BLOCKIO].set && vps_disk_device(cfg, dev, sizeof(dev)) == 0 &&
	    vps_cgroup_apply(cfg, RES_BLOCKIO, dev, err) < 0)
		return vps_error_wrap(err, "blockio");
	return 0;
}

struct shape_arg {
	const struct vps_config *cfg;
	const char *ifname;
};

static int shape_in_netns(void *arg, struct vps_err *err)
{
	const struct shape_arg *a = arg;

	return vps_limits_shape(a->cfg, a->ifname, err);
}

int vps_limit_apply(const struct vps_config *cfg, enum vps_resource r, pid_t init_pid, char *note, size_t len,
		    struct vps_err *err)
{
	const struct vps_limit *l = limit_of(cfg, r);
	struct rlimit as, nofile;
	struct shape_arg arg = { cfg, "eth0" };
	char dev[32], host[32];

	note[0] = '\0';
	rlimits_of(cfg, &as, &nofile);
	switch (r) {
	case RES_PROCS:
	case RES_THREADS:
	case RES_PHYS:
	case RES_PCTCPU:
		return vps_cgroup_apply(cfg, r, NULL, err);
	case RES_VIRT:
		if (module_limit(cfg, r, err) < 0)
			return -1;
		return rlimit_all(cfg->id, RLIMIT_AS, &as, err);
	case RES_FILES:
		if (module_limit(cfg, r, err) < 0)
			return -1;
		return rlimit_all(cfg->id, RLIMIT_NOFILE, &nofile, err);
	case RES_TCPSOCK:
		return module_limit(cfg, r, err);
	case RES_DISK:
		if (cfg->root_mount[0])
			return vps_error(err, 0, "disk: VPS %u mounts its root with ROOT_MOUNT; vpsctl cannot size it", cfg->id);
		return vps_disk_resize(cfg, l->soft, l->hard, err);
	case RES_BLOCKIO:
		if (vps_disk_device(cfg, dev, sizeof(dev)) < 0) {
			snprintf(note, len, "not enforced: the root of VPS %u is not on a block device (it has no disk limit)",
				 cfg->id);
			return 0;
		}
		return vps_cgroup_apply(cfg, r, dev, err);
	case RES_NETSPEED:
		vps_veth_name(cfg->id, host, sizeof(host));
		if (vps_limits_shape(cfg, host, err) < 0)
			return -1;
		return vps_in_netns(init_pid, shape_in_netns, &arg, err);
	default:
		return 0;
	}
}

void vps_limit_mechanism(const struct vps_config *cfg, enum vps_resource r, char *buf, size_t len)
{
	char mnt[PATH_MAX + 8], img[PATH_MAX + 16], dev[32];

	switch (r) {
	case RES_PHYS:
		snprintf(buf, len, "cgroup memory.high (soft: throttled and reclaimed above) / memory.max (hard: OOM kill inside the VPS)");
		break;
	case RES_VIRT:
		snprintf(buf, len, "RLIMIT_AS soft/hard of every process; vps.ko: all processes together (hard refused, soft logged)");
		break;
	case RES_PCTCPU:
		snprintf(buf, len, "cgroup cpu.weight (soft: share when the CPU is contended) / cpu.max (hard: cap)");
		break;
	case RES_BLOCKIO:
		if (vps_disk_device(cfg, dev, sizeof(dev)) == 0)
			snprintf(buf, len, "cgroup io.max rbps/wbps on %s, the disk image (hard; soft advisory)", dev);
		else if (vps_disk_limited(cfg))
			snprintf(buf, len, "cgroup io.max rbps/wbps on the disk image's loop device, once started (hard; soft advisory)");
		else
			snprintf(buf, len, "not enforced: the root of VPS %u is not on a block device (it has no disk limit)", cfg->id);
		break;
	case RES_THREADS:
		snprintf(buf, len, "cgroup pids.max (hard, the tighter of procs and threads; soft advisory)");
		break;
	case RES_PROCS:
		snprintf(buf, len, "cgroup pids.max (hard; soft advisory)");
		break;
	case RES_DISK:
		vps_disk_paths(cfg, mnt, sizeof(mnt), img, sizeof(img));
		if (vps_disk_limited(cfg))
			snprintf(buf, len, "filesystem image %s on a loop device: its size (hard), root-reserved blocks (hard - soft)", img);
		else if (cfg->root_mount[0])
			snprintf(buf, len, "not enforced: ROOT_MOUNT mounts the root");
		else
			snprintf(buf, len, "none: the private files share the host's filesystem");
		break;
	case RES_FILES:
		snprintf(buf, len, "vps.ko at alloc_fd, dup2/dup3 and the table copy of fork: descriptors of all processes (hard refused, soft logged); RLIMIT_NOFILE = hard");
		break;
	case RES_TCPSOCK:
		snprintf(buf, len, "vps.ko netfilter hooks in the VPS netns: TCP connections (hard refused, soft logged)");
		break;
	case RES_NETSPEED:
		snprintf(buf, len, "tbf qdisc on eth0 and vps%u: rate (soft: sustained) / peak rate (hard: bursts)", cfg->id);
		break;
	default:
		snprintf(buf, len, "unknown");
	}
}
