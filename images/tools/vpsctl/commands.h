/* One function per vpsctl subcommand; main.c dispatches on argv[1]. */
#ifndef VPS_COMMANDS_H
#define VPS_COMMANDS_H

#include "../common/error.h"

extern int opt_json;	/* --json given: list/show print JSON */

int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_argshow(int argc, char **argv);
int cmd_limit(int argc, char **argv);
int cmd_priv(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_execin(int argc, char **argv);
int cmd_execwt(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_suspend(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_showdump(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_receive(int argc, char **argv);

/* "vpsctl: <msg>" on stderr; returns the exit code 1. */
int fail(const struct vps_err *err);
/* Usage error: one line naming the problem and the command's synopsis; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
