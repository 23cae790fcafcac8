/* vpstest: the one in-guest helper the guest tests and the benchmark run (one subcommand per
 * file). The hostile workloads stop at the first refusal and print what they got, one line:
 * "<what> <count> <ERRNO>"; with --hold they then keep what they took until killed. */
#ifndef VPSTEST_H
#define VPSTEST_H

#include <sys/types.h>

int vpstest_syscalls(int argc, char **argv);
int vpstest_cpu(int argc, char **argv);
int vpstest_forkexec(int argc, char **argv);
int vpstest_forkbomb(int argc, char **argv);
int vpstest_memhog(int argc, char **argv);
int vpstest_fill(int argc, char **argv);
int vpstest_openfiles(int argc, char **argv);
int vpstest_connflood(int argc, char **argv);
int vpstest_listen(int argc, char **argv);
int vpstest_cpuhog(int argc, char **argv);
int vpstest_cpushare(int argc, char **argv);
int vpstest_spoof(int argc, char **argv);
int vpstest_udprecv(int argc, char **argv);
int vpstest_escape(int argc, char **argv);
int vpstest_chrootescape(int argc, char **argv);
int vpstest_inotify(int argc, char **argv);
int vpstest_bpf(int argc, char **argv);
int vpstest_ra(int argc, char **argv);
int vpstest_userns(int argc, char **argv);
int vpstest_cgroup_limit(int argc, char **argv);
int vpstest_fdhold(int argc, char **argv);
int vpstest_fdunshare(int argc, char **argv);
int vpstest_vmfork(int argc, char **argv);
int vpstest_capfork(int argc, char **argv);
int vpstest_tiocsti(int argc, char **argv);
int vpstest_ptyrun(int argc, char **argv);
int vpstest_catchenter(int argc, char **argv);
int vpstest_migsend(int argc, char **argv);
int vpstest_xattr(int argc, char **argv);
int vpstest_ckpt(int argc, char **argv);
int vpstest_itimer(int argc, char **argv);
int vpstest_ptimer(int argc, char **argv);
int vpstest_lock(int argc, char **argv);

/* common.c */
/* A non-negative decimal, or -1. */
long vpstest_count(const char *s);
/* "EPERM" for EPERM, ... (strerror for the rest). */
const char *vpstest_errname(int e);
/* Fork a child that sleeps until parent dies (killed with it); the fork's errno, or 0. */
int vpstest_fork_waiter(pid_t parent);
/* Open /dev/null until refused or max are open; *n gets how many; the refusal's errno, or 0. */
int vpstest_open_until_refused(long max, long *n);
/* errno when a system call's ret says it failed, else 0. */
int vpstest_errno(long ret);
/* Open path with flags and close it again: the errno, or 0. */
int vpstest_open_errno(const char *path, int flags);
/* Flush stdout and sleep until killed. */
void vpstest_hold(void) __attribute__((noreturn));

#endif
