/* vpstest: the one in-guest helper the guest tests and the benchmark run (one subcommand per
 * file). The hostile workloads stop at the first refusal and print what they got, one line:
 * "<what> <count> <ERRNO>"; with --hold they then keep what they took until killed. */
#ifndef VPSTEST_H
#define VPSTEST_H

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
int vpstest_migsend(int argc, char **argv);
int vpstest_xattr(int argc, char **argv);

/* common.c */
/* A non-negative decimal, or -1. */
long vpstest_count(const char *s);
/* "EPERM" for EPERM, ... (strerror for the rest). */
const char *vpstest_errname(int e);
/* Flush stdout and sleep until killed. */
void vpstest_hold(void) __attribute__((noreturn));

#endif
