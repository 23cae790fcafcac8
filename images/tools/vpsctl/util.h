/* Small file and process helpers shared by the vpsctl commands. */
#ifndef VPS_UTIL_H
#define VPS_UTIL_H

#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include "../common/error.h"

int write_file(const char *path, const char *text, struct vps_err *err);
/* Read up to len-1 bytes; returns bytes read, NUL-terminated. */
ssize_t read_file(const char *path, char *buf, size_t len, struct vps_err *err);
int mkdir_p(const char *path, mode_t mode, struct vps_err *err);
/* Remove a directory tree without crossing into other mounts. */
int rm_rf(const char *path, struct vps_err *err);
/* Run "/bin/sh -c cmd" with extra environment, wait, fail unless it exits 0. */
int run_shell(const char *what, const char *cmd, char *const extra_env[], struct vps_err *err);
/* 1 if path is the root of a mount (its mount id differs from its parent directory's). */
int is_mountpoint(const char *path);
/* Run argv (argv[0] a path) with stdout and stderr to /dev/null, wait, fail unless it exits 0. */
int run_quiet(const char *what, char *const argv[], struct vps_err *err);
/* Milliseconds of CLOCK_MONOTONIC. */
long long now_ms(void);
void sleep_ms(int ms);
/* Ignore SIGPIPE and block SIGINT, SIGTERM and SIGHUP (restore with sigprocmask(SIG_SETMASK, old)):
 * for the time a VPS is frozen or a transfer is half done. */
void hold_signals(sigset_t *old);
/* Print s as a JSON string literal (with quotes). */
void json_string(FILE *out, const char *s);

#endif
