/* Errors that name the operation and the object, with context added on the way up. */
#ifndef VPS_ERROR_H
#define VPS_ERROR_H

#include <stdarg.h>

/* The object an operation failed on (a path, a file, a command) is quoted in backticks:
 * "open `/etc/vps/vps_3.conf`". A value read from a config file or the command line is shown as
 * the config file writes it, "double-quoted" with \" \\ and \xNN escapes (config_grammar.h). */
struct vps_err {
	int errnum;		/* errno of the root cause, 0 if none */
	char msg[1024];		/* "operation `object`: cause" */
};

/* Fill err from fmt (and strerror(errnum) when errnum != 0); always returns -1. */
int vps_error(struct vps_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix err->msg with more context ("starting VPS 3: ..."); always returns -1. */
int vps_error_wrap(struct vps_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "prog: msg" to stderr. */
void vps_error_print(const char *prog, const struct vps_err *err);

#endif
