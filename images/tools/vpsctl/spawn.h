/* clone3 with new namespaces and CLONE_INTO_CGROUP: the child is in its cgroup from its first instruction. */
#ifndef VPS_SPAWN_H
#define VPS_SPAWN_H

#include <sys/types.h>
#include "../common/error.h"

/* Like fork(): returns the child's pid in the parent, 0 in the child, -1 with errno on failure. */
pid_t vps_clone_into(unsigned long long ns_flags, int cgroup_fd);
/* setns() into every namespace of pid (mnt, uts, ipc, net, pid, cgroup) through a pidfd. */
int vps_enter_namespaces(pid_t pid);

/* Run fn(arg) in a child that has entered the network namespace of pid; its error comes back. */
int vps_in_netns(pid_t pid, int (*fn)(void *arg, struct vps_err *err), void *arg, struct vps_err *err);

#endif
