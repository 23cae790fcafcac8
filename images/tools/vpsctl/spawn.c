#include "spawn.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* struct clone_args of linux/sched.h (which clashes with glibc's sched.h). */
struct vps_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

pid_t vps_clone_into(unsigned long long ns_flags, int cgroup_fd)
{
	struct vps_clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = ns_flags;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int vps_enter_namespaces(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ret;

	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP);
	int saved = errno;
	close(fd);
	errno = saved;
	return ret;
}
