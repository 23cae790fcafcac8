#include "error.h"

#include <stdio.h>
#include <string.h>

int vps_error(struct vps_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (errnum && n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	return -1;
}

int vps_error_wrap(struct vps_err *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void vps_error_print(const char *prog, const struct vps_err *err)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
}
