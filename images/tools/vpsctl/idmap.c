#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

int vps_idmap_write(pid_t pid, unsigned int id, struct vps_err *err)
{
	static const char *const maps[] = { "uid_map", "gid_map" };
	char path[64], line[64];

	snprintf(line, sizeof(line), "0 %u %u\n", vps_id_base(id), VPS_IDS_PER_VPS);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, maps[i]);
		if (write_file(path, line, err) < 0)
			return vps_error_wrap(err, "map the ids of VPS %u", id);
	}
	return 0;
}

int vps_idmap_become_root(unsigned int id, struct vps_err *err)
{
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		return vps_error(err, errno, "become root of the user namespace of VPS %u", id);
	return 0;
}

int vps_idmap_userns_fd(unsigned int id, struct vps_err *err)
{
	int ready[2], hold[2], fd = -1;
	char c, path[64];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return vps_error(err, errno, "create a pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return vps_error(err, errno, "create a pipe");
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(ready[1], "u", 1) != 1)
			_exit(1);
		/* stay until the parent has opened the namespace (EOF) */
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0)
		vps_error(err, errno, "fork to make a user namespace for VPS %u", id);
	else if (read(ready[0], &c, 1) != 1)
		vps_error(err, EPERM, "make a user namespace for VPS %u", id);
	else if (vps_idmap_write(pid, id, err) == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			vps_error(err, errno, "open `%s`", path);
	}
	close(ready[0]);
	close(hold[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return fd;
}
