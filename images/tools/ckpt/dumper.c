#include "dumper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "../common/cleanup.h"
#include "../common/error.h"

int dump_refuse(struct dumper *d, const struct dtask *t, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vps_error(d->err, 0, "process %u (%s): %s", t->m.pid ? t->m.pid : (uint32_t)t->hpid,
			 t->m.comm, msg);
}

ssize_t dump_read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	cleanup_close int fd = -1;
	size_t len = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	if (len + 1 >= size) {
		errno = EFBIG;
		return -1;
	}
	buf[len] = 0;
	return (ssize_t)len;
}
