/* Where a VPS lives at run time (cgroup, host veth, pid file) and whether it runs. */
#ifndef VPS_RUNTIME_H
#define VPS_RUNTIME_H

#include <stdint.h>
#include <sys/types.h>
#include "../common/error.h"
#include "config.h"

#define VPS_CGROUP_ROOT "/sys/fs/cgroup/vps"
/* The processes of VPS <id> live in VPS_CGROUP_ROOT/<id>/leaf, below the cgroup that carries its
 * limits: its cgroup namespace starts at the leaf, so the limits are outside its view. */
#define VPS_CGROUP_LEAF "leaf"
#define VPS_RUN_DIR "/run/vps"
#define VPS_TEMPLATE "/usr/share/vps/template"
#define VPS_DEV "/dev/vps"
/* The host side of every VPS veth carries this address; VPS use it as their gateway. */
#define VPS_GATEWAY4 "169.254.0.1"

enum vps_state { VPS_STOPPED, VPS_RUNNING, VPS_SUSPENDED };

struct vps_runtime {
	enum vps_state state;
	pid_t init_pid;		/* host pid of the VPS init, 0 when stopped */
	long nprocs;		/* pids.current of its cgroup */
	long long mem_bytes;	/* memory.current */
};

void vps_cgroup_path(unsigned int id, char *buf, size_t len);
void vps_cgroup_leaf_path(unsigned int id, char *buf, size_t len);
void vps_veth_name(unsigned int id, char *buf, size_t len);
void vps_pidfile_path(unsigned int id, char *buf, size_t len);
void vps_config_path(unsigned int id, char *buf, size_t len);
/* Fill rt from the cgroup and pid file; a VPS whose cgroup is gone is stopped. */
void vps_runtime_read(unsigned int id, struct vps_runtime *rt);
const char *vps_state_name(enum vps_state s);
/* Load /etc/vps/vps_<id>.conf (or path when not NULL). */
int vps_load_config(unsigned int id, const char *path, struct vps_config *cfg, struct vps_err *err);
/* The capability bounding set of a VPS from its config. */
unsigned long long vps_config_caps(const struct vps_config *cfg);
/* Register/unregister the context with vps.ko through /dev/vps. */
int vps_module_add(unsigned int id, pid_t init_pid, const char *name, struct vps_err *err);
int vps_module_del(unsigned int id, struct vps_err *err);
/* The capability bounding set of a task (CapBnd in /proc/<pid>/status); -1 if it is gone. */
int vps_task_capbnd(pid_t pid, uint64_t *caps);
/* A limit vps.ko enforces: res is "files", "tcpsock" or "virt" (kB). */
int vps_module_limit(unsigned int id, const char *res, uint64_t soft, uint64_t hard, struct vps_err *err);
/* Drop capabilities (a CAP_* bit mask) from every task of a running context. */
int vps_module_capdrop(unsigned int id, uint64_t caps, struct vps_err *err);

#endif
