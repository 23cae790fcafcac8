#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "idmap.h"

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
	/* a sibling (CLONE_PARENT) signals the parent as its cloner would; clone3 wants 0 then */
	args.exit_signal = ns_flags & CLONE_PARENT ? 0 : SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int vps_enter_namespaces(int init_pidfd)
{
	return setns(init_pidfd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID);
}

int vps_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int vps_enter_user(int init_pidfd, unsigned int id, struct vps_err *err)
{
	if (setns(init_pidfd, CLONE_NEWUSER | CLONE_NEWCGROUP) < 0)
		return vps_error(err, errno, "enter the user and cgroup namespaces of VPS %u", id);
	return vps_idmap_become_root(id, err);
}

int vps_in_netns(pid_t pid, int (*fn)(void *arg, struct vps_err *err), void *arg, struct vps_err *err)
{
	char path[64], msg[sizeof(err->msg)];
	int pipefd[2], status;
	ssize_t n;
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return vps_error(err, errno, "create a pipe");
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return vps_error(err, errno, "fork to enter the netns of pid %d", (int)pid);
	}
	if (child == 0) {
		struct vps_err e = { 0 };
		int fd;

		close(pipefd[0]);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			vps_error(&e, errno, "enter the network namespace of pid %d", (int)pid);
		else
			fn(arg, &e);
		if (e.msg[0] && write(pipefd[1], e.msg, strlen(e.msg)) < 0)
			_exit(2);
		_exit(e.msg[0] ? 1 : 0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], msg, sizeof(msg) - 1)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0) {
		msg[n] = '\0';
		return vps_error(err, 0, "%s", msg);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return vps_error(err, 0, "work in the network namespace of pid %d failed", (int)pid);
	return 0;
}
