/* vpstest syscalls: every system call our tools, busybox and glibc rely on must exist in the guest
 * kernel. Each is called with invalid arguments (all -1): an implemented call fails with EFAULT,
 * EINVAL, EBADF, ... and does nothing; only a call the kernel lacks fails with ENOSYS (futex is
 * the exception: an unknown futex op is ENOSYS, so it gets a valid no-op). keyctl and fanotify are
 * left out on purpose: nothing in the guest uses them and the lean kernel has neither. */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vpstest.h"

#define SC(name) { #name, SYS_##name }

static const struct {
	const char *name;
	long nr;
} calls[] = {
	SC(nanosleep), SC(clock_nanosleep), SC(clock_nanosleep_time64), SC(clock_gettime64),
	SC(futex), SC(futex_time64), SC(clone3), SC(pidfd_open), SC(pidfd_send_signal),
	SC(setns), SC(unshare), SC(pivot_root), SC(mount), SC(umount2), SC(sethostname),
	SC(setdomainname), SC(prctl), SC(capget), SC(capset), SC(close_range), SC(pipe2),
	SC(epoll_create1), SC(epoll_pwait), SC(eventfd2), SC(signalfd4), SC(timerfd_create),
	SC(timerfd_settime64), SC(inotify_init1), SC(getrandom), SC(statx), SC(openat2),
	SC(memfd_create), SC(copy_file_range), SC(renameat2), SC(faccessat2), SC(sched_getaffinity),
	SC(prlimit64), SC(fallocate), SC(sendfile64), SC(splice), SC(flock), SC(name_to_handle_at),
	SC(seccomp), SC(membarrier), SC(rseq), SC(io_setup), SC(mq_open), SC(shmget), SC(semget),
	SC(msgget), SC(process_vm_readv), SC(kcmp), SC(ppoll_time64), SC(pselect6_time64),
	SC(utimensat_time64), SC(socket), SC(socketpair), SC(set_robust_list), SC(setitimer),
	SC(sysinfo), SC(getdents64), SC(fstatat64), SC(statfs64), SC(ioprio_get), SC(sync_file_range),
	SC(syncfs), SC(tee), SC(vmsplice), SC(userfaultfd), SC(mlock2), SC(bpf), SC(waitid),
};

/* Calls whose invalid-argument answer is ENOSYS get harmless valid arguments instead. */
static long probe(long nr)
{
	if (nr == SYS_futex || nr == SYS_futex_time64)
		return syscall(nr, 0L, 1L /* FUTEX_WAKE */, 0L, 0L, 0L, 0L);
	return syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L);
}

int vpstest_syscalls(int argc, char **argv)
{
	int missing = 0;
	size_t n = sizeof(calls) / sizeof(calls[0]);

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < n; i++) {
		long r = probe(calls[i].nr);
		if (r < 0 && errno == ENOSYS) {
			printf("ENOSYS %s (%ld)\n", calls[i].name, calls[i].nr);
			missing++;
		}
	}
	printf("%zu system calls checked, %d missing\n", n, missing);
	return missing ? 1 : 0;
}
