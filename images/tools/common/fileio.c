#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cleanup.h"

int write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct vps_err *err)
{
	const char *slash = strrchr(path, '/');
	char tmp[PATH_MAX], dir[PATH_MAX];
	cleanup_close int fd = -1;
	cleanup_close int dfd = -1;
	int n, e;

	if (slash)
		n = snprintf(tmp, sizeof(tmp), "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		n = snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return vps_error(err, ENAMETOOLONG, "write `%s`", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return vps_error(err, errno, "create a temporary file for `%s`", path);
	if (fchmod(fd, mode) < 0 || write_full(fd, data, len) < 0 || fsync(fd) < 0) {
		e = errno;
		unlink(tmp);
		return vps_error(err, e, "write `%s`", tmp);
	}
	e = close(fd) < 0 ? errno : 0;
	fd = -1;
	if (e) {
		unlink(tmp);
		return vps_error(err, e, "write `%s`", tmp);
	}
	if (rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		return vps_error(err, e, "rename `%s` to `%s`", tmp, path);
	}
	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) < 0 && errno != EINVAL))
		return vps_error(err, errno, "sync directory `%s` after writing `%s`", dir, path);
	return 0;
}
