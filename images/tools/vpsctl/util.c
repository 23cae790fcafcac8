#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../common/cleanup.h"

int write_file(const char *path, const char *text, struct vps_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0)
		return vps_error(err, errno, "open `%s` for writing", path);
	if (write(fd, text, len) != (ssize_t)len)
		return vps_error(err, errno, "write `%s` to `%s`", text, path);
	return 0;
}

ssize_t read_file(const char *path, char *buf, size_t len, struct vps_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0)
		return vps_error(err, errno, "open `%s`", path);
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	if (n < 0 && got == 0)
		return vps_error(err, errno, "read `%s`", path);
	buf[got] = '\0';
	return got;
}

int mkdir_p(const char *path, mode_t mode, struct vps_err *err)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return vps_error(err, ENAMETOOLONG, "create directory `%s`", path);
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, mode) < 0 && errno != EEXIST)
				return vps_error(err, errno, "create directory `%s`", tmp);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

static int rm_rf_at(int dirfd, const char *name, dev_t dev, struct vps_err *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : vps_error(err, errno, "stat `%s`", name);
	if (S_ISDIR(st.st_mode)) {
		int fd;
		DIR *d;
		struct dirent *de;

		if (st.st_dev != dev)
			return vps_error(err, EBUSY, "remove `%s` (a mount point)", name);
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return vps_error(err, errno, "open directory `%s`", name);
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return vps_error(err, errno, "read directory `%s`", name);
		}
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (rm_rf_at(fd, de->d_name, dev, err) < 0) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
		if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
			return vps_error(err, errno, "remove directory `%s`", name);
		return 0;
	}
	if (unlinkat(dirfd, name, 0) < 0)
		return vps_error(err, errno, "remove `%s`", name);
	return 0;
}

int rm_rf(const char *path, struct vps_err *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : vps_error(err, errno, "stat `%s`", path);
	if (rm_rf_at(AT_FDCWD, path, st.st_dev, err) < 0)
		return vps_error_wrap(err, "remove `%s`", path);
	return 0;
}

/* Wait for a child that runs `prog` for `what`; 0 only if it exited 0 (127: could not be run). */
static int wait_child(pid_t pid, const char *what, const char *prog, struct vps_err *err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vps_error(err, errno, "wait for %s", what);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return vps_error(err, 0, "%s: cannot run `%s`", what, prog);
	if (WIFEXITED(status))
		return vps_error(err, 0, "%s: `%s` failed with exit code %d", what, prog, WEXITSTATUS(status));
	return vps_error(err, 0, "%s: `%s` killed by signal %d", what, prog, WTERMSIG(status));
}

int run_shell(const char *what, const char *cmd, char *const extra_env[], struct vps_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return vps_error(err, errno, "fork for %s", what);
	if (pid == 0) {
		for (int i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return wait_child(pid, what, cmd, err);
}

int is_mountpoint(const char *path)
{
	struct statx self, parent;
	char up[PATH_MAX + 4];

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &self) < 0 || !(self.stx_mask & STATX_MNT_ID))
		return 0;
	if (!strcmp(path, "/"))
		return 1;
	snprintf(up, sizeof(up), "%s/..", path);
	if (statx(AT_FDCWD, up, 0, STATX_MNT_ID, &parent) < 0)
		return 0;
	/* a mount's root has another mount id than its parent directory (bind mounts on the same fs too) */
	return self.stx_mnt_id != parent.stx_mnt_id;
}

int run_quiet(const char *what, char *const argv[], struct vps_err *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return vps_error(err, errno, "fork for %s", what);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return wait_child(pid, what, argv[0], err);
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void hold_signals(sigset_t *old)
{
	sigset_t block;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, old);
}
