/* Helpers the vpstest workloads share. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "vpstest.h"

long vpstest_count(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	return errno || *end || end == s || n < 0 ? -1 : n;
}

const char *vpstest_errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EEXIST: return "EEXIST";
	case EDQUOT: return "EDQUOT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENODEV: return "ENODEV";
	case ENOSYS: return "ENOSYS";
	case ENXIO: return "ENXIO";
	case ENOTTY: return "ENOTTY";
	case EIO: return "EIO";
	case ETXTBSY: return "ETXTBSY";
	case ENODATA: return "ENODATA";
	case ENOTSUP: return "ENOTSUP";
	default: return strerror(e);
	}
}

void vpstest_hold(void)
{
	fflush(stdout);
	for (;;)
		pause();
}

int vpstest_fork_waiter(pid_t parent)
{
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return 0;
}

int vpstest_open_until_refused(long max, long *n)
{
	for (*n = 0; *n < max; ++*n)
		if (open("/dev/null", O_RDONLY) < 0)
			return errno;
	return 0;
}

int vpstest_errno(long ret)
{
	return ret < 0 ? errno : 0;
}

int vpstest_open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}
