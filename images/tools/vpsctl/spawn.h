/* clone3 with new namespaces and CLONE_INTO_CGROUP: the child is in its cgroup from its first instruction. */
#ifndef VPS_SPAWN_H
#define VPS_SPAWN_H

#include <sys/types.h>
#include "../common/error.h"

/* Like fork(): returns the child's pid in the parent, 0 in the child, -1 with errno on failure. */
pid_t vps_clone_into(unsigned long long ns_flags, int cgroup_fd);
/* A pidfd of pid (host pid: open it before entering the VPS's pid namespace); -1 with errno. */
int vps_pidfd_open(pid_t pid);
/* setns() into the mnt, uts, ipc, net and pid namespaces of a VPS's init (a pidfd); the user and
 * cgroup namespaces stay the host's (the caller still needs host rights, e.g. to clone into the
 * VPS's cgroup, which nsdelegate allows only from outside its cgroup namespace). */
int vps_enter_namespaces(int init_pidfd);
/* In a child of such a caller, once in the VPS's cgroup: enter the user and cgroup namespaces of
 * VPS id's init (a pidfd), as root of its user namespace (host ids of the VPS's range); from here
 * on the process has no rights on the host. */
int vps_enter_user(int init_pidfd, unsigned int id, struct vps_err *err);

/* Run fn(arg) in a child that has entered the network namespace of pid; its error comes back. */
int vps_in_netns(pid_t pid, int (*fn)(void *arg, struct vps_err *err), void *arg, struct vps_err *err);

#endif
