#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* nftw has no context argument: the walk is single-threaded, so these are its parameters. */
static unsigned int shift_id;
static struct vps_err *shift_err;
/* files with more than one link, shifted once: the walk meets each of their names */
static struct { dev_t dev; ino_t ino; } *shifted;
static size_t nshifted, capshifted;

/* 1 if this inode was shifted already under another name, 0 if not (now it is), -1 out of memory */
static int seen_before(const struct stat *st)
{
	for (size_t i = 0; i < nshifted; i++)
		if (shifted[i].dev == st->st_dev && shifted[i].ino == st->st_ino)
			return 1;
	if (nshifted == capshifted) {
		size_t cap = capshifted ? 2 * capshifted : 32;
		void *p = realloc(shifted, cap * sizeof(*shifted));
		if (!p)
			return -1;
		shifted = p;
		capshifted = cap;
	}
	shifted[nshifted].dev = st->st_dev;
	shifted[nshifted++].ino = st->st_ino;
	return 0;
}

static int shift_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int64_t uid = st->st_uid, gid = st->st_gid;

	(void)type;
	(void)ftw;
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1) {
		int seen = seen_before(st);
		if (seen < 0) {
			vps_error(shift_err, ENOMEM, "set the owner of `%s`", path);
			return 1;
		}
		if (seen)
			return 0;
	}
	uid = uid > UINT32_MAX ? -1 : vps_id_host(shift_id, (uint32_t)uid);
	gid = gid > UINT32_MAX ? -1 : vps_id_host(shift_id, (uint32_t)gid);
	if (uid < 0 || gid < 0) {
		vps_error(shift_err, 0, "`%s` is owned by %u:%u, outside the ids of a VPS (0-%u)", path,
			  (unsigned int)st->st_uid, (unsigned int)st->st_gid, VPS_IDS_PER_VPS - 1);
		return 1;
	}
	if (lchown(path, (uid_t)uid, (gid_t)gid) < 0) {
		vps_error(shift_err, errno, "set the owner of `%s`", path);
		return 1;
	}
	/* chown cleared the set-id bits of a file: put the mode back */
	if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) && chmod(path, st->st_mode & 07777) < 0) {
		vps_error(shift_err, errno, "set the mode of `%s`", path);
		return 1;
	}
	return 0;
}

int vps_idmap_shift_tree(const char *dir, unsigned int id, struct vps_err *err)
{
	int rc;

	shift_id = id;
	shift_err = err;
	nshifted = 0;
	rc = nftw(dir, shift_one, 32, FTW_PHYS | FTW_MOUNT);
	free(shifted);
	shifted = NULL;
	nshifted = capshifted = 0;
	if (rc < 0)
		return vps_error(err, errno, "walk `%s`", dir);
	return rc ? vps_error_wrap(err, "give the files of VPS %u its owners", id) : 0;
}
